//! One accepted WebSocket: read messages and run the gateway's handlers, write what they and
//! the `WsSender` queue send, ping the quiet, close on errors, limits and shutdown.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{SinkExt as _, StreamExt as _};
use http::header::{CONTENT_TYPE, HeaderValue};
use hyper_util::rt::TokioIo;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::error::{CapacityError, Error as WsError};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role};

use super::gateway::Gateway;
use super::{WsMessage, WsSender};
use crate::app::AppInner;
use crate::body::{Body, RequestBody};
use crate::di::container::RequestScope;
use crate::error::HttpError;
use crate::pipeline::{ExecutionContext, PathParams, RequestHead, Route};

/// What the upgrade request hands to its connection.
pub(crate) struct Connection {
    pub(crate) head: RequestHead,
    pub(crate) params: PathParams,
    pub(crate) scope: Option<RequestScope>,
    pub(crate) sender: WsSender,
    pub(crate) outbox: mpsc::Receiver<WsMessage>,
    /// The `#[ws]` route's index in the app's routes.
    pub(crate) route: usize,
}

/// How the server ends a socket.
struct Close {
    code: u16,
    reason: String,
}

impl Close {
    fn new(code: u16, reason: impl Into<String>) -> Self {
        Self { code, reason: reason.into() }
    }
}

/// Serves one socket from the 101 to its close, then runs the disconnect handler and ends
/// the connection's request scope.
pub(crate) async fn run(
    app: Arc<AppInner>,
    on_upgrade: hyper::upgrade::OnUpgrade,
    mut connection: Connection,
) {
    let route = &app.routes[connection.route];
    let upgraded = match on_upgrade.await {
        Ok(upgraded) => upgraded,
        Err(err) => {
            // The 101 was never sent (a later stage replaced the reply) or the client left.
            tracing::debug!(route = %route.template, error = %err, "the WebSocket upgrade did not happen");
            end_scope(&app, connection.scope.take());
            return;
        }
    };
    let config = &app.options.websocket;
    let mut socket = WebSocketStream::from_raw_socket(
        TokioIo::new(upgraded),
        Role::Server,
        Some(config.tungstenite()),
    )
    .await;
    let gateway = route.gateway.as_deref();
    let shutdown = app.sockets.shutdown.clone();
    let idle = config.idle_timeout;
    let sleep = tokio::time::sleep(idle.map_or(Duration::from_secs(86_400), |t| t / 2));
    tokio::pin!(sleep);
    let mut pinged = false;
    let close = loop {
        tokio::select! {
            biased;
            () = shutdown.cancelled() => break Some(Close::new(1001, "the server is shutting down")),
            () = connection.sender.closing().cancelled() => {
                let (code, reason) = connection.sender.close_reason().cloned().unwrap_or((1000, String::new()));
                break Some(Close::new(code, reason));
            }
            Some(message) = connection.outbox.recv() => {
                if socket.send(message.into_frame()).await.is_err() {
                    break None;
                }
            }
            () = &mut sleep, if idle.is_some() => {
                let half = idle.unwrap_or_default() / 2;
                if pinged {
                    break Some(Close::new(1001, "idle timeout"));
                }
                pinged = true;
                if socket.send(Message::Ping(Bytes::new())).await.is_err() {
                    break None;
                }
                sleep.as_mut().reset(Instant::now() + half);
            }
            frame = socket.next() => {
                if let Some(timeout) = idle {
                    pinged = false;
                    sleep.as_mut().reset(Instant::now() + timeout / 2);
                }
                let message = match frame {
                    None | Some(Ok(Message::Close(_))) => break None,
                    Some(Ok(Message::Text(text))) => WsMessage::Text(text.as_str().to_owned()),
                    Some(Ok(Message::Binary(bytes))) => WsMessage::Binary(bytes),
                    Some(Ok(_)) => continue,
                    Some(Err(WsError::Capacity(CapacityError::MessageTooLong { .. }))) => {
                        break Some(Close::new(1009, "the message is too big"));
                    }
                    Some(Err(err)) => {
                        tracing::debug!(error = %err, "WebSocket read failed");
                        break None;
                    }
                };
                let Some(gateway) = gateway else { continue };
                match dispatch(&app, gateway, &mut connection, message).await {
                    Ok(None) => {}
                    Ok(Some(reply)) => {
                        if socket.send(reply.into_frame()).await.is_err() {
                            break None;
                        }
                    }
                    Err(close) => break Some(close),
                }
            }
        }
    };
    if let Some(Close { code, reason }) = close {
        let frame = CloseFrame { code: CloseCode::from(code), reason: truncate(reason).into() };
        // The client may be gone already; the close is best effort, bounded like a write.
        let _ = tokio::time::timeout(Duration::from_secs(5), socket.close(Some(frame))).await;
    }
    connection.outbox.close();
    connection.sender.close(1000, "");
    if let Some(disconnect) = gateway.and_then(|g| g.disconnect.as_ref()) {
        let outcome = on_context(&app, disconnect, &mut connection, None).await;
        if let Err(err) = outcome {
            tracing::warn!(route = %route.template, error = %err, "the disconnect handler failed");
        }
    }
    end_scope(&app, connection.scope.take());
}

/// Runs the handler `message` is for; `Ok(Some(_))` is its answer to send back, `Err` how to
/// close the socket.
async fn dispatch(
    app: &AppInner,
    gateway: &Gateway,
    connection: &mut Connection,
    message: WsMessage,
) -> Result<Option<WsMessage>, Close> {
    let Some((route, body)) = gateway.route_for(&message) else {
        return Err(Close::new(1003, "no handler takes this message"));
    };
    match on_context(app, route, connection, Some((message, body))).await {
        Ok(response) => Ok(frame_of(response)),
        Err(err) => answer_error(route, err),
    }
}

/// The handler on a context of its own: a copy of the upgrade request's head, the message as
/// the body, the connection's scope lent for the call.
async fn on_context(
    app: &AppInner,
    route: &Route,
    connection: &mut Connection,
    message: Option<(WsMessage, Bytes)>,
) -> Result<http::Response<Body>, HttpError> {
    let mut head = crate::pipeline::head_copy_of(&connection.head);
    head.extensions.insert(connection.sender.clone());
    let body = match message {
        Some((message, body)) => {
            let content_type = match message {
                WsMessage::Text(_) => "application/json",
                WsMessage::Binary(_) => "application/octet-stream",
            };
            head.headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            head.extensions.insert(message);
            RequestBody::from(body)
        }
        None => RequestBody::empty(),
    };
    let mut ctx = ExecutionContext::new(
        route,
        &app.container,
        head,
        connection.params.clone(),
        body,
        app.options.body,
    );
    ctx.put_scope(connection.scope.take());
    let result = crate::pipeline::run_socket_handler(&mut ctx).await;
    connection.scope = ctx.take_scope();
    result
}

/// A handler's reply as a frame: text for text and JSON, binary for bytes, nothing for an
/// empty reply (`()`, 204).
fn frame_of(response: http::Response<Body>) -> Option<WsMessage> {
    let content_type = response.headers().get(CONTENT_TYPE).cloned();
    let Some(bytes) = crate::reply::rendered_bytes(&response) else {
        tracing::warn!("a WebSocket handler returned a streamed reply, which a frame cannot carry");
        return None;
    };
    if bytes.is_empty() {
        return None;
    }
    let binary =
        content_type.is_some_and(|t| t.as_bytes().starts_with(b"application/octet-stream"));
    match (binary, String::from_utf8(bytes.to_vec())) {
        (false, Ok(text)) => Some(WsMessage::Text(text)),
        _ => Some(WsMessage::Binary(bytes)),
    }
}

/// An error a handler ended in: data the handler cannot read closes with 1003, a refusal
/// with 1008, a failure of the server with 1011; any other error is sent back as the usual
/// envelope in a text frame and the socket stays open.
fn answer_error(route: &Route, err: HttpError) -> Result<Option<WsMessage>, Close> {
    let status = err.status();
    if err.is::<crate::error::ExtractorError>() {
        return Err(Close::new(1003, err.message()));
    }
    if status == http::StatusCode::UNAUTHORIZED || status == http::StatusCode::FORBIDDEN {
        return Err(Close::new(1008, err.message()));
    }
    if status.is_server_error() {
        tracing::debug!(route = %route.template, "a WebSocket handler failed: closing with 1011");
        return Err(Close::new(1011, "internal error"));
    }
    let response = err.into_response();
    Ok(crate::reply::rendered_bytes(&response)
        .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
        .map(WsMessage::Text))
}

/// A close reason fits the control frame: at most 123 bytes, cut at a character boundary.
fn truncate(mut reason: String) -> String {
    if reason.len() > 123 {
        let mut end = 123;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
    }
    reason
}

fn end_scope(app: &AppInner, scope: Option<RequestScope>) {
    if let Some(scope) = scope.filter(|scope| scope.has_teardown()) {
        app.teardowns.spawn(scope.tear_down());
    }
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn close_reasons_fit_a_control_frame() {
        assert_eq!(truncate("short".into()), "short");
        let long = "é".repeat(100);
        let cut = truncate(long);
        assert!(cut.len() <= 123 && cut.chars().all(|c| c == 'é'));
    }
}
