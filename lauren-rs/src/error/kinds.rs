//! The framework's own error kinds, as types: an interceptor or exception handler catches "an
//! extraction failure" with `err.is::<ExtractorError>()`, as it catches its own `DbError`.
//!
//! Each is a zero-sized marker kept as the [`HttpError`](super::HttpError)'s source: boxing it
//! allocates nothing.

use std::fmt;

macro_rules! kinds {
    ($($(#[$doc:meta])* $name:ident => $text:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $name;

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str($text)
            }
        }

        impl std::error::Error for $name {}
    )*};
}

kinds! {
    /// A parameter could not be extracted: 422 `extractor_error` / `extractor_field_error`
    /// (missing, unparsable, out of bounds, malformed or invalid body, body over the limit).
    ExtractorError => "a handler parameter could not be extracted";
    /// 401 `unauthorized`.
    Unauthorized => "unauthorized";
    /// 403 `forbidden`, a guard's denial included.
    Forbidden => "forbidden";
    /// 415 `unsupported_media_type` from the content-type gate.
    UnsupportedMediaType => "unsupported media type";
    /// 408 `request_timeout`: the request body stopped arriving.
    RequestTimeout => "the request body timed out";
}
