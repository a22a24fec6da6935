//! Pre-handler interceptors (Esmerald's model): code that runs before the handler only, may
//! change the request, and stops it by failing.

mod list;
pub(crate) mod settings;

use std::future::Future;
use std::sync::Arc;

pub use self::list::IntoPreInterceptors;
pub use self::settings::{Settings, SettingsDescriptor, SettingsEntry, SettingsRegistration};
use crate::descriptor::{Attached, ComponentDescriptor, Instance, StageFuture, stage_future};
use crate::di::Inject;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::type_name::TypeName;

/// Runs before the handler, with no hook after it (Esmerald is one-way by design): read or
/// change the request (path, path parameters, query, headers, body, per-request state), or stop
/// it with an error that renders like any other (exception handlers included).
///
/// Where they run: app-level ones (`.pre_interceptors(..)`, or settings) before routing, so they
/// see unknown paths too and a path rewrite re-routes the request; module, controller and route
/// ones (`pre_interceptors = [..]`, `#[use_pre_interceptors(..)]`) after the route matched,
/// before guards, interceptors and extraction.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// #[pre_interceptor]
/// struct RequireTenant;
///
/// impl PreInterceptor for RequireTenant {
///     async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
///         match ctx.headers().get("x-tenant") {
///             Some(_) => Ok(()),
///             None => Err(HttpError::unauthorized("an x-tenant header is required")),
///         }
///     }
/// }
/// ```
///
/// A type attached by name in an attribute is built fresh for each request with `Default` (free
/// for a unit struct: no allocation beyond the hop's future), unless it is `#[injectable]`: then
/// its scope decides (singleton, request or transient).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a pre-interceptor",
    label = "not a pre-interceptor",
    note = "add `impl PreInterceptor for {Self} {{ async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {{ Ok(()) }} }}`"
)]
pub trait PreInterceptor: Send + Sync + 'static {
    /// Runs before the handler; `Err(e)` stops the request with `e`.
    fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
    ) -> impl Future<Output = Result<(), HttpError>> + Send;
}

pub(crate) trait DynPreInterceptor: Send + Sync + 'static {
    fn intercept_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> StageFuture<'a, Result<(), HttpError>>;
}

impl<T: PreInterceptor> DynPreInterceptor for T {
    fn intercept_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> StageFuture<'a, Result<(), HttpError>> {
        stage_future(self.intercept(ctx))
    }
}

/// A shared pre-interceptor instance: a value given to the builder, or a built `#[injectable]`.
#[derive(Clone)]
pub struct PreInterceptorInstance {
    inner: Arc<dyn DynPreInterceptor>,
    type_name: TypeName,
}

impl PreInterceptorInstance {
    /// Wraps a value.
    pub fn new<T: PreInterceptor>(interceptor: T) -> Self {
        Self::from_arc(Arc::new(interceptor))
    }

    /// Views a built `Inject<T>` instance as a pre-interceptor.
    pub fn adapt<T: PreInterceptor>(instance: &Instance) -> Option<Self> {
        instance
            .downcast_ref::<Inject<T>>()
            .map(|inject| Self::from_arc(Arc::clone(inject.as_arc())))
    }

    fn from_arc<T: PreInterceptor>(interceptor: Arc<T>) -> Self {
        Self { inner: interceptor, type_name: TypeName::of::<T>() }
    }

    /// The type's name.
    pub fn type_name(&self) -> &'static str {
        self.type_name.short()
    }
}

impl std::fmt::Debug for PreInterceptorInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name.short())
    }
}

/// Runs a `Default`-built pre-interceptor made for this request: one future holds the instance
/// and its call (inline when it fits, as every step of a stage).
pub type FreshFn =
    for<'a, 'r> fn(&'a mut ExecutionContext<'r>) -> StageFuture<'a, Result<(), HttpError>>;

/// A pre-interceptor type named in an attribute, a module, or settings.
pub struct PreInterceptorDescriptor {
    /// How the container builds it when it is `#[injectable]`, and views it as a
    /// pre-interceptor.
    pub component: ComponentDescriptor<PreInterceptorInstance>,
    /// `Some` when it is built fresh per request with `Default` (not `#[injectable]`).
    pub fresh: fn() -> Option<FreshFn>,
}

impl PreInterceptorDescriptor {
    /// The type's name.
    pub fn type_name(&self) -> &'static str {
        self.component.type_name
    }
}

impl std::fmt::Debug for PreInterceptorDescriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.component.type_name)
    }
}

/// A pre-interceptor type named in an attribute: its descriptor, by fn pointer.
pub type PreInterceptorRef = fn() -> &'static PreInterceptorDescriptor;

/// What `#[pre_interceptor]` submits to the registry: settings may name the type.
#[derive(Debug)]
pub struct PreInterceptorRegistration(pub PreInterceptorRef);

inventory::collect!(PreInterceptorRegistration);

/// Every `#[pre_interceptor]` type compiled into this binary.
pub fn registered_pre_interceptors() -> impl Iterator<Item = &'static PreInterceptorDescriptor> {
    inventory::iter::<PreInterceptorRegistration>.into_iter().map(|r| (r.0)())
}

/// The body of [`FreshFn`] for `T`.
pub(crate) fn run_fresh<'a, T: PreInterceptor + Default>(
    ctx: &'a mut ExecutionContext<'_>,
) -> StageFuture<'a, Result<(), HttpError>> {
    stage_future(async move {
        let interceptor = T::default();
        interceptor.intercept(ctx).await
    })
}

/// One pre-interceptor of a route (or of the app), resolved at startup.
#[derive(Clone)]
pub(crate) enum PreEntry {
    /// Built per request with `Default`.
    Fresh(FreshFn),
    /// A value, a singleton, or a binding built per request.
    Attached(Attached<PreInterceptorInstance>),
}

/// Runs `entries` in order; the first error stops the request.
pub(crate) async fn run(
    entries: &[PreEntry],
    ctx: &mut ExecutionContext<'_>,
) -> Result<(), HttpError> {
    for entry in entries {
        match entry {
            PreEntry::Fresh(run) => run(ctx).await?,
            // A shared one is called without awaiting `attached`, as guards are.
            PreEntry::Attached(Attached::Shared(interceptor)) => {
                interceptor.inner.intercept_dyn(ctx).await?;
            }
            PreEntry::Attached(attached) => {
                let interceptor = ctx.attached(attached, "PreInterceptorMismatch").await?;
                interceptor.inner.intercept_dyn(ctx).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct RequireTenant;

    impl PreInterceptor for RequireTenant {
        async fn intercept(&self, _: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
            Ok(())
        }
    }

    #[test]
    fn an_instance_is_named_by_its_type() {
        let instance = PreInterceptorInstance::new(RequireTenant);
        assert_eq!(instance.type_name(), "RequireTenant");
        assert_eq!(format!("{instance:?}"), "RequireTenant");
    }
}
