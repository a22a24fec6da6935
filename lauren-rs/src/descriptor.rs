//! The `'static` descriptors the macros emit: const data only (names, fn pointers, slices).
//!
//! Public for reflection ([`registered_controllers`]); built only by the macros.
//!
//! `create()` reads them once, joins them and freezes the result; nothing here is consulted on
//! the request path except through the frozen tables built from it.

use std::any::{Any, TypeId};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::Method;

use crate::di::{Key, Provider, ProviderDescriptor};
use crate::error::HttpError;
use crate::interceptors::InterceptorDescriptor;
use crate::pipeline::{ExecutionContext, MetaEntry};
use crate::reply::Reply;

/// A shared, type-erased instance of a provider: an `Inject<T>` behind `dyn Any`.
pub type Instance = Arc<dyn Any + Send + Sync>;

/// A boxed, type-erased future: an interceptor hop's, a provider build's, a middleware's.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How many bytes a handler's (or the outermost interceptor's) future may take to be kept in the
/// request's own future; a larger one is boxed. Most handlers' futures take 100-200.
pub const INLINE_FUTURE_BYTES: usize = 256;

/// A type-erased future kept inline, without an allocation, when it fits in
/// [`INLINE_FUTURE_BYTES`] (boxed inside otherwise): what a handler's entry point returns, so
/// that a route without interceptors allocates nothing for its handler.
pub type InlineFuture<'a, T> = stackfuture::StackFuture<'a, T, INLINE_FUTURE_BYTES>;

/// Erases `future` into an [`InlineFuture`]: inline when it fits, boxed otherwise.
#[inline(always)]
pub fn inline_future<'a, T>(future: impl Future<Output = T> + Send + 'a) -> InlineFuture<'a, T> {
    InlineFuture::from_or_box(future)
}

/// How many bytes the outermost interceptor's future may take to be kept in the request's own
/// future when the route serves in place: a lifecycle group's future takes 384 (the typed
/// outcome beside the room of one hook), an around interceptor's usually 100-250. Larger than
/// [`INLINE_FUTURE_BYTES`] because it is only in the request's own future, which no box copies;
/// the futures that other boxes hold (a route behind middleware, a staged route) keep the
/// smaller room, so that those boxes stay in glibc's per-thread cache.
pub(crate) const OUTER_FUTURE_BYTES: usize = 384;

/// The outermost hop's type-erased future, inline when it fits in [`OUTER_FUTURE_BYTES`].
pub(crate) type OuterFuture<'a, T> = stackfuture::StackFuture<'a, T, OUTER_FUTURE_BYTES>;

/// How many bytes the future of one step of a sequential stage (a guard's check, a
/// pre-interceptor, a lifecycle hook) may take to be kept inline in the stage's own future; a
/// larger one is boxed. A step that awaits nothing takes 16-40 (its arguments); a step that
/// holds more across an await is boxed, as it would be without the room. Kept small so that
/// moving the room costs a few stores, not a copy call.
pub const STAGE_FUTURE_BYTES: usize = 64;

/// A sequential step's type-erased future, inline when it fits in [`STAGE_FUTURE_BYTES`]: the
/// steps of a stage run one after another, so one room serves them all and a guard, a
/// pre-interceptor or a lifecycle hook costs no allocation.
pub type StageFuture<'a, T> = stackfuture::StackFuture<'a, T, STAGE_FUTURE_BYTES>;

/// Erases `future` into a [`StageFuture`]: inline when it fits, boxed otherwise.
#[inline(always)]
pub fn stage_future<'a, T>(future: impl Future<Output = T> + Send + 'a) -> StageFuture<'a, T> {
    StageFuture::from_or_box(future)
}

/// The generated entry point of one handler: get the controller, extract, call, reply.
pub type HandlerFn =
    for<'a, 'r> fn(&'a mut ExecutionContext<'r>) -> InlineFuture<'a, Result<Reply, HttpError>>;

/// The same entry point with its future boxed at its own size: what an interceptor's
/// `next.handle(ctx)` awaits (a small box is much cheaper to allocate than the inline room).
pub type BoxedHandlerFn =
    for<'a, 'r> fn(&'a mut ExecutionContext<'r>) -> BoxFuture<'a, Result<Reply, HttpError>>;

/// How a route documents itself in the OpenAPI document (feature `openapi`): generated from the
/// handler's signature, doc comment and `#[openapi(..)]` attributes. Without the feature it is
/// never set and names no schema type.
#[cfg(feature = "openapi")]
pub type DocumentFn = fn(&mut crate::openapi::OperationBuilder<'_>);

/// How a route documents itself in the OpenAPI document: never set without the `openapi`
/// feature.
#[cfg(not(feature = "openapi"))]
pub type DocumentFn = fn(std::convert::Infallible);

/// An interceptor type named in an attribute: its descriptor, by fn pointer.
pub type InterceptorRef = fn() -> &'static InterceptorDescriptor;

/// An exception handler type named in an attribute: its descriptor, by fn pointer.
pub type ExceptionHandlerRef = fn() -> &'static crate::exceptions::ExceptionHandlerDescriptor;

/// A bundle named in `#[apply(..)]`: its descriptor, by fn pointer.
pub type BundleRef = fn() -> &'static BundleDescriptor;

/// A reusable set of guards, interceptors and metadata, declared once with `#[bundle]` and
/// applied with `#[apply(..)]` (NestJS `applyDecorators`, Lauren `@propagate_metadata`).
#[derive(Debug)]
pub struct BundleDescriptor {
    /// The bundle type's name.
    pub type_name: &'static str,
    /// Its guards, in the order they run.
    pub guards: &'static [GuardRef],
    /// Its interceptors, outermost first.
    pub interceptors: &'static [InterceptorRef],
    /// Its metadata (the target's own keys win).
    pub metadata: &'static [MetaEntry],
}

/// Implemented by `#[bundle]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a bundle",
    label = "not declared with `#[bundle]`",
    note = "declare it once: `#[bundle] #[use_guards(..)] #[use_interceptors(..)] #[set_metadata(..)] struct {Self};`"
)]
pub trait Bundle: 'static {
    /// The bundle's generated descriptor.
    fn descriptor() -> &'static BundleDescriptor;
}

/// A middleware type named in an attribute: its descriptor, by fn pointer.
pub type MiddlewareRef = fn() -> &'static crate::middleware::MiddlewareDescriptor;

/// A guard type named in an attribute: its descriptor, by fn pointer.
pub type GuardRef = fn() -> &'static crate::guards::GuardDescriptor;

/// How long a provider's instance lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// A new instance per injection site per request.
    Transient,
    /// One instance per request, shared by everything that request touches.
    Request,
    /// One instance for the life of the app, built at startup.
    Singleton,
}

/// What a controller method answers: an HTTP request, or a part of a WebSocket gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteKind {
    /// `#[get]`, `#[post]`, ..: an HTTP route.
    Http,
    /// `#[ws("/path")]`: the `GET` that upgrades to a WebSocket, and the connect handler.
    WebSocket,
    /// `#[on_message]` (every message) or `#[on_message("event")]` (`{"event": .., "data": ..}`
    /// frames of that event): a message handler of the controller's gateway.
    Message(Option<&'static str>),
    /// `#[on_disconnect]`: runs once the gateway's socket has closed.
    Disconnect,
}

/// One `(method, path)` of a controller: what the router and the pipeline need to serve it.
#[derive(Debug)]
pub struct RouteDescriptor {
    /// What the method answers; every kind but `Http` is part of a WebSocket gateway.
    pub kind: RouteKind,
    /// The HTTP method.
    pub method: Method,
    /// The path below the controller prefix, normalised (`/{id}`, or `""` for the prefix).
    pub path: &'static str,
    /// The handler method's name.
    pub handler_name: &'static str,
    /// The generated entry point.
    pub handler: HandlerFn,
    /// The generated entry point, boxed (behind interceptors).
    pub handler_boxed: BoxedHandlerFn,
    /// Path variables the handler binds one by one, in the order the entry point asks for them.
    pub path_vars: &'static [&'static str],
    /// What the handler reads the body as (`FromRequest::BODY` of its body extractor): `Json`
    /// and `Form` routes get a content-type gate that answers 415 before any interceptor runs.
    pub body: Option<crate::extract::BodyKind>,
    /// `#[use_interceptors]` of the method, outermost first.
    pub interceptors: &'static [InterceptorRef],
    /// `#[use_guards]` of the method, in the order they run.
    pub guards: &'static [GuardRef],
    /// `#[use_pre_interceptors]` of the method, in the order they run.
    pub pre_interceptors: &'static [crate::pre_interceptors::PreInterceptorRef],
    /// `#[use_middleware]` of the method, outermost first.
    pub middleware: &'static [MiddlewareRef],
    /// `#[apply]` of the method: their guards and interceptors run before the method's own.
    pub bundles: &'static [BundleRef],
    /// `#[use_exception_handlers]` of the method, in the order they are asked.
    pub exception_handlers: &'static [ExceptionHandlerRef],
    /// `#[set_metadata]` of the method, one entry per key.
    pub metadata: &'static [MetaEntry],
    /// For each handler parameter, the provider it injects (`FromRequest::DEPENDENCY`).
    pub dependencies: &'static [Option<crate::di::Dependency>],
    /// The `pattern = ".."` bounds of the handler's parameters, compiled at startup.
    pub patterns: &'static [&'static crate::extract::validate::Pattern],
    /// Its OpenAPI operation: `Some` only with the `openapi` feature, `None` for a route marked
    /// `#[openapi(skip)]`.
    pub openapi: Option<DocumentFn>,
}

/// A controller: its prefix, routes and how to build it.
#[derive(Debug)]
pub struct ControllerDescriptor {
    /// The controller type's name.
    pub type_name: &'static str,
    /// The controller's `#[controller("..")]` prefix, normalised.
    pub prefix: &'static str,
    /// Its routes, in declaration order.
    pub routes: &'static [RouteDescriptor],
    /// How to build the controller: its `#[injectable]` descriptor, or a `Default` singleton.
    pub provider: fn() -> &'static ProviderDescriptor,
    /// `#[use_interceptors]` of the impl block, outermost first.
    pub interceptors: &'static [InterceptorRef],
    /// `#[use_guards]` of the impl block, in the order they run.
    pub guards: &'static [GuardRef],
    /// `#[use_pre_interceptors]` of the impl block, in the order they run.
    pub pre_interceptors: &'static [crate::pre_interceptors::PreInterceptorRef],
    /// `#[use_middleware]` of the impl block, outermost first.
    pub middleware: &'static [MiddlewareRef],
    /// `#[apply]` of the impl block: their guards and interceptors run before the block's own.
    pub bundles: &'static [BundleRef],
    /// `#[use_exception_handlers]` of the impl block, in the order they are asked.
    pub exception_handlers: &'static [ExceptionHandlerRef],
    /// `#[set_metadata]` of the impl block, one entry per key.
    pub metadata: &'static [MetaEntry],
    /// The impl block's doc comment, the description of its OpenAPI tag (only with the `openapi`
    /// feature).
    pub doc: Option<&'static str>,
}

/// A type attached by name in an attribute or on the builder (an interceptor, a guard): how the
/// container builds it, and how a built instance is viewed as what it is attached as.
pub struct ComponentDescriptor<A: 'static> {
    /// The type's name.
    pub type_name: &'static str,
    /// The type's identity.
    pub type_id: fn() -> TypeId,
    /// How the container builds it (its `#[injectable]` descriptor, or a `Default` singleton).
    pub provider: fn() -> &'static ProviderDescriptor,
    /// Views a built instance as `A`.
    pub adapt: fn(&Instance) -> Option<A>,
    /// The security scheme it enforces, for the OpenAPI document ([`Guard::security`]; `None`
    /// for everything but guards).
    ///
    /// [`Guard::security`]: crate::Guard::security
    pub security: fn() -> Option<crate::guards::SecurityScheme>,
}

impl<A> std::fmt::Debug for ComponentDescriptor<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentDescriptor").field("type_name", &self.type_name).finish()
    }
}

/// An attached component as a route holds it: an instance shared by every request, or a
/// binding resolved per request (request-scoped: once per request; transient: once per
/// attachment).
#[derive(Clone)]
pub(crate) enum Attached<A> {
    Shared(A),
    Scoped { binding: usize, adapt: fn(&Instance) -> Option<A> },
}

/// A module: what it imports, provides, exports and serves.
#[derive(Debug)]
pub struct ModuleDescriptor {
    /// The module type's name.
    pub type_name: &'static str,
    /// The module's identity.
    pub type_id: fn() -> TypeId,
    /// Modules whose exports it sees.
    pub imports: &'static [fn() -> &'static ModuleDescriptor],
    /// Its providers, built when the app is built (custom providers are expressions).
    pub providers: fn() -> Vec<Provider>,
    /// Keys it makes visible to importers.
    pub exports: &'static [fn() -> Key],
    /// A path prefix for its controllers' routes.
    pub prefix: &'static str,
    /// Its controllers, in declaration order.
    pub controllers: &'static [fn() -> &'static ControllerDescriptor],
    /// `interceptors = [..]`: around every route of this module, outermost first.
    pub interceptors: &'static [InterceptorRef],
    /// `guards = [..]`: before every route of this module, in order.
    pub guards: &'static [GuardRef],
    /// `pre_interceptors = [..]`: before every route of this module (after routing), in order.
    /// When empty, those of `settings` (a module mounted as a child app).
    pub pre_interceptors: &'static [crate::pre_interceptors::PreInterceptorRef],
    /// `settings = S`: the module's own settings, as a child app's.
    pub settings: Option<fn() -> &'static crate::pre_interceptors::SettingsDescriptor>,
    /// `middleware = [..]`: around every route of this module, outermost first.
    pub middleware: &'static [MiddlewareRef],
}

/// Implemented by `#[controller]` for the controller type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a controller",
    label = "listed as a controller here",
    note = "put `#[controller(\"/prefix\")]` on an `impl {Self} {{ .. }}` block with routes"
)]
pub trait Controller: Send + Sync + 'static {
    /// The controller's generated descriptor.
    fn descriptor() -> &'static ControllerDescriptor;
}

/// Implemented by `#[module]` for the module type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a module",
    note = "declare it with `#[module(controllers = [..])] struct {Self};`"
)]
pub trait Module: 'static {
    /// The module's generated descriptor.
    fn descriptor() -> &'static ModuleDescriptor;
}

/// What `#[controller]` submits to the global registry.
#[derive(Debug)]
pub struct ControllerRegistration(pub &'static ControllerDescriptor);

inventory::collect!(ControllerRegistration);

/// Every controller compiled into this binary, whether or not a module lists it.
///
/// ```
/// for controller in lauren::registered_controllers() {
///     println!("{} at {}", controller.type_name, controller.prefix);
/// }
/// ```
pub fn registered_controllers() -> impl Iterator<Item = &'static ControllerDescriptor> {
    inventory::iter::<ControllerRegistration>.into_iter().map(|r| r.0)
}
