//! Any `Interceptor` attaches, registered with `#[interceptor]` or not, and a plain `fn
//! intercept` that returns the rest of the chain's future runs like an `async fn` one.

use std::future::Future;

use lauren::prelude::*;
use lauren::testing::TestClient;

use crate::support::{C1, record, take};

/// No `#[interceptor]`: attached by type all the same.
#[derive(Default)]
struct Unregistered;

impl Interceptor for Unregistered {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        record(ctx, "Unregistered:before");
        let reply = next.handle(ctx).await?;
        record(ctx, "Unregistered:after");
        Ok(reply)
    }
}

/// Not `async`: it logs, then hands back the rest of the chain's future as it is.
#[derive(Default)]
struct Forward;

impl Interceptor for Forward {
    fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> impl Future<Output = lauren::Result<Reply>> + Send {
        record(ctx, "Forward:sync");
        next.handle(ctx)
    }
}

#[derive(Default)]
struct AttachController;

#[controller("/attach")]
#[use_interceptors(Unregistered, C1)]
impl AttachController {
    #[use_interceptors(Forward)]
    #[get]
    async fn show(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "shown"
    }
}

#[module(controllers = [AttachController], interceptors = [Forward])]
struct AttachModule;

#[tokio::test]
async fn unregistered_and_sync_interceptors_run_in_chain_order() {
    let client = TestClient::new(LaurenFactory::create(AttachModule)).await;
    let response = client.get("/attach").header("x-test-id", "attach").await;
    assert_eq!(response.text(), "shown");
    assert_eq!(
        take("attach"),
        [
            "Forward:sync",
            "Unregistered:before",
            "C1:before",
            "Forward:sync",
            "handler",
            "C1:after",
            "Unregistered:after"
        ]
    );
}
