//! `impl IntoHttpError` without `#[http_error]` would never be consulted: a compile error.
use lauren::prelude::*;
use lauren::IntoHttpError;

#[derive(Debug)]
struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("closed")
    }
}

impl std::error::Error for Closed {}

impl IntoHttpError for Closed {
    fn to_http_error(&self) -> HttpError {
        HttpError::service_unavailable("closed")
    }
}

fn main() {}
