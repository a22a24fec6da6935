//! The whole pipeline in one app: every middleware, guard, interceptor, handler and exception
//! handler writes to one log, and each outcome runs exactly the stages Lauren's order says.

use lauren::http::HeaderValue;
use lauren::kinds::ExtractorError;
use lauren::middleware::{Middleware, MiddlewareRequest, MiddlewareResponse, Next};
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::Value;

use crate::log::{id_of, record, record_for, take};

/// Middleware logging in/out and adding `x-<name>` to the response.
macro_rules! middleware {
    ($($name:ident => $header:literal),*) => {$(
        #[derive(Default)]
        struct $name;

        impl Middleware for $name {
            async fn handle(&self, req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
                let id = id_of(req.headers());
                record_for(&id, concat!(stringify!($name), ":in"));
                let mut response = next.run(req).await?;
                record_for(&id, concat!(stringify!($name), ":out"));
                response.headers_mut().insert($header, HeaderValue::from_static("1"));
                Ok(response)
            }
        }
    )*};
}

middleware!(GlobalMw => "x-global-mw", ModuleMw => "x-module-mw");

/// Guards logging their name; `x-deny: Name` denies (403), `x-401: Name` fails with 401.
macro_rules! guards {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        struct $name;

        impl Guard for $name {
            async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
                let name = stringify!($name);
                record(ctx.headers(), name);
                if ctx.headers().get("x-401").is_some_and(|v| v == name) {
                    return Err(HttpError::unauthorized("log in"));
                }
                Ok(!ctx.headers().get("x-deny").is_some_and(|v| v == name))
            }
        }
    )*};
}

guards!(GlobalG, ModuleG, ControllerG, RouteG);

/// Interceptors logging before/after; `Rescue` turns an extraction failure into a 200.
macro_rules! interceptors {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        struct $name;

        impl Interceptor for $name {
            async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
                record(ctx.headers(), concat!(stringify!($name), ":before"));
                let outcome = next.handle(ctx).await;
                record(ctx.headers(), concat!(stringify!($name), ":after"));
                match outcome {
                    Err(err) if stringify!($name) == "Rescue" && err.is::<ExtractorError>() => {
                        Ok(Reply::new("rescued"))
                    }
                    other => other,
                }
            }
        }
    )*};
}

interceptors!(GlobalI, ControllerI, Rescue);

macro_rules! errors {
    ($($name:ident),*) => {$(
        #[derive(Debug)]
        struct $name;
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
        impl std::error::Error for $name {}
    )*};
}

errors!(ForRoute, ForController, ForGlobal, Nobody, BreaksHandler);

/// Exception handlers logging which one caught what.
macro_rules! handlers {
    ($($name:ident catches $($ty:ty),+;)*) => {$(
        #[derive(Default)]
        #[exception_handler($($ty),+)]
        struct $name;

        impl ExceptionHandler for $name {
            async fn catch(&self, err: &HttpError, ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
                record(ctx.headers(), concat!(stringify!($name), ":catch"));
                if err.is::<BreaksHandler>() {
                    return Err(HttpError::from(std::io::Error::other("handler broke")));
                }
                Ok(Reply::new((StatusCode::IM_A_TEAPOT, stringify!($name))))
            }
        }
    )*};
}

handlers! {
    RouteH catches ForRoute;
    ControllerH catches ForController, BreaksHandler;
    GlobalH catches ForGlobal;
}

#[derive(Default)]
struct OrderController;

#[controller("/o")]
#[use_guards(ControllerG)]
#[use_interceptors(ControllerI)]
#[use_exception_handlers(ControllerH)]
impl OrderController {
    #[use_guards(RouteG)]
    #[use_exception_handlers(RouteH)]
    #[post("/{what}")]
    async fn act(
        &self,
        what: String,
        ctx: &ExecutionContext<'_>,
        body: Json<Value>,
    ) -> lauren::Result<Json<Value>> {
        record(ctx.headers(), "handler");
        match what.as_str() {
            "route" => Err(ForRoute)?,
            "controller" => Err(ForController)?,
            "global" => Err(ForGlobal)?,
            "nobody" => Err(Nobody)?,
            "broken" => Err(BreaksHandler)?,
            _ => Ok(body),
        }
    }

    #[use_interceptors(Rescue)]
    #[get("/count")]
    async fn count(&self, n: u32, ctx: &ExecutionContext<'_>) -> String {
        record(ctx.headers(), "handler");
        n.to_string()
    }
}

#[module(controllers = [OrderController], guards = [ModuleG], middleware = [ModuleMw])]
struct OrderModule;

async fn client() -> TestClient {
    TestClient::new(
        LaurenFactory::create(OrderModule)
            .middleware(GlobalMw)
            .global_guards(GlobalG)
            .global_interceptors(GlobalI)
            .global_exception_handler(GlobalH),
    )
    .await
}

const IN: [&str; 2] = ["GlobalMw:in", "ModuleMw:in"];
const GUARDS: [&str; 4] = ["GlobalG", "ModuleG", "ControllerG", "RouteG"];

fn seq(parts: &[&[&str]]) -> Vec<String> {
    parts.iter().flat_map(|p| p.iter().map(|s| (*s).to_owned())).collect()
}

async fn post(client: &TestClient, id: &str, path: &str) -> lauren::testing::TestResponse {
    client.post(path).header("x-test-id", id).json(&serde_json::json!({"n": 1})).await
}

#[tokio::test]
async fn a_normal_request_runs_every_stage_in_order() {
    let client = client().await;
    let response = post(&client, "ok", "/o/fine").await;
    assert_eq!((response.status().as_u16(), response.text()), (200, r#"{"n":1}"#.to_owned()));
    assert_eq!(
        (response.header("x-global-mw"), response.header("x-module-mw")),
        (Some("1"), Some("1"))
    );
    let chain =
        ["GlobalI:before", "ControllerI:before", "handler", "ControllerI:after", "GlobalI:after"];
    assert_eq!(take("ok"), seq(&[&IN, &GUARDS, &chain, &["ModuleMw:out", "GlobalMw:out"]]));
}

#[tokio::test]
async fn a_denial_at_each_level_stops_there_and_only_global_middleware_unwinds() {
    let client = client().await;
    for (at, guard) in GUARDS.iter().enumerate() {
        let id = format!("deny-{guard}");
        let response =
            client.post("/o/fine").header("x-test-id", &id).header("x-deny", *guard).json(&1).await;
        assert_eq!(response.status(), 403, "{guard}");
        assert_eq!(response.header("x-global-mw"), Some("1"), "the global middleware sees the 403");
        assert_eq!(response.header("x-module-mw"), None, "route middleware's post-code is skipped");
        assert_eq!(take(&id), seq(&[&IN, &GUARDS[..=at], &["GlobalMw:out"]]), "{guard}");
    }
    let response = client
        .post("/o/fine")
        .header("x-test-id", "g401")
        .header("x-401", "ControllerG")
        .json(&1)
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(take("g401"), seq(&[&IN, &GUARDS[..3], &["GlobalMw:out"]]));
}

#[tokio::test]
async fn unknown_paths_and_methods_reach_only_the_global_middleware() {
    let client = client().await;
    let missing = client.get("/nope").header("x-test-id", "404").await;
    let wrong = client.delete("/o/fine").header("x-test-id", "405").await;
    assert_eq!((missing.status().as_u16(), wrong.status().as_u16()), (404, 405));
    assert_eq!(missing.header("x-global-mw"), Some("1"));
    assert_eq!(take("404"), ["GlobalMw:in", "GlobalMw:out"]);
    assert_eq!(take("405"), ["GlobalMw:in", "GlobalMw:out"]);
}

#[tokio::test]
async fn a_415_comes_after_the_guards_and_before_any_interceptor() {
    let client = client().await;
    let response = client
        .post("/o/fine")
        .header("x-test-id", "415")
        .header("content-type", "text/plain")
        .body("x")
        .await;
    assert_eq!(response.status(), 415);
    assert_eq!(take("415"), seq(&[&IN, &GUARDS, &["GlobalMw:out"]]));
}

#[tokio::test]
async fn an_extraction_failure_is_caught_by_an_interceptor() {
    let client = client().await;
    let response = client.get("/o/count?n=x").header("x-test-id", "422").await;
    assert_eq!((response.status().as_u16(), response.text()), (200, "rescued".to_owned()));
    let chain = [
        "GlobalI:before",
        "ControllerI:before",
        "Rescue:before",
        "Rescue:after",
        "ControllerI:after",
        "GlobalI:after",
    ];
    assert_eq!(take("422"), seq(&[&IN, &GUARDS[..3], &chain, &["ModuleMw:out", "GlobalMw:out"]]));
}

#[tokio::test]
async fn handler_errors_go_route_then_controller_then_global_after_the_chain_unwound() {
    let client = client().await;
    let chain =
        ["GlobalI:before", "ControllerI:before", "handler", "ControllerI:after", "GlobalI:after"];
    for (what, handler) in
        [("route", "RouteH"), ("controller", "ControllerH"), ("global", "GlobalH")]
    {
        let response = post(&client, what, &format!("/o/{what}")).await;
        assert_eq!((response.status().as_u16(), response.text()), (418, handler.to_owned()));
        let caught = format!("{handler}:catch");
        assert_eq!(
            take(what),
            seq(&[&IN, &GUARDS, &chain, &[caught.as_str(), "ModuleMw:out", "GlobalMw:out"]]),
            "{what}"
        );
    }
    let response = post(&client, "nobody", "/o/nobody").await;
    assert_eq!(response.status(), 500);
    assert_eq!(take("nobody"), seq(&[&IN, &GUARDS, &chain, &["GlobalMw:out"]]));
    let response = post(&client, "broken", "/o/broken").await;
    assert_eq!(response.status(), 500, "a failing exception handler is a 500");
    assert_eq!(
        take("broken"),
        seq(&[&IN, &GUARDS, &chain, &["ControllerH:catch", "GlobalMw:out"]])
    );
}
