//! Middleware (NestJS `NestMiddleware`, Lauren `@middleware`): code around the whole request on
//! the HTTP request and response themselves, outside the guards and interceptors.
//!
//! Global middleware wraps routing: it sees every request, 404 and 405 included, and every
//! rendered response. Module, controller and route middleware run after routing, outermost
//! first; an error the route ends in (a guard's denial, an unhandled handler error) passes
//! through them as an `Err`, skipping their post-code, and is rendered outside them.

mod from_fn;

use std::future::Future;
use std::sync::Arc;

pub use self::from_fn::{FromFn, from_fn};
use crate::body::{Body, RequestBody};
use crate::descriptor::BoxFuture;
use crate::error::HttpError;
use crate::type_name::TypeName;

/// The request a middleware sees: head and (unread) body.
pub type MiddlewareRequest = http::Request<RequestBody>;

/// The response a middleware returns: rendered.
pub type MiddlewareResponse = http::Response<Body>;

/// Code around the rest of the request.
///
/// ```
/// use lauren::middleware::{Middleware, MiddlewareRequest, MiddlewareResponse, Next};
/// use lauren::http;
///
/// #[derive(Default)]
/// struct PoweredBy;
///
/// impl Middleware for PoweredBy {
///     async fn handle(&self, req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
///         let mut response = next.run(req).await?;
///         response.headers_mut().insert("x-powered-by", http::HeaderValue::from_static("lauren"));
///         Ok(response)
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a middleware",
    label = "not a middleware",
    note = "add `impl Middleware for {Self} {{ async fn handle(&self, req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {{ next.run(req).await }} }}`, or use `lauren::middleware::from_fn`"
)]
pub trait Middleware: Send + Sync + 'static {
    /// Runs around `next`: not calling it answers on its own.
    fn handle(
        &self,
        req: MiddlewareRequest,
        next: Next<'_>,
    ) -> impl Future<Output = Result<MiddlewareResponse, HttpError>> + Send;
}

trait DynMiddleware: Send + Sync + 'static {
    fn handle_dyn<'a>(
        &'a self,
        req: MiddlewareRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<MiddlewareResponse, HttpError>>;
}

impl<T: Middleware> DynMiddleware for T {
    fn handle_dyn<'a>(
        &'a self,
        req: MiddlewareRequest,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<MiddlewareResponse, HttpError>> {
        Box::pin(self.handle(req, next))
    }
}

/// A shared middleware instance.
#[derive(Clone)]
pub struct MiddlewareInstance {
    inner: Arc<dyn DynMiddleware>,
    type_name: TypeName,
}

impl MiddlewareInstance {
    /// Wraps a middleware.
    pub fn new<T: Middleware>(middleware: T) -> Self {
        Self { inner: Arc::new(middleware), type_name: TypeName::of::<T>() }
    }
}

impl std::fmt::Debug for MiddlewareInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name.short())
    }
}

impl MiddlewareInstance {
    /// Views a built `Inject<T>` instance as a middleware.
    pub fn adapt<T: Middleware>(instance: &crate::descriptor::Instance) -> Option<Self> {
        instance.downcast_ref::<crate::di::Inject<T>>().map(|inject| Self {
            inner: Arc::clone(inject.as_arc()) as Arc<dyn DynMiddleware>,
            type_name: TypeName::of::<T>(),
        })
    }

    /// The middleware type's name.
    pub fn type_name(&self) -> &'static str {
        self.type_name.short()
    }
}

/// A middleware type named in `#[use_middleware(..)]` or a module's `middleware = [..]`.
pub type MiddlewareDescriptor = crate::descriptor::ComponentDescriptor<MiddlewareInstance>;

/// What the innermost middleware's `next` runs. A value rather than a closure, so that a
/// middleware chain's future can be made and boxed at once, without a future around it to keep
/// the closure alive.
#[derive(Clone, Copy)]
pub(crate) enum Inner<'a> {
    /// Global middleware: routing, then the route.
    Routing(&'a crate::app::AppInner),
    /// Route middleware: the route's own pipeline.
    Route(&'a crate::app::AppInner, &'a crate::pipeline::Route),
}

impl<'a> Inner<'a> {
    fn call(self, req: MiddlewareRequest) -> BoxFuture<'a, Result<MiddlewareResponse, HttpError>> {
        match self {
            Self::Routing(app) => {
                Box::pin(async move { Ok(crate::pipeline::serve(app, req).await) })
            }
            Self::Route(app, route) => crate::pipeline::behind_route_middleware(app, route, req),
        }
    }
}

/// The rest of the request: the next middleware, or what they wrap.
pub struct Next<'a> {
    rest: &'a [MiddlewareInstance],
    inner: Inner<'a>,
}

impl<'a> Next<'a> {
    pub(crate) fn new(rest: &'a [MiddlewareInstance], inner: Inner<'a>) -> Self {
        Self { rest, inner }
    }

    /// Runs the rest with `req` (changed as you like) and returns its response, or the error
    /// the route ended in.
    ///
    /// The next step's future is made by this call and only awaited by the caller: the request
    /// moves once, into it, rather than into a future of `run`'s own that would hold it too.
    pub fn run(
        self,
        req: MiddlewareRequest,
    ) -> impl Future<Output = Result<MiddlewareResponse, HttpError>> + Send + 'a {
        match self.rest.split_first() {
            Some((first, rest)) => first.inner.handle_dyn(req, Next { rest, inner: self.inner }),
            None => self.inner.call(req),
        }
    }
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next").field("remaining", &self.rest.len()).finish()
    }
}

/// One middleware value, an array or `Vec` of one type, or a tuple of up to eight.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of middleware",
    note = "pass a middleware value (or `middleware::from_fn(..)`), an array of them, or a tuple `(A, B)`"
)]
pub trait IntoMiddleware {
    /// The instances, outermost first.
    fn into_middleware(self) -> Vec<MiddlewareInstance>;
}

crate::value_lists::value_lists!(IntoMiddleware, into_middleware, Middleware, MiddlewareInstance);
