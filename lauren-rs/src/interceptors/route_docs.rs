//! What a lifecycle interceptor enforces on a route, as the OpenAPI document shows it.

use crate::guards::SecurityScheme;

/// What a [`LifecycleInterceptor`](crate::LifecycleInterceptor) adds to the OpenAPI document
/// (feature `openapi`) of a route it applies to: the security it checks, the error responses it
/// can answer, the request headers it requires. Returned by
/// [`LifecycleInterceptor::document`](crate::LifecycleInterceptor::document), which sees the
/// route's metadata, so a route that switches the check off documents nothing.
///
/// The type exists without the feature, so an impl compiles either way.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::{RouteDocs, RouteSetup, SecurityScheme};
///
/// #[derive(Default)]
/// struct ApiKey;
///
/// impl LifecycleInterceptor for ApiKey {
///     async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
///         match ctx.headers().get("x-api-key") {
///             Some(key) if key == "secret" => Ok(()),
///             _ => Err(HttpError::unauthorized("an API key is required")),
///         }
///     }
///
///     fn document(&self, _: &RouteSetup<'_>) -> RouteDocs {
///         RouteDocs::new()
///             .security(SecurityScheme::api_key_header("x-api-key"))
///             .response(401, "The API key is missing or wrong.")
///     }
/// }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteDocs {
    pub(crate) security: Vec<SecurityScheme>,
    pub(crate) optional_security: Vec<SecurityScheme>,
    pub(crate) responses: Vec<(u16, &'static str)>,
    pub(crate) headers: Vec<(&'static str, &'static str)>,
    pub(crate) requires_login: bool,
}

impl RouteDocs {
    /// Nothing to add.
    pub fn new() -> Self {
        Self::default()
    }

    /// A scheme every request must satisfy: the operation lists it under `security`.
    #[must_use]
    pub fn security(mut self, scheme: SecurityScheme) -> Self {
        self.security.push(scheme);
        self
    }

    /// A scheme a request may satisfy or leave out (an optional login): the operation lists
    /// it beside an empty requirement, unless another one is required.
    #[must_use]
    pub fn optional_security(mut self, scheme: SecurityScheme) -> Self {
        self.optional_security.push(scheme);
        self
    }

    /// The route needs the principal a login gives (as `Permission` does with `roles`): a
    /// scheme another interceptor documents as optional is required on this route.
    #[must_use]
    pub fn requires_login(mut self) -> Self {
        self.requires_login = true;
        self
    }

    /// An error status it can answer, with the description the document gives it; the body is
    /// the app's error envelope. Two interceptors answering one status get both descriptions.
    #[must_use]
    pub fn response(mut self, status: u16, description: &'static str) -> Self {
        self.responses.push((status, description));
        self
    }

    /// A request header it requires, documented as a required header parameter.
    #[must_use]
    pub fn header(mut self, name: &'static str, description: &'static str) -> Self {
        self.headers.push((name, description));
        self
    }

    /// `other`'s entries after this one's, each once.
    #[cfg(feature = "openapi")]
    pub(crate) fn merge(&mut self, other: Self) {
        fn extend<T: PartialEq>(into: &mut Vec<T>, from: Vec<T>) {
            for item in from {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        }
        extend(&mut self.security, other.security);
        extend(&mut self.optional_security, other.optional_security);
        extend(&mut self.responses, other.responses);
        extend(&mut self.headers, other.headers);
        self.requires_login |= other.requires_login;
    }
}
