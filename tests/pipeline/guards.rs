//! Guards: global -> module -> controller -> route, the first denial stops the request (403
//! naming the guard, or the guard's own error), interceptors never run after a denial, and a
//! guard shares the request's context with the interceptors and the handler.

use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

use crate::log::{record, take};

/// Logs its name; denies when `x-deny` names it, fails with 401 when `x-401` does, panics when
/// `x-panic` does.
macro_rules! guards {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        struct $name;

        impl Guard for $name {
            async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
                let name = stringify!($name);
                record(ctx.headers(), name);
                let says = |header: &str| ctx.headers().get(header).is_some_and(|v| v == name);
                if says("x-401") {
                    return Err(HttpError::unauthorized(format!("{name} wants a login")));
                }
                if says("x-panic") {
                    panic!("{name} exploded");
                }
                Ok(!says("x-deny"))
            }
        }
    )*};
}

guards!(GlobalGuard, ModuleGuard, ControllerGuard, RouteGuard);

/// Writes metadata the interceptor and the handler read.
#[derive(Default)]
struct Stamp;

impl Guard for Stamp {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        ctx.set_metadata("stamped_by", "Stamp");
        Ok(true)
    }
}

#[derive(Default)]
struct Around;

impl Interceptor for Around {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let stamp = ctx.metadata::<&str>("stamped_by").unwrap_or("none").to_owned();
        record(ctx.headers(), &format!("Around saw {stamp}"));
        next.handle(ctx).await
    }
}

#[derive(Default)]
struct GuardedController;

#[controller("/g")]
#[use_guards(ControllerGuard)]
#[use_interceptors(Around)]
impl GuardedController {
    #[use_guards(RouteGuard, Stamp)]
    #[get]
    async fn show(&self, ctx: &ExecutionContext<'_>) -> String {
        record(ctx.headers(), "handler");
        ctx.metadata::<&str>("stamped_by").unwrap_or("none").to_owned()
    }

    #[get("/plain")]
    async fn plain(&self, ctx: &ExecutionContext<'_>) -> String {
        ctx.metadata::<&str>("stamped_by").unwrap_or("none").to_owned()
    }

    #[use_guards(RouteGuard)]
    #[post("/json")]
    async fn json(&self, body: Json<Value>) -> Json<Value> {
        body
    }
}

#[module(controllers = [GuardedController], guards = [ModuleGuard])]
struct GuardedModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(GuardedModule).global_guards(GlobalGuard)).await
}

#[tokio::test]
async fn guards_run_global_module_controller_route_then_interceptors_and_handler() {
    let client = client().await;
    let response = client.get("/g").header("x-test-id", "g-ok").await;
    assert_eq!(response.text(), "Stamp");
    assert_eq!(
        take("g-ok"),
        [
            "GlobalGuard",
            "ModuleGuard",
            "ControllerGuard",
            "RouteGuard",
            "Around saw Stamp",
            "handler"
        ]
    );
    // Metadata a guard wrote belonged to that request only.
    assert_eq!(client.get("/g/plain").await.text(), "none");
}

#[tokio::test]
async fn the_first_denial_at_any_level_stops_the_request_with_403() {
    let client = client().await;
    let expected: [(&str, &[&str]); 4] = [
        ("GlobalGuard", &["GlobalGuard"]),
        ("ModuleGuard", &["GlobalGuard", "ModuleGuard"]),
        ("ControllerGuard", &["GlobalGuard", "ModuleGuard", "ControllerGuard"]),
        ("RouteGuard", &["GlobalGuard", "ModuleGuard", "ControllerGuard", "RouteGuard"]),
    ];
    for (guard, ran) in expected {
        let id = format!("deny-{guard}");
        let response = client.get("/g").header("x-test-id", &id).header("x-deny", guard).await;
        assert_eq!(response.status(), 403, "{guard}");
        assert_eq!(
            response.json::<Value>(),
            json!({"error":{"code":"forbidden","message":format!("guard {guard} denied the request"),"detail":{"guard":guard}}})
        );
        assert_eq!(take(&id), ran, "nothing after {guard} runs, interceptors included");
    }
}

#[tokio::test]
async fn a_guard_error_renders_as_is_and_a_panic_is_a_500() {
    let client = client().await;
    let response = client.get("/g").header("x-401", "ControllerGuard").await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"unauthorized","message":"ControllerGuard wants a login","detail":{}}})
    );
    let response = client.get("/g").header("x-panic", "RouteGuard").await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>()["error"]["detail"], json!({"type":"panic"}));
}

#[tokio::test]
async fn guards_run_before_the_content_type_gate() {
    let client = client().await;
    let denied = client
        .post("/g/json")
        .header("x-deny", "RouteGuard")
        .header("content-type", "text/plain")
        .body("x")
        .await;
    assert_eq!(denied.status(), 403, "the guard answers before the 415");
    let gated = client.post("/g/json").header("content-type", "text/plain").body("x").await;
    assert_eq!(gated.status(), 415);
}

/// Declared once: a guard, an interceptor and metadata, applied as one.
#[bundle]
#[use_guards(GlobalGuard)]
#[use_interceptors(Around)]
#[set_metadata("stamped_by", "bundle")]
#[set_metadata("bundle_only", true)]
struct Audited;

#[derive(Default)]
struct BundledController;

#[controller("/bundled")]
#[use_guards(ControllerGuard)]
impl BundledController {
    #[apply(Audited)]
    #[use_guards(RouteGuard)]
    #[set_metadata("stamped_by", "route")]
    #[get]
    async fn show(&self, ctx: &ExecutionContext<'_>) -> String {
        record(ctx.headers(), "handler");
        let stamp = ctx.metadata::<&str>("stamped_by").unwrap_or("none").to_owned();
        format!("{stamp} {}", ctx.metadata::<bool>("bundle_only").unwrap_or(false))
    }
}

#[module(controllers = [BundledController])]
struct BundledModule;

#[tokio::test]
async fn an_applied_bundle_runs_first_at_its_level_and_yields_metadata_to_the_target() {
    let client = TestClient::new(LaurenFactory::create(BundledModule)).await;
    let response = client.get("/bundled").header("x-test-id", "bundle").await;
    // The route's own metadata wins the shared key; the bundle's other key is there.
    assert_eq!(response.text(), "route true");
    assert_eq!(
        take("bundle"),
        ["ControllerGuard", "GlobalGuard", "RouteGuard", "Around saw route", "handler"]
    );
    let denied = client.get("/bundled").header("x-deny", "GlobalGuard").await;
    assert_eq!(denied.status(), 403);
}

/// A guard, a pre-interceptor and a lifecycle interceptor that each hold a 4 KB buffer across an
/// await: their futures are too big for a stage's inline room and are boxed.
#[derive(Default)]
struct HeavyGuard;

impl Guard for HeavyGuard {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        let ballast = std::hint::black_box([1u8; 4096]);
        tokio::task::yield_now().await;
        if ctx.headers().contains_key("x-heavy-panic") {
            panic!("the heavy guard exploded after an await");
        }
        let sum: u32 = ballast.iter().map(|&b| u32::from(b)).sum();
        ctx.set_metadata("heavy_guard", sum);
        Ok(!ctx.headers().contains_key("x-heavy-deny"))
    }
}

#[derive(Default)]
struct HeavyPre;

impl PreInterceptor for HeavyPre {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        let ballast = std::hint::black_box([2u8; 4096]);
        tokio::task::yield_now().await;
        let sum: u32 = ballast.iter().map(|&b| u32::from(b)).sum();
        ctx.set_metadata("heavy_pre", sum);
        Ok(())
    }
}

#[derive(Default)]
struct HeavyHooks;

impl LifecycleInterceptor for HeavyHooks {
    async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
        let ballast = std::hint::black_box([3u8; 4096]);
        tokio::task::yield_now().await;
        let sum: u32 = ballast.iter().map(|&b| u32::from(b)).sum();
        let seen = ctx.metadata::<u32>("heavy_guard").unwrap_or(0);
        *reply = std::mem::replace(reply, Reply::new(()))
            .with_header("x-heavy-hooks", format!("{sum}/{seen}"));
    }
}

/// The same three kinds, small enough to run inline.
#[derive(Default)]
struct LightGuard;

impl Guard for LightGuard {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(!ctx.headers().contains_key("x-light-deny"))
    }
}

#[derive(Default)]
struct HeavyController;

#[controller("/heavy")]
impl HeavyController {
    #[use_pre_interceptors(HeavyPre)]
    #[use_guards(LightGuard, HeavyGuard)]
    #[use_interceptors(HeavyHooks)]
    #[get("/")]
    async fn index(&self, ctx: &ExecutionContext<'_>) -> String {
        let pre = ctx.metadata::<u32>("heavy_pre").unwrap_or(0);
        let guard = ctx.metadata::<u32>("heavy_guard").unwrap_or(0);
        format!("{pre}/{guard}")
    }
}

#[module(controllers = [HeavyController])]
struct HeavyModule;

#[tokio::test]
async fn stages_of_any_future_size_run_inline_or_boxed_and_stay_panic_safe() {
    let client = TestClient::new(LaurenFactory::create(HeavyModule)).await;
    let response = client.get("/heavy").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "8192/4096");
    assert_eq!(response.header("x-heavy-hooks"), Some("12288/4096"));
    let denied = client.get("/heavy").header("x-heavy-deny", "1").await;
    assert_eq!(denied.status(), 403);
    assert_eq!(denied.json::<Value>()["error"]["detail"], json!({"guard": "HeavyGuard"}));
    let light = client.get("/heavy").header("x-light-deny", "1").await;
    assert_eq!(light.json::<Value>()["error"]["detail"], json!({"guard": "LightGuard"}));
    let panicked = client.get("/heavy").header("x-heavy-panic", "1").await;
    assert_eq!(panicked.status(), 500);
    assert_eq!(panicked.json::<Value>()["error"]["detail"], json!({"type": "panic"}));
    // The panic left the app serving.
    assert_eq!(client.get("/heavy").await.text(), "8192/4096");
}
