//! Extractors: how a handler parameter gets its value from the request.
//!
//! The `#[get]`/`#[post]`/.. macros classify each parameter at compile time:
//! - named like a `{placeholder}` of the route: that path parameter, parsed with `FromStr`;
//! - a bare scalar (`String`, integers, floats, `bool`, `char`, or `Option` of one): the query
//!   parameter of the same name;
//! - `&ExecutionContext` or `&Request`: borrowed from the context;
//! - anything else: a type implementing [`FromRequest`], such as [`Json`], [`Query`] or your own.

mod body;
mod cookie;
mod form;
mod head;
mod header;
mod json;
mod path;
mod query;
pub(crate) mod scalar;

use std::future::Future;

pub use self::body::RawBody;
pub use self::cookie::Cookie;
pub use self::form::Form;
pub use self::header::Header;
pub use self::json::Json;
pub use self::path::Path;
pub use self::query::Query;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// The handler parameter an extractor fills: its name as written and the header it maps to.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    name: &'static str,
    header: &'static str,
}

impl Field {
    /// A field named `name` (the parameter) whose header form is `header` (`x_api_key` ->
    /// `x-api-key`). Generated code builds these as constants.
    pub const fn new(name: &'static str, header: &'static str) -> Self {
        Self { name, header }
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

/// Builds a handler parameter from the request.
///
/// Implement it for your own extractors; return an [`HttpError`] to reject the request (it
/// passes through the interceptors like any handler error).
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
    label = "not a path variable, a scalar query parameter, or an extractor",
    note = "a parameter must be named like a `{{placeholder}}` of the route, be a scalar query parameter (`String`, numbers, `bool`, or `Option` of one), or have a type implementing `lauren::extract::FromRequest` (`Json<T>`, `Query<T>`, `Header<T>`, `Cookie<T>`, `Path<T>`, `Form<T>`, `Bytes`, `RawBody<T>`, ..)"
)]
pub trait FromRequest: Sized + Send {
    /// Extracts the value, or rejects the request.
    fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> impl Future<Output = Result<Self, HttpError>> + Send;
}
