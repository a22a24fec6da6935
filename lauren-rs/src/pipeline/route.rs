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
    /// For each of the handler's `path_vars`, its index in `param_names`.
    pub(crate) var_slots: Box<[usize]>,
    /// The controller instance the handler runs on.
    pub(crate) instance: ControllerRef,
    /// Global -> module -> controller -> route interceptors, outermost first.
    pub(crate) chain: Box<[ChainEntry]>,
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
        descriptor: &BEFORE_ROUTING,
        controller: &NO_CONTROLLER,
        template: BEFORE_ROUTING.handler_name.into(),
        param_names: Box::new([]),
        var_slots: Box::new([]),
        instance: ControllerRef::Singleton(placeholder),
        chain: Box::new([]),
        needs_scope,
        scoped_interceptors: false,
        full_pipeline: false,
        direct: true,
        timeout: None,
        guards: Box::new([]),
        pre_interceptors,
        xml_body: false,
        exception_handlers,
        middleware: Box::new([]),
        injected: Box::new([]),
        body_gate: None,
        metadata: RouteMetadata::default(),
    }
}

fn no_handler<'a>(
    _: &'a mut super::ExecutionContext<'_>,
) -> crate::descriptor::BoxFuture<'a, Result<crate::reply::Reply, crate::error::HttpError>> {
    Box::pin(async { Err(crate::error::HttpError::internal("NoHandler")) })
}

fn unit_provider() -> &'static crate::di::ProviderDescriptor {
    &<() as crate::__private::DefaultProvider>::DESCRIPTOR
}

static BEFORE_ROUTING: RouteDescriptor = RouteDescriptor {
    method: http::Method::GET,
    path: "",
    handler_name: "(before routing)",
    handler: no_handler,
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
};

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
};
