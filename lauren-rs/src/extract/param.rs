//! Query-string scalars ([`FromParam`]) and borrows from the context ([`FromContext`]): the two
//! parameter kinds a handler's signature decides by trait, so aliases and newtypes work.

use std::fmt::Display;
use std::str::FromStr;

use super::scalar::{NOT_UTF8, invalid, missing, parse};
use super::urlencoded::NotUtf8;
use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::{ExecutionContext, RequestHead};

/// A scalar a bare handler parameter reads from the query parameter of its own name, parsed
/// with `FromStr`.
///
/// Implemented for `String`, `bool`, `char`, the integer and float types. A bare `T` is
/// required (absent: 422), `Option<T>` optional, `Vec<T>` takes every value of a repeated key
/// (`?tag=a&tag=b`; absent: empty). For a type of your own that implements `FromStr`, opt in with
/// an empty impl:
///
/// ```
/// use lauren::prelude::*;
/// use lauren::extract::FromParam;
///
/// struct Sku(String);
///
/// impl std::str::FromStr for Sku {
///     type Err = &'static str;
///     fn from_str(s: &str) -> Result<Self, Self::Err> {
///         if s.len() == 8 { Ok(Sku(s.to_owned())) } else { Err("a SKU has 8 characters") }
///     }
/// }
///
/// impl FromParam for Sku {}
///
/// type Page = u32; // an alias is the type it names
///
/// #[derive(Default)]
/// struct Catalog;
///
/// #[controller("/catalog")]
/// impl Catalog {
///     #[get]
///     async fn find(&self, sku: Sku, page: Option<Page>, tag: Vec<String>) -> String {
///         format!("{} p{} {:?}", sku.0, page.unwrap_or(1), tag)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler parameter",
    label = "not a path variable, a query parameter, or an extractor",
    note = "a bare parameter is the query parameter of its name when its type implements `lauren::extract::FromParam` (`String`, numbers, `bool`, `char`; for your own `FromStr` type add `impl FromParam for {Self} {{}}`); otherwise its type must implement `lauren::extract::FromRequest` (`Json<T>`, `Query<T>`, `Header<T>`, `Cookie<T>`, `Path<T>`, `Form<T>`, `Bytes`, `RawBody<T>`, `Inject<T>`, ..), or the parameter must be named like a `{{placeholder}}` of the route"
)]
pub trait FromParam: FromStr<Err: Display> + Send {}

macro_rules! from_param {
    ($($ty:ty),* $(,)?) => { $(impl FromParam for $ty {})* };
}

from_param!(
    String,
    bool,
    char,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    std::num::NonZeroU8,
    std::num::NonZeroU16,
    std::num::NonZeroU32,
    std::num::NonZeroU64,
    std::num::NonZeroUsize,
    std::net::IpAddr,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
);

/// Parses one query value, rejecting bytes that are not UTF-8 like a path value.
fn parse_value<T: FromParam>(
    name: &str,
    raw: Result<std::borrow::Cow<'_, str>, NotUtf8>,
) -> Result<T, HttpError> {
    match raw {
        Ok(text) => parse("query parameter", name, &text),
        Err(NotUtf8) => Err(invalid("query parameter", name, NOT_UTF8)),
    }
}

impl<T: FromParam> FromRequest for T {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        match ctx.query_values(name).next() {
            Some(raw) => parse_value(name, raw),
            None => Err(missing("query parameter", name)),
        }
    }
}

impl<T: FromParam> FromRequest for Option<T> {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        ctx.query_values(name).next().map(|raw| parse_value(name, raw)).transpose()
    }
}

impl<T: FromParam> FromRequest for Vec<T> {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        ctx.query_values(name).map(|raw| parse_value(name, raw)).collect()
    }
}

/// What a handler may borrow from the request's context: a parameter `&T` is
/// `T::from_context(ctx)`.
///
/// Implemented for [`ExecutionContext`] (the route and request) and [`RequestHead`] (the head).
#[diagnostic::on_unimplemented(
    message = "a handler parameter cannot borrow `{Self}`",
    label = "not borrowable from the request",
    note = "a handler may borrow only `&ExecutionContext<'_>` or `&RequestHead`: take other parameters by value"
)]
pub trait FromContext<'r> {
    /// The borrowed value.
    fn from_context<'a>(ctx: &'a ExecutionContext<'r>) -> &'a Self;
}

impl<'r> FromContext<'r> for ExecutionContext<'r> {
    fn from_context<'a>(ctx: &'a ExecutionContext<'r>) -> &'a Self {
        ctx
    }
}

impl<'r> FromContext<'r> for RequestHead {
    fn from_context<'a>(ctx: &'a ExecutionContext<'r>) -> &'a Self {
        ctx.request()
    }
}
