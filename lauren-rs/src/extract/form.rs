//! `Form<T>`: an `application/x-www-form-urlencoded` body.

use serde::de::DeserializeOwned;

use super::rejection::validation_failed;
use super::{BodyKind, Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// A url-encoded form body deserialized into `T`.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct Login { user: String }
///
/// #[derive(Default)]
/// struct Auth;
///
/// #[controller("/login")]
/// impl Auth {
///     #[post]
///     async fn login(&self, form: Form<Login>) -> String {
///         form.0.user
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Form<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest for Form<T> {
    const BODY: Option<BodyKind> = Some(BodyKind::Form);

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        let name = field.name();
        let bytes = ctx.read_body(name, BodyKind::Form.source()).await?;
        super::rejection::require_utf8(&bytes, name, "form body")?;
        // Any byte string parses as a form: what fails is the shape.
        serde_urlencoded::from_bytes(&bytes)
            .map(Form)
            .map_err(|err| validation_failed(name, vec![err.to_string()]))
    }
}

impl<T> std::ops::Deref for Form<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
