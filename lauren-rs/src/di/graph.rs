//! Startup: walk the module graph, register bindings, resolve every dependency to a binding
//! (reporting missing, invisible, circular and scope-violating ones with their chain), then
//! build the singletons in dependency order.

use std::any::TypeId;

use super::container::{Binding, Container};
use super::key::Key;
use super::provider::{DepKind, Provider};
use crate::app::error::{Problem, ProblemCode};
use crate::descriptor::{ControllerDescriptor, ModuleDescriptor, Scope};
use crate::interceptors::InterceptorDescriptor;
use crate::pre_interceptors::{PreInterceptorDescriptor, settings};

mod registry;
mod resolve;

use self::registry::Registry;
use self::resolve::Resolve;

/// A module as walked from the root.
pub(crate) struct ModuleNode {
    pub(crate) descriptor: &'static ModuleDescriptor,
    pub(crate) imports: Vec<usize>,
    pub(crate) exports: Vec<Key>,
    /// Its controllers with their bindings.
    pub(crate) controllers: Vec<(&'static ControllerDescriptor, usize)>,
}

/// What startup hands to the route builder.
pub(crate) struct Graph {
    pub(crate) container: Container,
    pub(crate) modules: Vec<ModuleNode>,
    /// Attached component types (interceptors, guards) and their bindings.
    pub(crate) interceptors: Vec<(TypeId, usize)>,
}

/// Inputs besides the root module.
pub(crate) struct Extras<'a> {
    pub(crate) global_providers: &'a [Provider],
    pub(crate) overrides: &'a [Provider],
    pub(crate) global_interceptor_types: &'a [&'static InterceptorDescriptor],
    /// App-level pre-interceptor types (from settings).
    pub(crate) pre_interceptor_types: &'a [&'static PreInterceptorDescriptor],
}

pub(crate) async fn build(
    root: &'static ModuleDescriptor,
    extras: Extras<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Graph> {
    let mut modules = Vec::new();
    walk(root, &mut Vec::new(), &mut modules, problems);
    for module in &modules {
        stages_without_controllers(module.descriptor, problems);
    }

    let mut registry = Registry::default();
    for provider in extras.global_providers {
        registry.add(provider.clone(), None, problems, &modules);
    }
    for (m, module) in modules.iter().enumerate() {
        for provider in (module.descriptor.providers)() {
            registry.add(provider, Some(m), problems, &modules);
        }
    }
    // Controllers and the interceptors they use are providers of their module implicitly.
    let mut interceptors: Vec<(TypeId, usize)> = Vec::new();
    for (m, module) in modules.iter_mut().enumerate() {
        let descriptor = module.descriptor;
        for get in descriptor.controllers {
            let controller = get();
            if module.controllers.iter().any(|(c, _)| std::ptr::eq(*c, controller)) {
                problems.push(Problem::new(
                    ProblemCode::DuplicateRegistration,
                    format!(
                        "controller {} is listed twice in module {}: list it once",
                        controller.type_name, descriptor.type_name
                    ),
                    controller.type_name,
                ));
                continue;
            }
            let index =
                registry.implicit(Provider::from_descriptor((controller.provider)()), Some(m));
            module.controllers.push((controller, index));
            let bundles = controller
                .bundles
                .iter()
                .chain(controller.routes.iter().flat_map(|r| r.bundles))
                .map(|b| b());
            for bundle in bundles {
                for get in bundle.interceptors {
                    registry.component(get(), &mut interceptors);
                }
                for get in bundle.guards {
                    registry.component(get(), &mut interceptors);
                }
            }
            let used = controller
                .interceptors
                .iter()
                .chain(controller.routes.iter().flat_map(|r| r.interceptors));
            for get in descriptor.interceptors.iter().chain(used) {
                registry.component(get(), &mut interceptors);
            }
            let guards =
                controller.guards.iter().chain(controller.routes.iter().flat_map(|r| r.guards));
            for get in descriptor.guards.iter().chain(guards) {
                registry.component(get(), &mut interceptors);
            }
            let handlers = controller
                .exception_handlers
                .iter()
                .chain(controller.routes.iter().flat_map(|r| r.exception_handlers));
            for get in handlers {
                registry.component(get(), &mut interceptors);
            }
            let pre = controller
                .pre_interceptors
                .iter()
                .chain(controller.routes.iter().flat_map(|r| r.pre_interceptors));
            for get in pre {
                registry.pre_interceptor(get(), &mut interceptors);
            }
            let middleware = descriptor
                .middleware
                .iter()
                .chain(controller.middleware)
                .chain(controller.routes.iter().flat_map(|r| r.middleware));
            for get in middleware {
                registry.component(get(), &mut interceptors);
            }
        }
        for get in descriptor.interceptors {
            registry.component(get(), &mut interceptors);
        }
        for get in descriptor.pre_interceptors {
            registry.pre_interceptor(get(), &mut interceptors);
        }
        // Unknown names are reported when the routes are resolved.
        if let Some(Ok(found)) = descriptor.settings.map(|get| settings::resolve(get())) {
            for pre in found {
                registry.pre_interceptor(pre, &mut interceptors);
            }
        }
    }
    for pre in extras.pre_interceptor_types {
        registry.pre_interceptor(pre, &mut interceptors);
    }
    for descriptor in extras.global_interceptor_types {
        registry.component(descriptor, &mut interceptors);
    }
    for provider in extras.overrides {
        registry.override_with(provider.clone());
    }

    for m in 0..modules.len() {
        modules[m].exports = modules[m].descriptor.exports.iter().map(|key| key()).collect();
        for key in modules[m].exports.clone() {
            let declared = registry.declared.iter().any(|&(k, owner)| k == key && owner == m);
            let imported = modules[m].imports.iter().any(|&i| modules[i].exports.contains(&key));
            if !declared && !imported {
                problems.push(Problem::new(
                    ProblemCode::ExportViolation,
                    format!(
                        "{} exports {key} which it neither declares nor imports",
                        modules[m].descriptor.type_name
                    ),
                    modules[m].descriptor.type_name,
                ));
            }
        }
    }

    let mut resolve = Resolve::new(&registry.bindings, &modules);
    let roots: Vec<usize> = modules
        .iter()
        .flat_map(|m| m.controllers.iter().map(|&(_, b)| b))
        .chain(interceptors.iter().map(|&(_, b)| b))
        .chain(0..registry.bindings.len())
        .collect();
    for root in roots {
        resolve.visit(root, problems);
    }
    let Resolve { mut targets, order, scopes, .. } = resolve;

    let mut bindings = registry.bindings;
    let mut slots = 0;
    for (index, binding) in bindings.iter_mut().enumerate() {
        binding.targets = std::mem::take(&mut targets[index]);
        binding.scope = scopes[index];
        if binding.scope == Scope::Request {
            binding.slot = Some(slots);
            slots += 1;
        }
        if binding.scope == Scope::Transient && binding.hooks().1.is_some() {
            problems.push(Problem::new(
                ProblemCode::TransientTeardown,
                format!(
                    "{} is transient but has a pre_destruct hook: nothing owns a transient instance to tear it down; make it request-scoped or a singleton",
                    binding.key
                ),
                binding.key.to_string(),
            ));
        }
    }
    if !problems.is_empty() {
        return None;
    }

    let container = Container::new(bindings, slots);
    for index in order {
        if container.bindings[index].scope != Scope::Singleton {
            continue;
        }
        if let Err(err) = container.instance(index, None).await {
            let key = container.bindings[index].key;
            let message = super::container::build_failure(key, &*err);
            problems.push(Problem::new(ProblemCode::ProviderFailed, message, key.to_string()));
            return None;
        }
    }
    Some(Graph { container, modules, interceptors })
}

/// A module's interceptors, guards, pre-interceptors (or settings) and middleware apply to its
/// own controllers only: listed on a module without any, they would never run. A user used to
/// Esmerald's `Include` may expect them to reach the imported modules' routes.
fn stages_without_controllers(descriptor: &ModuleDescriptor, problems: &mut Vec<Problem>) {
    if !descriptor.controllers.is_empty() {
        return;
    }
    let listed: Vec<&str> = [
        ("interceptors", !descriptor.interceptors.is_empty()),
        ("guards", !descriptor.guards.is_empty()),
        ("pre_interceptors", !descriptor.pre_interceptors.is_empty()),
        ("settings", descriptor.settings.is_some()),
        ("middleware", !descriptor.middleware.is_empty()),
    ]
    .into_iter()
    .filter_map(|(what, present)| present.then_some(what))
    .collect();
    if listed.is_empty() {
        return;
    }
    problems.push(Problem::new(
        ProblemCode::InvalidModule,
        format!(
            "{} lists {} but has no controllers: a module's stages apply to its own controllers only, not to those of the modules it imports; list them on the modules with the controllers, or on the app (`.global_interceptors(..)`, `.global_guards(..)`, `.pre_interceptors(..)`, `.middleware(..)`)",
            descriptor.type_name,
            listed.join(", ")
        ),
        descriptor.type_name,
    ));
}

/// Depth-first walk of imports, reporting cycles with their path.
fn walk(
    descriptor: &'static ModuleDescriptor,
    path: &mut Vec<&'static ModuleDescriptor>,
    modules: &mut Vec<ModuleNode>,
    problems: &mut Vec<Problem>,
) -> Option<usize> {
    let id = (descriptor.type_id)();
    if let Some(at) = path.iter().position(|m| (m.type_id)() == id) {
        let cycle: Vec<&str> =
            path[at..].iter().map(|m| m.type_name).chain([descriptor.type_name]).collect();
        problems.push(Problem::new(
            ProblemCode::CircularImport,
            format!("Circular module import: {}", cycle.join(" -> ")),
            descriptor.type_name,
        ));
        return None;
    }
    if let Some(known) = modules.iter().position(|m| (m.descriptor.type_id)() == id) {
        return Some(known);
    }
    path.push(descriptor);
    let imports: Vec<usize> =
        descriptor.imports.iter().filter_map(|get| walk(get(), path, modules, problems)).collect();
    path.pop();
    modules.push(ModuleNode { descriptor, imports, exports: Vec::new(), controllers: Vec::new() });
    Some(modules.len() - 1)
}

/// Whether `module` (the consumer's) may see binding `index`: its own, an import's export, or
/// a global one.
fn visible(
    bindings: &[Binding],
    modules: &[ModuleNode],
    module: Option<usize>,
    index: usize,
) -> bool {
    let binding = &bindings[index];
    match (module, binding.module) {
        (None, _) | (_, None) => true,
        (Some(m), Some(owner)) if m == owner => true,
        (Some(m), Some(_)) => {
            modules[m].imports.iter().any(|&i| modules[i].exports.contains(&binding.key))
        }
    }
}

impl Graph {
    /// The binding a handler parameter `Inject<T>` of a route in `module` gets, resolved once
    /// at startup; `Ok(None)` for an optional one nothing provides. `culprit` names the handler
    /// in the error.
    pub(crate) fn handler_dependency(
        &self,
        module: usize,
        key: Key,
        kind: DepKind,
        culprit: &str,
    ) -> Result<Option<usize>, Problem> {
        let bindings = &self.container.bindings;
        let candidates: Vec<usize> =
            (0..bindings.len()).filter(|&i| bindings[i].key == key).collect();
        let found =
            candidates.iter().copied().find(|&i| visible(bindings, &self.modules, Some(module), i));
        match (found, kind) {
            (Some(index), _) => Ok(Some(index)),
            (None, DepKind::Optional | DepKind::All) => Ok(None),
            (None, DepKind::Required) if candidates.is_empty() => Err(Problem::new(
                ProblemCode::MissingProvider,
                format!("No provider for {key} ({culprit} -> {key})"),
                culprit,
            )),
            (None, DepKind::Required) => Err(Problem::new(
                ProblemCode::ProviderNotVisible,
                format!(
                    "No provider for {key} visible from module {}. Either declare it in this module or import a module that exports it. ({culprit} -> {key})",
                    self.modules[module].descriptor.type_name
                ),
                culprit,
            )),
        }
    }
}
