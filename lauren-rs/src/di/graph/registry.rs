//! The bindings startup registers: every provider a module declares, the global and overriding
//! ones, and the components (controllers, interceptors, guards) that are providers implicitly;
//! duplicates and conflicting classes are reported here.

use std::any::TypeId;

use super::ModuleNode;
use crate::app::error::{Problem, ProblemCode};
use crate::descriptor::ComponentDescriptor;
use crate::di::container::Binding;
use crate::di::key::Key;
use crate::di::provider::{Provider, Source};
use crate::pre_interceptors::PreInterceptorDescriptor;

#[derive(Default)]
pub(super) struct Registry {
    pub(super) bindings: Vec<Binding>,
    /// Every `(key, module)` a module's `providers` list declared, deduplicated ones included:
    /// a module may export what it declared even when the global providers bound it first.
    pub(super) declared: Vec<(Key, usize)>,
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

    pub(super) fn add(
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
    pub(super) fn implicit(&mut self, provider: Provider, module: Option<usize>) -> usize {
        match self.bindings.iter().position(|b| b.key == provider.key) {
            Some(index) => index,
            None => {
                self.bindings.push(Self::binding(provider, module));
                self.bindings.len() - 1
            }
        }
    }

    /// An attached component's (interceptor's, guard's) own binding, once per type.
    pub(super) fn component<A>(
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
    pub(super) fn pre_interceptor(
        &mut self,
        descriptor: &PreInterceptorDescriptor,
        seen: &mut Vec<(TypeId, usize)>,
    ) {
        if (descriptor.fresh)().is_none() {
            self.component(&descriptor.component, seen);
        }
    }

    pub(super) fn override_with(&mut self, provider: Provider) {
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
