//! Scalars parsed with `FromStr`: path variables, query parameters, headers and cookies.
//!
//! A value that is present but does not parse answers 422 `extractor_field_error` with an empty
//! `detail`; only a missing one names its field (`detail.field`), as Lauren does.

use std::fmt::Display;
use std::str::FromStr;

use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// Why a value whose percent-decoded bytes are not UTF-8 is invalid.
pub(crate) const NOT_UTF8: &str = "not valid UTF-8 after percent-decoding";

pub(crate) fn invalid(kind: &str, name: &str, reason: impl Display) -> HttpError {
    HttpError::extractor_field(format!("invalid {kind} '{name}': {reason}"))
}

pub(crate) fn missing(kind: &str, name: &str) -> HttpError {
    HttpError::field(format!("missing {kind} '{name}'"), name)
}

/// Parses `raw` as `T`, naming the parameter in the 422 it answers otherwise.
pub(crate) fn parse<T>(kind: &str, name: &str, raw: &str) -> Result<T, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    raw.parse::<T>().map_err(|err| invalid(kind, name, err))
}

/// The handler's `index`-th path variable.
pub fn path_var<T>(ctx: &ExecutionContext<'_>, index: usize, name: &str) -> Result<T, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    match ctx.path_var(index) {
        None => Err(missing("path parameter", name)),
        Some(Err(_)) => Err(invalid("path parameter", name, NOT_UTF8)),
        Some(Ok(text)) => parse("path parameter", name, &text),
    }
}
