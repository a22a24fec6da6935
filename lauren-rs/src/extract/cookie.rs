//! `Cookie<T>`: one request cookie, named after the parameter.

use std::fmt::Display;
use std::str::FromStr;

use super::scalar::parse;
use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// The cookie named like the parameter, parsed with `FromStr`.
///
/// Missing: 422 `missing cookie 'sid'`; wrap it in `Option` to make it optional.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct Session;
///
/// #[controller("/session")]
/// impl Session {
///     #[get]
///     async fn show(&self, sid: Cookie<String>) -> String {
///         sid.0
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cookie<T>(pub T);

fn read<T>(ctx: &ExecutionContext<'_>, field: &Field) -> Result<Option<T>, HttpError>
where
    T: FromStr,
    T::Err: Display,
{
    let name = field.name();
    let Some(raw) = ctx.cookie_bytes(name) else { return Ok(None) };
    let text = std::str::from_utf8(raw)
        .map_err(|_| super::scalar::invalid("cookie", name, "not valid UTF-8"))?;
    parse("cookie", name, text).map(Some)
}

impl<T> FromRequest for Cookie<T>
where
    T: FromStr + Send,
    T::Err: Display,
{
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        read(ctx, field)?
            .map(Cookie)
            .ok_or_else(|| HttpError::field(format!("missing cookie '{name}'"), name))
    }
}

impl<T> FromRequest for Option<Cookie<T>>
where
    T: FromStr + Send,
    T::Err: Display,
{
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(read(ctx, field)?.map(Cookie))
    }
}

impl<T> std::ops::Deref for Cookie<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
