//! Pre-interceptors at every level: builder values, settings by type and name, module, child
//! app settings, controller and route; `Default` ones and `#[injectable]` ones.
use lauren::prelude::*;

#[derive(Default)]
#[pre_interceptor]
struct RequireTenant;

impl PreInterceptor for RequireTenant {
    async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        Ok(())
    }
}

#[derive(Default)]
#[injectable(scope = Request)]
struct Audit;

impl PreInterceptor for Audit {
    async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        Ok(())
    }
}

#[settings(pre_interceptors = [RequireTenant, "RequireTenant"])]
struct AppSettings;

#[derive(Default)]
struct Orders;

#[use_pre_interceptors(RequireTenant)]
#[controller("/orders")]
impl Orders {
    #[use_pre_interceptors(Audit, RequireTenant)]
    #[get]
    async fn list(&self) {}
}

#[module(controllers = [Orders], pre_interceptors = [Audit], settings = AppSettings)]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule).settings(AppSettings).pre_interceptors((RequireTenant, Audit));
}
