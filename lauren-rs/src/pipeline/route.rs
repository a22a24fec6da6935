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
    /// Module -> controller -> route middleware, outermost first (singletons).
    pub(crate) middleware: Box<[crate::middleware::MiddlewareInstance]>,
    /// Route -> controller -> global exception handlers, in the order they are asked.
    pub(crate) exception_handlers: Box<[crate::exceptions::HandlerEntry]>,
    /// Global -> module -> controller -> route guards, in the order they run.
    pub(crate) guards: Box<[crate::guards::GuardEntry]>,
    /// The handler's injected parameters, by parameter position.
    pub(crate) injected: Box<[Injected]>,
    /// Route metadata over controller metadata.
    pub(crate) metadata: RouteMetadata,
}

impl Route {
    pub(crate) fn slot_of(&self, name: &str) -> Option<usize> {
        self.param_names.iter().position(|n| &**n == name)
    }
}
