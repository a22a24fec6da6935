//! `Permission`: the principal's roles against the route's `roles` metadata.

use serde_json::Value;

use super::Principal;
use super::auths::login_required;
use crate::error::HttpError;
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::ExecutionContext;

/// Sort 999: on a route with `#[set_metadata("roles", ["admin", "ops"])]` (or one role as a
/// string), the principal (from `Auths`) must have one of them: else 403 `forbidden` naming the
/// roles it lacks (`detail.missing_roles`); without a principal, 401 `login required`. Routes
/// without `roles` pass.
#[derive(Debug, Default, Clone, Copy)]
pub struct Permission;

impl LifecycleInterceptor for Permission {
    fn sort(&self) -> i32 {
        999
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        let required: Vec<String> = match ctx.metadata::<Value>("roles") {
            None | Some(Value::Null) => return Ok(()),
            Some(Value::String(role)) => vec![role],
            Some(Value::Array(roles)) => {
                roles.into_iter().filter_map(|r| r.as_str().map(str::to_owned)).collect()
            }
            Some(_) => return Err(HttpError::internal("RolesMetadata")),
        };
        if required.is_empty() {
            return Ok(());
        }
        let principal = ctx.extensions().get::<Principal>().ok_or_else(login_required)?;
        if required.iter().any(|role| principal.has_role(role)) {
            return Ok(());
        }
        Err(HttpError::forbidden(format!(
            "{} lacks the role {}",
            principal.subject,
            required.join(" or ")
        ))
        .with_detail("missing_roles", required))
    }
}
