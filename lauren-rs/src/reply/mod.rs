//! Replies: what a handler may return, and how it becomes an HTTP response.

mod parts;
mod response;
mod stream;
mod value;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderValue};
use serde::Serialize;

pub use self::parts::IntoHeaders;
pub use self::response::{Response, SameSite, SetCookie};
pub use self::stream::{Event, JsonStream, Ndjson, Sse};
pub use self::value::Reply;
use crate::body::Body;
use crate::error::HttpError;
use crate::extract::Json;
use crate::pipeline::RequestHead;

// The content types replies set. Each is checked when compiled: `HeaderValue::from_static`
// called at run time with a non-literal validates every byte on every call.
pub(crate) const fn application_json() -> HeaderValue {
    const { HeaderValue::from_static("application/json") }
}
pub(crate) const fn text_plain() -> HeaderValue {
    const { HeaderValue::from_static("text/plain; charset=utf-8") }
}
pub(crate) const fn text_html() -> HeaderValue {
    const { HeaderValue::from_static("text/html; charset=utf-8") }
}
pub(crate) const fn octet_stream() -> HeaderValue {
    const { HeaderValue::from_static("application/octet-stream") }
}

/// A value a handler can return.
///
/// | returned | status | content-type |
/// |---|---|---|
/// | `()`, `None` | 204 | none |
/// | `String`, `&'static str` | 200 | `text/plain; charset=utf-8` |
/// | `Bytes`, `Vec<u8>` | 200 | `application/octet-stream` |
/// | `Json<T>`, `serde_json::Value` | 200 | `application/json` (compact, UTF-8 unescaped) |
/// | `(StatusCode, T)`, `(StatusCode, headers, T)` | given | `T`'s |
/// | [`Response`] | built | built |
/// | [`Sse`], [`Ndjson`] (streamed) | 200 | `text/event-stream`, `application/x-ndjson` |
/// | [`JsonStream`] (streamed) | 200 | either, as `Accept` prefers |
/// | `Result<T, E>` with `E: Into<HttpError>` | `T`'s, or the error envelope | |
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    note = "return `()`, `String`, `&'static str`, `Bytes`, `Vec<u8>`, `Json<T>`, `serde_json::Value`, `lauren::Response`, `lauren::Sse`, `lauren::Ndjson`, `lauren::JsonStream`, `(StatusCode, T)`, or `Result<T, E>` where `E: Into<HttpError>`; or implement `lauren::IntoReply`"
)]
pub trait IntoReply {
    /// Renders the value as a complete HTTP response.
    fn into_response(self) -> http::Response<Body>;

    /// The status the value will render with, known before rendering (for [`Reply::status`]).
    fn status(&self) -> StatusCode {
        StatusCode::OK
    }

    /// The value as JSON without rendering it, when it is JSON-like (for [`Reply::to_json`]).
    fn to_json(&self) -> Option<serde_json::Value> {
        None
    }

    /// The `content-type` the value will render with, known before rendering (for
    /// [`Reply::header`]); `None` for none (`()`) or unknown.
    fn content_type(&self) -> Option<&HeaderValue> {
        None
    }

    /// Reads what the value needs of the request before it renders; called once, when a
    /// handler returns it (directly or in a `Result`), before interceptors see it. A file
    /// reads the conditional and `Range` headers here; most values need nothing.
    fn prepare(&mut self, request: &RequestHead) {
        let _ = request;
    }
}

static APPLICATION_JSON: HeaderValue = application_json();
static TEXT_PLAIN: HeaderValue = text_plain();
static OCTET_STREAM: HeaderValue = octet_stream();

/// The bytes of a rendered whole body, without consuming it.
pub(crate) fn rendered_bytes(response: &http::Response<Body>) -> Option<Bytes> {
    use futures_util::FutureExt as _;
    use http_body_util::BodyExt as _;
    // A `Full` body is ready at once; cloning it clones a `Bytes` handle, not the data.
    let Body::Full(full) = response.body() else { return None };
    match full.clone().collect().now_or_never()? {
        Ok(collected) => Some(collected.to_bytes()),
        Err(never) => match never {},
    }
}

#[inline(always)]
pub(crate) fn with_content_type(body: Bytes, content_type: HeaderValue) -> http::Response<Body> {
    let mut response = http::Response::new(Body::from(body));
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

/// Serializes `value` compactly; a value that cannot be serialized becomes a 500 (logged with
/// the type and serde's reason, which the client never sees).
pub(crate) fn json_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Bytes, HttpError> {
    let mut buf = Vec::with_capacity(128);
    serde_json::to_writer(&mut buf, value).map(|()| Bytes::from(buf)).map_err(|err| {
        tracing::error!(
            r#type = std::any::type_name::<T>(),
            error = %err,
            "a reply failed to serialize"
        );
        HttpError::internal("serialization").with_source(err)
    })
}

impl IntoReply for () {
    fn into_response(self) -> http::Response<Body> {
        let mut response = http::Response::new(Body::default());
        *response.status_mut() = StatusCode::NO_CONTENT;
        response
    }

    fn status(&self) -> StatusCode {
        StatusCode::NO_CONTENT
    }
}

impl<T: IntoReply> IntoReply for Option<T> {
    fn into_response(self) -> http::Response<Body> {
        match self {
            Some(value) => value.into_response(),
            None => ().into_response(),
        }
    }

    fn status(&self) -> StatusCode {
        self.as_ref().map_or(StatusCode::NO_CONTENT, IntoReply::status)
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        self.as_ref().and_then(IntoReply::to_json)
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        self.as_ref().and_then(IntoReply::content_type)
    }

    fn prepare(&mut self, request: &RequestHead) {
        if let Some(value) = self {
            value.prepare(request);
        }
    }
}

impl IntoReply for String {
    fn into_response(self) -> http::Response<Body> {
        with_content_type(Bytes::from(self), text_plain())
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String(self.clone()))
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&TEXT_PLAIN)
    }
}

impl IntoReply for &'static str {
    fn into_response(self) -> http::Response<Body> {
        with_content_type(Bytes::from_static(self.as_bytes()), text_plain())
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        Some(serde_json::Value::String((*self).to_owned()))
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&TEXT_PLAIN)
    }
}

impl IntoReply for Bytes {
    fn into_response(self) -> http::Response<Body> {
        with_content_type(self, octet_stream())
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&OCTET_STREAM)
    }
}

impl IntoReply for Vec<u8> {
    fn into_response(self) -> http::Response<Body> {
        with_content_type(Bytes::from(self), octet_stream())
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&OCTET_STREAM)
    }
}

impl<T: Serialize> IntoReply for Json<T> {
    fn into_response(self) -> http::Response<Body> {
        match json_bytes(&self.0) {
            Ok(bytes) => with_content_type(bytes, application_json()),
            Err(err) => err.into_response(),
        }
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        serde_json::to_value(&self.0).ok()
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&APPLICATION_JSON)
    }
}

impl IntoReply for serde_json::Value {
    fn into_response(self) -> http::Response<Body> {
        Json(self).into_response()
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        Some(self.clone())
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&APPLICATION_JSON)
    }
}

impl IntoReply for HttpError {
    fn into_response(self) -> http::Response<Body> {
        HttpError::into_response(self)
    }

    fn status(&self) -> StatusCode {
        HttpError::status(self)
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&APPLICATION_JSON)
    }
}

impl IntoReply for http::Response<Body> {
    fn into_response(self) -> http::Response<Body> {
        self
    }

    fn status(&self) -> StatusCode {
        http::Response::status(self)
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        self.headers().get(CONTENT_TYPE)
    }
}

/// True when a rendered value's status must survive a tuple's: an error (a failed
/// serialization, an `HttpError`), or the answer to a conditional or range request (a file's
/// 304 or 206), which the tuple's status would turn into a lie.
fn keeps_status(response: &http::Response<Body>) -> bool {
    let status = response.status();
    status.is_client_error()
        || status.is_server_error()
        || status == StatusCode::NOT_MODIFIED
        || status == StatusCode::PARTIAL_CONTENT
}

impl<T: IntoReply> IntoReply for (StatusCode, T) {
    fn into_response(self) -> http::Response<Body> {
        let mut response = self.1.into_response();
        if !keeps_status(&response) {
            *response.status_mut() = self.0;
        }
        response
    }

    fn status(&self) -> StatusCode {
        self.0
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        self.1.to_json()
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        self.1.content_type()
    }

    fn prepare(&mut self, request: &RequestHead) {
        self.1.prepare(request);
    }
}

impl<H: IntoHeaders, T: IntoReply> IntoReply for (StatusCode, H, T) {
    fn into_response(self) -> http::Response<Body> {
        let mut response = self.2.into_response();
        if response.status().is_client_error() || response.status().is_server_error() {
            return response;
        }
        // A 304 or 206 keeps its status and still takes the headers.
        if !keeps_status(&response) {
            *response.status_mut() = self.0;
        }
        match self.1.apply(response.headers_mut()) {
            Ok(()) => response,
            Err(err) => err.into_response(),
        }
    }

    fn status(&self) -> StatusCode {
        self.0
    }

    fn to_json(&self) -> Option<serde_json::Value> {
        self.2.to_json()
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        self.2.content_type()
    }

    fn prepare(&mut self, request: &RequestHead) {
        self.2.prepare(request);
    }
}

/// What a handler's return value becomes: a [`Reply`], or the error it carries.
///
/// `Result<T, E>` returns are split here, so interceptors see a handler's error as `Err`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a handler",
    note = "return `()`, `String`, `&'static str`, `Bytes`, `Vec<u8>`, `Json<T>`, `serde_json::Value`, `lauren::Response`, `lauren::Sse`, `lauren::Ndjson`, `lauren::JsonStream`, `(StatusCode, T)`, or `Result<T, E>` where `E: Into<HttpError>`; or implement `lauren::IntoReply`"
)]
pub trait HandlerOutput {
    /// Converts, after [`IntoReply::prepare`] read what it needs of `request`; rendering at
    /// once when `render_now` (no interceptor will look at the value).
    fn into_reply(self, request: &RequestHead, render_now: bool) -> Result<Reply, HttpError>;
}

impl<T: IntoReply + Send + 'static> HandlerOutput for T {
    #[inline]
    fn into_reply(mut self, request: &RequestHead, render_now: bool) -> Result<Reply, HttpError> {
        self.prepare(request);
        Ok(if render_now { Reply::rendered(self.into_response()) } else { Reply::new(self) })
    }
}

impl<T: IntoReply + Send + 'static, E: Into<HttpError>> HandlerOutput for Result<T, E> {
    #[inline]
    fn into_reply(self, request: &RequestHead, render_now: bool) -> Result<Reply, HttpError> {
        self.map_err(Into::into).and_then(|value| value.into_reply(request, render_now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_is_204_without_content_type() {
        let response = ().into_response();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert!(response.headers().get(CONTENT_TYPE).is_none());
    }

    #[test]
    fn status_tuple_keeps_the_inner_content_type() {
        let response = (StatusCode::CREATED, "made").into_response();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()[CONTENT_TYPE], text_plain());
    }
}
