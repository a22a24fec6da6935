//! Bare scalar parameters: path variables and query parameters parsed with `FromStr`.

use std::fmt::Display;
use std::str::FromStr;

use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

fn invalid(kind: &str, name: &str, reason: impl Display) -> HttpError {
    HttpError::field(format!("invalid {kind} '{name}': {reason}"), name)
}

fn missing(kind: &str, name: &str) -> HttpError {
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
        Some(Err(_)) => {
            Err(invalid("path parameter", name, "not valid UTF-8 after percent-decoding"))
        }
        Some(Ok(text)) => parse("path parameter", name, &text),
    }
}

/// A required query parameter.
pub fn query_param<T>(ctx: &ExecutionContext<'_>, name: &str) -> Result<T, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    query_param_opt(ctx, name)?.ok_or_else(|| missing("query parameter", name))
}

/// An optional query parameter: absent is `None`, present but unparsable is still a 422.
pub fn query_param_opt<T>(ctx: &ExecutionContext<'_>, name: &str) -> Result<Option<T>, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    ctx.query_param(name).map(|raw| parse("query parameter", name, &raw)).transpose()
}
