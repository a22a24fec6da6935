//! Errors through the chain: propagation, fallbacks, interceptor errors and panics.

use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

use crate::support::{R1, record, take};

/// Turns any error from inside into a 200 fallback naming it.
#[derive(Default)]
#[interceptor]
struct Fallback;

impl Interceptor for Fallback {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        match next.handle(ctx).await {
            Ok(reply) => Ok(reply),
            Err(err) => {
                record(ctx, format!("fallback:{}", err.code()));
                Ok(Reply::new(Json(
                    json!({"fallback": true, "caught": err.code(), "status": err.status().as_u16()}),
                )))
            }
        }
    }
}

/// Refuses every request with its own envelope.
#[derive(Default)]
#[interceptor]
struct Deny;

impl Interceptor for Deny {
    async fn intercept(
        &self,
        _: &mut ExecutionContext<'_>,
        _: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        Err(HttpError::forbidden("denied by Deny").with_detail("interceptor", "Deny"))
    }
}

/// Panics before the handler.
#[derive(Default)]
#[interceptor]
struct Explode;

impl Interceptor for Explode {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        if ctx.headers().contains_key("x-explode") {
            panic!("interceptor exploded");
        }
        next.handle(ctx).await
    }
}

#[derive(Default)]
struct ErrorController;

#[controller("/e")]
impl ErrorController {
    #[use_interceptors(R1)]
    #[get("/conflict")]
    async fn conflict(&self, ctx: &ExecutionContext<'_>) -> lauren::Result<&'static str> {
        record(ctx, "handler");
        Err(HttpError::conflict("taken"))
    }

    #[use_interceptors(Fallback, R1)]
    #[get("/caught")]
    async fn caught(&self, ctx: &ExecutionContext<'_>) -> lauren::Result<&'static str> {
        record(ctx, "handler");
        Err(HttpError::conflict("taken"))
    }

    #[use_interceptors(Fallback)]
    #[get("/extract/{n}")]
    async fn extract(&self, n: u32) -> String {
        n.to_string()
    }

    #[use_interceptors(Deny)]
    #[get("/deny")]
    async fn deny(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "never"
    }

    #[use_interceptors(Explode)]
    #[get("/explode")]
    async fn explode(&self) -> &'static str {
        "calm"
    }
}

#[module(controllers = [ErrorController])]
struct ErrorModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ErrorModule)).await
}

#[tokio::test]
async fn handler_errors_propagate_and_skip_post_code() {
    let response = client().await.get("/e/conflict").header("x-test-id", "err-propagate").await;
    assert_eq!(response.status(), 409);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"conflict","message":"taken","detail":{}}})
    );
    assert_eq!(take("err-propagate"), ["R1:before", "handler"]);
}

#[tokio::test]
async fn an_interceptor_turns_an_error_into_a_fallback() {
    let response = client().await.get("/e/caught").header("x-test-id", "err-fallback").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>(),
        json!({"fallback": true, "caught": "conflict", "status": 409})
    );
    assert_eq!(take("err-fallback"), ["R1:before", "handler", "fallback:conflict"]);
}

#[tokio::test]
async fn extractor_errors_happen_inside_the_chain_and_can_be_caught() {
    let client = client().await;
    assert_eq!(client.get("/e/extract/7").await.text(), "7");
    let response = client.get("/e/extract/seven").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>(),
        json!({"fallback": true, "caught": "extractor_field_error", "status": 422})
    );
}

#[tokio::test]
async fn an_interceptor_error_renders_its_envelope_and_skips_the_handler() {
    let response = client().await.get("/e/deny").header("x-test-id", "err-deny").await;
    assert_eq!(response.status(), 403);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"forbidden","message":"denied by Deny","detail":{"interceptor":"Deny"}}})
    );
    assert!(take("err-deny").is_empty());
}

#[tokio::test]
async fn a_panicking_interceptor_is_a_500_and_the_app_keeps_serving() {
    let client = client().await;
    let response = client.get("/e/explode").header("x-explode", "1").await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"panic"}}})
    );
    assert_eq!(client.get("/e/explode").await.text(), "calm");
}
