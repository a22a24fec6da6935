//! Around interceptors (Lauren's / NestJS's model): code before and after the rest of the chain.

mod chain;
mod lifecycle;
mod list;
mod route_docs;

use std::future::Future;
use std::sync::Arc;

pub use self::chain::CallHandler;
pub(crate) use self::lifecycle::LifecycleGroup;
pub use self::lifecycle::{LifecycleInterceptor, LifecycleMember, RouteSetup};
pub use self::list::IntoInterceptors;
pub use self::route_docs::RouteDocs;
use crate::descriptor::{BoxFuture, InlineFuture, Instance, OuterFuture};
use crate::di::Inject;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;
use crate::type_name::TypeName;

/// Wraps the rest of the chain: run code before it, decide whether to run it, and look at or
/// replace what it returns.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// #[interceptor]
/// struct Timing;
///
/// impl Interceptor for Timing {
///     async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
///         let started = std::time::Instant::now();
///         let reply = next.handle(ctx).await?;
///         Ok(reply.with_header("x-elapsed-us", started.elapsed().as_micros().to_string()))
///     }
/// }
/// ```
///
/// - Not calling `next.handle(ctx)` short-circuits: extraction and the handler are skipped, and
///   the outer interceptors still wrap what this one returns.
/// - Calling it twice runs the rest of the chain (and the handler) twice.
/// - An `Err` from inside passes through `?`; match on it to turn it into a fallback `Ok`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an interceptor",
    label = "not an interceptor",
    note = "add `impl Interceptor for {Self} {{ async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {{ next.handle(ctx).await }} }}`",
    note = "or, for hooks ordered by sort, `impl LifecycleInterceptor for {Self} {{ fn sort(&self) -> i32 {{ 100 }} }}`; a `PreInterceptor` attaches with `#[use_pre_interceptors(..)]`"
)]
pub trait Interceptor: Send + Sync + 'static {
    /// Whether [`intercept`](Self::intercept) looks at the handler's value itself, with
    /// [`Reply::downcast_ref`], [`downcast_mut`](Reply::downcast_mut) or
    /// [`into_inner`](Reply::into_inner). Set it to `false` for an interceptor that only reads
    /// or sets the status and headers, times the call, or logs: when no interceptor of a route
    /// looks at the value, the handler's value is rendered at once, inside the chain (one
    /// allocation and about 500 instructions less per request; its serialization then also
    /// runs inside the route's timeout and panic catching), and these three methods find
    /// nothing (`None`, `Err`). [`Reply::to_json`] (JSON and text bodies),
    /// [`status`](Reply::status), [`header`](Reply::header),
    /// [`with_header`](Reply::with_header) and [`with_status`](Reply::with_status) work either
    /// way; [`replace`](Reply::replace) does too, except that on a rendered reply the headers
    /// and status set before it are not carried over to the new value.
    ///
    /// ```
    /// use lauren::prelude::*;
    ///
    /// #[derive(Default)]
    /// #[interceptor]
    /// struct PoweredBy;
    ///
    /// impl Interceptor for PoweredBy {
    ///     const INSPECTS_VALUE: bool = false;
    ///
    ///     async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
    ///         Ok(next.handle(ctx).await?.with_header("x-powered-by", "lauren"))
    ///     }
    /// }
    /// ```
    const INSPECTS_VALUE: bool = true;

    /// Runs around the rest of the chain.
    fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> impl Future<Output = Result<Reply, HttpError>> + Send;

    /// Not public API: a [`LifecycleInterceptor`]'s hooks, so a route's lifecycle interceptors
    /// join one group.
    #[doc(hidden)]
    fn lifecycle(self: Arc<Self>) -> Option<LifecycleMember>
    where
        Self: Sized,
    {
        None
    }
}

/// An interceptor behind a pointer: what a chain holds.
pub(crate) trait DynInterceptor: Send + Sync + 'static {
    fn intercept_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> BoxFuture<'a, Result<Reply, HttpError>>;

    /// The same future, kept inline when it fits: for the outermost hop, which the request's
    /// own future holds.
    fn intercept_inline<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> InlineFuture<'a, Result<Reply, HttpError>>;

    /// The same in the larger room of the request's outermost hop, when the route serves in
    /// place.
    fn intercept_outer<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> OuterFuture<'a, Result<Reply, HttpError>>;
}

impl<T: Interceptor> DynInterceptor for T {
    fn intercept_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> BoxFuture<'a, Result<Reply, HttpError>> {
        Box::pin(self.intercept(ctx, next))
    }

    fn intercept_inline<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> InlineFuture<'a, Result<Reply, HttpError>> {
        crate::descriptor::inline_future(self.intercept(ctx, next))
    }

    fn intercept_outer<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> OuterFuture<'a, Result<Reply, HttpError>> {
        OuterFuture::from_or_box(self.intercept(ctx, next))
    }
}

/// A shared interceptor instance, as stored in chains.
#[derive(Clone)]
pub struct InterceptorInstance {
    pub(crate) inner: Arc<dyn DynInterceptor>,
    pub(crate) type_name: TypeName,
    /// [`Interceptor::INSPECTS_VALUE`] of its type.
    pub(crate) inspects_value: bool,
    /// Its hooks, when it is a lifecycle interceptor (grouped at startup).
    pub(crate) lifecycle: Option<LifecycleMember>,
}

impl InterceptorInstance {
    /// Wraps a built interceptor.
    pub fn new<T: Interceptor>(interceptor: T) -> Self {
        Self::from_arc(Arc::new(interceptor))
    }

    /// Views a built `Inject<T>` instance as an interceptor.
    pub fn adapt<T: Interceptor>(instance: &Instance) -> Option<Self> {
        let inject = instance.downcast_ref::<Inject<T>>()?;
        let mut adapted = Self::from_arc(Arc::clone(inject.as_arc()));
        adapted.lifecycle = adapted.lifecycle.map(LifecycleMember::by_type);
        Some(adapted)
    }

    pub(crate) fn from_arc<T: Interceptor>(interceptor: Arc<T>) -> Self {
        Self {
            lifecycle: T::lifecycle(Arc::clone(&interceptor)),
            inspects_value: T::INSPECTS_VALUE,
            inner: interceptor,
            type_name: TypeName::of::<T>(),
        }
    }

    /// A route's lifecycle group, as one hop of its chain.
    pub(crate) fn group(group: LifecycleGroup) -> Self {
        Self {
            inspects_value: group.inspects_value(),
            inner: Arc::new(group),
            type_name: TypeName::literal("LifecycleGroup"),
            lifecycle: None,
        }
    }
}

impl std::fmt::Debug for InterceptorInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name.short())
    }
}

/// An interceptor type named in `#[use_interceptors(..)]`, a module or the builder.
pub type InterceptorDescriptor = crate::descriptor::ComponentDescriptor<InterceptorInstance>;

/// One link of a route's chain.
pub(crate) type ChainEntry = crate::descriptor::Attached<InterceptorInstance>;

/// Implemented by `#[interceptor]`: the type is registered and may be attached by name.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an interceptor",
    label = "not an interceptor",
    note = "declare it with `#[interceptor] struct {Self};` and add `impl Interceptor for {Self} {{ async fn intercept(..) }}`"
)]
pub trait InterceptorType: Interceptor {
    /// The generated descriptor.
    fn descriptor() -> &'static InterceptorDescriptor;
}

/// What `#[interceptor]` submits to the global registry.
#[derive(Debug)]
pub struct InterceptorRegistration(pub &'static InterceptorDescriptor);

inventory::collect!(InterceptorRegistration);

/// Every `#[interceptor]` type compiled into this binary.
pub fn registered_interceptors() -> impl Iterator<Item = &'static InterceptorDescriptor> {
    inventory::iter::<InterceptorRegistration>.into_iter().map(|r| r.0)
}
