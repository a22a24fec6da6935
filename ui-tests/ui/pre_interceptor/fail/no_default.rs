//! A pre-interceptor that is neither `Default` nor `#[injectable]` cannot be built per request.
use lauren::prelude::*;

struct NeedsConfig(u32);

impl PreInterceptor for NeedsConfig {
    async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        let _ = self.0;
        Ok(())
    }
}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[use_pre_interceptors(NeedsConfig)]
impl Orders {
    #[get]
    async fn list(&self) {}
}

fn main() {}
