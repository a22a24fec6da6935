//! `Query<T>`: the whole query string deserialized into one struct.

use serde::de::DeserializeOwned;

use super::rejection::validation_failed;
use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// The query string, deserialized into `T`; an absent query string is an empty one.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct Paging { page: Option<u32>, per_page: Option<u32> }
///
/// #[derive(Default)]
/// struct Orders;
///
/// #[controller("/orders")]
/// impl Orders {
///     #[get]
///     async fn list(&self, paging: Query<Paging>) -> String {
///         format!("page {}", paging.page.unwrap_or(1))
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest for Query<T> {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let query = ctx.uri().query().unwrap_or("");
        super::rejection::require_utf8(query.as_bytes(), field.name(), "query string")?;
        // Any query string parses: what fails is the shape.
        serde_urlencoded::from_str(query)
            .map(Query)
            .map_err(|err| validation_failed(field.name(), vec![err.to_string()]))
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
