//! `Permission`: the principal's roles against the route's `roles` metadata.

use serde_json::Value;

use super::Principal;
use super::auths::login_required;
use crate::error::HttpError;
use crate::interceptors::{LifecycleInterceptor, RouteSetup};
use crate::pipeline::ExecutionContext;

/// Sort 999: on a route with `#[set_metadata("roles", ["admin", "ops"])]` (or one role as a
/// string), the principal (from `Auths`) must have one of them: else 403 `forbidden` naming the
/// roles it lacks (`detail.missing_roles`); without a principal, 401 `login required`. Routes
/// without `roles` pass. `roles` of any other shape (numbers, an empty list, ..) is a startup
/// error naming the route: a typo must not open a route to everyone.
#[derive(Debug, Default, Clone, Copy)]
pub struct Permission;

/// The role names of a `roles` metadata value, or why it is not one.
fn role_names(value: &Value) -> Result<Vec<String>, String> {
    let names: Option<Vec<String>> = match value {
        Value::String(role) => Some(vec![role.clone()]),
        Value::Array(roles) => roles.iter().map(|r| r.as_str().map(str::to_owned)).collect(),
        _ => None,
    };
    match names {
        Some(names) if !names.is_empty() && names.iter().all(|n| !n.is_empty()) => Ok(names),
        _ => Err(format!(
            "metadata `roles` must be a role name or a non-empty array of role names (for Permission), got {value}"
        )),
    }
}

impl LifecycleInterceptor for Permission {
    const INSPECTS_VALUE: bool = false;

    fn sort(&self) -> i32 {
        999
    }

    fn check_route(&self, route: &RouteSetup<'_>) -> Result<(), String> {
        match route.metadata_value("roles") {
            None => Ok(()),
            Some(value) => role_names(&value.to_json()).map(drop),
        }
    }

    fn document(&self, route: &RouteSetup<'_>) -> crate::RouteDocs {
        match route.metadata_value("roles") {
            None => crate::RouteDocs::new(),
            Some(_) => crate::RouteDocs::new()
                .requires_login()
                .response(401, "The request is not authenticated.")
                .response(403, "The principal lacks every role the route requires."),
        }
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        let Some(value) = ctx.metadata::<Value>("roles") else { return Ok(()) };
        // Checked at startup for the route's own metadata; a value written per request is
        // checked here, and refused rather than read as "no roles".
        let required = role_names(&value).map_err(|why| {
            tracing::error!(route = ctx.route_template(), "{why}");
            HttpError::internal("RolesMetadata")
        })?;
        let principal = ctx.extensions().get::<Principal>().ok_or_else(login_required)?;
        if required.iter().any(|role| principal.has_role(role)) {
            return Ok(());
        }
        let who = if principal.subject.is_empty() { "the principal" } else { &principal.subject };
        Err(HttpError::forbidden(format!("{who} lacks the role {}", required.join(" or ")))
            .with_detail("missing_roles", required))
    }
}
