//! Singleton, request and transient scopes, counted across requests and attachment points;
//! the in-place build of dependency-free providers, and the hooks that keep a provider off it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use lauren::prelude::*;
use lauren::testing::TestClient;

static SINGLETONS_BUILT: AtomicUsize = AtomicUsize::new(0);
static REQUEST_SERIAL: AtomicUsize = AtomicUsize::new(0);
static TRANSIENT_SERIAL: AtomicUsize = AtomicUsize::new(0);
static CONTROLLERS_BUILT: AtomicUsize = AtomicUsize::new(0);
static TEARDOWNS: Mutex<Vec<usize>> = Mutex::new(Vec::new());

/// A singleton counting its constructions.
struct Counter {
    hits: AtomicUsize,
}

#[injectable]
impl Counter {
    #[constructor]
    fn new() -> Self {
        SINGLETONS_BUILT.fetch_add(1, Ordering::SeqCst);
        Counter { hits: AtomicUsize::new(0) }
    }
}

/// One per request; records its teardown.
struct RequestContext {
    serial: usize,
}

#[injectable(scope = Request, pre_destruct = close)]
impl RequestContext {
    #[constructor]
    fn new() -> Self {
        RequestContext { serial: REQUEST_SERIAL.fetch_add(1, Ordering::SeqCst) }
    }

    async fn close(&self) {
        TEARDOWNS.lock().expect("teardown log").push(self.serial);
    }
}

/// A new instance per attachment per request.
struct Stamp {
    serial: usize,
}

#[injectable(scope = Transient)]
impl Stamp {
    #[constructor]
    fn new() -> Self {
        Stamp { serial: TRANSIENT_SERIAL.fetch_add(1, Ordering::SeqCst) }
    }
}

/// Request-scoped interceptor: attached twice, the same instance both times in one request.
#[interceptor]
#[injectable(scope = Request)]
struct SeeRequest {
    context: Inject<RequestContext>,
}

impl Interceptor for SeeRequest {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let seen = format!("{:p}/{}", self as *const Self, self.context.serial);
        let reply = next.handle(ctx).await?;
        let before = reply.header("x-seen").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let all = before.map_or(seen.clone(), |b| format!("{b},{seen}"));
        Ok(reply.with_header("x-seen", all))
    }
}

/// Transient interceptor: a fresh instance per attachment.
#[interceptor]
#[injectable(scope = Transient)]
struct StampInterceptor {
    stamp: Inject<Stamp>,
}

impl Interceptor for StampInterceptor {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let reply = next.handle(ctx).await?;
        let before = reply.header("x-stamps").and_then(|v| v.to_str().ok()).map(str::to_owned);
        let stamp = self.stamp.serial.to_string();
        Ok(reply.with_header("x-stamps", before.map_or(stamp.clone(), |b| format!("{b},{stamp}"))))
    }
}

struct ScopedController {
    context: Inject<RequestContext>,
    counter: Inject<Counter>,
}

#[injectable(scope = Request)]
impl ScopedController {
    #[constructor]
    fn new(context: Inject<RequestContext>, counter: Inject<Counter>) -> Self {
        CONTROLLERS_BUILT.fetch_add(1, Ordering::SeqCst);
        ScopedController { context, counter }
    }
}

#[controller("/scopes")]
#[use_interceptors(SeeRequest, StampInterceptor)]
impl ScopedController {
    #[use_interceptors(SeeRequest, StampInterceptor)]
    #[get]
    async fn show(&self) -> String {
        let hits = self.counter.hits.fetch_add(1, Ordering::SeqCst) + 1;
        format!("request {} hit {hits}", self.context.serial)
    }
}

#[module(controllers = [ScopedController], providers = [Counter, RequestContext, Stamp])]
struct ScopesModule;

#[tokio::test]
async fn each_scope_lives_as_long_as_it_should() {
    let client = TestClient::new(LaurenFactory::create(ScopesModule)).await;
    assert_eq!(SINGLETONS_BUILT.load(Ordering::SeqCst), 1, "the singleton is built at startup");
    assert_eq!(
        CONTROLLERS_BUILT.load(Ordering::SeqCst),
        0,
        "a request-scoped controller waits for a request"
    );

    let first = client.get("/scopes").await;
    let second = client.get("/scopes").await;
    assert_eq!(SINGLETONS_BUILT.load(Ordering::SeqCst), 1, "singleton: one instance for the app");
    assert_eq!(
        CONTROLLERS_BUILT.load(Ordering::SeqCst),
        2,
        "request-scoped controller: one per request"
    );

    // Request scope: the interceptor attached at two levels is one instance per request, and it
    // sees the same RequestContext as the controller.
    let request_of = |text: &str| text.split(' ').nth(1).map(str::to_owned).expect("serial");
    let (serial_1, serial_2) = (request_of(&first.text()), request_of(&second.text()));
    assert_ne!(serial_1, serial_2);
    assert_eq!(first.text(), format!("request {serial_1} hit 1"));
    assert_eq!(second.text(), format!("request {serial_2} hit 2"));
    for (response, serial) in [(&first, &serial_1), (&second, &serial_2)] {
        let seen: Vec<&str> = response.header("x-seen").expect("x-seen").split(',').collect();
        assert_eq!(seen.len(), 2, "ran at controller and route level");
        assert_eq!(seen[0], seen[1], "same instance at both levels");
        assert!(
            seen[0].ends_with(&format!("/{serial}")),
            "{seen:?} shares the request context {serial}"
        );
    }
    assert_ne!(first.header("x-seen"), second.header("x-seen"), "a new instance per request");

    // Transient: a new instance per attachment, per request.
    let stamps: Vec<&str> = first.header("x-stamps").expect("stamps").split(',').collect();
    let later: Vec<&str> = second.header("x-stamps").expect("stamps").split(',').collect();
    assert_eq!(stamps.len(), 2);
    assert_ne!(stamps[0], stamps[1], "one per attachment");
    // The route's (inner) instance adds its stamp first; it was also built first: Lauren builds
    // a request's interceptors innermost first, then runs them outer -> inner.
    let serial = |s: &str| s.parse::<usize>().expect("numeric stamp");
    assert!(serial(stamps[0]) < serial(stamps[1]), "inner built before outer: {stamps:?}");
    assert!(stamps.iter().all(|s| !later.contains(s)), "and new per request");

    // Request-scoped teardown runs after the response.
    for _ in 0..100 {
        if TEARDOWNS.lock().expect("log").len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let torn: Vec<usize> = TEARDOWNS.lock().expect("log").clone();
    for serial in [&serial_1, &serial_2] {
        assert!(torn.contains(&serial.parse().expect("number")), "{serial} torn down: {torn:?}");
    }
}

/// Request-scoped, no dependencies, a synchronous constructor: the kind the container builds in
/// place. With a `post_construct` it must still take the path that runs the hook.
#[derive(Default)]
struct Warmed {
    warmed: std::sync::atomic::AtomicBool,
}

#[injectable(scope = Request, post_construct = warm)]
impl Warmed {
    #[constructor]
    fn new() -> Self {
        Warmed::default()
    }

    async fn warm(&self) {
        self.warmed.store(true, Ordering::SeqCst);
    }
}

#[injectable(scope = Request)]
struct HookedController {
    warmed: Inject<Warmed>,
}

#[controller("/hooked")]
impl HookedController {
    #[get]
    async fn show(&self) -> String {
        format!("warmed={}", self.warmed.warmed.load(Ordering::SeqCst))
    }
}

#[module(controllers = [HookedController], providers = [Warmed])]
struct HookedModule;

#[tokio::test]
async fn request_scoped_post_construct_runs_for_every_request() {
    let client = TestClient::new(LaurenFactory::create(HookedModule)).await;
    for _ in 0..3 {
        let response = client.get("/hooked").await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text(), "warmed=true");
    }
}

static ABANDONED_BUILT: AtomicUsize = AtomicUsize::new(0);
static ABANDONED_CLOSED: AtomicUsize = AtomicUsize::new(0);

/// Request-scoped, on a handler that never finishes in time.
struct Held;

#[injectable(scope = Request, pre_destruct = close)]
impl Held {
    #[constructor]
    fn new() -> Self {
        ABANDONED_BUILT.fetch_add(1, Ordering::SeqCst);
        Held
    }

    async fn close(&self) {
        ABANDONED_CLOSED.fetch_add(1, Ordering::SeqCst);
    }
}

/// Gives up on the route after 50 ms, dropping its future: the request scope ends with it.
#[derive(Default)]
struct GiveUp;

impl lauren::middleware::Middleware for GiveUp {
    async fn handle(
        &self,
        req: lauren::middleware::MiddlewareRequest,
        next: lauren::middleware::Next<'_>,
    ) -> lauren::Result<lauren::middleware::MiddlewareResponse> {
        let limit = std::time::Duration::from_millis(50);
        match tokio::time::timeout(limit, next.run(req)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(HttpError::service_unavailable("gave up")),
        }
    }
}

#[derive(Default)]
struct SlowController;

#[controller("/slow")]
#[use_middleware(GiveUp)]
impl SlowController {
    #[get]
    async fn show(&self, _held: Inject<Held>) -> &'static str {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        "too late"
    }
}

#[module(controllers = [SlowController], providers = [Held])]
struct SlowModule;

#[tokio::test]
async fn a_request_scope_whose_future_is_dropped_is_still_torn_down() {
    let client = TestClient::new(LaurenFactory::create(SlowModule)).await;
    let response = client.get("/slow").await;
    assert_eq!(response.status(), 503);
    assert_eq!(ABANDONED_BUILT.load(Ordering::SeqCst), 1);
    // The hooks run off the request's path: wait for them a little.
    for _ in 0..100 {
        if ABANDONED_CLOSED.load(Ordering::SeqCst) == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(ABANDONED_CLOSED.load(Ordering::SeqCst), 1);
}
