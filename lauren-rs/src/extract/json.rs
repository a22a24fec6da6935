//! `Json<T>`: a JSON request body in, compact JSON out.

use serde::de::DeserializeOwned;
use serde_json::error::Category;

use super::rejection::{json_problem, validation_failed};
use super::{BodyKind, Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// A JSON body: as a parameter it deserializes the request body, as a return value it
/// serializes compactly (non-ASCII written as raw UTF-8) with `content-type: application/json`.
///
/// A route taking `Json<T>` answers 415 `unsupported_media_type` to a request whose
/// `content-type` is not `application/json` or `application/*+json`, before any interceptor runs.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct Item { name: String }
///
/// #[derive(Default)]
/// struct Items;
///
/// #[controller("/items")]
/// impl Items {
///     #[post]
///     async fn create(&self, item: Json<Item>) -> (StatusCode, Json<Item>) {
///         (StatusCode::CREATED, item)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest for Json<T> {
    const BODY: Option<BodyKind> = Some(BodyKind::Json);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        let bytes = ctx.read_body(name, BodyKind::Json.source()).await?;
        if bytes.is_empty() {
            return Err(HttpError::field("missing JSON body", name));
        }
        serde_json::from_slice(&bytes).map(Json).map_err(|err| match err.classify() {
            Category::Data => validation_failed(name, vec![json_problem(&err)]),
            Category::Syntax | Category::Eof | Category::Io => {
                HttpError::extractor(format!("invalid JSON: {err}")).with_detail("field", name)
            }
        })
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Json<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
