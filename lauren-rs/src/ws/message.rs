//! `WsMessage`: one data message of a WebSocket, in or out.

use bytes::Bytes;
use serde::Serialize;

use crate::error::HttpError;
use crate::extract::{Field, FromRequest};
use crate::pipeline::ExecutionContext;

/// A WebSocket data message: text (UTF-8) or binary.
///
/// A message handler may take it to see the frame as it came (for the text of a frame, or a
/// binary one); `Json<T>` and `Bytes` parameters read the same message as a body.
///
/// ```
/// use lauren::ws::WsMessage;
///
/// let text = WsMessage::from("hello");
/// assert_eq!(text.as_text(), Some("hello"));
/// let binary = WsMessage::from(vec![1u8, 2, 3]);
/// assert_eq!(binary.as_bytes(), &[1, 2, 3]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WsMessage {
    /// A text frame.
    Text(String),
    /// A binary frame.
    Binary(Bytes),
}

impl WsMessage {
    /// The message as JSON text.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, HttpError> {
        let bytes = crate::reply::json_bytes(value)?;
        // serde_json writes UTF-8.
        Ok(Self::Text(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The text of a text message.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            Self::Binary(_) => None,
        }
    }

    /// The bytes of either kind.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Binary(bytes) => bytes,
        }
    }

    pub(crate) fn into_frame(self) -> tokio_tungstenite::tungstenite::Message {
        use tokio_tungstenite::tungstenite::Message;
        match self {
            Self::Text(text) => Message::text(text),
            Self::Binary(bytes) => Message::binary(bytes),
        }
    }
}

impl From<String> for WsMessage {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for WsMessage {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<Bytes> for WsMessage {
    fn from(bytes: Bytes) -> Self {
        Self::Binary(bytes)
    }
}

impl From<Vec<u8>> for WsMessage {
    fn from(bytes: Vec<u8>) -> Self {
        Self::Binary(bytes.into())
    }
}

/// Returned from a message handler, a `WsMessage` goes back as the same kind of frame (over
/// HTTP it is `text/plain` or `application/octet-stream`).
impl crate::reply::IntoReply for WsMessage {
    fn into_response(self) -> http::Response<crate::body::Body> {
        match self {
            Self::Text(text) => text.into_response(),
            Self::Binary(bytes) => bytes.into_response(),
        }
    }

    fn content_type(&self) -> Option<&http::HeaderValue> {
        static TEXT: http::HeaderValue = crate::reply::text_plain();
        static BINARY: http::HeaderValue = crate::reply::octet_stream();
        Some(match self {
            Self::Text(_) => &TEXT,
            Self::Binary(_) => &BINARY,
        })
    }
}

impl FromRequest for WsMessage {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.request().extensions.get::<WsMessage>().cloned().ok_or_else(|| {
            HttpError::internal("WsMessage").with_source(super::OutsideGateway(
                "a `WsMessage` parameter is only given to `#[on_message]` handlers",
            ))
        })
    }
}
