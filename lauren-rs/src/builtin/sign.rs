//! `Sign`: HMAC-SHA256 request signatures with a timestamp window against replay.
//!
//! The client sends two headers:
//!
//! - `x-timestamp`: the signing time, in seconds since the Unix epoch;
//! - `x-signature`: the lowercase hex HMAC-SHA256, under the shared key, of the canonical
//!   string below.
//!
//! The canonical string is five lines joined by `\n` (no trailing newline):
//!
//! ```text
//! METHOD                 the method, upper case:            POST
//! PATH                   the path as sent, still encoded:   /orders/42
//! QUERY                  the query, pairs decoded, sorted by name then value, re-encoded as
//!                        application/x-www-form-urlencoded; empty without a query:
//!                                                           a=1&b=x+y
//! TIMESTAMP              the x-timestamp value:             1767225600
//! BODY HASH              lowercase hex SHA-256 of the body (of nothing when empty)
//! ```
//!
//! [`Sign::sign`] produces both headers for a client or a test.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, KeyInit, Mac};
use http::{Method, StatusCode};
use sha2::{Digest, Sha256};

use crate::error::HttpError;
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::ExecutionContext;

/// The header holding the signature.
pub const SIGNATURE_HEADER: &str = "x-signature";
/// The header holding the signing time.
pub const TIMESTAMP_HEADER: &str = "x-timestamp";

/// Sort 100: checks the request signature (see the [module docs](self) for the canonical
/// string) with a constant-time comparison; a timestamp further than the window (default 300 s)
/// from now is refused, so a captured request cannot be replayed later. Skipped on routes with
/// `#[set_metadata("ignore_sign", true)]`.
///
/// Failures answer 401 `invalid_signature` saying what is wrong: a missing or malformed header,
/// a stale timestamp, or a signature that does not match.
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
    /// Checks signatures made with `key`; a 300 s window.
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
        let canonical = canonical_string(method, path, query, timestamp, body);
        let mut mac = self.mac();
        mac.update(canonical.as_bytes());
        SignedHeaders {
            timestamp: timestamp.to_string(),
            signature: hex(&mac.finalize().into_bytes()),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length: this cannot fail.
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"))
    }
}

impl LifecycleInterceptor for Sign {
    fn sort(&self) -> i32 {
        100
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        if ctx.metadata::<bool>("ignore_sign") == Some(true) {
            return Ok(());
        }
        let timestamp = header(ctx, TIMESTAMP_HEADER)?
            .parse::<u64>()
            .map_err(|_| invalid("the x-timestamp header is not a number of seconds"))?;
        if unix_now().abs_diff(timestamp) > self.window.as_secs() {
            return Err(invalid(format!(
                "the x-timestamp is outside the allowed window of {} s",
                self.window.as_secs()
            )));
        }
        let signature = unhex(header(ctx, SIGNATURE_HEADER)?)
            .ok_or_else(|| invalid("the x-signature header is not hex"))?;
        let body = ctx.body_bytes("body").await?;
        let canonical = canonical_string(
            ctx.method(),
            ctx.uri().path(),
            ctx.uri().query().unwrap_or(""),
            timestamp,
            &body,
        );
        let mut mac = self.mac();
        mac.update(canonical.as_bytes());
        // Constant time: `verify_slice` compares without an early exit.
        mac.verify_slice(&signature).map_err(|_| invalid("the signature does not match"))
    }
}

/// The five-line canonical string (see the module docs).
pub fn canonical_string(
    method: &Method,
    path: &str,
    query: &str,
    timestamp: u64,
    body: &[u8],
) -> String {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    let query = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
    format!("{method}\n{path}\n{query}\n{timestamp}\n{}", hex(&Sha256::digest(body)))
}

fn header<'a>(ctx: &'a ExecutionContext<'_>, name: &str) -> Result<&'a str, HttpError> {
    let value =
        ctx.headers().get(name).ok_or_else(|| invalid(format!("the {name} header is missing")))?;
    value.to_str().map(str::trim).map_err(|_| invalid(format!("the {name} header is not ASCII")))
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> HttpError {
    HttpError::new(StatusCode::UNAUTHORIZED, "invalid_signature", message)
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

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_canonical_string_sorts_the_query_and_hashes_the_body() {
        let canonical = canonical_string(&Method::POST, "/orders/42", "b=x%20y&a=2&a=1", 7, b"");
        assert_eq!(
            canonical,
            "POST\n/orders/42\na=1&a=2&b=x+y\n7\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hex_round_trips_and_rejects_what_is_not_hex() {
        assert_eq!(hex(&[0, 15, 255]), "000fff");
        assert_eq!(unhex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(unhex("0g"), None);
        assert_eq!(unhex("abc"), None);
    }
}
