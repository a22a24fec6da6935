//! `HttpError`: the one error type a request can end in, rendered as Lauren's envelope
//! `{"error":{"code":..,"message":..,"detail":{..}}}`.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::body::Body;
use crate::type_name::TypeName;

pub mod kinds;
pub(crate) mod mapping;

pub(crate) use self::kinds::ExtractorError;
use self::kinds::{Forbidden, Unauthorized};
pub use self::mapping::{IntoHttpError, MappedError};

/// An error that ends a request with a status and a JSON envelope.
///
/// Handlers, extractors and (later) guards and interceptors return it; the pipeline renders it as
/// `{"error":{"code":"..","message":"..","detail":{..}}}` with `content-type: application/json`.
///
/// Any `std::error::Error` converts into a 500 `internal_error` whose `detail.type` names the
/// error type, so `?` works in a handler returning [`crate::Result`]. The error itself is kept
/// (never rendered: its text may be private) so interceptors, exception handlers and the log can
/// get it back by type with [`HttpError::source_as`]. `HttpError` does not implement
/// `std::error::Error` for exactly that reason (the same trade-off `anyhow::Error` makes).
///
/// ```
/// use lauren::HttpError;
///
/// let err = HttpError::not_found("order 7 does not exist").with_detail("id", 7);
/// assert_eq!(err.status(), 404);
/// assert_eq!(err.code(), "not_found");
///
/// let err = HttpError::from("x".parse::<u8>().unwrap_err());
/// assert_eq!(err.status(), 500);
/// assert!(err.is::<std::num::ParseIntError>());
/// ```
pub struct HttpError(Box<Inner>);

/// The error an [`HttpError`] was made from.
pub type ErrorSource = Box<dyn std::error::Error + Send + Sync + 'static>;

// Boxed so `Result<T, HttpError>` stays pointer-sized on the success path; the allocation is
// paid only when a request actually fails.
struct Inner {
    status: StatusCode,
    code: Cow<'static, str>,
    message: Cow<'static, str>,
    detail: Map<String, Value>,
    headers: HeaderMap,
    source: Option<ErrorSource>,
}

impl HttpError {
    /// An error with any status, machine-readable `code` and human `message`.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self(Box::new(Inner {
            status,
            code: code.into(),
            message: message.into(),
            detail: Map::new(),
            headers: HeaderMap::new(),
            source: None,
        }))
    }

    /// 500 `http_error` with this message: Lauren's base `HTTPError(message)`, for an error that
    /// is the server's but whose message the client may read. (`HttpError::message` is the
    /// getter, hence the name.)
    pub fn from_message(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "http_error", message)
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401 `unauthorized`, empty detail, and the `www-authenticate: Bearer` header RFC 9110 asks
    /// a 401 to carry (replace it with [`HttpError::with_header`] for another scheme).
    pub fn unauthorized(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
            .with_source(Unauthorized)
            .with_header(http::header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message).with_source(Forbidden)
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 405 `method_not_allowed`, with the `Allow` header the status requires.
    pub(crate) fn method_not_allowed(
        message: impl Into<Cow<'static, str>>,
        allow: HeaderValue,
    ) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", message)
            .with_header(http::header::ALLOW, allow)
    }

    /// 409 `conflict`.
    pub fn conflict(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 413 `payload_too_large`.
    pub fn payload_too_large(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }

    /// 422 `unprocessable_entity`.
    pub fn unprocessable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable_entity", message)
    }

    /// 429 `too_many_requests`.
    pub fn too_many_requests(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
    }

    /// 500 `internal_error` with the public message `internal server error` and
    /// `detail.type` set to `kind` (what failed, never the failure's private text).
    pub fn internal(kind: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "internal server error")
            .with_detail("type", kind.into())
    }

    /// 503 `service_unavailable`.
    pub fn service_unavailable(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", message)
    }

    /// Sets one key of the `detail` object (a later call with the same key replaces it).
    #[must_use]
    pub fn with_detail(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.0.detail.insert(key.into(), value.into());
        self
    }

    /// Adds a response header, replacing one of the same name.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.0.headers.insert(name, value);
        self
    }

    /// Keeps `source` as the error this one was made from (replacing any): never rendered, but
    /// logged for a 5xx and found again by [`HttpError::source_as`].
    #[must_use]
    pub fn with_source(mut self, source: impl Into<ErrorSource>) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// The error this one was made from, if any.
    pub fn source(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.0.source.as_deref()
    }

    /// The source as `E`, if it is one: how an interceptor or exception handler catches "a
    /// `DbError`" by type rather than by comparing strings.
    pub fn source_as<E: std::error::Error + 'static>(&self) -> Option<&E> {
        self.0.source.as_deref()?.downcast_ref::<E>()
    }

    /// True when the source is an `E`.
    pub fn is<E: std::error::Error + 'static>(&self) -> bool {
        self.source_as::<E>().is_some()
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.0.status
    }

    /// The machine-readable code, e.g. `extractor_field_error`.
    pub fn code(&self) -> &str {
        &self.0.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The `detail` object.
    pub fn detail(&self) -> &Map<String, Value> {
        &self.0.detail
    }

    /// Extra response headers (e.g. `allow` on a 405).
    pub fn headers(&self) -> &HeaderMap {
        &self.0.headers
    }

    /// Renders the envelope as an HTTP response.
    pub fn into_response(self) -> http::Response<Body> {
        let Inner { status, code, message, detail, headers: extra, .. } = *self.0;
        let mut buf = Vec::with_capacity(64 + message.len());
        // Serializing a tree of strings and JSON values into a Vec cannot fail.
        let _ = serde_json::to_writer(
            &mut buf,
            &Envelope { error: EnvelopeBody { code: &code, message: &message, detail: &detail } },
        );
        let mut response = http::Response::new(Body::from(Bytes::from(buf)));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        *headers = extra;
        headers.insert(CONTENT_TYPE, crate::reply::application_json());
        response
    }

    pub(crate) fn route_not_found(method: &http::Method, path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "route_not_found",
            format!("No route matches {method} {path}"),
        )
    }

    pub(crate) fn panic() -> Self {
        Self::internal("panic")
    }

    /// 503 `request_timeout`: the route did not answer within its `request_timeout`.
    pub(crate) fn route_timed_out(limit: std::time::Duration) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "request_timeout",
            format!("the request did not complete within {} ms", limit.as_millis()),
        )
        .with_source(kinds::RequestTimeout)
        // The body may not have been read to its end: the connection cannot carry another
        // request.
        .with_header(http::header::CONNECTION, http::HeaderValue::from_static("close"))
    }

    /// A missing scalar (path, query, header, cookie): 422 `extractor_field_error` with
    /// `detail.field` naming it.
    pub fn field(message: impl Into<Cow<'static, str>>, field: &str) -> Self {
        Self::extractor_field(message).with_detail("field", field)
    }

    /// A scalar that is present but invalid: 422 `extractor_field_error`, empty `detail` (add
    /// keys with [`HttpError::with_detail`]). Lauren's `ExtractorFieldError(message)`.
    pub fn extractor_field(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "extractor_field_error", message)
            .with_source(ExtractorError)
    }

    /// A body or struct extractor failure: 422 `extractor_error`.
    pub fn extractor(message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "extractor_error", message)
            .with_source(ExtractorError)
    }
}

/// Any error type becomes an `HttpError` and is kept as the source; this is what makes `?` work
/// in handlers. A type with a registered [`IntoHttpError`] impl chooses its status, code and
/// detail; any other is a 500 naming its type.
impl<E: std::error::Error + Send + Sync + 'static> From<E> for HttpError {
    fn from(err: E) -> Self {
        match mapping::map(&err) {
            Some(mapped) => mapped.with_source(err),
            None => Self::internal(TypeName::of::<E>().short()).with_source(err),
        }
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpError")
            .field("status", &self.0.status.as_u16())
            .field("code", &self.0.code)
            .field("message", &self.0.message)
            .field("detail", &self.0.detail)
            .field("source", &self.0.source)
            .finish()
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.0.status.as_u16(), self.0.code, self.0.message)
    }
}

#[derive(serde::Serialize)]
struct Envelope<'a> {
    error: EnvelopeBody<'a>,
}

#[derive(serde::Serialize)]
struct EnvelopeBody<'a> {
    code: &'a str,
    message: &'a str,
    detail: &'a Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_errors_become_500_naming_the_type() {
        let err: HttpError = "x".parse::<u8>().expect_err("\"x\" is not a number").into();
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(err.detail()["type"], "ParseIntError");
    }
}
