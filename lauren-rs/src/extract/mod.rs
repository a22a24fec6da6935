//! Extractors: how a handler parameter gets its value from the request.
//!
//! The `#[get]`/`#[post]`/.. macros decide where a parameter comes from by its name and its
//! type's traits, never by how the type is spelled (aliases and newtypes work):
//! - named like a `{placeholder}` of the route: that path parameter, parsed with `FromStr`;
//! - a reference `&T`: borrowed from the context through [`FromContext`]
//!   (`&ExecutionContext<'_>`, `&RequestHead`);
//! - anything else through [`FromRequest`]: a [`FromParam`] scalar (`String`, numbers, `bool`,
//!   `char`, your own `FromStr` type with `impl FromParam`) is the query parameter of the same
//!   name, `Option<T>` of one is optional, `Vec<T>` takes every repeated value; [`Json`],
//!   [`Query`], [`Header`], .. and your own extractors say themselves what they read (the body
//!   kind is [`FromRequest::BODY`]).

mod body;
mod cookie;
mod form;
mod head;
mod header;
mod inject;
mod json;
mod param;
mod path;
mod query;
mod rejection;
pub(crate) mod scalar;
pub(crate) mod urlencoded;
pub(crate) mod validate;

use std::future::Future;

pub use self::body::RawBody;
pub use self::cookie::Cookie;
pub use self::form::Form;
pub use self::header::Header;
pub use self::json::Json;
pub use self::param::{FromContext, FromParam};
pub use self::path::Path;
pub use self::query::Query;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// The handler parameter an extractor fills: its name as written and the header it maps to.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    name: &'static str,
    header: &'static str,
    /// The parameter's position in the handler's signature.
    index: usize,
}

impl Field {
    /// A field named `name` (the parameter) whose header form is `header` (`x_api_key` ->
    /// `x-api-key`).
    pub const fn new(name: &'static str, header: &'static str) -> Self {
        Self { name, header, index: usize::MAX }
    }

    /// The field of the handler's `index`-th parameter. Generated code builds these as
    /// constants.
    pub const fn at(name: &'static str, header: &'static str, index: usize) -> Self {
        Self { name, header, index }
    }

    /// The parameter's position in the handler's signature (`usize::MAX` when unknown).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The parameter's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The parameter's name as an HTTP header: lower case, `_` turned into `-`.
    pub fn header_name(&self) -> &'static str {
        self.header
    }
}

/// What a body extractor reads the body as: decides the route's content-type gate and names the
/// extractor in errors (`detail.source` of a body over the limit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// `Json<T>`: the gate asks for `application/json` or `application/*+json` (else 415).
    Json,
    /// `Form<T>`: the gate asks for `application/x-www-form-urlencoded` (else 415).
    Form,
    /// `Bytes`, `RawBody<Vec<u8>>`, `RawBody<Bytes>`: any content type.
    Bytes,
    /// `RawBody<String>`: any content type, UTF-8.
    Text,
}

impl BodyKind {
    /// The name errors use for this kind (`"json"`, `"form"`, `"bytes"`, `"text"`).
    pub const fn source(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Form => "form",
            Self::Bytes => "bytes",
            Self::Text => "text",
        }
    }
}

/// Builds a handler parameter from the request.
///
/// Implement it for your own extractors; return an [`HttpError`] to reject the request (it
/// passes through the interceptors like any handler error). An extractor that reads the body
/// says so with [`FromRequest::BODY`], so a handler cannot take two and the route gets the right
/// content-type gate.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::extract::{Field, FromRequest};
///
/// struct TenantId(String);
///
/// impl FromRequest for TenantId {
///     async fn from_request(ctx: &mut ExecutionContext<'_>, _field: &'static Field) -> Result<Self, HttpError> {
///         ctx.headers()
///             .get("x-tenant")
///             .and_then(|v| v.to_str().ok())
///             .map(|v| TenantId(v.to_owned()))
///             .ok_or_else(|| HttpError::unauthorized("x-tenant header required"))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a handler parameter",
    label = "not a path variable, a query parameter, or an extractor",
    note = "a bare parameter is the query parameter of its name when its type implements `lauren::extract::FromParam` (`String`, numbers, `bool`, `char`; for your own `FromStr` type add `impl FromParam for {Self} {{}}`); otherwise its type must implement `lauren::extract::FromRequest` (`Json<T>`, `Query<T>`, `Header<T>`, `Cookie<T>`, `Path<T>`, `Form<T>`, `Bytes`, `RawBody<T>`, `Inject<T>`, ..), or the parameter must be named like a `{{placeholder}}` of the route"
)]
pub trait FromRequest: Sized + Send {
    /// What this extractor reads the body as; `None` (the default) if it does not read it.
    const BODY: Option<BodyKind> = None;

    /// The provider this extractor injects (`Inject<T>`, `Option<Inject<T>>`): resolved to a
    /// binding once at startup, from the route's module, like a controller's dependencies.
    const DEPENDENCY: Option<crate::di::Dependency> = None;

    /// True for extractors that take every path parameter at once (`Path<T>`), so a handler
    /// using one need not name each `{placeholder}` as a parameter.
    const TAKES_PATH: bool = false;

    /// Extracts the value, or rejects the request.
    fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> impl Future<Output = Result<Self, HttpError>> + Send;
}
