//! `Path<T>`: every path variable of the route, deserialized into one struct.

use serde::de::DeserializeOwned;

use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

/// All path variables at once, deserialized into `T` (values are parsed from their text).
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(serde::Deserialize)]
/// struct Ids { org: String, repo: u32 }
///
/// #[derive(Default)]
/// struct Repos;
///
/// #[controller("/orgs")]
/// impl Repos {
///     #[get("/{org}/repos/{repo}")]
///     async fn show(&self, ids: Path<Ids>) -> String {
///         format!("{}#{}", ids.0.org, ids.0.repo)
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest for Path<T> {
    const TAKES_PATH: bool = true;

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        // Re-encoding as a form lets serde_urlencoded do the typed parsing of each value.
        let route = ctx.route();
        let mut form = form_urlencoded::Serializer::new(String::new());
        for name in route.param_names.iter() {
            match ctx.path_param_strict(name) {
                Some(Ok(value)) => {
                    form.append_pair(name, &value);
                }
                Some(Err(_)) => {
                    return Err(super::scalar::invalid(
                        "path parameter",
                        name,
                        "not valid UTF-8 after percent-decoding",
                    ));
                }
                None => {}
            }
        }
        serde_urlencoded::from_str(&form.finish()).map(Path).map_err(|err| {
            HttpError::extractor(format!("invalid path parameters: {err}"))
                .with_detail("field", field.name())
        })
    }
}

impl<T> std::ops::Deref for Path<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}
