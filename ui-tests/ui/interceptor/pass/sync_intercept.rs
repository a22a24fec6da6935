//! A non-async `intercept` that hands back the rest of the chain's future compiles.
use std::future::Future;

use lauren::prelude::*;

#[derive(Default)]
struct PassThrough;

impl Interceptor for PassThrough {
    fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> impl Future<Output = lauren::Result<Reply>> + Send {
        next.handle(ctx)
    }
}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[use_interceptors(PassThrough)]
impl Orders {
    #[get]
    async fn list(&self) -> &'static str {
        "orders"
    }
}

fn main() {}
