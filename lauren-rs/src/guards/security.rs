//! What a guard checks, as the OpenAPI document names it (`components.securitySchemes`).

/// How a guard authenticates a request, for the OpenAPI document (feature `openapi`): the
/// routes it guards list it under `security`, and the docs page offers to fill it in.
///
/// Returned by [`Guard::security`](crate::Guard::security); the type exists without the
/// feature, so a guard's impl compiles either way.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::SecurityScheme;
///
/// #[derive(Default)]
/// struct ApiKey;
///
/// impl Guard for ApiKey {
///     async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
///         Ok(ctx.headers().get("x-api-key").is_some_and(|key| key == "secret"))
///     }
///
///     fn security() -> Option<SecurityScheme> {
///         Some(SecurityScheme::api_key_header("x-api-key"))
///     }
/// }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityScheme {
    /// `Authorization: Bearer <token>`; `format` hints what the token is (`"JWT"`).
    Bearer {
        /// The token's format, shown by documentation tools.
        format: Option<&'static str>,
    },
    /// `Authorization: Basic <credentials>`.
    Basic,
    /// An API key in a header.
    ApiKeyHeader {
        /// The header's name.
        name: &'static str,
    },
    /// An API key in a query parameter.
    ApiKeyQuery {
        /// The parameter's name.
        name: &'static str,
    },
    /// An API key in a cookie.
    ApiKeyCookie {
        /// The cookie's name.
        name: &'static str,
    },
}

impl SecurityScheme {
    /// A bearer token of no stated format.
    pub const fn bearer() -> Self {
        Self::Bearer { format: None }
    }

    /// A bearer JSON Web Token.
    pub const fn bearer_jwt() -> Self {
        Self::Bearer { format: Some("JWT") }
    }

    /// An API key sent in the header `name`.
    pub const fn api_key_header(name: &'static str) -> Self {
        Self::ApiKeyHeader { name }
    }

    /// The scheme's key under `components.securitySchemes` (`bearerAuth`, `bearerJWT`,
    /// `apiKeyHeader_x-api-key`): only the characters OpenAPI allows in a component key.
    pub fn name(&self) -> String {
        let name = match self {
            Self::Bearer { format: None } => "bearerAuth".to_owned(),
            Self::Bearer { format: Some(format) } => format!("bearer{format}"),
            Self::Basic => "basicAuth".to_owned(),
            Self::ApiKeyHeader { name } => format!("apiKeyHeader_{name}"),
            Self::ApiKeyQuery { name } => format!("apiKeyQuery_{name}"),
            Self::ApiKeyCookie { name } => format!("apiKeyCookie_{name}"),
        };
        name.chars()
            .map(
                |c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' },
            )
            .collect()
    }
}

/// `ComponentDescriptor::security` of everything that is not a guard.
pub fn no_security() -> Option<SecurityScheme> {
    None
}

/// `ComponentDescriptor::security` of the guard `T`.
pub fn security_of<T: crate::Guard>() -> Option<SecurityScheme> {
    T::security()
}
