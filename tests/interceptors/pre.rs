//! Esmerald-style pre-interceptors: levels and their order, before routing at app level (404s,
//! path rewrites, early path parameters), failures, one run per request, module and child-app
//! isolation, settings by type, by name and by `LAUREN_SETTINGS`.

use lauren::prelude::*;
use lauren::testing::TestClient;

use crate::support::{R1, record, take};

/// Declares pre-interceptors that log their name and let the request through.
macro_rules! pre_taggers {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Default)]
        #[pre_interceptor]
        pub(crate) struct $name;

        impl PreInterceptor for $name {
            async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
                record(ctx, stringify!($name));
                Ok(())
            }
        }
    )*};
}

pre_taggers!(AppPre1, AppPre2, ModulePre, ControllerPre, RoutePre, ChildPre, SiblingPre);

/// Stops the request with a 401 when `x-deny` is set.
#[derive(Default)]
#[pre_interceptor]
struct DenyPre;

impl PreInterceptor for DenyPre {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "DenyPre");
        if ctx.headers().contains_key("x-deny") {
            return Err(HttpError::unauthorized("no entry").with_header(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Bearer"),
            ));
        }
        Ok(())
    }
}

/// Rewrites `/legacy/..` to `/p/..` before routing, and sets an early path parameter.
#[derive(Default)]
struct Rewrite;

impl PreInterceptor for Rewrite {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "Rewrite");
        ctx.set_path_param("tenant", "acme");
        ctx.set_path_param("id", "from-pre");
        if let Some(rest) = ctx.uri().path().strip_prefix("/legacy") {
            let uri: http::Uri =
                format!("/p{rest}").parse().map_err(|_| HttpError::bad_request("bad path"))?;
            ctx.request_mut().uri = uri;
        }
        Ok(())
    }
}

/// Counts its calls in request metadata the handler reads.
#[derive(Default)]
struct Guarded;

impl Guard for Guarded {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        record(ctx, "guard");
        Ok(true)
    }
}

#[derive(Default)]
struct PreController;

#[controller("/p")]
#[use_pre_interceptors(ControllerPre)]
#[use_guards(Guarded)]
impl PreController {
    #[use_pre_interceptors(RoutePre, DenyPre)]
    #[use_interceptors(R1)]
    #[get("/order")]
    async fn order(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "order"
    }

    #[get("/params/{id}")]
    async fn params(&self, id: String, ctx: &ExecutionContext<'_>) -> String {
        format!("id={id} tenant={}", ctx.path_param("tenant").unwrap_or_default())
    }

    #[post("/body")]
    async fn body(&self, body: Bytes) -> String {
        String::from_utf8_lossy(&body).into_owned()
    }
}

#[module(controllers = [PreController], pre_interceptors = [ModulePre])]
struct PreModule;

#[derive(Default)]
struct SiblingController;

#[controller("/sibling")]
impl SiblingController {
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "sibling"
    }
}

#[module(controllers = [SiblingController], pre_interceptors = [SiblingPre])]
struct SiblingModule;

#[derive(Default)]
struct ChildController;

#[controller("/child")]
impl ChildController {
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "child"
    }
}

#[settings(pre_interceptors = [ChildPre])]
struct ChildSettings;

/// A module mounted as a child app: its settings' pre-interceptors, for its own routes only.
#[module(controllers = [ChildController], settings = ChildSettings)]
struct ChildModule;

#[derive(Default)]
struct PlainController;

#[controller("/plain")]
impl PlainController {
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "plain"
    }
}

#[module(
    imports = [PreModule, SiblingModule, ChildModule],
    controllers = [PlainController]
)]
struct AppModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(AppModule).pre_interceptors((AppPre1, AppPre2))).await
}

#[tokio::test]
async fn every_level_runs_in_order_before_guards_and_interceptors() {
    let client = client().await;
    let res = client.get("/p/order").header("x-test-id", "pre-order").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "order");
    assert_eq!(
        take("pre-order"),
        [
            "AppPre1",
            "AppPre2",
            "ModulePre",
            "ControllerPre",
            "RoutePre",
            "DenyPre",
            "guard",
            "R1:before",
            "handler",
            "R1:after"
        ]
    );
}

#[tokio::test]
async fn a_failing_pre_interceptor_stops_the_request_with_its_error() {
    let client = client().await;
    let res =
        client.get("/p/order").header("x-test-id", "pre-deny").header("x-deny", "1").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        res.json::<serde_json::Value>(),
        serde_json::json!({"error": {"code": "unauthorized", "message": "no entry", "detail": {}}})
    );
    // Neither the guard, nor the interceptor, nor the handler ran.
    assert_eq!(
        take("pre-deny"),
        ["AppPre1", "AppPre2", "ModulePre", "ControllerPre", "RoutePre", "DenyPre"]
    );
}

#[tokio::test]
async fn app_level_ones_run_for_unknown_paths_and_wrong_methods_but_route_ones_do_not() {
    let client = client().await;
    let res = client.get("/nowhere").header("x-test-id", "pre-404").send().await;
    assert_eq!(res.status(), 404);
    assert_eq!(take("pre-404"), ["AppPre1", "AppPre2"]);

    let res = client.delete("/p/order").header("x-test-id", "pre-405").send().await;
    assert_eq!(res.status(), 405);
    assert_eq!(take("pre-405"), ["AppPre1", "AppPre2"]);
}

#[tokio::test]
async fn module_and_child_app_ones_are_isolated_to_their_own_routes() {
    let client = client().await;
    for (path, id, expected) in [
        ("/sibling", "iso-sibling", vec!["AppPre1", "AppPre2", "SiblingPre", "handler"]),
        ("/child", "iso-child", vec!["AppPre1", "AppPre2", "ChildPre", "handler"]),
        ("/plain", "iso-plain", vec!["AppPre1", "AppPre2", "handler"]),
    ] {
        let res = client.get(path).header("x-test-id", id).send().await;
        assert_eq!(res.status(), 200, "{path}");
        assert_eq!(take(id), expected, "{path}");
    }
}

#[tokio::test]
async fn each_runs_once_per_request_and_nothing_accumulates() {
    let client = client().await;
    for i in 0..100 {
        let id = format!("pre-once-{i}");
        let res = client.get("/sibling").header("x-test-id", &id).send().await;
        assert_eq!(res.status(), 200);
        assert_eq!(take(&id), ["AppPre1", "AppPre2", "SiblingPre", "handler"], "request {i}");
    }
}

#[tokio::test]
async fn an_app_level_path_rewrite_re_routes_and_early_params_reach_the_handler() {
    let client = TestClient::new(LaurenFactory::create(AppModule).pre_interceptors(Rewrite)).await;
    // Rewritten from /legacy/params/7: routed as /p/params/7; the matched `id` wins over the
    // early one, `tenant` (not in the template) survives.
    let res = client.get("/legacy/params/7").header("x-test-id", "rewrite").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "id=7 tenant=acme");
    // A rewrite to a path nobody serves is a 404 naming the rewritten path.
    let res = client.get("/legacy/none").send().await;
    assert_eq!(res.status(), 404);
    assert!(res.text().contains("/p/none"), "{}", res.text());
}

/// Replaces the request body before routing.
#[derive(Default)]
struct Upcase;

impl PreInterceptor for Upcase {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        let body = ctx.body_bytes("body").await?;
        ctx.set_body(String::from_utf8_lossy(&body).to_uppercase());
        Ok(())
    }
}

#[tokio::test]
async fn a_pre_interceptor_may_replace_the_body_the_handler_reads() {
    let client = TestClient::new(LaurenFactory::create(AppModule).pre_interceptors(Upcase)).await;
    let res =
        client.post("/p/body").header("content-type", "text/plain").body("hello").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "HELLO");
}

#[settings(pre_interceptors = [AppPre2, "AppPre1"])]
struct AppSettings;

#[settings(pre_interceptors = ["AppPre1", "ModulPre", "Nobody"])]
struct BrokenSettings;

#[tokio::test]
async fn settings_list_pre_interceptors_by_type_and_by_name_and_an_explicit_list_replaces_them() {
    let client = TestClient::new(LaurenFactory::create(AppModule).settings(AppSettings)).await;
    client.get("/plain").header("x-test-id", "settings").send().await;
    assert_eq!(take("settings"), ["AppPre2", "AppPre1", "handler"]);

    let builder = LaurenFactory::create(AppModule).settings(AppSettings).pre_interceptors(RoutePre);
    let client = TestClient::new(builder).await;
    client.get("/plain").header("x-test-id", "settings-replaced").send().await;
    assert_eq!(take("settings-replaced"), ["RoutePre", "handler"]);
}

#[tokio::test]
async fn an_unknown_name_in_settings_fails_at_startup_with_the_near_matches() {
    let Err(err) = LaurenFactory::create(AppModule).settings(BrokenSettings).build().await else {
        panic!("settings naming unknown pre-interceptors must not start");
    };
    let text = err.to_string();
    assert!(
        text.contains(r#"settings BrokenSettings: no pre-interceptor is registered as "ModulPre" (did you mean "ModulePre"?)"#),
        "{text}"
    );
    assert!(text.contains(r#"no pre-interceptor is registered as "Nobody""#), "{text}");
    assert_eq!(err.problems().len(), 2, "{text}");
    assert!(err.problems().iter().all(|p| p.code().as_str() == "unknown_name"));
}

/// Run by `lauren_settings_selects_a_registered_settings_type` in a child process, with
/// `LAUREN_SETTINGS` set (the variable is process-wide: other tests must not see it).
#[tokio::test]
#[ignore = "run in a child process by lauren_settings_selects_a_registered_settings_type"]
async fn settings_from_the_environment() {
    match std::env::var("LAUREN_SETTINGS").as_deref() {
        Ok("AppSettings") => {
            let client = TestClient::new(LaurenFactory::create(AppModule)).await;
            client.get("/plain").header("x-test-id", "env").send().await;
            assert_eq!(take("env"), ["AppPre2", "AppPre1", "handler"]);
        }
        Ok(other) => {
            let Err(err) = LaurenFactory::create(AppModule).build().await else {
                panic!("LAUREN_SETTINGS={other} must not start");
            };
            println!("STARTUP ERROR: {err}");
        }
        Err(_) => panic!("run with LAUREN_SETTINGS set"),
    }
}

#[test]
fn lauren_settings_selects_a_registered_settings_type() {
    let run = |value: &str| {
        let exe = std::env::current_exe().expect("the test binary's path");
        let out = std::process::Command::new(exe)
            .args(["--exact", "pre::settings_from_the_environment", "--ignored", "--nocapture"])
            .env("LAUREN_SETTINGS", value)
            .output()
            .expect("the test binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "LAUREN_SETTINGS={value}: {stdout}");
        assert!(stdout.contains("1 passed"), "{stdout}");
        stdout
    };
    run("AppSettings");
    let stdout = run("AppSetings");
    assert!(
        stdout.contains(r#"LAUREN_SETTINGS: no settings type is registered as "AppSetings" (did you mean "AppSettings"?)"#),
        "{stdout}"
    );
}

/// One controller served by two modules under two prefixes: each route keeps its own module's
/// list (Esmerald 3.9 merges the lists of two Gateways sharing a handler).
#[derive(Default)]
struct SharedController;

#[controller("/shared")]
impl SharedController {
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "shared"
    }
}

#[module(controllers = [SharedController], prefix = "/a", pre_interceptors = [ModulePre])]
struct SharedA;

#[module(controllers = [SharedController], prefix = "/b", pre_interceptors = [SiblingPre])]
struct SharedB;

#[module(imports = [SharedA, SharedB])]
struct SharedRoot;

#[tokio::test]
async fn a_handler_served_twice_keeps_each_routes_own_list() {
    let client = TestClient::new(LaurenFactory::create(SharedRoot)).await;
    for (path, id, expected) in [
        ("/a/shared", "shared-a", ["ModulePre", "handler"]),
        ("/b/shared", "shared-b", ["SiblingPre", "handler"]),
    ] {
        for _ in 0..3 {
            let res = client.get(path).header("x-test-id", id).send().await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(take(id), expected, "{path}");
        }
    }
}

/// How many request-scoped pre-interceptors were torn down.
static TORN_DOWN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// A request-scoped app-level pre-interceptor with a teardown.
#[derive(Default)]
#[pre_interceptor]
#[injectable(scope = Request, pre_destruct = done)]
struct Scoped;

impl Scoped {
    fn done(&self) {
        TORN_DOWN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl PreInterceptor for Scoped {
    async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        Ok(())
    }
}

#[settings(pre_interceptors = [Scoped])]
struct ScopedSettings;

#[tokio::test]
async fn the_request_scope_of_app_level_ones_is_torn_down_on_every_outcome() {
    let client = TestClient::new(LaurenFactory::create(AppModule).settings(ScopedSettings)).await;
    let before = TORN_DOWN.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(client.get("/plain").send().await.status(), 200);
    assert_eq!(client.get("/nowhere").send().await.status(), 404);
    assert_eq!(client.delete("/plain").send().await.status(), 405);
    // Teardown runs off the request path; shutdown waits for it.
    client.shutdown().await;
    assert_eq!(TORN_DOWN.load(std::sync::atomic::Ordering::SeqCst) - before, 3);
}
