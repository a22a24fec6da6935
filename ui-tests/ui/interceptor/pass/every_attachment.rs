//! Interceptors at every level and metadata of every kind compile with only `lauren` as a
//! dependency.
use lauren::prelude::*;

#[derive(Default)]
#[interceptor]
struct Logging;

impl Interceptor for Logging {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
        let action = ctx.metadata::<&str>("action").unwrap_or("unknown").to_owned();
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-action", action))
    }
}

/// No `#[interceptor]`: any type implementing `Interceptor` may be attached.
#[derive(Default)]
struct Plain;

impl Interceptor for Plain {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
        next.handle(ctx).await
    }
}

#[derive(Default)]
struct Orders;

#[set_metadata("owner", "orders-team")]
#[use_interceptors(Logging)]
#[controller("/orders")]
#[use_interceptors(Plain)]
impl Orders {
    #[set_metadata("action", "list")]
    #[set_metadata("limit", 10)]
    #[set_metadata("ratio", -0.5)]
    #[set_metadata("public", true)]
    #[set_metadata("roles", ["admin", {"level": 2}])]
    #[use_interceptors(Logging, Plain)]
    #[get]
    async fn list(&self) -> &'static str {
        "orders"
    }
}

#[module(controllers = [Orders], interceptors = [Logging, Plain])]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule).global_interceptors((Logging, Logging)).global_interceptor::<Logging>();
}
