//! Order: global -> module -> controller -> route -> handler, unwinding in reverse; stacked
//! attributes compose like Lauren's decorators.

use std::sync::atomic::{AtomicUsize, Ordering};

use lauren::prelude::*;
use lauren::testing::TestClient;

use crate::support::{C1, C2, C3, G1, G2, M1, R1, R2, R3, record, take};

#[derive(Default)]
struct OrderController;

#[controller("/o")]
#[use_interceptors(C1)]
impl OrderController {
    #[use_interceptors(R1, R2)]
    #[get("/levels")]
    async fn levels(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "levels"
    }

    // `#[use_interceptors(A)]` above `#[use_interceptors(B)]` makes B outer (Lauren's `[B, A]`).
    #[use_interceptors(R1)]
    #[use_interceptors(R2, R3)]
    #[get("/stacked")]
    async fn stacked(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "stacked"
    }

    #[get("/plain")]
    async fn plain(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "plain"
    }
}

/// Impl-level attributes above `#[controller]`: source order still decides.
#[derive(Default)]
struct AboveController;

#[use_interceptors(C1)]
#[use_interceptors(C2)]
#[controller("/above")]
#[use_interceptors(C3)]
impl AboveController {
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "above"
    }
}

#[module(controllers = [OrderController, AboveController], interceptors = [M1])]
struct OrderModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(OrderModule).global_interceptors((G1, G2))).await
}

async fn log_of(client: &TestClient, path: &str, id: &str) -> Vec<String> {
    let response = client.get(path).header("x-test-id", id).await;
    assert_eq!(response.status(), 200, "{path}: {}", response.text());
    take(id)
}

#[tokio::test]
async fn global_module_controller_route_then_handler_and_back() {
    let log = log_of(&client().await, "/o/levels", "order-levels").await;
    assert_eq!(
        log,
        [
            "G1:before",
            "G2:before",
            "M1:before",
            "C1:before",
            "R1:before",
            "R2:before",
            "handler",
            "R2:after",
            "R1:after",
            "C1:after",
            "M1:after",
            "G2:after",
            "G1:after",
        ]
    );
}

#[tokio::test]
async fn the_lower_of_two_stacked_attributes_is_outer() {
    let log = log_of(&client().await, "/o/stacked", "order-stacked").await;
    assert_eq!(
        log,
        [
            "G1:before",
            "G2:before",
            "M1:before",
            "C1:before",
            "R2:before",
            "R3:before",
            "R1:before",
            "handler",
            "R1:after",
            "R3:after",
            "R2:after",
            "C1:after",
            "M1:after",
            "G2:after",
            "G1:after",
        ]
    );
}

#[tokio::test]
async fn attributes_above_controller_keep_source_order() {
    // Source order C1, C2, (controller), C3: the last is outermost.
    let log = log_of(&client().await, "/above", "order-above").await;
    assert_eq!(
        log,
        [
            "G1:before",
            "G2:before",
            "M1:before",
            "C3:before",
            "C2:before",
            "C1:before",
            "handler",
            "C1:after",
            "C2:after",
            "C3:after",
            "M1:after",
            "G2:after",
            "G1:after",
        ]
    );
}

#[tokio::test]
async fn routes_without_route_interceptors_still_get_the_outer_levels() {
    let log = log_of(&client().await, "/o/plain", "order-plain").await;
    assert_eq!(
        log,
        [
            "G1:before",
            "G2:before",
            "M1:before",
            "C1:before",
            "handler",
            "C1:after",
            "M1:after",
            "G2:after",
            "G1:after"
        ]
    );
}

#[tokio::test]
async fn global_interceptor_by_type() {
    let client =
        TestClient::new(LaurenFactory::create(OrderModule).global_interceptor::<G2>()).await;
    let log = log_of(&client, "/o/plain", "order-by-type").await;
    assert_eq!(log.first().map(String::as_str), Some("G2:before"));
    assert_eq!(log.last().map(String::as_str), Some("G2:after"));
}

#[tokio::test]
async fn interceptors_never_run_for_404_or_405() {
    let client = client().await;
    assert_eq!(client.get("/nope").header("x-test-id", "order-404").await.status(), 404);
    assert_eq!(client.delete("/o/levels").header("x-test-id", "order-404").await.status(), 405);
    assert!(take("order-404").is_empty());
}

static COUNTED_BUILT: AtomicUsize = AtomicUsize::new(0);

#[interceptor]
struct Counted;

impl Default for Counted {
    fn default() -> Self {
        COUNTED_BUILT.fetch_add(1, Ordering::SeqCst);
        Counted
    }
}

impl Interceptor for Counted {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        // The address identifies the instance: equal addresses, one singleton.
        record(ctx, format!("counted@{:p}", self as *const Self));
        next.handle(ctx).await
    }
}

#[derive(Default)]
struct CountedController;

#[controller("/counted")]
#[use_interceptors(Counted)]
impl CountedController {
    #[use_interceptors(Counted)]
    #[get("/a")]
    async fn a(&self) -> &'static str {
        "a"
    }

    #[use_interceptors(Counted)]
    #[get("/b")]
    async fn b(&self) -> &'static str {
        "b"
    }
}

#[module(controllers = [CountedController])]
struct CountedModule;

#[tokio::test]
async fn an_interceptor_attached_at_several_places_is_one_singleton() {
    let client = TestClient::new(LaurenFactory::create(CountedModule)).await;
    assert_eq!(COUNTED_BUILT.load(Ordering::SeqCst), 1, "built once at startup");
    let a = log_of(&client, "/counted/a", "counted-a").await;
    let b = log_of(&client, "/counted/b", "counted-b").await;
    assert_eq!(a.len(), 2, "runs at controller and route level");
    assert!(
        a.iter().chain(&b).all(|entry| *entry == a[0]),
        "same instance everywhere: {a:?} {b:?}"
    );
    assert_eq!(COUNTED_BUILT.load(Ordering::SeqCst), 1, "not rebuilt per request");
    assert!(lauren::registered_interceptors().any(|d| d.type_name == "Counted"));
}

/// Records how many interceptors are still ahead of it.
#[derive(Default)]
struct Remaining;

impl Interceptor for Remaining {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        crate::support::record(ctx, format!("remaining={}", next.remaining()));
        next.handle(ctx).await
    }
}

#[derive(Default)]
struct RemainingController;

#[controller("/remaining")]
impl RemainingController {
    #[get("/outer")]
    #[use_interceptors(Remaining, crate::support::R1, crate::support::R2)]
    async fn outer(&self) {}

    #[get("/inner")]
    #[use_interceptors(crate::support::R1, crate::support::R2, Remaining)]
    async fn inner(&self) {}
}

#[module(controllers = [RemainingController])]
struct RemainingModule;

#[tokio::test]
async fn call_handler_says_how_many_interceptors_are_ahead() {
    let client = TestClient::new(LaurenFactory::create(RemainingModule)).await;
    client.get("/remaining/outer").header("x-test-id", "remaining-outer").await;
    assert_eq!(
        crate::support::take("remaining-outer"),
        ["remaining=2", "R1:before", "R2:before", "R2:after", "R1:after"]
    );
    client.get("/remaining/inner").header("x-test-id", "remaining-inner").await;
    assert_eq!(
        crate::support::take("remaining-inner"),
        ["R1:before", "R2:before", "remaining=0", "R2:after", "R1:after"]
    );
}
