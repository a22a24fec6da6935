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
    /// What the upgrade request carried (a guard's user, the `WsSender`): every message's.
    pub(crate) extensions: http::Extensions,
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
            drop(connection.scope.take());
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
    let closing = connection.sender.closing().clone();
    let idle = config.idle_timeout;
    // A write the client does not take within this long means it stopped reading.
    let write_timeout = idle.unwrap_or(Duration::from_secs(60));
    let sleep = tokio::time::sleep_until(later(idle.map(|t| t / 2)));
    tokio::pin!(sleep);
    let mut pinged = false;
    // No `biased`: a client that floods, or a queue that is never empty, must not starve the
    // other arms (reads reset the idle timer; the outbox must drain).
    let ending = loop {
        tokio::select! {
            () = shutdown.cancelled() => break Ending::Close(1001, "the server is shutting down".into()),
            () = closing.cancelled() => {
                let (code, reason) = connection.sender.close_reason().cloned().unwrap_or((1000, String::new()));
                break Ending::Close(code, reason);
            }
            Some(message) = connection.outbox.recv() => {
                if !write(&mut socket, message.into_frame(), write_timeout).await {
                    break Ending::Drop;
                }
            }
            () = &mut sleep, if idle.is_some() => {
                if pinged {
                    break Ending::Close(1001, "idle timeout".into());
                }
                pinged = true;
                if !write(&mut socket, Message::Ping(Bytes::new()), write_timeout).await {
                    break Ending::Drop;
                }
                sleep.as_mut().reset(later(idle.map(|t| t / 2)));
            }
            frame = socket.next() => {
                pinged = false;
                sleep.as_mut().reset(later(idle.map(|t| t / 2)));
                let message = match frame {
                    None => break Ending::Drop,
                    // tungstenite queued the answer; sending it is the clean end.
                    Some(Ok(Message::Close(_))) => break Ending::Answer,
                    Some(Ok(Message::Text(text))) => WsMessage::Text(text.as_str().to_owned()),
                    Some(Ok(Message::Binary(bytes))) => WsMessage::Binary(bytes),
                    Some(Ok(_)) => continue,
                    Some(Err(WsError::Capacity(CapacityError::MessageTooLong { .. }))) => {
                        break Ending::Close(1009, "the message is too big".into());
                    }
                    // RFC 6455 section 7.1.7: say why before closing, when the socket still can.
                    Some(Err(WsError::Protocol(err))) => {
                        tracing::debug!(error = %err, "WebSocket protocol error");
                        break Ending::Close(1002, "protocol error".into());
                    }
                    Some(Err(WsError::Utf8(_))) => {
                        break Ending::Close(1007, "a text message must be UTF-8".into());
                    }
                    Some(Err(err)) => {
                        tracing::debug!(error = %err, "WebSocket read failed");
                        break Ending::Drop;
                    }
                };
                let Some(gateway) = gateway else { continue };
                match dispatch(&app, gateway, &mut connection, message).await {
                    Ok(None) => {}
                    Ok(Some(reply)) if reply.as_bytes().len() > config.max_send_bytes => {
                        tracing::error!(
                            route = %route.template,
                            bytes = reply.as_bytes().len(),
                            "a WebSocket reply is larger than max_send_bytes: closing with 1011"
                        );
                        break Ending::Close(1011, "the reply is too large".into());
                    }
                    Ok(Some(reply)) => {
                        if !write(&mut socket, reply.into_frame(), write_timeout).await {
                            break Ending::Drop;
                        }
                    }
                    Err(Close { code, reason }) => break Ending::Close(code, reason),
                }
            }
        }
    };
    // The client may be gone already: the close is best effort, bounded like a write.
    match ending {
        Ending::Close(code, reason) => {
            let frame = CloseFrame { code: CloseCode::from(code), reason: truncate(reason).into() };
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, socket.close(Some(frame))).await;
        }
        // tungstenite answers a close as it reads it, and sends the answer on the next flush
        // (sending a frame of our own would be refused after the client's close).
        Ending::Answer => {
            let _ = tokio::time::timeout(CLOSE_TIMEOUT, futures_util::SinkExt::close(&mut socket))
                .await;
        }
        Ending::Drop => {}
    }
    drop(socket);
    finish(&app, route, gateway, connection).await;
}

/// How long the server waits to send its close frame.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

/// How the read loop ended.
enum Ending {
    /// The server closes with this code and reason.
    Close(u16, String),
    /// The client closed: answer its close frame.
    Answer,
    /// The connection is gone or broken: nothing more can be sent.
    Drop,
}

/// Sends `frame`, or says the client has not taken it in `timeout`.
async fn write(
    socket: &mut WebSocketStream<TokioIo<hyper::upgrade::Upgraded>>,
    frame: Message,
    timeout: Duration,
) -> bool {
    matches!(tokio::time::timeout(timeout, socket.send(frame)).await, Ok(Ok(())))
}

/// `now + after`, or far away for no bound (or one too large to add).
fn later(after: Option<Duration>) -> Instant {
    let far = Duration::from_secs(86_400 * 365);
    let now = Instant::now();
    after.and_then(|after| now.checked_add(after)).unwrap_or_else(|| now + far)
}

/// After the socket: no more sends, the disconnect handler, the connection's scope.
async fn finish(
    app: &AppInner,
    route: &Route,
    gateway: Option<&Gateway>,
    mut connection: Connection,
) {
    connection.outbox.close();
    connection.sender.close(1000, "");
    if let Some(disconnect) = gateway.and_then(|g| g.disconnect.as_ref()) {
        let outcome = on_context(app, disconnect, &mut connection, None).await;
        if let Err(err) = outcome {
            tracing::warn!(route = %route.template, error = %err, "the disconnect handler failed");
        }
    }
    drop(connection.scope.take());
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
    head.extensions = connection.extensions.clone();
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
