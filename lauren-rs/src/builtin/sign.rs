//! `Sign`: HMAC-SHA256 request signatures with a timestamp window.
//!
//! The client sends two headers, once each:
//!
//! - `x-timestamp`: the signing time, in seconds since the Unix epoch, decimal digits only;
//! - `x-signature`: the HMAC-SHA256, under the shared key, of the canonical string below, as 64
//!   lowercase hex digits.
//!
//! The canonical string is five lines joined by `\n` (no trailing newline):
//!
//! ```text
//! METHOD       the method, upper case                                POST
//! PATH         the path exactly as sent (still percent-encoded)      /orders/42
//! QUERY        the query exactly as sent, its `&`-separated parts    a=1&b=x%20y
//!              sorted bytewise (empty parts dropped); empty without a query
//! TIMESTAMP    the x-timestamp header, as sent                       1767225600
//! BODY HASH    lowercase hex SHA-256 of the body (of nothing when empty)
//! ```
//!
//! Nothing is decoded or re-encoded: the bytes the client sent are the bytes signed, so `%FF` and
//! `%FE` never sign alike, and the client needs no URL-encoding rules of ours. Sorting the parts
//! lets a client library put parameters in any order. When an app-level pre-interceptor
//! rewrote the request target, the target as sent ([`OriginalUri`]) is
//! checked. The body is the one the route reads (after any pre-interceptor's `set_body`).
//!
//! A signature stays valid for the whole window (300 s either way by default): within it, the
//! same request can be sent again. Reject repeats with a nonce of your own where that matters.
//!
//! [`Sign::sign`] produces both headers for a client or a test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::{Method, StatusCode};
use sha2::{Digest, Sha256};

use crate::error::HttpError;
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::{ExecutionContext, OriginalUri};

/// The header holding the signature.
pub const SIGNATURE_HEADER: &str = "x-signature";
/// The header holding the signing time.
pub const TIMESTAMP_HEADER: &str = "x-timestamp";

/// Sort 100: checks the request signature (see the [module docs](self) for the canonical
/// string) with a constant-time comparison; a timestamp further than the window (default 300 s)
/// from now is refused, so a captured request stops working once the window has passed.
/// Skipped on routes with `#[set_metadata("ignore_sign", true)]`.
///
/// Failures answer 401 `invalid_signature` saying what is wrong: a missing, repeated or
/// malformed header, a timestamp outside the window, or a signature that does not match.
///
/// ```
/// use lauren::builtin::Sign;
/// use lauren::http::Method;
///
/// let sign = Sign::new("shared secret");
/// let headers = sign.sign(&Method::POST, "/orders?b=2&a=1", br#"{"item":"book"}"#);
/// assert_eq!(headers.signature.len(), 64);
/// ```
#[derive(Clone)]
pub struct Sign {
    key: Vec<u8>,
    window: Duration,
}

impl std::fmt::Debug for Sign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Sign").field("window", &self.window).finish_non_exhaustive()
    }
}

/// The two headers a signed request carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    /// `x-timestamp`.
    pub timestamp: String,
    /// `x-signature`.
    pub signature: String,
}

impl Sign {
    /// Checks signatures made with `key` (32 random bytes or more; an empty key is a startup
    /// error); a 300 s window.
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into(), window: Duration::from_secs(300) }
    }

    /// How far a request's timestamp may be from the server's clock, either way.
    #[must_use]
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The headers for a request signed now. `path_and_query` is the request target as it will
    /// be sent (`/orders/42?expand=items`).
    pub fn sign(&self, method: &Method, path_and_query: &str, body: &[u8]) -> SignedHeaders {
        self.sign_at(method, path_and_query, unix_now(), body)
    }

    /// The headers for a request signed at `timestamp` (seconds since the epoch).
    pub fn sign_at(
        &self,
        method: &Method,
        path_and_query: &str,
        timestamp: u64,
        body: &[u8],
    ) -> SignedHeaders {
        let (path, query) = path_and_query.split_once('?').unwrap_or((path_and_query, ""));
        let timestamp = timestamp.to_string();
        let canonical = canonical_string(method, path, query, &timestamp, body);
        let mut mac = self.mac();
        mac.update(canonical.as_bytes());
        SignedHeaders { timestamp, signature: hex(&mac.finalize().into_bytes()) }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length: this cannot fail.
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
    }
}

impl LifecycleInterceptor for Sign {
    const INSPECTS_VALUE: bool = false;

    fn sort(&self) -> i32 {
        100
    }

    fn check_route(&self, route: &crate::RouteSetup<'_>) -> Result<(), String> {
        if self.key.is_empty() {
            return Err("Sign has an empty key: give it a secret (32 random bytes or more)".into());
        }
        super::check_switch(route, "ignore_sign", "Sign")
    }

    fn document(&self, route: &crate::RouteSetup<'_>) -> crate::RouteDocs {
        if super::switch(route, "ignore_sign") == Some(true) {
            return crate::RouteDocs::new();
        }
        crate::RouteDocs::new()
            .header(TIMESTAMP_HEADER, "The time of signing, in Unix seconds.")
            .header(
                SIGNATURE_HEADER,
                "HMAC-SHA256 of the canonical request (method, path, sorted query, timestamp, body hash), as 64 lowercase hex digits.",
            )
            .response(401, "The signature or timestamp is missing, stale or does not match.")
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        if ctx.metadata::<bool>("ignore_sign") == Some(true) {
            return Ok(());
        }
        let timestamp = header(ctx, TIMESTAMP_HEADER)?.to_owned();
        if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("the x-timestamp header is not a number of seconds"));
        }
        // More digits than a u64 holds is outside any window.
        let seconds = timestamp.parse::<u64>().unwrap_or(u64::MAX);
        if unix_now().abs_diff(seconds) > self.window.as_secs() {
            return Err(invalid(format!(
                "the x-timestamp is outside the allowed window of {} s",
                self.window.as_secs()
            )));
        }
        let signature = unhex(header(ctx, SIGNATURE_HEADER)?)
            .ok_or_else(|| invalid("the x-signature header is not 64 lowercase hex digits"))?;
        let body = ctx.body_bytes("body").await?;
        // The client signed what it sent, before any app-level rewrite.
        let target = ctx.extensions().get::<OriginalUri>().map_or(ctx.uri(), |o| &o.0);
        let canonical = canonical_string(
            ctx.method(),
            target.path(),
            target.query().unwrap_or(""),
            &timestamp,
            &body,
        );
        let mut mac = self.mac();
        mac.update(canonical.as_bytes());
        // Constant time: `verify_slice` compares without an early exit.
        mac.verify_slice(&signature).map_err(|_| invalid("the signature does not match"))
    }
}

/// The five-line canonical string (see the module docs): what both sides sign.
pub fn canonical_string(
    method: &Method,
    path: &str,
    query: &str,
    timestamp: &str,
    body: &[u8],
) -> String {
    let mut parts: Vec<&str> = query.split('&').filter(|part| !part.is_empty()).collect();
    parts.sort_unstable();
    let query = parts.join("&");
    format!("{method}\n{path}\n{query}\n{timestamp}\n{}", hex(&Sha256::digest(body)))
}

/// A header sent exactly once.
fn header<'a>(ctx: &'a ExecutionContext<'_>, name: &str) -> Result<&'a str, HttpError> {
    let mut values = ctx.headers().get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Err(invalid(format!("the {name} header is missing"))),
        (Some(_), Some(_)) => Err(invalid(format!("the {name} header is sent more than once"))),
        (Some(value), None) => {
            value.to_str().map_err(|_| invalid(format!("the {name} header is not ASCII")))
        }
    }
}

/// A 401 `invalid_signature`, typed as `kinds::Unauthorized` like the framework's other 401s, so
/// that an exception handler for that kind catches it.
fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
        .with_source(crate::error::kinds::Unauthorized)
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// A SHA-256 sized MAC as 64 lowercase hex digits: one spelling only.
fn unhex(text: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if text.len() != 64 {
        return None;
    }
    text.as_bytes().chunks(2).map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_string_sorts_the_raw_query_parts_and_hashes_the_body() {
        let canonical =
            canonical_string(&Method::POST, "/orders/42", "b=x%20y&a=2&&a=1", "0007", b"");
        assert_eq!(
            canonical,
            "POST\n/orders/42\na=1&a=2&b=x%20y\n0007\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        // Bytes are never decoded: two encodings of different bytes never sign alike.
        assert_ne!(
            canonical_string(&Method::GET, "/", "a=%FF", "1", b""),
            canonical_string(&Method::GET, "/", "a=%FE", "1", b"")
        );
    }

    #[test]
    fn hex_has_one_spelling() {
        let mac = [0xab_u8; 32];
        assert_eq!(unhex(&hex(&mac)), Some(mac.to_vec()));
        assert_eq!(unhex(&hex(&mac).to_uppercase()), None);
        assert_eq!(unhex(&format!("+f{}", &hex(&mac)[2..])), None);
        assert_eq!(unhex("abc"), None);
    }
}
