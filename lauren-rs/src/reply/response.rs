//! `Response`: a reply built by hand, with the body already rendered.

use std::fmt;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, LOCATION, SET_COOKIE};
use serde::Serialize;

use super::parts::insert_pair;
use super::{IntoReply, application_json, json_bytes, octet_stream, text_html, text_plain};
use crate::body::Body;
use crate::error::HttpError;

/// A response built step by step; every builder method returns the changed copy.
///
/// ```
/// use lauren::{Response, SetCookie, StatusCode};
///
/// let reply = Response::text("hi")
///     .with_status(StatusCode::ACCEPTED)
///     .with_header("x-version", "2")
///     .with_header("x-version", "3") // replaces, never duplicates
///     .with_cookie(SetCookie::new("sid", "abc").max_age(60).path("/").http_only());
/// assert_eq!(reply.status(), StatusCode::ACCEPTED);
/// assert_eq!(reply.headers()["x-version"], "3");
/// ```
#[derive(Debug)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    // An invalid header given to a builder is remembered and answered as a 500, never a panic.
    error: Option<HttpError>,
}

impl Response {
    fn with_body(body: Bytes, content_type: Option<HeaderValue>) -> Self {
        let mut headers = HeaderMap::new();
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, content_type);
        }
        Self { status: StatusCode::OK, headers, body, error: None }
    }

    /// 200 with `value` as compact JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Self {
        match json_bytes(value) {
            Ok(bytes) => Self::with_body(bytes, Some(application_json())),
            Err(err) => Self { error: Some(err), ..Self::empty() },
        }
    }

    /// 200 `text/plain; charset=utf-8`.
    pub fn text(text: impl Into<String>) -> Self {
        Self::with_body(Bytes::from(text.into()), Some(text_plain()))
    }

    /// 200 `text/html; charset=utf-8`.
    pub fn html(html: impl Into<String>) -> Self {
        Self::with_body(Bytes::from(html.into()), Some(text_html()))
    }

    /// 200 `application/octet-stream`.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self::with_body(bytes.into(), Some(octet_stream()))
    }

    /// 204 with no body and no content-type.
    pub fn empty() -> Self {
        Self { status: StatusCode::NO_CONTENT, ..Self::with_body(Bytes::new(), None) }
    }

    /// 201 with a `location` header and no body.
    pub fn created(location: impl AsRef<str>) -> Self {
        Self { status: StatusCode::CREATED, ..Self::with_body(Bytes::new(), None) }
            .with_header(LOCATION, location.as_ref())
    }

    /// 307 Temporary Redirect to `location` (change it with [`with_status`](Self::with_status)).
    pub fn redirect(location: impl AsRef<str>) -> Self {
        Self { status: StatusCode::TEMPORARY_REDIRECT, ..Self::with_body(Bytes::new(), None) }
            .with_header(LOCATION, location.as_ref())
    }

    /// 201 with a `Location` and a JSON body: `Response::created_json("/orders/7", &order)`.
    pub fn created_json<T: Serialize + ?Sized>(location: impl AsRef<str>, value: &T) -> Self {
        Self::created(location).with_json(value)
    }

    /// Replaces the body with `value` as JSON (and the content type with `application/json`),
    /// keeping status and other headers: `Response::created("/orders/7").with_json(&order)`.
    #[must_use]
    pub fn with_json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match json_bytes(value) {
            Ok(bytes) => {
                self.body = bytes;
                self.headers.insert(CONTENT_TYPE, application_json());
            }
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }

    /// Replaces the body with text (`text/plain; charset=utf-8`), keeping status and headers.
    #[must_use]
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.body = Bytes::from(text.into());
        self.headers.insert(CONTENT_TYPE, text_plain());
        self
    }

    /// Adds several headers, each replacing one of the same name:
    /// `.with_headers([("x-a", "1"), ("x-b", "2")])`.
    #[must_use]
    pub fn with_headers<K, V>(self, headers: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        headers.into_iter().fold(self, |response, (name, value)| response.with_header(name, value))
    }

    /// Expires the cookie `name` on the client (`name=; Max-Age=0; Path=/`).
    #[must_use]
    pub fn delete_cookie(self, name: impl Into<String>) -> Self {
        self.with_cookie(SetCookie::new(name, "").max_age(0))
    }

    /// Sets the status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets a header, replacing any of the same name.
    #[must_use]
    pub fn with_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        if let Err(err) = insert_pair(&mut self.headers, name, value) {
            self.error.get_or_insert(err);
        }
        self
    }

    /// Removes every header of that name.
    #[must_use]
    pub fn without_header(mut self, name: impl AsRef<str>) -> Self {
        if let Ok(name) = HeaderName::try_from(name.as_ref()) {
            self.headers.remove(name);
        }
        self
    }

    /// Adds a `set-cookie` header (cookies accumulate; they do not replace each other).
    #[must_use]
    pub fn with_cookie(mut self, cookie: SetCookie) -> Self {
        match HeaderValue::try_from(cookie.to_string()) {
            Ok(value) => {
                self.headers.append(SET_COOKIE, value);
            }
            Err(_) => {
                self.error.get_or_insert(HttpError::internal("InvalidCookie"));
            }
        }
        self
    }

    /// The status it will be sent with: the one set so far, or 500 when its body could not be
    /// rendered (`Response::json` of a value that fails to serialize).
    pub fn status(&self) -> StatusCode {
        self.error.as_ref().map_or(self.status, HttpError::status)
    }

    /// The headers so far.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rendered body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl IntoReply for Response {
    fn into_response(self) -> http::Response<Body> {
        if let Some(err) = self.error {
            return err.into_response();
        }
        let mut response = http::Response::new(Body::from(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        response
    }

    fn status(&self) -> StatusCode {
        Response::status(self)
    }

    /// A body that failed to render is sent as the error envelope: say so before rendering.
    fn content_type(&self) -> Option<&HeaderValue> {
        match &self.error {
            Some(err) => IntoReply::content_type(err),
            None => self.headers.get(CONTENT_TYPE),
        }
    }
}

/// A `set-cookie` value: `sid=abc; Max-Age=60; Path=/; HttpOnly; SameSite=Lax`.
#[derive(Debug, Clone)]
pub struct SetCookie {
    name: String,
    value: String,
    max_age: Option<u64>,
    path: Option<String>,
    domain: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
}

/// The `SameSite` attribute of a cookie.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// `SameSite=Strict`.
    Strict,
    /// `SameSite=Lax`.
    Lax,
    /// `SameSite=None` (browsers require `Secure` with it).
    None,
}

impl SetCookie {
    /// A session cookie `name=value` for the whole site (`Path=/`, as Lauren's `with_cookie`
    /// sets it); `.path("")` drops the attribute.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
            max_age: None,
            path: Some("/".to_owned()),
            domain: None,
            secure: false,
            http_only: false,
            same_site: None,
        }
    }

    /// `Max-Age` in seconds.
    #[must_use]
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = Some(seconds);
        self
    }

    /// `Path` (default `/`; an empty path drops the attribute).
    #[must_use]
    pub fn path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        self.path = (!path.is_empty()).then_some(path);
        self
    }

    /// `Domain`.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// `Secure`.
    #[must_use]
    pub fn secure(mut self) -> Self {
        self.secure = true;
        self
    }

    /// `HttpOnly`.
    #[must_use]
    pub fn http_only(mut self) -> Self {
        self.http_only = true;
        self
    }

    /// `SameSite`.
    #[must_use]
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.same_site = Some(same_site);
        self
    }
}

impl fmt::Display for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        if let Some(max_age) = self.max_age {
            write!(f, "; Max-Age={max_age}")?;
        }
        if let Some(path) = &self.path {
            write!(f, "; Path={path}")?;
        }
        if let Some(domain) = &self.domain {
            write!(f, "; Domain={domain}")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        match self.same_site {
            Some(SameSite::Strict) => f.write_str("; SameSite=Strict"),
            Some(SameSite::Lax) => f.write_str("; SameSite=Lax"),
            Some(SameSite::None) => f.write_str("; SameSite=None"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_renders_like_lauren() {
        let cookie = SetCookie::new("sid", "abc").max_age(60).http_only().same_site(SameSite::Lax);
        assert_eq!(cookie.to_string(), "sid=abc; Max-Age=60; Path=/; HttpOnly; SameSite=Lax");
        assert_eq!(SetCookie::new("a", "b").path("").to_string(), "a=b");
        assert_eq!(
            SetCookie::new("a", "b").path("/app").domain("x.test").secure().to_string(),
            "a=b; Path=/app; Domain=x.test; Secure"
        );
    }

    #[test]
    fn invalid_header_becomes_a_500_not_a_panic() {
        let response = Response::text("x").with_header("bad header", "v").into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
