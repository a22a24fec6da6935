//! Startup: walk the module graph, register bindings, resolve every dependency to a binding
//! (reporting missing, invisible, circular and scope-violating ones with their chain), then
//! build the singletons in dependency order.

use std::any::TypeId;

use super::container::{Binding, Container, Target};
use super::key::Key;
use super::provider::{DepKind, Provider, Source};
use crate::app::error::{Problem, ProblemCode};
use crate::descriptor::{ComponentDescriptor, ControllerDescriptor, ModuleDescriptor, Scope};
use crate::interceptors::InterceptorDescriptor;
use crate::pre_interceptors::{PreInterceptorDescriptor, settings};

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

#[derive(Default)]
struct Registry {
    bindings: Vec<Binding>,
    /// Every `(key, module)` a module's `providers` list declared, deduplicated ones included:
    /// a module may export what it declared even when the global providers bound it first.
    declared: Vec<(Key, usize)>,
}

impl Registry {
    fn binding(provider: Provider, module: Option<usize>) -> Binding {
        Binding {
            key: provider.key,
            scope: provider.scope,
            source: provider.source,
            multi: provider.multi,
            module,
            targets: Vec::new(),
            slot: None,
        }
    }

    fn add(
        &mut self,
        provider: Provider,
        module: Option<usize>,
        problems: &mut Vec<Problem>,
        modules: &[ModuleNode],
    ) {
        if let Some(reason) = &provider.invalid {
            problems.push(Problem::new(
                ProblemCode::InvalidProvider,
                format!("invalid provider for {}: {reason}", provider.key),
                provider.key.to_string(),
            ));
            return;
        }
        if let Some(m) = module {
            self.declared.push((provider.key, m));
        }
        let name = |m: Option<usize>| {
            m.map_or("the global providers", |m| modules[m].descriptor.type_name)
        };
        if let Some(existing) = self.bindings.iter().find(|b| b.key == provider.key) {
            if existing.multi && provider.multi {
                self.bindings.push(Self::binding(provider, module));
            } else if !same_class(&existing.source, &provider.source) {
                problems.push(Problem::new(
                    ProblemCode::AmbiguousBinding,
                    format!(
                        "{} is bound to both {} ({}) and {} ({}): bind it once, or mark every binding `.multi()` to inject them all as a Vec",
                        provider.key,
                        class_of(&existing.source),
                        name(existing.module),
                        class_of(&provider.source),
                        name(module)
                    ),
                    provider.key.to_string(),
                ));
            } else if existing.module != module && existing.module.is_some() && module.is_some() {
                problems.push(Problem::new(
                    ProblemCode::DuplicateBinding,
                    format!(
                        "Provider {} is declared in both {} and {}; a provider may only belong to one module: declare it once and export it",
                        provider.key,
                        name(existing.module),
                        name(module)
                    ),
                    provider.key.to_string(),
                ));
            }
            // Otherwise the same class registered again (in its module and among the global
            // providers, say): one binding, as Lauren dedupes identical registrations.
            return;
        }
        self.bindings.push(Self::binding(provider, module));
    }

    /// A controller's or interceptor's own binding: reuse a declared one, else add it.
    fn implicit(&mut self, provider: Provider, module: Option<usize>) -> usize {
        match self.bindings.iter().position(|b| b.key == provider.key) {
            Some(index) => index,
            None => {
                self.bindings.push(Self::binding(provider, module));
                self.bindings.len() - 1
            }
        }
    }

    /// An attached component's (interceptor's, guard's) own binding, once per type.
    fn component<A>(
        &mut self,
        descriptor: &ComponentDescriptor<A>,
        seen: &mut Vec<(TypeId, usize)>,
    ) {
        let id = (descriptor.type_id)();
        if seen.iter().any(|(t, _)| *t == id) {
            return;
        }
        let index = self.implicit(Provider::from_descriptor((descriptor.provider)()), None);
        seen.push((id, index));
    }

    /// A pre-interceptor's binding, when the container builds it (an `#[injectable]`; the
    /// others are built per request with `Default`).
    fn pre_interceptor(
        &mut self,
        descriptor: &PreInterceptorDescriptor,
        seen: &mut Vec<(TypeId, usize)>,
    ) {
        if (descriptor.fresh)().is_none() {
            self.component(&descriptor.component, seen);
        }
    }

    fn override_with(&mut self, provider: Provider) {
        let mut replaced = false;
        for binding in self.bindings.iter_mut().filter(|b| b.key == provider.key) {
            binding.source = provider.source.clone();
            binding.scope = provider.scope;
            replaced = true;
        }
        if !replaced {
            self.bindings.push(Self::binding(provider, None));
        }
    }
}

fn same_class(a: &Source, b: &Source) -> bool {
    match (a, b) {
        (Source::Descriptor(x), Source::Descriptor(y))
        | (Source::Class { provider: x, .. }, Source::Class { provider: y, .. }) => {
            std::ptr::eq(*x, *y)
        }
        (Source::Alias(x), Source::Alias(y)) => x == y,
        _ => false,
    }
}

/// What a binding builds, for messages: the class's name, or how it is provided.
fn class_of(source: &Source) -> String {
    match source {
        Source::Descriptor(d) | Source::Class { provider: d, .. } => (d.key)().to_string(),
        Source::Value(_) => "a value".to_owned(),
        Source::Factory { .. } => "a factory".to_owned(),
        Source::Alias(key) => format!("an alias of {key}"),
    }
}

/// The dependency walk: targets per binding, construction order, effective scopes.
struct Resolve<'a> {
    bindings: &'a [Binding],
    modules: &'a [ModuleNode],
    targets: Vec<Vec<Target>>,
    state: Vec<State>,
    order: Vec<usize>,
    scopes: Vec<Scope>,
    path: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Visiting,
    Done,
}

impl<'a> Resolve<'a> {
    fn new(bindings: &'a [Binding], modules: &'a [ModuleNode]) -> Self {
        Self {
            bindings,
            modules,
            targets: vec![Vec::new(); bindings.len()],
            state: vec![State::New; bindings.len()],
            order: Vec::new(),
            scopes: bindings.iter().map(|b| b.scope).collect(),
            path: Vec::new(),
        }
    }

    fn deps(&self, index: usize) -> Vec<(Key, DepKind)> {
        match &self.bindings[index].source {
            Source::Descriptor(d) | Source::Class { provider: d, .. } => {
                d.deps.iter().map(|dep| ((dep.key)(), dep.kind)).collect()
            }
            Source::Factory { deps, .. } => deps.clone(),
            Source::Alias(key) => vec![(*key, DepKind::Required)],
            Source::Value(_) => Vec::new(),
        }
    }

    /// Whether `module` (the consumer's) may see binding `index`.
    fn visible(&self, module: Option<usize>, index: usize) -> bool {
        visible(self.bindings, self.modules, module, index)
    }

    fn chain(&self, last: &str) -> String {
        let names: Vec<String> = self
            .path
            .iter()
            .map(|&i| self.bindings[i].key.to_string())
            .chain([last.to_owned()])
            .collect();
        names.join(" -> ")
    }

    fn visit(&mut self, index: usize, problems: &mut Vec<Problem>) {
        match self.state[index] {
            State::Done => return,
            State::Visiting => {
                let at = self.path.iter().position(|&i| i == index).unwrap_or(0);
                let cycle: Vec<String> = self.path[at..]
                    .iter()
                    .chain([&index])
                    .map(|&i| self.bindings[i].key.to_string())
                    .collect();
                problems.push(Problem::new(
                    ProblemCode::CircularDependency,
                    format!("Circular dependency: {}", cycle.join(" -> ")),
                    self.bindings[index].key.to_string(),
                ));
                return;
            }
            State::New => {}
        }
        self.state[index] = State::Visiting;
        self.path.push(index);
        let consumer = &self.bindings[index];
        let module = consumer.module;
        let mut targets = Vec::new();
        for (key, kind) in self.deps(index) {
            let candidates: Vec<usize> =
                (0..self.bindings.len()).filter(|&i| self.bindings[i].key == key).collect();
            let visible: Vec<usize> =
                candidates.iter().copied().filter(|&i| self.visible(module, i)).collect();
            let target = match (kind, visible.as_slice()) {
                (DepKind::All, _) => Target::Many(visible.clone()),
                (_, [one, ..]) => Target::One(*one),
                (DepKind::Optional, []) => Target::Missing,
                (DepKind::Required, []) => {
                    problems.push(self.missing(key, module, candidates.is_empty()));
                    Target::Missing
                }
            };
            let reached: Vec<usize> = match &target {
                Target::One(t) => vec![*t],
                Target::Many(ts) => ts.clone(),
                Target::Missing => Vec::new(),
            };
            for t in reached {
                self.visit(t, problems);
                // An alias lives as long as what it names.
                if matches!(self.bindings[index].source, Source::Alias(_)) {
                    self.scopes[index] = self.scopes[t];
                }
                let (outer, inner) = (self.scopes[index], self.scopes[t]);
                if outer > inner {
                    problems.push(Problem::new(
                        ProblemCode::ScopeViolation,
                        format!(
                            "{} depends on {}-scoped {} ({}): a dependent may not outlive its dependency; narrow the dependent's scope or widen the dependency's",
                            scope_title(outer),
                            scope_label(inner),
                            self.bindings[t].key,
                            self.chain(&self.bindings[t].key.to_string())
                        ),
                        self.bindings[index].key.to_string(),
                    ));
                }
            }
            targets.push(target);
        }
        self.targets[index] = targets;
        self.path.pop();
        self.state[index] = State::Done;
        self.order.push(index);
    }

    fn missing(&self, key: Key, module: Option<usize>, nowhere: bool) -> Problem {
        let (code, message) = if nowhere {
            (
                ProblemCode::MissingProvider,
                format!("No provider for {key} ({})", self.chain(&key.to_string())),
            )
        } else {
            let owner = module.map_or("<global>", |m| self.modules[m].descriptor.type_name);
            (
                ProblemCode::ProviderNotVisible,
                format!(
                    "No provider for {key} visible from module {owner}. Either declare it in this module or import a module that exports it. ({})",
                    self.chain(&key.to_string())
                ),
            )
        };
        let culprit =
            self.path.last().map_or_else(|| key.to_string(), |&i| self.bindings[i].key.to_string());
        Problem::new(code, message, culprit)
    }
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

fn scope_label(scope: Scope) -> &'static str {
    match scope {
        Scope::Transient => "transient",
        Scope::Request => "request",
        Scope::Singleton => "singleton",
    }
}

fn scope_title(scope: Scope) -> &'static str {
    match scope {
        Scope::Transient => "Transient",
        Scope::Request => "Request",
        Scope::Singleton => "Singleton",
    }
}
