//! Lifecycle interceptors (the low-code platform model): `before`, `on_success`, `on_exception`
//! and `after` hooks ordered by an integer `sort`, run as one group per route.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures_util::FutureExt as _;

use super::{CallHandler, Interceptor, RouteDocs};
use crate::descriptor::{BoxFuture, StageFuture, stage_future};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;

/// Hooks around the handler, ordered by [`sort`](Self::sort): every lifecycle interceptor that
/// applies to a route joins one group, at the position of the outermost one in the chain.
///
/// - `before`, ascending by sort; the first error skips the remaining `before`s and the handler;
/// - then the rest of the chain and the handler;
/// - then `on_success` (with the typed reply, before it is rendered) or `on_exception` (which
///   returns the error to go on with; it may replace it), ascending by sort;
/// - then `after`, descending by sort, always: also when a `before` failed or the handler
///   panicked (not when the request itself is cancelled: a request timeout or a client gone
///   drops the whole chain).
///
/// A hook that panics counts as one that failed with a 500 `internal_error`: after a panic in
/// `on_success` or `on_exception`, the members after it get that 500 in their `on_exception`.
/// Every `after` still runs.
///
/// Equal sorts keep declaration order. Every hook is optional. Attach them like any interceptor
/// (`#[use_interceptors(..)]`, `interceptors = [..]`, `.global_interceptors(..)`).
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct Audit;
///
/// impl LifecycleInterceptor for Audit {
///     fn sort(&self) -> i32 { 500 }
///
///     async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
///         tracing::info!(route = ctx.route_template(), status = reply.status().as_u16(), "audited");
///     }
/// }
/// ```
///
/// A singleton's hooks join the route's group; a request-scoped or transient one forms a group
/// of its own at its position (it is built per request, after the groups are formed).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a lifecycle interceptor",
    label = "not a lifecycle interceptor",
    note = "add `impl LifecycleInterceptor for {Self} {{ fn sort(&self) -> i32 {{ 100 }} }}` and the hooks it needs"
)]
pub trait LifecycleInterceptor: Send + Sync + 'static {
    /// Not public API: the route's content-type gate lets XML bodies through to a JSON
    /// extractor, because this interceptor turns them into JSON (`XmlParse`).
    #[doc(hidden)]
    const ACCEPTS_XML: bool = false;

    /// Whether `on_success` looks at the handler's typed value (`reply.downcast_ref::<T>()`,
    /// `reply.value()`), as [`Interceptor::INSPECTS_VALUE`] says for an around interceptor.
    /// When no member of a route's group does (and no other interceptor of the route), the
    /// handler's value is rendered at once, which saves an allocation and about 350
    /// instructions per request; `on_success` still reads the status and headers
    /// ([`Reply::status`], [`Reply::header`]). Every built-in lifecycle interceptor leaves the
    /// value alone.
    ///
    /// ```
    /// use lauren::prelude::*;
    ///
    /// #[derive(Default)]
    /// struct Audit;
    ///
    /// impl LifecycleInterceptor for Audit {
    ///     const INSPECTS_VALUE: bool = false;
    ///
    ///     async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
    ///         tracing::info!(route = ctx.route_template(), status = reply.status().as_u16(), "served");
    ///     }
    /// }
    /// ```
    const INSPECTS_VALUE: bool = true;

    /// Checks, at startup, a route this interceptor applies to (its metadata, typically):
    /// `Err(why)` is a `StartupError` (`invalid_metadata`) naming the route. `Permission`
    /// refuses `roles` that are not role names this way, rather than at the first request.
    fn check_route(&self, route: &RouteSetup<'_>) -> Result<(), String> {
        let _ = route;
        Ok(())
    }

    /// What it enforces on `route`, for the OpenAPI document (feature `openapi`): the security
    /// it checks, the errors it answers, the headers it requires. Asked once per route at
    /// startup. `Auths`, `Permission` and `Sign` document themselves this way; the default adds
    /// nothing.
    fn document(&self, route: &RouteSetup<'_>) -> RouteDocs {
        let _ = route;
        RouteDocs::new()
    }

    /// The group's order: `before` and the outcome hooks ascending, `after` descending.
    fn sort(&self) -> i32 {
        0
    }

    /// Before the handler; `Err(e)` skips the remaining `before`s and the handler.
    fn before(
        &self,
        ctx: &mut ExecutionContext<'_>,
    ) -> impl Future<Output = Result<(), HttpError>> + Send {
        let _ = ctx;
        Noop::new()
    }

    /// After a successful handler, with its reply (still typed: `reply.downcast_ref::<T>()`).
    fn on_success(
        &self,
        ctx: &mut ExecutionContext<'_>,
        reply: &mut Reply,
    ) -> impl Future<Output = ()> + Send {
        let _ = (ctx, reply);
        Noop::new()
    }

    /// After a failure (a `before`, the handler, or a panic as a 500): the error to go on with.
    fn on_exception(
        &self,
        ctx: &mut ExecutionContext<'_>,
        err: HttpError,
    ) -> impl Future<Output = HttpError> + Send {
        let _ = ctx;
        async { err }
    }

    /// Last, whatever happened, like `finally`.
    fn after(&self, ctx: &mut ExecutionContext<'_>) -> impl Future<Output = ()> + Send {
        let _ = ctx;
        Noop::new()
    }
}

/// A hook left at its default: a zero-sized future (an `async {}` block is not: it keeps its
/// state), so the group boxing it allocates nothing.
struct Noop<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Noop<T> {
    fn new() -> Self {
        Self(std::marker::PhantomData)
    }
}

/// What a default hook answers.
trait NoopOutput {
    fn value() -> Self;
}

impl NoopOutput for () {
    fn value() -> Self {}
}

impl NoopOutput for Result<(), HttpError> {
    fn value() -> Self {
        Ok(())
    }
}

impl<T: NoopOutput> Future for Noop<T> {
    type Output = T;

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<T> {
        std::task::Poll::Ready(T::value())
    }
}

/// A route as [`LifecycleInterceptor::check_route`] sees it at startup.
#[derive(Clone, Copy)]
pub struct RouteSetup<'a> {
    pub(crate) template: &'a str,
    pub(crate) metadata: &'a crate::pipeline::RouteMetadata,
}

impl RouteSetup<'_> {
    /// The route's template, prefixes joined (`/orders/{id}`).
    pub fn template(&self) -> &str {
        self.template
    }

    /// The route's metadata (route over controller), as `ctx.metadata` reads it.
    pub fn metadata_value(&self, key: &str) -> Option<&crate::MetaValue> {
        self.metadata.get(key)
    }
}

impl std::fmt::Debug for RouteSetup<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteSetup").field("template", &self.template).finish_non_exhaustive()
    }
}

/// The hooks behind a pointer. `None` is a hook left at its default, which the group skips:
/// it would only answer at once what the group goes on with anyway.
pub(crate) trait DynLifecycle: Send + Sync + 'static {
    fn check_route_dyn(&self, route: &RouteSetup<'_>) -> Result<(), String>;
    #[cfg(feature = "openapi")]
    fn document_dyn(&self, route: &RouteSetup<'_>) -> RouteDocs;
    fn before_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> Option<StageFuture<'a, Result<(), HttpError>>>;
    fn on_success_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        reply: &'a mut Reply,
    ) -> Option<StageFuture<'a, ()>>;
    fn on_exception_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        err: HttpError,
    ) -> StageFuture<'a, HttpError>;
    fn after_dyn<'a>(&'a self, ctx: &'a mut ExecutionContext<'_>) -> Option<StageFuture<'a, ()>>;
}

/// The hook's future, unless it is a default hook's [`Noop`]. The default bodies are the only
/// place a `Noop` is made (it is private), and a type's name is fixed within one build, so
/// comparing the future's type name with `Noop`'s is exact; both are constants of the
/// instantiation, so the comparison folds away.
fn unless_default<'a, F>(future: F) -> Option<StageFuture<'a, F::Output>>
where
    F: Future + Send + 'a,
{
    let default = std::any::type_name::<F>() == std::any::type_name::<Noop<F::Output>>();
    (!default).then(|| stage_future(future))
}

impl<T: LifecycleInterceptor> DynLifecycle for T {
    fn check_route_dyn(&self, route: &RouteSetup<'_>) -> Result<(), String> {
        self.check_route(route)
    }
    #[cfg(feature = "openapi")]
    fn document_dyn(&self, route: &RouteSetup<'_>) -> RouteDocs {
        self.document(route)
    }
    fn before_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> Option<StageFuture<'a, Result<(), HttpError>>> {
        unless_default(self.before(ctx))
    }
    fn on_success_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        reply: &'a mut Reply,
    ) -> Option<StageFuture<'a, ()>> {
        unless_default(self.on_success(ctx, reply))
    }
    fn on_exception_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        err: HttpError,
    ) -> StageFuture<'a, HttpError> {
        stage_future(self.on_exception(ctx, err))
    }
    fn after_dyn<'a>(&'a self, ctx: &'a mut ExecutionContext<'_>) -> Option<StageFuture<'a, ()>> {
        unless_default(self.after(ctx))
    }
}

/// One lifecycle interceptor as a group holds it. Not public API.
#[doc(hidden)]
#[derive(Clone)]
pub struct LifecycleMember {
    hooks: Arc<dyn DynLifecycle>,
    /// Its type, and whether it was attached by naming the type (the container's instance)
    /// rather than as a value: a type named where a value of it is already attached runs once.
    type_id: std::any::TypeId,
    by_type: bool,
    sort: i32,
    accepts_xml: bool,
    inspects_value: bool,
}

impl LifecycleMember {
    /// The same member, marked as attached by naming its type.
    pub(crate) fn by_type(self) -> Self {
        Self { by_type: true, ..self }
    }

    pub(crate) fn new<T: LifecycleInterceptor>(interceptor: Arc<T>) -> Self {
        Self {
            type_id: std::any::TypeId::of::<T>(),
            by_type: false,
            sort: interceptor.sort(),
            accepts_xml: T::ACCEPTS_XML,
            inspects_value: T::INSPECTS_VALUE,
            hooks: interceptor,
        }
    }
}

// Not offered in "implemented for" hints: `Interceptor`'s own message names both traits.
#[diagnostic::do_not_recommend]
impl<T: LifecycleInterceptor> Interceptor for T {
    const INSPECTS_VALUE: bool = <T as LifecycleInterceptor>::INSPECTS_VALUE;

    /// Alone (a request-scoped or transient one), it is a group of one.
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> Result<Reply, HttpError> {
        let alone: [&dyn DynLifecycle; 1] = [self];
        run_group(&alone, ctx, next).await
    }

    fn lifecycle(self: Arc<Self>) -> Option<LifecycleMember> {
        Some(LifecycleMember::new(self))
    }
}

/// The lifecycle interceptors of one route, sorted: one hop of its chain.
pub(crate) struct LifecycleGroup {
    members: Box<[LifecycleMember]>,
}

impl LifecycleGroup {
    /// Sorts `members` by `sort`, declaration order among equals.
    pub(crate) fn new(mut members: Vec<LifecycleMember>) -> Self {
        // One instance attached twice (a singleton type named at two levels) runs once, and so
        // does a type named where a value of it is already attached (`Auths` given globally
        // and named again on a controller): the first, outermost, attachment counts. Two
        // values of one type (two configurations) both run.
        let mut seen: Vec<(*const (), std::any::TypeId)> = Vec::with_capacity(members.len());
        members.retain(|m| {
            let ptr = Arc::as_ptr(&m.hooks).cast::<()>();
            let again = seen.iter().any(|&(p, t)| p == ptr || (m.by_type && t == m.type_id));
            seen.push((ptr, m.type_id));
            !again
        });
        members.sort_by_key(|m| m.sort);
        Self { members: members.into_boxed_slice() }
    }

    /// What the members find wrong with the route they were attached to.
    pub(crate) fn check(&self, route: &RouteSetup<'_>) -> Vec<String> {
        self.members.iter().filter_map(|m| m.hooks.check_route_dyn(route).err()).collect()
    }

    /// What the members enforce on the route, for the OpenAPI document, in sort order.
    #[cfg(feature = "openapi")]
    pub(crate) fn document(&self, route: &RouteSetup<'_>) -> RouteDocs {
        let mut docs = RouteDocs::new();
        for member in &self.members {
            docs.merge(member.hooks.document_dyn(route));
        }
        docs
    }

    /// True when a member turns XML bodies into JSON (`XmlParse`).
    pub(crate) fn accepts_xml(&self) -> bool {
        self.members.iter().any(|m| m.accepts_xml)
    }

    /// True when a member's `on_success` looks at the typed value.
    pub(crate) fn inspects_value(&self) -> bool {
        self.members.iter().any(|m| m.inspects_value)
    }
}

impl super::DynInterceptor for LifecycleGroup {
    fn intercept_dyn<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> BoxFuture<'a, Result<Reply, HttpError>> {
        Box::pin(run_group(&self.members, ctx, next))
    }

    fn intercept_inline<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> crate::descriptor::InlineFuture<'a, Result<Reply, HttpError>> {
        crate::descriptor::inline_future(run_group(&self.members, ctx, next))
    }

    fn intercept_outer<'a>(
        &'a self,
        ctx: &'a mut ExecutionContext<'_>,
        next: CallHandler<'a>,
    ) -> crate::descriptor::OuterFuture<'a, Result<Reply, HttpError>> {
        crate::descriptor::OuterFuture::from_or_box(run_group(&self.members, ctx, next))
    }
}

/// Something a group runs the hooks of.
trait Hooks: Sync {
    fn hooks(&self) -> &dyn DynLifecycle;
}

impl Hooks for LifecycleMember {
    fn hooks(&self) -> &dyn DynLifecycle {
        &*self.hooks
    }
}

impl Hooks for &dyn DynLifecycle {
    fn hooks(&self) -> &dyn DynLifecycle {
        *self
    }
}

async fn run_group<H: Hooks>(
    members: &[H],
    ctx: &mut ExecutionContext<'_>,
    next: CallHandler<'_>,
) -> Result<Reply, HttpError> {
    // A hook that panics counts as a hook that failed with a 500: the group goes on to the
    // outcome hooks and, whatever happened, to every `after` (one that panics does not keep the
    // others from releasing what their `before` took).
    let befores = AssertUnwindSafe(async {
        for member in members {
            // Bound by a `let`, so that only the future is kept across the await.
            let Some(hook) = member.hooks().before_dyn(ctx) else { continue };
            hook.await?;
        }
        Ok(())
    })
    .catch_unwind()
    .await;
    let outcome = match befores {
        Ok(Ok(())) => match AssertUnwindSafe(next.handle(ctx)).catch_unwind().await {
            Ok(outcome) => outcome,
            Err(payload) => Err(panicked(ctx, "the handler", &*payload)),
        },
        Ok(Err(err)) => Err(err),
        Err(payload) => Err(panicked(ctx, "a lifecycle `before` hook", &*payload)),
    };
    // The outcome hooks, member by member in sort order, each seeing the outcome as it stands:
    // a hook that panics turns it into that panic's 500, which the members after it get in
    // their `on_exception` (a request log after it then reports the 500 the client gets). As
    // for the `after`s, one catch serves a run of members and is entered again past a panic.
    // The hooks work on the outcome where it is: the reply is not moved out and back.
    let mut outcome = outcome;
    let mut rest = members.iter();
    loop {
        if let Ok(reply) = &mut outcome {
            let run = AssertUnwindSafe(async {
                for member in rest.by_ref() {
                    // Bound by a `let`, so that only the future is kept across the await.
                    let Some(hook) = member.hooks().on_success_dyn(ctx, reply) else { continue };
                    hook.await;
                }
            })
            .catch_unwind()
            .await;
            match run {
                Ok(()) => break,
                Err(payload) => {
                    outcome = Err(panicked(ctx, "a lifecycle `on_success` hook", &*payload));
                }
            }
        } else if let Err(err) = outcome {
            let run = AssertUnwindSafe(async {
                let mut err = err;
                for member in rest.by_ref() {
                    err = member.hooks().on_exception_dyn(ctx, err).await;
                }
                err
            })
            .catch_unwind()
            .await;
            match run {
                Ok(err) => {
                    outcome = Err(err);
                    break;
                }
                Err(payload) => {
                    outcome = Err(panicked(ctx, "a lifecycle `on_exception` hook", &*payload));
                }
            }
        }
    }
    // One catch for all of them; after a panic it is entered again for the ones left (the
    // iterator is already past the one that panicked).
    let mut afters = members.iter().rev();
    loop {
        let run = AssertUnwindSafe(async {
            for member in afters.by_ref() {
                // Bound by a `let`, so that only the future is kept across the await.
                let Some(hook) = member.hooks().after_dyn(ctx) else { continue };
                hook.await;
            }
        })
        .catch_unwind()
        .await;
        match run {
            Ok(()) => break outcome,
            Err(payload) => outcome = Err(panicked(ctx, "a lifecycle `after` hook", &*payload)),
        }
    }
}

/// Logs a panic the group caught (the route will only see the error) and gives its 500.
fn panicked(
    ctx: &ExecutionContext<'_>,
    what: &str,
    payload: &(dyn std::any::Any + Send),
) -> HttpError {
    tracing::error!(
        route = ctx.route_template(),
        panic = crate::pipeline::panic_message(payload),
        "{what} panicked"
    );
    HttpError::panic()
}
