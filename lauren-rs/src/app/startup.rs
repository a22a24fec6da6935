//! `create()`'s work: walk the module graph, build instances, resolve every route, freeze.

use std::any::TypeId;
use std::sync::Arc;

use super::AppInner;
use super::error::{Problem, ProblemCode, StartupError};
use super::options::Options;
use crate::descriptor::{ControllerDescriptor, InterceptorRef, ModuleDescriptor};
use crate::interceptors::InterceptorInstance;
use crate::pipeline::{Route, RouteMetadata};
use crate::router::{RouteSpec, Router, join_template, template_params};

/// Builds the frozen app from the root module.
pub(crate) fn freeze(
    root: &'static ModuleDescriptor,
    global: &[InterceptorInstance],
    options: Options,
) -> Result<AppInner, StartupError> {
    let mut problems = Vec::new();
    let controllers = collect_controllers(root, &mut problems);
    let mut interceptors = Singletons::default();
    let module_chain = interceptors.resolve(root.interceptors);

    let mut routes = Vec::new();
    for controller in controllers {
        let instance = (controller.provider.construct)();
        let controller_chain = interceptors.resolve(controller.interceptors);
        for descriptor in controller.routes {
            let culprit = format!("{}::{}", controller.type_name, descriptor.handler_name);
            let template = join_template(&[controller.prefix, descriptor.path]);
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
            let metadata = RouteMetadata::merge(descriptor.metadata, controller.metadata)
                .unwrap_or_else(|(key, err)| {
                    problems.push(Problem::new(
                        ProblemCode::InvalidMetadata,
                        format!("metadata `{key}` of {culprit} is not valid JSON: {err}"),
                        culprit.clone(),
                    ));
                    RouteMetadata::default()
                });
            // Global (outermost) -> module -> controller -> route, each in its own order.
            let chain: Box<[InterceptorInstance]> = global
                .iter()
                .chain(&module_chain)
                .chain(&controller_chain)
                .cloned()
                .chain(interceptors.resolve(descriptor.interceptors))
                .collect();
            routes.push(Route {
                descriptor,
                controller,
                template: template.into_boxed_str(),
                param_names: param_names.into_boxed_slice(),
                var_slots: var_slots.into_boxed_slice(),
                instance: Arc::clone(&instance),
                chain,
                metadata,
            });
        }
    }

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
    match router {
        Ok(router) if problems.is_empty() => {
            Ok(AppInner { router, routes: routes.into_boxed_slice(), options })
        }
        Ok(_) => Err(StartupError::new(problems)),
        Err(mut found) => {
            problems.append(&mut found);
            Err(StartupError::new(problems))
        }
    }
}

/// One instance per interceptor type, shared by every chain that names it.
#[derive(Default)]
struct Singletons {
    built: Vec<(TypeId, InterceptorInstance)>,
}

impl Singletons {
    fn resolve(&mut self, refs: &[InterceptorRef]) -> Vec<InterceptorInstance> {
        refs.iter()
            .map(|get| {
                let descriptor = get();
                let id = (descriptor.type_id)();
                if let Some((_, built)) = self.built.iter().find(|(t, _)| *t == id) {
                    return built.clone();
                }
                let built = (descriptor.construct)();
                self.built.push((id, built.clone()));
                built
            })
            .collect()
    }
}

/// The root module's controllers, each once, in declaration order.
fn collect_controllers(
    root: &'static ModuleDescriptor,
    problems: &mut Vec<Problem>,
) -> Vec<&'static ControllerDescriptor> {
    let mut seen: Vec<TypeId> = Vec::new();
    let mut controllers = Vec::new();
    for get in root.controllers {
        let controller = get();
        let id = (controller.provider.type_id)();
        if seen.contains(&id) {
            problems.push(Problem::new(
                ProblemCode::DuplicateRegistration,
                format!(
                    "controller {} is listed twice in module {}: list it once",
                    controller.type_name, root.type_name
                ),
                controller.type_name,
            ));
            continue;
        }
        seen.push(id);
        controllers.push(controller);
    }
    controllers
}
