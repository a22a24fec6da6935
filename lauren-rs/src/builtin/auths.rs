//! `Auths`: a bearer token, checked by the app's `TokenVerifier`; the principal for later stages.

use std::future::Future;

use http::HeaderValue;
use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};

use crate::error::HttpError;
use crate::extract::{Field, FromRequest};
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::ExecutionContext;

/// Who made the request, as a [`TokenVerifier`] established it. Later interceptors read it from
/// the context (`ctx.extensions().get::<Principal>()`); handlers take it as a parameter (401
/// `login required` when there is none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The user (or client) id.
    pub subject: String,
    /// The roles `Permission` checks.
    pub roles: Vec<String>,
}

impl Principal {
    /// A principal with no roles.
    pub fn new(subject: impl Into<String>) -> Self {
        Self { subject: subject.into(), roles: Vec::new() }
    }

    /// With these roles.
    #[must_use]
    pub fn with_roles<R: Into<String>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// True when the principal has `role`.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

impl FromRequest for Principal {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.extensions().get::<Principal>().cloned().ok_or_else(login_required)
    }
}

/// The principal if there is one: for routes with `login_required = false`.
impl FromRequest for Option<Principal> {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(ctx.extensions().get::<Principal>().cloned())
    }
}

/// Checks a bearer token: `Ok(principal)`, or the error to answer (a 401, usually).
pub trait TokenVerifier: Send + Sync + 'static {
    /// Verifies `token` (the text after `Bearer `).
    fn verify(&self, token: &str) -> impl Future<Output = Result<Principal, HttpError>> + Send;
}

/// Sort 1: requires `Authorization: Bearer <token>` and asks the verifier; the principal goes
/// into the context (a `Principal` or `Option<Principal>` handler parameter reads it).
///
/// On routes with `#[set_metadata("login_required", false)]` the login is optional: a request
/// without a token goes on anonymously, one with a token still has it verified (so handlers
/// see who it is).
///
/// A missing or malformed header answers 401 `unauthorized` `login required` with
/// `WWW-Authenticate: Bearer`; several `Authorization` headers answer 400 `bad_request` (which
/// one counts would be a guess); a rejected token answers what the verifier returned.
pub struct Auths<V> {
    verifier: V,
}

impl<V: TokenVerifier> Auths<V> {
    /// `Auths` asking `verifier`.
    pub fn new(verifier: V) -> Self {
        Self { verifier }
    }
}

impl<V: TokenVerifier + Default> Default for Auths<V> {
    fn default() -> Self {
        Self::new(V::default())
    }
}

impl<V: TokenVerifier> LifecycleInterceptor for Auths<V> {
    const INSPECTS_VALUE: bool = false;

    fn check_route(&self, route: &crate::RouteSetup<'_>) -> Result<(), String> {
        super::check_switch(route, "login_required", "Auths")
    }

    fn document(&self, route: &crate::RouteSetup<'_>) -> crate::RouteDocs {
        let bearer = crate::SecurityScheme::bearer();
        let docs = crate::RouteDocs::new()
            .response(401, "The request is not authenticated: no bearer token, or one refused.");
        match super::switch(route, "login_required") {
            Some(false) => docs.optional_security(bearer),
            _ => docs.security(bearer),
        }
    }

    fn sort(&self) -> i32 {
        1
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        let optional = ctx.metadata::<bool>("login_required") == Some(false);
        let mut headers = ctx.headers().get_all(AUTHORIZATION).iter();
        let token = match (headers.next(), headers.next()) {
            (Some(_), Some(_)) => {
                return Err(HttpError::bad_request("send one Authorization header, not several"));
            }
            (None, _) if optional => return Ok(()),
            (None, _) => return Err(login_required()),
            (Some(value), None) => {
                value.to_str().ok().and_then(bearer_token).ok_or_else(login_required)?.to_owned()
            }
        };
        let principal = self.verifier.verify(&token).await?;
        ctx.extensions_mut().insert(principal);
        Ok(())
    }
}

/// The token of `Bearer <token>` (scheme in any case), if that is what the header holds: one
/// token of RFC 6750 `b64token` characters, nothing after it.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once([' ', '\t'])?;
    let token = token.trim();
    let b64token = |c: char| c.is_ascii_alphanumeric() || "-._~+/=".contains(c);
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.chars().all(b64token))
        .then_some(token)
}

pub(crate) fn login_required() -> HttpError {
    HttpError::unauthorized("login required")
        .with_header(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
}

#[cfg(test)]
mod tests {
    use super::bearer_token;

    #[test]
    fn bearer_tokens_are_recognised_in_any_scheme_case() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer   "), None);
        assert_eq!(bearer_token("Bearer\tabc"), Some("abc"));
        assert_eq!(bearer_token("Bearer ada, Bearer bob"), None);
        assert_eq!(bearer_token("Bearer a.b-c_d~e+f/g=="), Some("a.b-c_d~e+f/g=="));
    }
}
