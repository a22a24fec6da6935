//! post_construct in dependency order at startup, pre_destruct in reverse at shutdown, a
//! failing post_construct aborting startup, and test overrides.

use std::sync::Mutex;

use lauren::di::Inject;
use lauren::prelude::*;
use lauren::testing::TestClient;

static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn event(entry: &str) {
    EVENTS.lock().expect("events").push(entry.to_owned());
}

/// An all-caps name is a type like any other in `providers = [..]`.
#[derive(Default)]
#[injectable(post_construct = start, pre_destruct = stop)]
struct DB;

impl DB {
    async fn start(&self) {
        event("DB:construct");
    }

    async fn stop(&self) {
        event("DB:destruct");
    }
}

#[injectable(post_construct = start, pre_destruct = stop)]
struct OrderService {
    database: Inject<DB>,
}

/// Plain `fn` hooks, one returning a `Result`.
impl OrderService {
    fn start(&self) -> Result<(), std::io::Error> {
        let _ = &self.database;
        event("OrderService:construct");
        Ok(())
    }

    fn stop(&self) {
        event("OrderService:destruct");
    }
}

trait Greeter: Send + Sync {
    fn greet(&self) -> String;
}

#[derive(Default)]
#[injectable]
struct RealGreeter;

impl Greeter for RealGreeter {
    fn greet(&self) -> String {
        "real".into()
    }
}

struct FakeGreeter;

impl Greeter for FakeGreeter {
    fn greet(&self) -> String {
        "fake".into()
    }
}

#[injectable]
struct LifecycleController {
    orders: Inject<OrderService>,
    greeter: Inject<dyn Greeter>,
    label: Inject<String>,
}

#[controller("/life")]
impl LifecycleController {
    #[get]
    async fn show(&self) -> String {
        let _ = &self.orders;
        format!("{} {}", self.greeter.greet(), *self.label)
    }
}

#[module(
    controllers = [LifecycleController],
    providers = [
        OrderService,
        DB,
        lauren::di::provide::<dyn Greeter>().use_class::<RealGreeter>(|g| g),
        lauren::di::provide::<String>().use_value("label".to_owned()),
    ]
)]
struct LifecycleModule;

#[tokio::test]
async fn hooks_run_in_dependency_order_and_overrides_replace_providers() {
    let builder = LaurenFactory::create(LifecycleModule)
        .override_provider::<String>("overridden".to_owned())
        .override_with(
            lauren::di::provide::<dyn Greeter>().use_arc(std::sync::Arc::new(FakeGreeter)),
        );
    let client = TestClient::new(builder).await;
    assert_eq!(client.get("/life").await.text(), "fake overridden");
    client.shutdown().await;
    client.shutdown().await; // idempotent
    let events = EVENTS.lock().expect("events").clone();
    assert_eq!(
        events,
        ["DB:construct", "OrderService:construct", "OrderService:destruct", "DB:destruct"]
    );
}

#[injectable(post_construct = start)]
struct Broken;

impl Broken {
    fn start(&self) -> Result<(), std::io::Error> {
        Err(std::io::Error::other("cannot reach the broker"))
    }
}

#[module(providers = [Broken])]
struct BrokenModule;

#[tokio::test]
async fn a_failing_post_construct_aborts_startup_with_its_error() {
    let err = LaurenFactory::create(BrokenModule).build().await.expect_err("startup fails");
    assert_eq!(err.code(), "provider_failed");
    assert_eq!(err.to_string(), "post_construct of Broken failed: cannot reach the broker");
}
