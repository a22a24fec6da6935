//! `build()`'s work: resolve the DI graph, build singletons, resolve every route, freeze.

use super::AppInner;
use super::error::{Problem, ProblemCode, StartupError};
use super::options::{ContentTypePolicy, Options};
use crate::descriptor::{Attached, ComponentDescriptor, ModuleDescriptor, Scope};
use crate::di::Provider;
use crate::di::graph::{self, Extras, Graph};
use crate::exceptions::{ExceptionHandlerInstance, HandlerEntry};
use crate::guards::{GuardEntry, GuardInstance};
use crate::interceptors::{
    ChainEntry, InterceptorDescriptor, InterceptorInstance, LifecycleGroup, RouteSetup,
};
use crate::middleware::MiddlewareInstance;
use crate::pipeline::{ControllerRef, Injected, Route, RouteMetadata};
use crate::pre_interceptors::settings::{self, SETTINGS_ENV};
use crate::pre_interceptors::{
    PreEntry, PreInterceptorDescriptor, PreInterceptorInstance, PreInterceptorRef,
    SettingsDescriptor,
};
use crate::router::{RouteSpec, Router, join_template, template_params};

/// What the builder collected.
pub(crate) struct Plan<'a> {
    pub(crate) root: &'static ModuleDescriptor,
    pub(crate) global_interceptors: &'a [GlobalInterceptor],
    pub(crate) global_guards: &'a [GuardInstance],
    pub(crate) global_exception_handlers: &'a [ExceptionHandlerInstance],
    pub(crate) global_providers: &'a [Provider],
    pub(crate) overrides: &'a [Provider],
    pub(crate) pre_interceptors: &'a [PreInterceptorInstance],
    pub(crate) settings: Option<&'static SettingsDescriptor>,
    pub(crate) options: Options,
    pub(crate) mounts: &'a [super::mounts::MountSpec],
    /// `.openapi(..)`: build the document and serve it.
    #[cfg(feature = "openapi")]
    pub(crate) openapi: Option<&'a crate::openapi::OpenApi>,
}

/// A global interceptor: a value given to the builder, or a type the container builds.
#[derive(Clone, Debug)]
pub(crate) enum GlobalInterceptor {
    Value(InterceptorInstance),
    Type(&'static InterceptorDescriptor),
}

/// Builds the frozen app from the root module.
pub(crate) async fn freeze(plan: Plan<'_>) -> Result<AppInner, StartupError> {
    let mut problems = Vec::new();
    if let Some(bytes) = plan.options.max_header_bytes.filter(|&bytes| bytes < 8192) {
        problems.push(Problem::new(
            ProblemCode::InvalidOption,
            format!("max_header_bytes({bytes}) is below 8192, the smallest HTTP/1 read buffer"),
            "max_header_bytes",
        ));
    }
    let types: Vec<&'static InterceptorDescriptor> = plan
        .global_interceptors
        .iter()
        .filter_map(|g| match g {
            GlobalInterceptor::Type(descriptor) => Some(*descriptor),
            GlobalInterceptor::Value(_) => None,
        })
        .collect();
    let app_pre_types = app_pre_types(&plan, &mut problems);
    let extras = Extras {
        global_providers: plan.global_providers,
        overrides: plan.overrides,
        global_interceptor_types: &types,
        pre_interceptor_types: &app_pre_types,
    };
    let Some(graph) = graph::build(plan.root, extras, &mut problems).await else {
        return Err(StartupError::new(problems));
    };
    let chains = Chains { graph: &graph };
    let global: Vec<ChainEntry> = plan
        .global_interceptors
        .iter()
        .map(|g| match g {
            GlobalInterceptor::Value(instance) => ChainEntry::Shared(instance.clone()),
            GlobalInterceptor::Type(descriptor) => chains.entry(descriptor),
        })
        .collect();
    // Builder values replace the settings' list (Esmerald's "instead of").
    let app_pre: Box<[PreEntry]> = if plan.pre_interceptors.is_empty() {
        app_pre_types.iter().map(|d| chains.pre(d)).collect()
    } else {
        plan.pre_interceptors
            .iter()
            .cloned()
            .map(|v| PreEntry::Attached(Attached::Shared(v)))
            .collect()
    };

    let mut routes = Vec::new();
    for (module_index, module) in graph.modules.iter().enumerate() {
        // A module's own list, else its settings' (a module mounted as a child app).
        let module_pre: Vec<PreEntry> = match module.descriptor.settings {
            Some(get) if module.descriptor.pre_interceptors.is_empty() => {
                resolve_settings(get(), &mut problems).into_iter().map(|d| chains.pre(d)).collect()
            }
            _ => chains.resolve_pre(module.descriptor.pre_interceptors),
        };
        let module_chain = chains.resolve(module.descriptor.interceptors);
        let module_guards = chains.resolve(module.descriptor.guards);
        let module_middleware = chains.resolve(module.descriptor.middleware);
        for &(controller, binding) in &module.controllers {
            let instance = match graph.container.bindings[binding].scope {
                Scope::Singleton => match graph.container.instance(binding, None).await {
                    Ok(instance) => ControllerRef::Singleton(instance),
                    Err(err) => {
                        problems.push(Problem::new(
                            ProblemCode::ProviderFailed,
                            crate::di::container::build_failure(controller.type_name, &*err),
                            controller.type_name,
                        ));
                        continue;
                    }
                },
                Scope::Request | Scope::Transient => ControllerRef::Scoped(binding),
            };
            // An applied bundle's guards and interceptors run before the target's own.
            let controller_chain: Vec<ChainEntry> = controller
                .bundles
                .iter()
                .flat_map(|b| chains.resolve(b().interceptors))
                .chain(chains.resolve(controller.interceptors))
                .collect();
            let controller_guards: Vec<GuardEntry> = controller
                .bundles
                .iter()
                .flat_map(|b| chains.resolve(b().guards))
                .chain(chains.resolve(controller.guards))
                .collect();
            let controller_pre = chains.resolve_pre(controller.pre_interceptors);
            let controller_handlers = chains.resolve(controller.exception_handlers);
            let controller_middleware = chains.resolve(controller.middleware);
            for descriptor in controller.routes {
                let culprit = format!("{}::{}", controller.type_name, descriptor.handler_name);
                let template =
                    join_template(&[module.descriptor.prefix, controller.prefix, descriptor.path]);
                let param_names = template_params(&template);
                let mut var_slots = Vec::with_capacity(descriptor.path_vars.len());
                for var in descriptor.path_vars {
                    match param_names.iter().position(|n| &**n == *var) {
                        Some(slot) => var_slots.push(slot),
                        None => problems.push(Problem::new(
                            ProblemCode::InvalidRoute,
                            format!("{culprit} binds path variable `{var}` but {template} has no `{{{var}}}`"),
                            culprit.clone(),
                        )),
                    }
                }
                for pattern in descriptor.patterns {
                    if let Err(why) = pattern.compile() {
                        problems.push(Problem::new(
                            ProblemCode::InvalidRoute,
                            format!(
                                "{culprit}: pattern {:?} is not usable: {why}",
                                pattern.source()
                            ),
                            culprit.clone(),
                        ));
                    }
                }
                // Route, then its bundles, then the controller, then the controller's bundles:
                // the first layer that has a key wins.
                let layers: Vec<&[crate::pipeline::MetaEntry]> =
                    std::iter::once(descriptor.metadata)
                        .chain(descriptor.bundles.iter().map(|b| b().metadata))
                        .chain(std::iter::once(controller.metadata))
                        .chain(controller.bundles.iter().map(|b| b().metadata))
                        .collect();
                let metadata = RouteMetadata::merge(&layers).unwrap_or_else(|(key, err)| {
                    problems.push(Problem::new(
                        ProblemCode::InvalidMetadata,
                        format!("metadata `{key}` of {culprit} is not valid JSON: {err}"),
                        culprit.clone(),
                    ));
                    RouteMetadata::default()
                });
                // Global (outermost) -> module -> controller -> route, each in its own order.
                let chain: Box<[ChainEntry]> = global
                    .iter()
                    .chain(&module_chain)
                    .chain(&controller_chain)
                    .cloned()
                    .chain(descriptor.bundles.iter().flat_map(|b| chains.resolve(b().interceptors)))
                    .chain(chains.resolve(descriptor.interceptors))
                    .collect();
                // Global -> module -> controller -> route, each in declaration order.
                let guards: Box<[GuardEntry]> = plan
                    .global_guards
                    .iter()
                    .cloned()
                    .map(Attached::Shared)
                    .chain(module_guards.iter().cloned())
                    .chain(controller_guards.iter().cloned())
                    .chain(descriptor.bundles.iter().flat_map(|b| chains.resolve(b().guards)))
                    .chain(chains.resolve(descriptor.guards))
                    .collect();
                // Module -> controller -> route, each in declaration order.
                let pre_interceptors: Box<[PreEntry]> = module_pre
                    .iter()
                    .chain(&controller_pre)
                    .cloned()
                    .chain(chains.resolve_pre(descriptor.pre_interceptors))
                    .collect();
                // Module -> controller -> route, outermost first. Middleware runs before the
                // request has a scope: it must be a singleton.
                let middleware: Box<[MiddlewareInstance]> = module_middleware
                    .iter()
                    .cloned()
                    .chain(controller_middleware.iter().cloned())
                    .chain(chains.resolve(descriptor.middleware))
                    .filter_map(|entry| match entry {
                        Attached::Shared(middleware) => Some(middleware),
                        Attached::Scoped { .. } => {
                            problems.push(Problem::new(
                                ProblemCode::ScopeViolation,
                                format!("the middleware of {culprit} must be a singleton: middleware runs before a request scope exists"),
                                culprit.clone(),
                            ));
                            None
                        }
                    })
                    .collect();
                // Route -> controller -> global: the most specific is asked first.
                let exception_handlers: Box<[HandlerEntry]> = chains
                    .resolve(descriptor.exception_handlers)
                    .into_iter()
                    .chain(controller_handlers.iter().cloned())
                    .chain(plan.global_exception_handlers.iter().cloned().map(Attached::Shared))
                    .collect();
                let timeout = match metadata.get("request_timeout_ms") {
                    None => plan.options.request_timeout,
                    Some(crate::MetaValue::Int(ms)) if *ms > 0 => {
                        Some(std::time::Duration::from_millis(ms.unsigned_abs()))
                    }
                    Some(other) => {
                        problems.push(Problem::new(
                            ProblemCode::InvalidMetadata,
                            format!(
                                "{culprit}: metadata `request_timeout_ms` must be a positive number of milliseconds, got {}",
                                other.to_json()
                            ),
                            culprit.clone(),
                        ));
                        None
                    }
                };
                let setup = RouteSetup { template: &template, metadata: &metadata };
                let grouped = group_lifecycle(chain, &setup, |why| {
                    problems.push(Problem::new(
                        ProblemCode::InvalidMetadata,
                        format!("{culprit}: {why}"),
                        culprit.clone(),
                    ));
                });
                let (chain, xml_body) = (grouped.chain, grouped.xml_body);
                let scoped_interceptors =
                    chain.iter().any(|entry| matches!(entry, ChainEntry::Scoped { .. }));
                // One built per request is not known before it is built: it may look.
                let renders_directly = chain.iter().all(|entry| {
                    matches!(entry, ChainEntry::Shared(interceptor) if !interceptor.inspects_value)
                });
                let injected: Box<[Injected]> = descriptor
                    .dependencies
                    .iter()
                    .map(|dep| {
                        let Some(dep) = dep else { return Injected::Nothing };
                        match graph.handler_dependency(
                            module_index,
                            (dep.key)(),
                            dep.kind,
                            &culprit,
                        ) {
                            Ok(Some(binding)) => injected_binding(&graph, binding),
                            Ok(None) => Injected::Nothing,
                            Err(problem) => {
                                problems.push(problem);
                                Injected::Nothing
                            }
                        }
                    })
                    .collect();
                let needs_scope = matches!(instance, ControllerRef::Scoped(_))
                    || scoped_interceptors
                    || injected.iter().any(|i| matches!(i, Injected::Scoped(_)))
                    || guards.iter().any(|g| matches!(g, Attached::Scoped { .. }))
                    || exception_handlers.iter().any(|h| matches!(h, Attached::Scoped { .. }))
                    || pre_interceptors
                        .iter()
                        .any(|p| matches!(p, PreEntry::Attached(Attached::Scoped { .. })));
                let full_pipeline = !guards.is_empty()
                    || !pre_interceptors.is_empty()
                    || scoped_interceptors
                    || !exception_handlers.is_empty();
                // A route served under other spellings (`/café`, `/caf%C3%A9`) has literal
                // segments of more than one length: matchit's parameters serve it.
                let layout = if crate::router::spelling_twins(&template).is_empty() {
                    crate::pipeline::Layout::of(&template)
                } else {
                    None
                };
                routes.push(Route {
                    layout,
                    descriptor,
                    controller,
                    template: template.into_boxed_str(),
                    param_names: param_names.into_boxed_slice(),
                    var_slots: var_slots.into_boxed_slice(),
                    instance: instance.clone(),
                    chain,
                    renders_directly,
                    needs_scope,
                    scoped_interceptors,
                    injected,
                    // Exception handlers must see every error, the gate's 415 included.
                    full_pipeline,
                    direct: !full_pipeline && middleware.is_empty() && timeout.is_none(),
                    boxed: !middleware.is_empty() || timeout.is_some(),
                    timeout,
                    guards,
                    pre_interceptors,
                    exception_handlers,
                    middleware,
                    xml_body,
                    body_gate: descriptor
                        .body
                        .filter(|_| plan.options.content_type != ContentTypePolicy::Off),
                    metadata,
                    #[cfg(feature = "ws")]
                    gateway: None,
                    #[cfg(feature = "openapi")]
                    static_body: None,
                    #[cfg(feature = "openapi")]
                    lifecycle_docs: Box::new(grouped.docs),
                    // Read by the document only: not worked out for apps that serve none.
                    #[cfg(feature = "openapi")]
                    security: match plan.openapi {
                        None => Box::new([]),
                        Some(_) => crate::openapi::route_security(
                            plan.global_guards,
                            std::iter::once(module.descriptor.guards)
                                .chain(controller.bundles.iter().map(|b| b().guards))
                                .chain(std::iter::once(controller.guards))
                                .chain(descriptor.bundles.iter().map(|b| b().guards))
                                .chain(std::iter::once(descriptor.guards)),
                        ),
                    },
                });
            }
        }
    }

    #[cfg(feature = "openapi")]
    let openapi = plan.openapi.map(|config| {
        let placeholder: crate::descriptor::Instance = std::sync::Arc::new(());
        crate::openapi::serve(
            config,
            &mut routes,
            plan.options.error_format,
            &placeholder,
            &mut problems,
        )
    });
    #[cfg(feature = "ws")]
    let routes = crate::ws::attach(routes);
    let mounts = super::mounts::freeze(plan.mounts, &routes, &mut problems);
    let handler_names: Vec<String> = routes
        .iter()
        .map(|r| format!("{}::{}", r.controller.type_name, r.descriptor.handler_name))
        .collect();
    let specs: Vec<RouteSpec<'_>> = routes
        .iter()
        .zip(&handler_names)
        .map(|(r, handler)| RouteSpec {
            method: &r.descriptor.method,
            template: &r.template,
            handler,
        })
        .collect();
    let router = Router::build(&specs);
    drop(specs);
    if problems.is_empty() {
        log_routes(&routes);
    }
    match router {
        Ok(router) if problems.is_empty() => Ok(AppInner {
            router,
            routes: routes.into_boxed_slice(),
            container: graph.container,
            options: plan.options,
            shut_down: std::sync::atomic::AtomicBool::new(false),
            on_shutdown: Default::default(),
            middleware: Box::new([]),
            mounts,
            #[cfg(feature = "ws")]
            sockets: crate::ws::Sockets::default(),
            #[cfg(feature = "openapi")]
            openapi,
            before_routing: crate::pipeline::before_routing(
                plan.global_exception_handlers.iter().cloned().map(Attached::Shared).collect(),
                app_pre,
                std::sync::Arc::new(()),
            ),
        }),
        Ok(_) => Err(StartupError::new(problems)),
        Err(mut found) => {
            problems.append(&mut found);
            Err(StartupError::new(problems))
        }
    }
}

/// The route table at startup: one `DEBUG` event per route with what runs on it, one `INFO`
/// summary.
fn log_routes(routes: &[Route]) {
    for route in routes {
        tracing::debug!(
            target: "lauren::startup",
            method = %route.descriptor.method,
            path = %route.template,
            handler = format_args!("{}::{}", route.controller.type_name, route.descriptor.handler_name),
            pre_interceptors = route.pre_interceptors.len(),
            guards = route.guards.len(),
            interceptors = route.chain.len(),
            middleware = route.middleware.len(),
            exception_handlers = route.exception_handlers.len(),
            "route"
        );
    }
    tracing::info!(target: "lauren::startup", routes = routes.len(), "app built");
}

/// Turns interceptor references into chain entries: singletons become shared instances,
/// narrower scopes stay bindings resolved per request.
struct Chains<'g> {
    graph: &'g Graph,
}

impl Chains<'_> {
    fn entry<A>(&self, descriptor: &'static ComponentDescriptor<A>) -> Attached<A> {
        let id = (descriptor.type_id)();
        let binding = self.graph.interceptors.iter().find(|(t, _)| *t == id).map(|(_, b)| *b);
        let Some(binding) = binding else {
            unreachable!("every attached type was registered by the graph walk")
        };
        let container = &self.graph.container;
        if container.bindings[binding].scope == Scope::Singleton {
            let built = futures_util::FutureExt::now_or_never(container.instance(binding, None));
            if let Some(Ok(instance)) = built {
                if let Some(shared) = (descriptor.adapt)(&instance) {
                    return Attached::Shared(shared);
                }
            }
        }
        Attached::Scoped { binding, adapt: descriptor.adapt }
    }

    fn resolve<A>(&self, refs: &[fn() -> &'static ComponentDescriptor<A>]) -> Vec<Attached<A>> {
        refs.iter().map(|get| self.entry(get())).collect()
    }

    /// A pre-interceptor: built per request with `Default`, or attached like any component.
    fn pre(&self, descriptor: &'static PreInterceptorDescriptor) -> PreEntry {
        match (descriptor.fresh)() {
            Some(run) => PreEntry::Fresh(run),
            None => PreEntry::Attached(self.entry(&descriptor.component)),
        }
    }

    fn resolve_pre(&self, refs: &[PreInterceptorRef]) -> Vec<PreEntry> {
        refs.iter().map(|get| self.pre(get())).collect()
    }
}

/// A route's chain with its lifecycle interceptors grouped, and what the group says of the
/// route.
struct Grouped {
    chain: Box<[ChainEntry]>,
    /// `XmlParse` is in the group: the route accepts XML bodies where it reads JSON.
    xml_body: bool,
    /// What the group enforces, for the OpenAPI document.
    #[cfg(feature = "openapi")]
    docs: crate::RouteDocs,
}

/// Replaces a chain's (singleton) lifecycle interceptors with one group at the position of the
/// outermost of them.
fn group_lifecycle(
    chain: Box<[ChainEntry]>,
    setup: &RouteSetup<'_>,
    mut problem: impl FnMut(String),
) -> Grouped {
    let members: Vec<_> = chain
        .iter()
        .filter_map(|entry| match entry {
            Attached::Shared(instance) => instance.lifecycle.clone(),
            Attached::Scoped { .. } => None,
        })
        .collect();
    if members.is_empty() {
        return Grouped {
            chain,
            xml_body: false,
            #[cfg(feature = "openapi")]
            docs: crate::RouteDocs::new(),
        };
    }
    let group = LifecycleGroup::new(members);
    group.check(setup).into_iter().for_each(&mut problem);
    let xml_body = group.accepts_xml();
    #[cfg(feature = "openapi")]
    let docs = group.document(setup);
    let mut group = Some(InterceptorInstance::group(group));
    let chain = chain
        .into_vec()
        .into_iter()
        .filter_map(|entry| match entry {
            Attached::Shared(instance) if instance.lifecycle.is_some() => {
                group.take().map(Attached::Shared)
            }
            other => Some(other),
        })
        .collect();
    Grouped {
        chain,
        xml_body,
        #[cfg(feature = "openapi")]
        docs,
    }
}

/// The app-level pre-interceptor types from settings: the builder's `.settings(..)`, else the
/// type `LAUREN_SETTINGS` names; none when the builder lists values (they replace the settings'
/// list).
fn app_pre_types(
    plan: &Plan<'_>,
    problems: &mut Vec<Problem>,
) -> Vec<&'static PreInterceptorDescriptor> {
    if !plan.pre_interceptors.is_empty() {
        return Vec::new();
    }
    let settings = match plan.settings {
        Some(settings) => settings,
        None => match std::env::var(SETTINGS_ENV) {
            Ok(name) if !name.trim().is_empty() => match settings::settings_named(name.trim()) {
                Ok(settings) => settings,
                Err(why) => {
                    problems.push(Problem::new(
                        ProblemCode::UnknownName,
                        format!("{SETTINGS_ENV}: {why}"),
                        name.trim(),
                    ));
                    return Vec::new();
                }
            },
            _ => return Vec::new(),
        },
    };
    resolve_settings(settings, problems)
}

/// A settings type's pre-interceptors; each unknown name is a problem.
fn resolve_settings(
    settings: &'static SettingsDescriptor,
    problems: &mut Vec<Problem>,
) -> Vec<&'static PreInterceptorDescriptor> {
    settings::resolve(settings).unwrap_or_else(|unknown| {
        for why in unknown {
            problems.push(Problem::new(ProblemCode::UnknownName, why, settings.type_name));
        }
        Vec::new()
    })
}

/// A handler parameter's binding as the request path uses it: a singleton's instance, built
/// now, or a binding built per request.
fn injected_binding(graph: &Graph, binding: usize) -> Injected {
    let container = &graph.container;
    if container.bindings[binding].scope == Scope::Singleton {
        if let Some(Ok(instance)) =
            futures_util::FutureExt::now_or_never(container.instance(binding, None))
        {
            return Injected::Shared(instance);
        }
    }
    Injected::Scoped(binding)
}
