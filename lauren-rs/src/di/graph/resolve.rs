//! The dependency walk over the registered bindings: each dependency resolved to the binding
//! its consumer may see, reporting missing, invisible, circular and scope-violating ones with
//! their chain, and the order singletons are built in.

use super::{ModuleNode, visible};
use crate::app::error::{Problem, ProblemCode};
use crate::descriptor::Scope;
use crate::di::container::{Binding, Target};
use crate::di::key::Key;
use crate::di::provider::{DepKind, Source};

/// The dependency walk: targets per binding, construction order, effective scopes.
pub(super) struct Resolve<'a> {
    bindings: &'a [Binding],
    modules: &'a [ModuleNode],
    pub(super) targets: Vec<Vec<Target>>,
    state: Vec<State>,
    pub(super) order: Vec<usize>,
    pub(super) scopes: Vec<Scope>,
    path: Vec<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    New,
    Visiting,
    Done,
}

impl<'a> Resolve<'a> {
    pub(super) fn new(bindings: &'a [Binding], modules: &'a [ModuleNode]) -> Self {
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

    pub(super) fn visit(&mut self, index: usize, problems: &mut Vec<Problem>) {
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
