//! Lifecycle interceptors: one group per route at the position of the outermost one, `before`
//! and the outcome hooks ascending by sort, `after` descending and always; on success, on a
//! failing `before`, on a handler error, on a panic; in one chain with around interceptors and
//! app- and module-level pre-interceptors.

use lauren::prelude::*;
use lauren::testing::TestClient;

use crate::support::{G1, R1, record, take};

/// Declares lifecycle interceptors that log every hook. `x-fail-<name>` makes `before` fail
/// with a 401; `x-replace-<name>` makes `on_exception` replace the error with a 418;
/// `x-panic-<name>: <hook>` makes that hook panic once it has logged.
macro_rules! lifecycle_taggers {
    ($($name:ident sort $sort:literal;)*) => {$(
        #[derive(Default)]
        struct $name;

        impl LifecycleInterceptor for $name {
            fn sort(&self) -> i32 {
                $sort
            }

            async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
                record(ctx, concat!(stringify!($name), ":before"));
                panic_in(ctx, stringify!($name), "before");
                let fail = format!("x-fail-{}", stringify!($name).to_ascii_lowercase());
                if ctx.headers().contains_key(fail.as_str()) {
                    return Err(HttpError::unauthorized(concat!(stringify!($name), " says no")));
                }
                Ok(())
            }

            async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
                record(ctx, format!("{}:success({})", stringify!($name), reply.status().as_u16()));
                panic_in(ctx, stringify!($name), "on_success");
                *reply = std::mem::replace(reply, Reply::new(())).with_header(
                    concat!("x-", stringify!($name)),
                    "seen",
                );
            }

            async fn on_exception(&self, ctx: &mut ExecutionContext<'_>, err: HttpError) -> HttpError {
                record(ctx, format!("{}:exception({})", stringify!($name), err.code()));
                panic_in(ctx, stringify!($name), "on_exception");
                let replace = format!("x-replace-{}", stringify!($name).to_ascii_lowercase());
                if ctx.headers().contains_key(replace.as_str()) {
                    return HttpError::new(StatusCode::IM_A_TEAPOT, "replaced", "replaced by a hook");
                }
                err
            }

            async fn after(&self, ctx: &mut ExecutionContext<'_>) {
                record(ctx, concat!(stringify!($name), ":after"));
                panic_in(ctx, stringify!($name), "after");
            }
        }
    )*};
}

fn panic_in(ctx: &ExecutionContext<'_>, name: &str, hook: &str) {
    let header = format!("x-panic-{}", name.to_ascii_lowercase());
    if ctx.headers().get(header.as_str()).is_some_and(|v| v == hook) {
        panic!("{name} panicked in {hook} on purpose");
    }
}

lifecycle_taggers! {
    L1 sort 1;
    L100 sort 100;
    L999 sort 999;
    Same1 sort 5;
    Same2 sort 5;
}

#[derive(Default)]
struct LifeAppPre;

impl PreInterceptor for LifeAppPre {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "LifeAppPre");
        Ok(())
    }
}

#[derive(Default)]
#[pre_interceptor]
struct LifePre;

impl PreInterceptor for LifePre {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "LifePre");
        Ok(())
    }
}

#[derive(Default)]
struct LifeController;

// Declared out of sort order: the group sorts them.
#[controller("/life")]
#[use_interceptors(L999, L1, L100)]
impl LifeController {
    #[use_interceptors(R1)]
    #[get]
    async fn run(&self, ctx: &ExecutionContext<'_>) -> lauren::Result<&'static str> {
        record(ctx, "handler");
        if ctx.headers().contains_key("x-handler-fails") {
            return Err(HttpError::bad_request("the handler failed"));
        }
        if ctx.headers().contains_key("x-handler-panics") {
            panic!("the handler panicked on purpose");
        }
        Ok("ran")
    }

    #[use_interceptors(Same2, Same1)]
    #[get("/equal")]
    async fn equal(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "equal"
    }
}

#[module(controllers = [LifeController], pre_interceptors = [LifePre])]
struct LifeModule;

async fn client() -> TestClient {
    TestClient::new(
        LaurenFactory::create(LifeModule).global_interceptors(G1).pre_interceptors(LifeAppPre),
    )
    .await
}

const BEFORE: [&str; 6] =
    ["LifeAppPre", "LifePre", "G1:before", "L1:before", "L100:before", "L999:before"];
const AFTER: [&str; 3] = ["L999:after", "L100:after", "L1:after"];

fn log(parts: &[&[&str]]) -> Vec<String> {
    parts.iter().flat_map(|p| p.iter()).map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn on_success_hooks_ascend_and_after_hooks_descend() {
    let res = client().await.get("/life").header("x-test-id", "life-ok").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "ran");
    // Every on_success saw the reply and could change it.
    for name in ["x-L1", "x-L100", "x-L999"] {
        assert_eq!(res.header(name), Some("seen"), "{name}");
    }
    assert_eq!(
        take("life-ok"),
        log(&[
            &BEFORE,
            &["R1:before", "handler", "R1:after"],
            &["L1:success(200)", "L100:success(200)", "L999:success(200)"],
            &AFTER,
            &["G1:after"],
        ])
    );
}

#[tokio::test]
async fn a_failing_before_skips_the_rest_and_the_handler_but_not_on_exception_and_after() {
    let res = client()
        .await
        .get("/life")
        .header("x-test-id", "life-before")
        .header("x-fail-l100", "1")
        .send()
        .await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<serde_json::Value>()["error"]["message"], "L100 says no");
    // G1 propagates the error with `?`: no G1:after.
    assert_eq!(
        take("life-before"),
        log(&[
            &["LifeAppPre", "LifePre", "G1:before", "L1:before", "L100:before"],
            &["L1:exception(unauthorized)", "L100:exception(unauthorized)"],
            &["L999:exception(unauthorized)"],
            &AFTER,
        ])
    );
}

#[tokio::test]
async fn a_handler_error_reaches_on_exception_and_a_hook_may_replace_it() {
    let res = client()
        .await
        .get("/life")
        .header("x-test-id", "life-error")
        .header("x-handler-fails", "1")
        .header("x-replace-l100", "1")
        .send()
        .await;
    assert_eq!(res.status(), 418);
    assert_eq!(res.json::<serde_json::Value>()["error"]["code"], "replaced");
    // L100 replaced the error: L999 sees the replacement.
    assert_eq!(
        take("life-error"),
        log(&[
            &BEFORE,
            &["R1:before", "handler"],
            &["L1:exception(bad_request)", "L100:exception(bad_request)"],
            &["L999:exception(replaced)"],
            &AFTER,
        ])
    );
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_every_after_still_runs() {
    let res = client()
        .await
        .get("/life")
        .header("x-test-id", "life-panic")
        .header("x-handler-panics", "1")
        .send()
        .await;
    assert_eq!(res.status(), 500);
    assert_eq!(res.json::<serde_json::Value>()["error"]["code"], "internal_error");
    assert_eq!(
        take("life-panic"),
        log(&[
            &BEFORE,
            &["R1:before", "handler"],
            &["L1:exception(internal_error)", "L100:exception(internal_error)"],
            &["L999:exception(internal_error)"],
            &AFTER,
        ])
    );
}

#[tokio::test]
async fn equal_sorts_keep_declaration_order() {
    let res = client().await.get("/life/equal").header("x-test-id", "life-equal").send().await;
    assert_eq!(res.status(), 200);
    let log = take("life-equal");
    let befores: Vec<&str> =
        log.iter().map(String::as_str).filter(|e| e.ends_with(":before")).collect();
    // Controller L1 < Same2 = Same1 (route, declared Same2 first) < L100 < L999.
    assert_eq!(
        befores,
        ["G1:before", "L1:before", "Same2:before", "Same1:before", "L100:before", "L999:before"]
    );
    let afters: Vec<&str> =
        log.iter().map(String::as_str).filter(|e| e.ends_with(":after")).collect();
    assert_eq!(
        afters,
        ["L999:after", "L100:after", "Same1:after", "Same2:after", "L1:after", "G1:after"]
    );
}

/// A request-scoped lifecycle interceptor is built per request: it forms a group of its own.
#[derive(Default)]
#[injectable(scope = Request)]
struct Scoped;

impl LifecycleInterceptor for Scoped {
    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "Scoped:before");
        Ok(())
    }

    async fn after(&self, ctx: &mut ExecutionContext<'_>) {
        record(ctx, "Scoped:after");
    }
}

#[derive(Default)]
struct ScopedController;

#[controller("/scoped-life")]
impl ScopedController {
    #[use_interceptors(L1, Scoped, L100)]
    #[get]
    async fn run(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "ok"
    }
}

#[module(controllers = [ScopedController])]
struct ScopedModule;

#[tokio::test]
async fn a_request_scoped_one_runs_as_a_group_of_its_own_at_its_position() {
    let client = TestClient::new(LaurenFactory::create(ScopedModule)).await;
    let res = client.get("/scoped-life").header("x-test-id", "life-scoped").send().await;
    assert_eq!(res.status(), 200);
    let log = take("life-scoped");
    let hooks: Vec<&str> =
        log.iter().map(String::as_str).filter(|e| !e.contains(":success")).collect();
    assert_eq!(
        hooks,
        [
            "L1:before",
            "L100:before",
            "Scoped:before",
            "handler",
            "Scoped:after",
            "L100:after",
            "L1:after"
        ]
    );
}

/// A lifecycle interceptor of the app's own that checks its routes at startup by template, and
/// keeps the default sort (0).
#[derive(Default)]
struct AdminOnlyPaths;

impl LifecycleInterceptor for AdminOnlyPaths {
    fn check_route(&self, route: &lauren::RouteSetup<'_>) -> Result<(), String> {
        assert!(format!("{route:?}").contains(route.template()));
        if route.template().starts_with("/admin") {
            Ok(())
        } else {
            Err(format!("AdminOnlyPaths is attached to {}, outside /admin", route.template()))
        }
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "AdminOnlyPaths:before");
        Ok(())
    }
}

#[derive(Default)]
struct MisplacedController;

#[controller("/reports")]
impl MisplacedController {
    #[use_interceptors(AdminOnlyPaths)]
    #[get("/{id}")]
    async fn show(&self, id: u64) -> String {
        id.to_string()
    }
}

#[module(controllers = [MisplacedController])]
struct MisplacedModule;

#[tokio::test]
async fn check_route_refuses_a_route_at_startup_naming_it() {
    let Err(err) = LaurenFactory::create(MisplacedModule).build().await else {
        panic!("check_route refused the route");
    };
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].code().as_str(), "invalid_metadata");
    assert_eq!(
        err.problems()[0].message(),
        "MisplacedController::show: AdminOnlyPaths is attached to /reports/{id}, outside /admin"
    );
}

#[derive(Default)]
struct AdminController;

#[controller("/admin")]
impl AdminController {
    // Declared L1 (sort 1), AdminOnlyPaths (default sort), Early (-1).
    #[use_interceptors(L1, AdminOnlyPaths, Early)]
    #[get]
    async fn root(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "admin"
    }
}

/// Sort -1: just before the default sort (declared after it, so only the sorts order them).
#[derive(Default)]
struct Early;

impl LifecycleInterceptor for Early {
    fn sort(&self) -> i32 {
        -1
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, "Early:before");
        Ok(())
    }
}

#[module(controllers = [AdminController])]
struct AdminModule;

#[tokio::test]
async fn the_default_sort_is_zero() {
    let client = TestClient::new(LaurenFactory::create(AdminModule)).await;
    let res = client.get("/admin").header("x-test-id", "life-default-sort").send().await;
    assert_eq!(res.status(), 200);
    let befores: Vec<String> =
        take("life-default-sort").into_iter().filter(|e| e.ends_with(":before")).collect();
    assert_eq!(befores, ["Early:before", "AdminOnlyPaths:before", "L1:before"]);
}

/// The log of `/life` when `x-panic-l100` names `hook`, and the response's status and code.
async fn with_l100_panicking_in(
    hook: &str,
    extra: Option<(&str, &str)>,
) -> (u16, String, Vec<String>) {
    let id = format!("life-panic-{hook}");
    let mut request =
        client().await.get("/life").header("x-test-id", &id).header("x-panic-l100", hook);
    if let Some((name, value)) = extra {
        request = request.header(name, value);
    }
    let res = request.send().await;
    let code = res.json::<serde_json::Value>()["error"]["code"].as_str().unwrap_or("").to_owned();
    (res.status().as_u16(), code, take(&id))
}

#[tokio::test]
async fn a_panicking_hook_is_a_500_and_every_after_still_runs() {
    const EXCEPTIONS: [&str; 3] = [
        "L1:exception(internal_error)",
        "L100:exception(internal_error)",
        "L999:exception(internal_error)",
    ];
    // In `before`: the handler and the later `before`s do not run; the outcome hooks see a 500.
    let (status, code, log_before) = with_l100_panicking_in("before", None).await;
    assert_eq!((status, code.as_str()), (500, "internal_error"));
    assert_eq!(log_before, log(&[&BEFORE[..5], &EXCEPTIONS, &AFTER]));
    // In `on_success`: the reply becomes a 500, which the later members get in their
    // `on_exception` (a request log among them reports what the client gets).
    let (status, _, log_success) = with_l100_panicking_in("on_success", None).await;
    assert_eq!(status, 500);
    assert_eq!(
        log_success,
        log(&[
            &BEFORE,
            &["R1:before", "handler", "R1:after"],
            &["L1:success(200)", "L100:success(200)", "L999:exception(internal_error)"],
            &AFTER,
        ])
    );
    // In `on_exception`: the error becomes a 500, which the later members get instead.
    let (status, _, log_exception) =
        with_l100_panicking_in("on_exception", Some(("x-handler-fails", "1"))).await;
    assert_eq!(status, 500);
    assert_eq!(
        log_exception,
        log(&[
            &BEFORE,
            &["R1:before", "handler"],
            &[
                "L1:exception(bad_request)",
                "L100:exception(bad_request)",
                "L999:exception(internal_error)",
            ],
            &AFTER,
        ])
    );
    // In `after`: the others' `after` still run, and the response is a 500.
    let (status, _, log_after) = with_l100_panicking_in("after", None).await;
    assert_eq!(status, 500);
    assert_eq!(
        log_after,
        log(&[
            &BEFORE,
            &["R1:before", "handler", "R1:after"],
            &["L1:success(200)", "L100:success(200)", "L999:success(200)"],
            &AFTER,
        ])
    );
}

/// Records whether `on_success` sees the handler's typed value, and the status.
macro_rules! value_peekers {
    ($($name:ident inspects $inspects:literal;)*) => {$(
        #[derive(Default)]
        struct $name;

        impl LifecycleInterceptor for $name {
            const INSPECTS_VALUE: bool = $inspects;

            async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
                let typed = reply.downcast_ref::<Json<Greeting>>().map(|g| g.0.0);
                record(ctx, format!(
                    "{}:{:?}:{}",
                    stringify!($name),
                    typed,
                    reply.status().as_u16(),
                ));
            }
        }
    )*};
}

value_peekers! {
    Looks inspects true;
    Blind inspects false;
    AlsoBlind inspects false;
}

#[derive(serde::Serialize)]
struct Greeting(&'static str);

#[derive(Default)]
struct PeekController;

#[controller("/peek")]
impl PeekController {
    #[use_interceptors(Blind, AlsoBlind)]
    #[get("/blind")]
    async fn blind(&self) -> Json<Greeting> {
        Json(Greeting("hi"))
    }

    #[use_interceptors(Blind, Looks)]
    #[get("/mixed")]
    async fn mixed(&self) -> Json<Greeting> {
        Json(Greeting("hi"))
    }
}

#[module(controllers = [PeekController])]
struct PeekModule;

#[tokio::test]
async fn a_group_that_leaves_the_value_alone_gets_it_rendered_and_one_member_that_looks_keeps_it_typed()
 {
    let client = TestClient::new(LaurenFactory::create(PeekModule)).await;
    let res = client.get("/peek/blind").header("x-test-id", "life-blind").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), r#""hi""#);
    assert_eq!(take("life-blind"), ["Blind:None:200", "AlsoBlind:None:200"]);

    let res = client.get("/peek/mixed").header("x-test-id", "life-mixed").send().await;
    assert_eq!(res.text(), r#""hi""#);
    assert_eq!(take("life-mixed"), [r#"Blind:Some("hi"):200"#, r#"Looks:Some("hi"):200"#]);
}

/// A lifecycle interceptor configured by value: two values of it are two configurations.
struct Named(&'static str);

impl LifecycleInterceptor for Named {
    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record(ctx, format!("Named({}):before", self.0));
        Ok(())
    }
}

#[derive(Default)]
struct NamedController;

#[controller("/named")]
impl NamedController {
    #[get]
    async fn run(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "ran"
    }
}

#[module(controllers = [NamedController])]
struct NamedModule;

#[tokio::test]
async fn two_values_of_one_lifecycle_type_both_run() {
    let client = TestClient::new(
        LaurenFactory::create(NamedModule).global_interceptors((Named("a"), Named("b"))),
    )
    .await;
    let res = client.get("/named").header("x-test-id", "life-named").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(take("life-named"), ["Named(a):before", "Named(b):before", "handler"]);
}
