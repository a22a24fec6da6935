//! Guards (NestJS `CanActivate`, Lauren `@use_guards`): decide whether a request may reach the
//! interceptors and the handler at all.

mod list;
mod security;

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

pub use self::list::IntoGuards;
pub use self::security::{SecurityScheme, no_security, security_of};
use crate::descriptor::{Attached, ComponentDescriptor, Instance, StageFuture, stage_future};
use crate::di::Inject;
use crate::error::HttpError;
use crate::error::kinds::Forbidden;
use crate::pipeline::ExecutionContext;
use crate::type_name::TypeName;

/// Decides whether the request may go on: `Ok(true)` lets it through, `Ok(false)` answers 403
/// `forbidden` naming the guard, `Err(e)` answers `e` (e.g. a 401).
///
/// Guards run after routing, global -> module -> controller -> route, before the content-type
/// gate and the interceptors; the first denial stops the request. They share the request's
/// [`ExecutionContext`] with the interceptors and the handler: metadata a guard writes with
/// `ctx.set_metadata` is visible downstream.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct ApiKey;
///
/// impl Guard for ApiKey {
///     async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
///         match ctx.headers().get("x-api-key") {
///             None => Err(HttpError::unauthorized("an x-api-key header is required")),
///             Some(key) => Ok(key == "secret"),
///         }
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a guard",
    label = "not a guard",
    note = "add `impl Guard for {Self} {{ async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {{ Ok(true) }} }}`"
)]
pub trait Guard: Send + Sync + 'static {
    /// `Ok(true)`: go on; `Ok(false)`: 403; `Err(e)`: answer `e`.
    fn can_activate(
        &self,
        ctx: &mut ExecutionContext<'_>,
    ) -> impl Future<Output = Result<bool, HttpError>> + Send;

    /// The security scheme this guard checks, for the OpenAPI document (feature `openapi`):
    /// every route it guards lists it under `security`. `None` (the default): its routes only
    /// document the 401 and 403 a guard can answer.
    fn security() -> Option<SecurityScheme>
    where
        Self: Sized,
    {
        None
    }
}

pub(crate) trait DynGuard: Send + Sync + 'static {
    fn can_activate_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> StageFuture<'a, Result<bool, HttpError>>;
}

impl<T: Guard> DynGuard for T {
    fn can_activate_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> StageFuture<'a, Result<bool, HttpError>> {
        stage_future(self.can_activate(ctx))
    }
}

/// A shared guard instance, as routes hold it.
#[derive(Clone)]
pub struct GuardInstance {
    inner: Arc<dyn DynGuard>,
    type_name: TypeName,
    security: fn() -> Option<SecurityScheme>,
}

impl GuardInstance {
    /// Wraps a built guard.
    pub fn new<T: Guard>(guard: T) -> Self {
        Self::from_arc(Arc::new(guard))
    }

    /// Views a built `Inject<T>` instance as a guard.
    pub fn adapt<T: Guard>(instance: &Instance) -> Option<Self> {
        instance
            .downcast_ref::<Inject<T>>()
            .map(|inject| Self::from_arc(Arc::clone(inject.as_arc())))
    }

    fn from_arc<T: Guard>(guard: Arc<T>) -> Self {
        Self { inner: guard, type_name: TypeName::of::<T>(), security: security_of::<T> }
    }

    /// The security scheme the guard checks ([`Guard::security`]).
    pub fn security(&self) -> Option<SecurityScheme> {
        (self.security)()
    }

    /// The guard type's name, as a denial names it.
    pub fn type_name(&self) -> &'static str {
        self.type_name.short()
    }
}

impl std::fmt::Debug for GuardInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name.short())
    }
}

/// A guard type named in `#[use_guards(..)]`, a module's `guards = [..]` or the builder.
pub type GuardDescriptor = ComponentDescriptor<GuardInstance>;

/// A route's guard.
pub(crate) type GuardEntry = Attached<GuardInstance>;

/// Runs the route's guards in order; the first denial or error ends the request.
pub(crate) async fn check(ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
    let guards = &ctx.route().guards;
    for entry in guards.iter() {
        // A shared guard is taken without awaiting `attached` (measured: about 40 instructions
        // a guard); only a per-request one is built.
        let guard = match entry {
            Attached::Shared(guard) => Cow::Borrowed(guard),
            Attached::Scoped { .. } => ctx.attached(entry, "GuardMismatch").await?,
        };
        if !guard.inner.can_activate_dyn(ctx).await? {
            return Err(denied(guard.type_name()));
        }
    }
    Ok(())
}

/// 403 `forbidden`, `guard DenyGuard denied the request`, `detail {"guard":"DenyGuard"}`.
fn denied(guard: &'static str) -> HttpError {
    HttpError::forbidden(format!("guard {guard} denied the request"))
        .with_detail("guard", guard)
        .with_source(Forbidden)
}
