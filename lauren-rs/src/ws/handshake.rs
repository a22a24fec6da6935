//! The upgrade: an RFC 6455 handshake checked before the connect handler runs, answered with
//! 101 after it succeeded.

use std::sync::Arc;

use http::header::{
    CONNECTION, HeaderValue, ORIGIN, SEC_WEBSOCKET_ACCEPT, SEC_WEBSOCKET_KEY,
    SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION, UPGRADE,
};
use http::{HeaderMap, StatusCode};
use tokio::sync::mpsc;

use super::{WsMessage, WsSender};
use crate::app::AppInner;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;

/// A checked upgrade request, waiting for the connect handler's verdict.
#[doc(hidden)]
pub struct Handshake {
    accept_key: HeaderValue,
    on_upgrade: hyper::upgrade::OnUpgrade,
    app: Arc<AppInner>,
    sender: WsSender,
    outbox: mpsc::Receiver<WsMessage>,
}

impl Handshake {
    /// Checks the upgrade headers and takes the connection's upgrade: a request that is not a
    /// WebSocket handshake gets 426 (or 400 for a malformed key) before any extraction.
    pub fn check(ctx: &mut ExecutionContext<'_>) -> Result<Self, HttpError> {
        if ctx.method() != http::Method::GET {
            // `HEAD` reaches `GET` routes; only a `GET` may upgrade (RFC 6455 section 4.1).
            return Err(HttpError::method_not_allowed(
                "only GET opens a WebSocket",
                HeaderValue::from_static("GET"),
            ));
        }
        let headers = &ctx.request().headers;
        if !has_token(headers, &CONNECTION, "upgrade") || !has_token(headers, &UPGRADE, "websocket")
        {
            return Err(upgrade_required(
                "this route speaks WebSocket: send `Connection: Upgrade` and `Upgrade: websocket`",
            ));
        }
        if headers.get(SEC_WEBSOCKET_VERSION).map(HeaderValue::as_bytes) != Some(b"13") {
            return Err(upgrade_required("only WebSocket version 13 is supported")
                .with_header(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13")));
        }
        let key =
            headers.get(SEC_WEBSOCKET_KEY).map(HeaderValue::as_bytes).filter(|key| valid_key(key));
        let Some(key) = key else {
            return Err(HttpError::bad_request("`Sec-WebSocket-Key` must be 16 bytes in base64"));
        };
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key);
        let accept_key = HeaderValue::from_str(&accept)
            .map_err(|err| HttpError::internal("handshake").with_source(err))?;
        let app = ctx.container().app().ok_or_else(|| HttpError::internal("WebSocketApp"))?;
        let config = &app.options.websocket;
        if !origin_allowed(headers, &config.allowed_origins) {
            return Err(HttpError::forbidden("this origin may not open a WebSocket here"));
        }
        let protocol = choose_protocol(headers, &config.protocols);
        let request = ctx.request_mut();
        // HTTP/2 and in-process requests have no connection to take over.
        let Some(on_upgrade) = request.extensions.remove::<hyper::upgrade::OnUpgrade>() else {
            return Err(upgrade_required("WebSocket needs an HTTP/1.1 connection"));
        };
        let (sender, outbox) = WsSender::channel(&app.options.websocket, protocol);
        request.extensions.insert(sender.clone());
        Ok(Self { accept_key, on_upgrade, app, sender, outbox })
    }
}

/// What a `#[ws]` handler may return: `()` to accept, or a `Result` whose error refuses the
/// upgrade with the usual error envelope.
#[diagnostic::on_unimplemented(
    message = "a `#[ws]` handler returns `()` or `Result<(), E>`, not `{Self}`",
    note = "the upgrade is the reply: return `Ok(())` to accept the socket, or an error to refuse it over HTTP"
)]
pub trait ConnectOutput {
    /// `Ok` to accept the socket.
    fn into_result(self) -> Result<(), HttpError>;
}

impl ConnectOutput for () {
    fn into_result(self) -> Result<(), HttpError> {
        Ok(())
    }
}

impl<E: Into<HttpError>> ConnectOutput for Result<(), E> {
    fn into_result(self) -> Result<(), HttpError> {
        self.map_err(Into::into)
    }
}

/// After the connect handler: on success, the connection is handed to its own task (it starts
/// once hyper has sent the 101), and the request scope moves to it.
#[doc(hidden)]
pub fn accept(
    ctx: &mut ExecutionContext<'_>,
    handshake: Handshake,
    value: impl ConnectOutput,
) -> Result<Reply, HttpError> {
    value.into_result()?;
    let Handshake { accept_key, on_upgrade, app, sender, outbox } = handshake;
    let route = ctx.route();
    let Some(index) = app.routes.iter().position(|r| std::ptr::eq(r, route)) else {
        return Err(HttpError::internal("WebSocketRoute"));
    };
    let connection = super::connection::Connection {
        head: crate::pipeline::head_copy_of(ctx.request()),
        extensions: ctx.request().extensions.clone(),
        params: ctx.params(),
        scope: ctx.take_scope(),
        sender,
        outbox,
        route: index,
    };
    let chosen = connection.sender.protocol().map(str::to_owned);
    let sockets = app.sockets.clone();
    sockets.spawn(super::connection::run(app, on_upgrade, connection));
    let mut response = http::Response::new(crate::body::Body::default());
    *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
    let headers = response.headers_mut();
    headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
    headers.insert(CONNECTION, HeaderValue::from_static("upgrade"));
    headers.insert(SEC_WEBSOCKET_ACCEPT, accept_key);
    if let Some(protocol) = chosen.and_then(|p| HeaderValue::from_str(&p).ok()) {
        headers.insert(SEC_WEBSOCKET_PROTOCOL, protocol);
    }
    Ok(Reply::rendered(response))
}

/// No list, no `Origin` (not a browser), or a listed one.
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    match headers.get(ORIGIN).map(|origin| origin.to_str()) {
        None => true,
        Some(Ok(origin)) => allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)),
        Some(Err(_)) => false,
    }
}

/// The first subprotocol the client offers that the server speaks.
fn choose_protocol(headers: &HeaderMap, spoken: &[String]) -> Option<Arc<str>> {
    if spoken.is_empty() {
        return None;
    }
    headers
        .get_all(SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .find(|offered| spoken.iter().any(|s| s == offered))
        .map(Arc::from)
}

fn upgrade_required(message: &'static str) -> HttpError {
    HttpError::new(StatusCode::UPGRADE_REQUIRED, "upgrade_required", message)
        .with_header(UPGRADE, HeaderValue::from_static("websocket"))
        .with_header(CONNECTION, HeaderValue::from_static("upgrade"))
}

/// True when the comma-separated header `name` lists `token` (case-insensitively).
fn has_token(headers: &HeaderMap, name: &http::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// 16 bytes in base64: 22 characters and `==`.
fn valid_key(key: &[u8]) -> bool {
    key.len() == 24
        && key.ends_with(b"==")
        && key[..22].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_sixteen_bytes_of_base64() {
        assert!(valid_key(b"dGhlIHNhbXBsZSBub25jZQ=="));
        assert!(valid_key(b"+/+/+/+/+/+/+/+/+/+/+w=="), "`+` and `/` are base64");
        assert!(!valid_key(b"dGhlIHNhbXBsZSBub25jZQ="));
        assert!(!valid_key(b"dGhlIHNhbXBsZSBub25jZ!=="));
        assert!(!valid_key(b""));
    }

    #[test]
    fn origins_and_subprotocols() {
        let mut headers = HeaderMap::new();
        let allowed = vec!["https://app.example".to_owned()];
        assert!(origin_allowed(&headers, &allowed), "no Origin: not a browser");
        headers.insert(ORIGIN, HeaderValue::from_static("https://APP.example"));
        assert!(origin_allowed(&headers, &allowed));
        assert!(origin_allowed(&headers, &[]));
        headers.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!origin_allowed(&headers, &allowed));

        headers.insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::from_static("mqtt, graphql-ws"));
        let spoken = vec!["graphql-ws".to_owned(), "mqtt".to_owned()];
        assert_eq!(
            choose_protocol(&headers, &spoken).as_deref(),
            Some("mqtt"),
            "the client's order"
        );
        assert_eq!(choose_protocol(&headers, &["stomp".to_owned()]), None);
        assert_eq!(choose_protocol(&headers, &[]), None);
    }

    #[test]
    fn connection_tokens_are_a_case_insensitive_list() {
        let mut headers = HeaderMap::new();
        headers.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        assert!(has_token(&headers, &CONNECTION, "upgrade"));
        headers.insert(CONNECTION, HeaderValue::from_static("upgraded"));
        assert!(!has_token(&headers, &CONNECTION, "upgrade"));
    }
}
