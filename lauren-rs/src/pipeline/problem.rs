//! RFC 7807 (Problem Details) rendering of error responses, for `.error_format(Rfc7807)`.
//!
//! Every error renders as Lauren's envelope first (one renderer); with the RFC 7807 format the
//! app rewrites error responses on their way out. That costs only error responses of apps that
//! chose the format, and user errors follow the same switch as the framework's.

use bytes::Bytes;
use http::HeaderValue;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{Map, Value};

use crate::body::Body;

/// The error body format, chosen with `.error_format(..)`.
///
/// ```
/// # use lauren::prelude::*;
/// # #[module(controllers = [])] struct AppModule;
/// use lauren::ErrorFormat;
///
/// let app = LaurenFactory::create(AppModule).error_format(ErrorFormat::Rfc7807);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorFormat {
    /// `{"error":{"code":..,"message":..,"detail":{..}}}`, `application/json` (the default).
    #[default]
    Lauren,
    /// `application/problem+json`: `{"type":"urn:ietf:rfc:7231:404","title":"Not Found",
    /// "status":404,"detail":<message>,"instance":<path>,"code":<lauren code>, ..detail}`; a
    /// detail member named like a standard one is kept as `error_<name>` (a 500's `type`
    /// becomes `error_type`).
    Rfc7807,
}

/// The same error as problem details, if `response` is a Lauren error envelope.
pub(crate) fn to_problem(response: http::Response<Body>, instance: &str) -> http::Response<Body> {
    let status = response.status();
    let is_envelope = (status.is_client_error() || status.is_server_error())
        && response.headers().get(CONTENT_TYPE).is_some_and(|v| v == "application/json");
    if !is_envelope {
        return response;
    }
    let Some(bytes) = crate::reply::rendered_bytes(&response) else {
        return response;
    };
    let Ok(Value::Object(mut envelope)) = serde_json::from_slice::<Value>(&bytes) else {
        return response;
    };
    let Some(Value::Object(mut error)) = envelope.remove("error") else {
        return response;
    };
    let mut problem = Map::new();
    problem.insert("type".into(), format!("urn:ietf:rfc:7231:{}", status.as_u16()).into());
    problem.insert("title".into(), status.canonical_reason().unwrap_or("HTTP Error").into());
    problem.insert("status".into(), status.as_u16().into());
    problem.insert("detail".into(), error.remove("message").unwrap_or(Value::Null));
    problem.insert("instance".into(), instance.into());
    problem.insert("code".into(), error.remove("code").unwrap_or(Value::Null));
    if let Some(Value::Object(detail)) = error.remove("detail") {
        for (key, value) in detail {
            // Extension members may not shadow the standard ones: `type` becomes `error_type`.
            let key = if problem.contains_key(&key) { format!("error_{key}") } else { key };
            problem.insert(key, value);
        }
    }
    let body = serde_json::to_vec(&Value::Object(problem)).unwrap_or_default();
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    parts.headers.remove(CONTENT_LENGTH);
    http::Response::from_parts(parts, Body::from(Bytes::from(body)))
}
