//! Built-in lifecycle interceptors (the low-code platform's): `Auths` (sort 1), `Sign` (100),
//! `Permission` (999), `XmlParse` (999) and `Logger` (9980).
//!
//! Each is a [`LifecycleInterceptor`](crate::LifecycleInterceptor): attach them one by one like
//! any interceptor, or all at once with [`Builtins`]. Routes switch them with metadata:
//! `#[set_metadata("login_required", false)]` skips `Auths`, `#[set_metadata("ignore_sign",
//! true)]` skips `Sign`, `#[set_metadata("roles", ["admin", "ops"])]` feeds `Permission`.
//!
//! ```
//! use lauren::prelude::*;
//! use lauren::builtin::{Auths, Builtins, Principal, TokenVerifier};
//!
//! struct StaticTokens;
//!
//! impl TokenVerifier for StaticTokens {
//!     async fn verify(&self, token: &str) -> lauren::Result<Principal> {
//!         match token {
//!             "admin-token" => Ok(Principal::new("ada").with_roles(["admin"])),
//!             _ => Err(HttpError::unauthorized("invalid token")),
//!         }
//!     }
//! }
//!
//! # #[module(controllers = [])] struct AppModule;
//! let app = LaurenFactory::create(AppModule)
//!     .global_interceptors(Builtins::new().auths(Auths::new(StaticTokens)));
//! ```

mod auths;
mod logger;
mod permission;
#[cfg(feature = "sign")]
pub mod sign;
#[cfg(feature = "xml")]
mod xml;

pub use self::auths::{Auths, Principal, TokenVerifier};
pub use self::logger::Logger;
pub use self::permission::Permission;
#[cfg(feature = "sign")]
pub use self::sign::Sign;
#[cfg(feature = "xml")]
pub use self::xml::XmlParse;

use crate::interceptors::{InterceptorInstance, IntoInterceptors};

/// A switch in a route's metadata (`login_required`, `ignore_sign`) as startup sees it: its
/// value when it is a `bool`, `None` when it is unset or anything else (which `check_switch`
/// refuses).
fn switch(route: &crate::RouteSetup<'_>, key: &str) -> Option<bool> {
    route.metadata_value(key).and_then(|value| value.to_json().as_bool())
}

/// Checks, at startup, that a switch in a route's metadata is a `bool`: a built-in reads
/// anything else as unset, which would leave the route with its default silently.
fn check_switch(route: &crate::RouteSetup<'_>, key: &str, owner: &str) -> Result<(), String> {
    match route.metadata_value(key).map(crate::MetaValue::to_json) {
        None | Some(serde_json::Value::Bool(_)) => Ok(()),
        Some(other) => {
            Err(format!("metadata `{key}` must be `true` or `false` (for {owner}), got {other}"))
        }
    }
}

/// The built-ins as one group: `Permission` and `Logger` always; `Auths`, `Sign` (feature
/// `sign`) and `XmlParse` (feature `xml`) when added. Pass it to `.global_interceptors(..)`,
/// which takes any list of interceptors.
#[derive(Default)]
#[must_use]
pub struct Builtins {
    auths: Option<InterceptorInstance>,
    sign: Option<InterceptorInstance>,
    xml: Option<InterceptorInstance>,
}

impl Builtins {
    /// `Permission` and `Logger`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `Auths` (with its token verifier).
    pub fn auths<V: TokenVerifier>(mut self, auths: Auths<V>) -> Self {
        self.auths = Some(InterceptorInstance::new(auths));
        self
    }

    /// Adds `Sign` (with its key).
    #[cfg(feature = "sign")]
    pub fn sign(mut self, sign: Sign) -> Self {
        self.sign = Some(InterceptorInstance::new(sign));
        self
    }

    /// Adds `XmlParse`.
    #[cfg(feature = "xml")]
    pub fn xml(mut self, xml: XmlParse) -> Self {
        self.xml = Some(InterceptorInstance::new(xml));
        self
    }
}

impl IntoInterceptors for Builtins {
    fn into_interceptors(self) -> Vec<InterceptorInstance> {
        // The group sorts them by `sort`; the order here does not matter.
        [self.auths, self.sign, Some(InterceptorInstance::new(Permission))]
            .into_iter()
            .chain([self.xml, Some(InterceptorInstance::new(Logger))])
            .flatten()
            .collect()
    }
}
