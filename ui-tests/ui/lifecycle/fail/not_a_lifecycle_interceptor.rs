//! Lifecycle interceptors attach like interceptors: a type with neither trait is refused, and
//! so is a pre-interceptor in an interceptor list.
use lauren::prelude::*;

#[derive(Default)]
struct Audit;

#[derive(Default)]
struct RequireTenant;

impl PreInterceptor for RequireTenant {
    async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[use_interceptors(Audit, RequireTenant)]
    #[get]
    async fn list(&self) {}
}

fn main() {}
