//! A route as frozen at startup: everything the request path needs, resolved once.

use std::any::Any;

use super::metadata::RouteMetadata;
use crate::descriptor::{ControllerDescriptor, Instance, RouteDescriptor};
use crate::interceptors::ChainEntry;

/// Where the controller instance of a route comes from.
#[derive(Clone)]
pub(crate) enum ControllerRef {
    /// Built at startup: a pointer.
    Singleton(Instance),
    /// Built per request (request scope) or per use (transient), by binding index.
    Scoped(usize),
}

/// The controller a handler runs on, as the generated entry point holds it.
#[doc(hidden)]
pub enum ControllerHandle<'r> {
    /// A singleton, borrowed from the route.
    Shared(&'r (dyn Any + Send + Sync)),
    /// Built for this request (or this use), kept alive by the handler's future.
    Built(Instance),
}

impl ControllerHandle<'_> {
    /// The erased instance.
    pub fn get(&self) -> &(dyn Any + Send + Sync) {
        match self {
            Self::Shared(instance) => *instance,
            Self::Built(instance) => &**instance,
        }
    }
}

/// What a handler parameter injects (`Inject<T>`), by parameter position.
#[derive(Clone)]
pub(crate) enum Injected {
    /// Not an injected parameter, or an optional one nothing provides.
    Nothing,
    /// A singleton, built at startup.
    Shared(Instance),
    /// Built per request (request scope) or per use (transient), by binding index.
    Scoped(usize),
}

/// One servable route.
pub(crate) struct Route {
    pub(crate) descriptor: &'static RouteDescriptor,
    pub(crate) controller: &'static ControllerDescriptor,
    /// The full template, prefix joined (`/orders/{id}`).
    pub(crate) template: Box<str>,
    /// The template's variables, in order.
    pub(crate) param_names: Box<[Box<str>]>,
    /// Where they sit in a matched path, when each is a whole segment.
    pub(crate) layout: Option<super::params::Layout>,
    /// For each of the handler's `path_vars`, its index in `param_names`.
    pub(crate) var_slots: Box<[usize]>,
    /// The controller instance the handler runs on.
    pub(crate) instance: ControllerRef,
    /// Global -> module -> controller -> route interceptors, outermost first.
    pub(crate) chain: Box<[ChainEntry]>,
    /// No interceptor of the chain looks at the handler's value: it is rendered at once.
    pub(crate) renders_directly: bool,
    /// The body kind the content-type gate checks; `None` without a gate (no body extractor,
    /// or the gate is off).
    pub(crate) body_gate: Option<crate::extract::BodyKind>,
    /// Something on this route is built per request: give it a request scope.
    pub(crate) needs_scope: bool,
    /// Some interceptor of the chain is built per request (request scope or transient): build
    /// them all before the chain runs, innermost first, as Lauren does.
    pub(crate) scoped_interceptors: bool,
    /// Guards or per-request interceptors: the request takes `run_full`, not the direct call.
    pub(crate) full_pipeline: bool,
    /// No middleware, no full pipeline, no timeout: the server's future calls the handler's
    /// directly.
    pub(crate) direct: bool,
    /// Route middleware or a timeout: not run in place. Route middleware's futures are boxed by
    /// the middleware's calls; a route with a timeout runs in a boxed future of its own
    /// (`serve_staged`). Every other route runs inside the server's future.
    pub(crate) boxed: bool,
    /// How long the route may take (pre-interceptors to reply); `None`: no bound.
    pub(crate) timeout: Option<std::time::Duration>,
    /// Module -> controller -> route middleware, outermost first (singletons).
    pub(crate) middleware: Box<[crate::middleware::MiddlewareInstance]>,
    /// Route -> controller -> global exception handlers, in the order they are asked.
    pub(crate) exception_handlers: Box<[crate::exceptions::HandlerEntry]>,
    /// The route's lifecycle group holds `XmlParse`: an XML body passes its JSON gate.
    pub(crate) xml_body: bool,
    /// Module -> controller -> route pre-interceptors, in the order they run (before guards).
    pub(crate) pre_interceptors: Box<[crate::pre_interceptors::PreEntry]>,
    /// Global -> module -> controller -> route guards, in the order they run.
    pub(crate) guards: Box<[crate::guards::GuardEntry]>,
    /// The handler's injected parameters, by parameter position.
    pub(crate) injected: Box<[Injected]>,
    /// Route metadata over controller metadata.
    pub(crate) metadata: RouteMetadata,
    /// A `#[ws]` route's message and disconnect handlers.
    #[cfg(feature = "ws")]
    pub(crate) gateway: Option<Box<crate::ws::Gateway>>,
    /// The whole answer of a route the framework serves itself (the OpenAPI document, the docs
    /// page): its body and content type, built once at startup.
    #[cfg(feature = "openapi")]
    pub(crate) static_body: Option<StaticBody>,
    /// The security schemes its guards check, for the OpenAPI document.
    #[cfg(feature = "openapi")]
    pub(crate) security: Box<[crate::guards::SecurityScheme]>,
    /// What its lifecycle interceptors enforce, for the OpenAPI document.
    #[cfg(feature = "openapi")]
    pub(crate) lifecycle_docs: Box<crate::RouteDocs>,
}

impl Route {
    /// True for the stand-in route of work done before routing (global middleware errors,
    /// app-level pre-interceptors).
    pub(crate) fn is_before_routing(&self) -> bool {
        std::ptr::eq(self.descriptor, &BEFORE_ROUTING)
    }

    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.param_names.iter().position(|n| &**n == name)
    }
}

/// The route an error raised by a *global* middleware is handled under: before routing there is
/// no route, but global exception handlers take an `ExecutionContext`. It has no handler and no
/// stages of its own; its exception handlers are the global ones.
pub(crate) fn before_routing(
    exception_handlers: Box<[crate::exceptions::HandlerEntry]>,
    pre_interceptors: Box<[crate::pre_interceptors::PreEntry]>,
    placeholder: Instance,
) -> Route {
    use crate::descriptor::Attached;
    use crate::pre_interceptors::PreEntry;
    let needs_scope = pre_interceptors
        .iter()
        .any(|entry| matches!(entry, PreEntry::Attached(Attached::Scoped { .. })));
    Route {
        needs_scope,
        pre_interceptors,
        exception_handlers,
        ..bare(&BEFORE_ROUTING, BEFORE_ROUTING.handler_name.into(), placeholder)
    }
}

/// The whole answer of a route the framework serves itself.
#[cfg(feature = "openapi")]
#[derive(Clone)]
pub(crate) struct StaticBody {
    pub(crate) body: bytes::Bytes,
    pub(crate) content_type: http::HeaderValue,
    pub(crate) cache_control: http::HeaderValue,
}

/// A route the framework answers itself with `body` (e.g. `GET /openapi.json`): no stages, no
/// controller, one static reply.
#[cfg(feature = "openapi")]
pub(crate) fn fixed(template: &str, body: StaticBody, placeholder: Instance) -> Route {
    Route {
        static_body: Some(body),
        controller: &SERVED_BY_LAUREN,
        ..bare(&FIXED, template.into(), placeholder)
    }
}

fn bare(descriptor: &'static RouteDescriptor, template: Box<str>, placeholder: Instance) -> Route {
    Route {
        descriptor,
        controller: &NO_CONTROLLER,
        template,
        param_names: Box::new([]),
        layout: None,
        var_slots: Box::new([]),
        instance: ControllerRef::Singleton(placeholder),
        chain: Box::new([]),
        renders_directly: true,
        needs_scope: false,
        scoped_interceptors: false,
        full_pipeline: false,
        direct: true,
        boxed: false,
        timeout: None,
        guards: Box::new([]),
        pre_interceptors: Box::new([]),
        xml_body: false,
        exception_handlers: Box::new([]),
        middleware: Box::new([]),
        injected: Box::new([]),
        body_gate: None,
        metadata: RouteMetadata::default(),
        #[cfg(feature = "ws")]
        gateway: None,
        #[cfg(feature = "openapi")]
        static_body: None,
        #[cfg(feature = "openapi")]
        security: Box::new([]),
        #[cfg(feature = "openapi")]
        lifecycle_docs: Box::default(),
    }
}

#[cfg(feature = "openapi")]
fn static_reply<'a>(
    ctx: &'a mut super::ExecutionContext<'_>,
) -> crate::descriptor::InlineFuture<'a, Result<crate::reply::Reply, crate::error::HttpError>> {
    let reply = ctx.route().static_body.clone().map(|fixed| {
        let mut response = crate::reply::with_content_type(fixed.body, fixed.content_type);
        response.headers_mut().insert(http::header::CACHE_CONTROL, fixed.cache_control);
        crate::reply::Reply::new(response)
    });
    crate::descriptor::inline_future(async move {
        reply.ok_or_else(|| crate::error::HttpError::internal("NoHandler"))
    })
}

fn no_handler<'a>(
    _: &'a mut super::ExecutionContext<'_>,
) -> crate::descriptor::InlineFuture<'a, Result<crate::reply::Reply, crate::error::HttpError>> {
    crate::descriptor::inline_future(async { Err(crate::error::HttpError::internal("NoHandler")) })
}

fn unit_provider() -> &'static crate::di::ProviderDescriptor {
    &<() as crate::__private::DefaultProvider>::DESCRIPTOR
}

/// The descriptor of a route lauren makes itself: no parameters, no stages, not documented.
const fn stand_in(
    handler_name: &'static str,
    handler: crate::descriptor::HandlerFn,
    handler_boxed: crate::descriptor::BoxedHandlerFn,
) -> RouteDescriptor {
    RouteDescriptor {
        kind: crate::descriptor::RouteKind::Http,
        method: http::Method::GET,
        path: "",
        handler_name,
        handler,
        handler_boxed,
        path_vars: &[],
        body: None,
        interceptors: &[],
        guards: &[],
        pre_interceptors: &[],
        exception_handlers: &[],
        middleware: &[],
        bundles: &[],
        metadata: &[],
        dependencies: &[],
        patterns: &[],
        openapi: None,
    }
}

static BEFORE_ROUTING: RouteDescriptor =
    stand_in("(before routing)", no_handler, |ctx| Box::pin(no_handler(ctx)));

#[cfg(feature = "openapi")]
static FIXED: RouteDescriptor =
    stand_in("openapi", static_reply, |ctx| Box::pin(static_reply(ctx)));

/// The owner of the routes lauren serves itself, as logs and route conflicts name it.
#[cfg(feature = "openapi")]
static SERVED_BY_LAUREN: ControllerDescriptor =
    ControllerDescriptor { type_name: "lauren", ..NO_CONTROLLER };

static NO_CONTROLLER: ControllerDescriptor = ControllerDescriptor {
    type_name: "(before routing)",
    prefix: "",
    routes: &[],
    provider: unit_provider,
    interceptors: &[],
    guards: &[],
    pre_interceptors: &[],
    exception_handlers: &[],
    middleware: &[],
    bundles: &[],
    metadata: &[],
    doc: None,
};
