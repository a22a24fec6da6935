//! `Header<T>`: one request header, named after the parameter (`x_api_key` reads `x-api-key`).

use std::fmt::Display;
use std::str::FromStr;

use super::scalar::parse;
use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// The header named like the parameter (underscores become dashes), parsed with `FromStr`.
///
/// Missing: 422 `missing header 'x-api-key'`; wrap it in `Option` to make it optional.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct Keys;
///
/// #[controller("/keys")]
/// impl Keys {
///     #[get]
///     async fn whoami(&self, x_api_key: Header<String>, x_trace: Option<Header<u64>>) -> String {
///         format!("{} {:?}", x_api_key.0, x_trace.map(|h| h.0))
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Header<T>(pub T);

fn read<T>(ctx: &ExecutionContext<'_>, field: &Field) -> Result<Option<T>, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    let name = field.header_name();
    let Some(value) = ctx.headers().get(name) else {
        return Ok(None);
    };
    let text =
        value.to_str().map_err(|_| super::scalar::invalid("header", name, "not visible ASCII"))?;
    parse("header", name, text).map(Some)
}

impl<T> FromRequest for Header<T>
where
    T: FromStr + Send,
    T::Err: Display,
{
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.header_name();
        read(ctx, field)?
            .map(Header)
            .ok_or_else(|| HttpError::field(format!("missing header '{name}'"), name))
    }
}

impl<T> FromRequest for Option<Header<T>>
where
    T: FromStr + Send,
    T::Err: Display,
{
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(read(ctx, field)?.map(Header))
    }
}

impl<T> std::ops::Deref for Header<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
