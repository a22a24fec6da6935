//! Middleware: global (around routing, sees 404 / 405 and every rendered response, may answer
//! alone), then module -> controller -> route around the route; an error the route ends in
//! passes through route middleware as an `Err` (their post-code is skipped).

use lauren::http::HeaderValue;
use lauren::middleware::{Middleware, MiddlewareRequest, MiddlewareResponse, Next, from_fn};
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

use crate::log::{id_of, record_for, take};

/// Logs `NAME:in` / `NAME:out` and adds `x-NAME: 1` to the response.
macro_rules! tracers {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        struct $name;

        impl Middleware for $name {
            async fn handle(&self, req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
                let id = id_of(req.headers());
                record_for(&id, concat!(stringify!($name), ":in"));
                let mut response = next.run(req).await?;
                record_for(&id, concat!(stringify!($name), ":out"));
                response.headers_mut().insert(
                    concat!("x-", stringify!($name)).to_ascii_lowercase().as_str().parse::<lauren::http::HeaderName>().expect("name"),
                    HeaderValue::from_static("1"),
                );
                Ok(response)
            }
        }
    )*};
}

tracers!(Outer, ModuleMw, ControllerMw, RouteMw);

async fn maintenance(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
    if req.headers().contains_key("x-maintenance") {
        return Err(HttpError::service_unavailable("down for maintenance"));
    }
    next.run(req).await
}

async fn tag_request(
    mut req: MiddlewareRequest,
    next: Next<'_>,
) -> lauren::Result<MiddlewareResponse> {
    req.headers_mut().insert("x-tagged", HeaderValue::from_static("by-middleware"));
    next.run(req).await
}

#[derive(Default)]
struct DenyOnHeader;

impl Guard for DenyOnHeader {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(!ctx.headers().contains_key("x-deny"))
    }
}

#[derive(Default)]
struct MwController;

#[controller("/mw")]
#[use_middleware(ControllerMw)]
#[use_guards(DenyOnHeader)]
impl MwController {
    #[use_middleware(RouteMw)]
    #[get]
    async fn show(&self, x_tagged: Option<Header<String>>) -> String {
        x_tagged.map_or("untagged".to_owned(), |h| h.0)
    }

    #[get("/meta")]
    async fn meta(&self, ctx: &ExecutionContext<'_>) -> String {
        ctx.metadata::<&str>("from_pre").unwrap_or("none").to_owned()
    }
}

#[module(controllers = [MwController], middleware = [ModuleMw])]
struct MwModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(MwModule).middleware((
        Outer,
        from_fn(maintenance),
        from_fn(tag_request),
    )))
    .await
}

#[tokio::test]
async fn middleware_wraps_the_route_in_onion_order_and_can_change_the_request() {
    let client = client().await;
    let response = client.get("/mw").header("x-test-id", "mw-ok").await;
    assert_eq!(response.text(), "by-middleware");
    for header in ["x-outer", "x-modulemw", "x-controllermw", "x-routemw"] {
        assert_eq!(response.header(header), Some("1"), "{header}");
    }
    assert_eq!(
        take("mw-ok"),
        [
            "Outer:in",
            "ModuleMw:in",
            "ControllerMw:in",
            "RouteMw:in",
            "RouteMw:out",
            "ControllerMw:out",
            "ModuleMw:out",
            "Outer:out"
        ]
    );
}

#[tokio::test]
async fn global_middleware_sees_404_and_405_and_route_middleware_does_not_run() {
    let client = client().await;
    let missing = client.get("/nope").header("x-test-id", "mw-404").await;
    assert_eq!((missing.status().as_u16(), missing.header("x-outer")), (404, Some("1")));
    assert_eq!(take("mw-404"), ["Outer:in", "Outer:out"]);
    let wrong = client.delete("/mw").header("x-test-id", "mw-405").await;
    assert_eq!((wrong.status().as_u16(), wrong.header("x-outer")), (405, Some("1")));
    assert_eq!(take("mw-405"), ["Outer:in", "Outer:out"]);
}

#[tokio::test]
async fn a_guard_denial_skips_route_middleware_post_code_and_global_sees_the_403() {
    let client = client().await;
    let denied = client.get("/mw").header("x-test-id", "mw-deny").header("x-deny", "1").await;
    assert_eq!(denied.status(), 403);
    assert_eq!(denied.header("x-outer"), Some("1"), "global middleware sees the rendered 403");
    assert_eq!(denied.header("x-routemw"), None);
    assert_eq!(
        take("mw-deny"),
        ["Outer:in", "ModuleMw:in", "ControllerMw:in", "RouteMw:in", "Outer:out"]
    );
}

#[tokio::test]
async fn a_middleware_may_answer_on_its_own() {
    let response = client().await.get("/mw").header("x-maintenance", "1").await;
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"service_unavailable","message":"down for maintenance","detail":{}}})
    );
}

async fn explode(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
    if req.headers().contains_key("x-explode") {
        panic!("middleware exploded");
    }
    next.run(req).await
}

#[tokio::test]
async fn a_panicking_middleware_is_a_500_and_the_app_keeps_serving() {
    let client =
        TestClient::new(LaurenFactory::create(MwModule).middleware(from_fn(explode))).await;
    let response = client.get("/mw").header("x-explode", "1").await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>()["error"]["detail"], json!({"type":"panic"}));
    assert_eq!(client.get("/mw").await.status(), 200);
}

#[derive(Debug)]
struct QuotaExceeded;

impl std::fmt::Display for QuotaExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("quota exceeded")
    }
}

impl std::error::Error for QuotaExceeded {}

async fn quota(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
    if req.headers().contains_key("x-over-quota") {
        return Err(QuotaExceeded.into());
    }
    next.run(req).await
}

#[derive(Default)]
#[exception_handler(QuotaExceeded)]
struct QuotaPage;

impl ExceptionHandler for QuotaPage {
    async fn catch(&self, _: &HttpError, ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
        let who =
            ctx.headers().get("x-user").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned();
        Ok(Reply::new((StatusCode::TOO_MANY_REQUESTS, format!("slow down, {who}"))))
    }
}

#[tokio::test]
async fn an_error_of_a_global_middleware_is_offered_to_the_global_exception_handlers() {
    let builder = LaurenFactory::create(MwModule).middleware(from_fn(quota));
    let plain = TestClient::new(builder).await;
    assert_eq!(
        plain.get("/mw").header("x-over-quota", "1").await.status(),
        500,
        "no handler: a 500"
    );
    let handled = TestClient::new(
        LaurenFactory::create(MwModule)
            .middleware(from_fn(quota))
            .global_exception_handler(QuotaPage),
    )
    .await;
    let response = handled.get("/mw").header("x-over-quota", "1").header("x-user", "ada").await;
    assert_eq!((response.status().as_u16(), response.text()), (429, "slow down, ada".to_owned()));
    assert_eq!(handled.get("/mw").await.status(), 200);
}

/// An app-level pre-interceptor: runs before routing, for every request.
#[derive(Default)]
struct BeforeRouting;

impl PreInterceptor for BeforeRouting {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        record_for(&id_of(ctx.headers()), "pre");
        ctx.set_metadata("from_pre", "yes");
        Ok(())
    }
}

#[tokio::test]
async fn route_middleware_still_runs_behind_app_level_pre_interceptors() {
    let client =
        TestClient::new(LaurenFactory::create(MwModule).pre_interceptors(BeforeRouting)).await;
    let response = client.get("/mw").header("x-test-id", "mw-pre").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.header("x-routemw"), Some("1"));
    assert_eq!(
        take("mw-pre"),
        [
            "pre",
            "ModuleMw:in",
            "ControllerMw:in",
            "RouteMw:in",
            "RouteMw:out",
            "ControllerMw:out",
            "ModuleMw:out"
        ]
    );
    // What they wrote reaches the route through the middleware, as it reaches one without.
    assert_eq!(client.get("/mw/meta").await.text(), "yes");
}

/// Rewrites the path to `x-rewrite` and the method to `x-method` when they are given.
#[derive(Default)]
struct Rewrite;

impl Middleware for Rewrite {
    async fn handle(
        &self,
        mut req: MiddlewareRequest,
        next: Next<'_>,
    ) -> lauren::Result<MiddlewareResponse> {
        let header = |req: &MiddlewareRequest, name: &str| {
            req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
        };
        if let Some(path) = header(&req, "x-rewrite") {
            *req.uri_mut() = path.parse().expect("a valid path");
        }
        if let Some(method) = header(&req, "x-method") {
            *req.method_mut() = method.parse().expect("a valid method");
        }
        next.run(req).await
    }
}

#[derive(Default)]
struct ItemsController;

#[controller("/items")]
#[use_middleware(Rewrite)]
impl ItemsController {
    #[get("/{id}")]
    async fn show(&self, id: String) -> String {
        format!("get {id}")
    }

    #[post("/{id}")]
    async fn update(&self, id: String) -> String {
        format!("post {id}")
    }

    #[get("/{id}/detail")]
    async fn detail(&self, id: String) -> String {
        format!("detail {id}")
    }
}

#[module(controllers = [ItemsController])]
struct ItemsModule;

#[tokio::test]
async fn the_route_behind_middleware_reads_its_parameters_from_the_path_they_leave() {
    let client = TestClient::new(LaurenFactory::create(ItemsModule)).await;
    // Untouched: the parameters found when the request was first routed.
    assert_eq!(client.get("/items/a%20b").await.text(), "get a b");
    assert_eq!(client.get("/items/a%20b/detail").await.text(), "detail a b");
    // Another value on the same route: the new path's.
    let rewritten = client.get("/items/1").header("x-rewrite", "/items/7").await;
    assert_eq!(rewritten.text(), "get 7");
    // A path or a method of another route: the route behind the middleware is not it.
    let elsewhere = client.get("/items/1").header("x-rewrite", "/items/7/detail").await;
    assert_eq!(elsewhere.status(), 404);
    let other_method = client.get("/items/1").header("x-method", "POST").await;
    assert_eq!(other_method.status(), 404);
    // The same method and path written anew: the same route.
    let same =
        client.get("/items/3").header("x-rewrite", "/items/3").header("x-method", "GET").await;
    assert_eq!(same.text(), "get 3");
}

/// Panics when asked: before its future is made (`x-panic: early`), or inside it (`late`).
#[derive(Default)]
struct Fragile;

impl Middleware for Fragile {
    #[allow(clippy::manual_async_fn)]
    fn handle(
        &self,
        req: MiddlewareRequest,
        next: Next<'_>,
    ) -> impl Future<Output = lauren::Result<MiddlewareResponse>> + Send {
        let when = req.headers().get("x-panic").map(|v| v.as_bytes().to_vec());
        if when.as_deref() == Some(b"early") {
            panic!("route middleware exploded before its future");
        }
        async move {
            if when.as_deref() == Some(b"late") {
                panic!("route middleware exploded in its future");
            }
            next.run(req).await
        }
    }
}

#[derive(Default)]
struct FragileController;

#[controller("/fragile")]
#[use_middleware(Fragile)]
impl FragileController {
    #[get]
    async fn show(&self) -> &'static str {
        "intact"
    }
}

#[module(controllers = [FragileController])]
struct FragileModule;

#[tokio::test]
async fn a_route_middleware_panicking_before_or_in_its_future_is_a_500() {
    let client = TestClient::new(LaurenFactory::create(FragileModule)).await;
    for when in ["early", "late"] {
        let response = client.get("/fragile").header("x-panic", when).await;
        assert_eq!(response.status(), 500, "a panic {when}");
        assert_eq!(response.json::<Value>()["error"]["detail"], json!({"type":"panic"}));
    }
    assert_eq!(client.get("/fragile").await.text(), "intact");
}
