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

static SHUTDOWN_LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn shutdown_event(entry: &str) {
    SHUTDOWN_LOG.lock().expect("shutdown log").push(entry.to_owned());
}

#[derive(Default)]
#[injectable(pre_destruct = close)]
struct Journal;

impl Journal {
    fn close(&self) {
        shutdown_event("Journal:destruct");
    }
}

/// Request-scoped, with a teardown slower than the request.
#[injectable(scope = Request, pre_destruct = flush)]
struct Unit {
    journal: Inject<Journal>,
}

impl Unit {
    async fn flush(&self) {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let _ = &self.journal;
        shutdown_event("Unit:flushed");
    }
}

#[injectable(scope = Request)]
struct UnitController {
    unit: Inject<Unit>,
}

#[controller("/unit")]
impl UnitController {
    #[get]
    async fn show(&self) -> &'static str {
        let _ = &self.unit;
        "done"
    }
}

#[module(controllers = [UnitController], providers = [Journal, Unit])]
struct UnitModule;

#[tokio::test]
async fn shutdown_waits_for_request_teardowns_then_runs_callbacks_then_singleton_hooks() {
    let builder = LaurenFactory::create(UnitModule)
        .on_shutdown(|| async { shutdown_event("on_shutdown:first") })
        .on_shutdown(|| async { shutdown_event("on_shutdown:second") });
    let client = TestClient::new(builder).await;
    let started = std::time::Instant::now();
    assert_eq!(client.get("/unit").await.text(), "done");
    assert!(
        started.elapsed() < std::time::Duration::from_millis(150),
        "the response does not wait for the teardown"
    );
    client.shutdown().await;
    client.shutdown().await; // once only
    assert_eq!(
        *SHUTDOWN_LOG.lock().expect("shutdown log"),
        ["Unit:flushed", "on_shutdown:second", "on_shutdown:first", "Journal:destruct"]
    );
}
