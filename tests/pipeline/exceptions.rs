//! Exception handlers: asked route -> controller -> global after the interceptor chain has
//! unwound, the first that catches the error's type answers; framework errors (a guard's 403, a
//! 422 from extraction) are caught by their kinds; a handler that fails is a 500.

use std::sync::Mutex;

use lauren::kinds::{ExtractorError, Forbidden};
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

/// What `Witness` saw, for requests marked `x-witness` (other tests run alongside).
static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn log(ctx: &ExecutionContext<'_>, entry: String) {
    if ctx.headers().contains_key("x-witness") {
        LOG.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(entry);
    }
}

macro_rules! error_type {
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

error_type!(RouteError, ControllerError, GlobalError, Unhandled, Broken);

/// Answers `<handler> caught <code>` with 418, so the test sees who answered.
macro_rules! handlers {
    ($($name:ident catches $($ty:ty),+;)*) => {$(
        #[derive(Default)]
        #[exception_handler($($ty),+)]
        struct $name;

        impl ExceptionHandler for $name {
            async fn catch(&self, err: &HttpError, _: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
                if err.is::<Broken>() {
                    return Err(HttpError::from(std::io::Error::other("the handler broke")));
                }
                Ok(Reply::new((
                    StatusCode::IM_A_TEAPOT,
                    format!("{} caught {}", stringify!($name), err.code()),
                )))
            }
        }
    )*};
}

handlers! {
    GateHandler catches lauren::kinds::UnsupportedMediaType;
    RouteHandler catches RouteError, ExtractorError;
    ControllerHandler catches ControllerError, RouteError, Forbidden, Broken;
    GlobalHandler catches GlobalError, ControllerError;
}

#[derive(Default)]
struct DenyOnHeader;

impl Guard for DenyOnHeader {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(!ctx.headers().contains_key("x-deny"))
    }
}

/// Sees the error on its way out, before any exception handler.
#[derive(Default)]
struct Witness;

impl Interceptor for Witness {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let outcome = next.handle(ctx).await;
        if let Err(err) = &outcome {
            log(ctx, format!("Witness saw {}", err.code()));
        }
        outcome
    }
}

#[derive(Default)]
struct FailingController;

#[controller("/fail")]
#[use_exception_handlers(ControllerHandler)]
#[use_guards(DenyOnHeader)]
#[use_interceptors(Witness)]
impl FailingController {
    #[use_exception_handlers(RouteHandler)]
    #[get("/route")]
    async fn route(&self) -> lauren::Result<()> {
        Err(RouteError)?
    }

    #[use_exception_handlers(RouteHandler)]
    #[get("/controller")]
    async fn controller(&self) -> lauren::Result<()> {
        Err(ControllerError)?
    }

    #[get("/global")]
    async fn global(&self) -> lauren::Result<()> {
        Err(GlobalError)?
    }

    #[get("/unhandled")]
    async fn unhandled(&self) -> lauren::Result<()> {
        Err(Unhandled)?
    }

    #[use_exception_handlers(RouteHandler)]
    #[get("/extract")]
    async fn extract(&self, n: u32) -> String {
        n.to_string()
    }

    #[get("/broken")]
    async fn broken(&self) -> lauren::Result<()> {
        Err(Broken)?
    }
}

/// No guards: the 415 still reaches the route's exception handler.
#[derive(Default)]
struct GatedController;

#[controller("/gated")]
impl GatedController {
    #[use_exception_handlers(GateHandler)]
    #[post]
    async fn create(&self, body: Json<Value>) -> Json<Value> {
        body
    }
}

#[module(controllers = [FailingController, GatedController])]
struct FailingModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(FailingModule).global_exception_handler(GlobalHandler))
        .await
}

#[tokio::test]
async fn the_most_specific_handler_that_catches_the_type_answers() {
    let client = client().await;
    for (path, answer) in [
        ("/fail/route", "RouteHandler caught internal_error"),
        ("/fail/controller", "ControllerHandler caught internal_error"),
        ("/fail/global", "GlobalHandler caught internal_error"),
        ("/fail/extract?n=x", "RouteHandler caught extractor_field_error"),
    ] {
        let response = client.get(path).await;
        assert_eq!(
            (response.status().as_u16(), response.text()),
            (418, answer.to_owned()),
            "{path}"
        );
    }
    let unhandled = client.get("/fail/unhandled").await;
    assert_eq!(unhandled.status(), 500);
    assert_eq!(unhandled.json::<Value>()["error"]["detail"], json!({"type":"Unhandled"}));
}

#[tokio::test]
async fn handlers_answer_after_the_chain_unwound_and_catch_guard_denials() {
    let client = client().await;
    let response = client.get("/fail/route").header("x-witness", "1").await;
    assert_eq!(response.status(), 418);
    assert_eq!(*LOG.lock().expect("log"), ["Witness saw internal_error"]);
    let denied = client.get("/fail/route").header("x-deny", "1").await;
    assert_eq!(denied.text(), "ControllerHandler caught forbidden");
}

#[tokio::test]
async fn a_failing_handler_is_a_500_naming_its_error() {
    let response = client().await.get("/fail/broken").await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"Error"}}})
    );
}

#[tokio::test]
async fn unknown_paths_never_reach_a_handler() {
    let response = client().await.get("/fail/nope").await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn rfc7807_renders_every_error_as_problem_details() {
    let format = lauren::ErrorFormat::Rfc7807;
    let client = TestClient::new(LaurenFactory::create(FailingModule).error_format(format)).await;
    let missing = client.get("/nope").await;
    assert_eq!(missing.header("content-type"), Some("application/problem+json"));
    assert_eq!(
        missing.json::<Value>(),
        json!({"type":"urn:ietf:rfc:7231:404","title":"Not Found","status":404,"detail":"No route matches GET /nope","instance":"/nope","code":"route_not_found"})
    );
    // A detail member named like a standard member is kept as `error_<name>`.
    let unhandled = client.get("/fail/unhandled").await;
    assert_eq!(
        unhandled.json::<Value>(),
        json!({"type":"urn:ietf:rfc:7231:500","title":"Internal Server Error","status":500,"detail":"internal server error","instance":"/fail/unhandled","code":"internal_error","error_type":"Unhandled"})
    );
    let wrong = client.delete("/fail/route").await;
    assert_eq!((wrong.status().as_u16(), wrong.header("allow")), (405, Some("GET, HEAD")));
    assert_eq!(wrong.json::<Value>()["allow"], json!(["GET", "HEAD"]), "detail members extend");
    // A reply from an exception handler is not an error envelope: left as it is.
    let caught = client.get("/fail/route").await;
    assert_eq!(caught.text(), "RouteHandler caught internal_error");
}

#[tokio::test]
async fn a_415_from_the_gate_reaches_exception_handlers() {
    let response =
        client().await.post("/gated").header("content-type", "text/plain").body("x").await;
    assert_eq!(
        (response.status().as_u16(), response.text()),
        (418, "GateHandler caught unsupported_media_type".to_owned())
    );
}

/// The function form: attached by the function's name.
#[exception_handler(Unhandled)]
async fn nobody_page(err: &HttpError, _ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
    Ok(Reply::new((StatusCode::GONE, format!("gone ({})", err.code()))))
}

#[derive(Default)]
struct FnHandled;

#[controller("/fn-handled")]
#[use_exception_handlers(nobody_page)]
impl FnHandled {
    #[get]
    async fn show(&self) -> lauren::Result<()> {
        Err(Unhandled)?
    }
}

#[module(controllers = [FnHandled])]
struct FnHandledModule;

#[tokio::test]
async fn an_exception_handler_may_be_a_function() {
    let client = TestClient::new(LaurenFactory::create(FnHandledModule)).await;
    let response = client.get("/fn-handled").await;
    assert_eq!(
        (response.status().as_u16(), response.text()),
        (410, "gone (internal_error)".to_owned())
    );
}
