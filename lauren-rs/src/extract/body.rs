//! Raw bodies: `Bytes`, and `RawBody<T>` for text or a byte vector.

use bytes::Bytes;

use super::{BodyKind, Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

impl FromRequest for Bytes {
    const BODY: Option<BodyKind> = Some(BodyKind::Bytes);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.read_body(field.name(), BodyKind::Bytes.source()).await
    }
}

/// The request body as-is: `RawBody<String>` (must be UTF-8), `RawBody<Vec<u8>>` or
/// `RawBody<Bytes>`.
///
/// A bare `String` parameter is a query parameter; wrap it to get the body.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct Notes;
///
/// #[controller("/notes")]
/// impl Notes {
///     #[post]
///     async fn add(&self, text: RawBody<String>) -> String {
///         text.0.to_uppercase()
///     }
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawBody<T>(pub T);

impl FromRequest for RawBody<Bytes> {
    const BODY: Option<BodyKind> = Some(BodyKind::Bytes);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.read_body(field.name(), BodyKind::Bytes.source()).await.map(RawBody)
    }
}

impl FromRequest for RawBody<Vec<u8>> {
    const BODY: Option<BodyKind> = Some(BodyKind::Bytes);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.read_body(field.name(), BodyKind::Bytes.source())
            .await
            .map(|bytes| RawBody(bytes.to_vec()))
    }
}

impl FromRequest for RawBody<String> {
    const BODY: Option<BodyKind> = Some(BodyKind::Text);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let bytes = ctx.read_body(field.name(), BodyKind::Text.source()).await?;
        String::from_utf8(bytes.to_vec()).map(RawBody).map_err(|_| {
            HttpError::extractor(format!(
                "failed to extract '{}': body is not valid UTF-8",
                field.name()
            ))
            .with_detail("field", field.name())
        })
    }
}
