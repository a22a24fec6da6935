//! `Sign`: correct signatures, tampering, staleness, a wrong key, missing or malformed headers,
//! and its 401 caught as `kinds::Unauthorized`.

use std::time::{SystemTime, UNIX_EPOCH};

use lauren::Method;
use lauren::builtin::Sign;
use lauren::builtin::sign::SignedHeaders;
use lauren::prelude::*;
use lauren::testing::{TestClient, TestRequest};
use serde_json::{Value, json};

#[derive(Default)]
struct SignedController;

#[controller("/signed")]
impl SignedController {
    #[post("/orders")]
    async fn create(&self, order: Json<Value>) -> Json<Value> {
        order
    }

    #[set_metadata("ignore_sign", true)]
    #[get("/health")]
    async fn health(&self) -> &'static str {
        "ok"
    }
}

#[module(controllers = [SignedController])]
struct SignedModule;

pub(super) const KEY: &str = "shared secret";

/// Serves the old `/v0/..` paths from `/signed/..`.
#[derive(Default)]
struct V0;

impl PreInterceptor for V0 {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        if let Some(rest) = ctx.uri().path().strip_prefix("/v0/") {
            ctx.request_mut().uri = format!("/signed/{rest}")
                .parse()
                .map_err(|_| HttpError::bad_request("bad path"))?;
        }
        Ok(())
    }
}

async fn signed() -> TestClient {
    TestClient::new(
        LaurenFactory::create(SignedModule)
            .global_interceptors(Sign::new(KEY))
            .pre_interceptors(V0),
    )
    .await
}

fn with_signature(request: TestRequest, headers: &SignedHeaders) -> TestRequest {
    request.header("x-timestamp", &headers.timestamp).header("x-signature", &headers.signature)
}

const BODY: &str = r#"{"item":"book"}"#;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

async fn post_signed(
    client: &TestClient,
    uri: &str,
    body: &str,
    headers: &SignedHeaders,
) -> (u16, Value) {
    let request = client.post(uri).header("content-type", "application/json").body(body.to_owned());
    let res = with_signature(request, headers).send().await;
    (res.status().as_u16(), res.json())
}

fn invalid(message: &str) -> (u16, Value) {
    (401, json!({"error": {"code": "invalid_signature", "message": message, "detail": {}}}))
}

#[tokio::test]
async fn sign_accepts_a_correct_signature() {
    let client = signed().await;
    let headers = Sign::new(KEY).sign(&Method::POST, "/signed/orders?b=2&a=1", BODY.as_bytes());
    assert_eq!(
        post_signed(&client, "/signed/orders?b=2&a=1", BODY, &headers).await,
        (200, json!({"item": "book"}))
    );
    // The canonical query is sorted: the same parts in another order sign the same.
    assert_eq!(post_signed(&client, "/signed/orders?a=1&b=2", BODY, &headers).await.0, 200);
    // Signed as sent, before an app-level rewrite (`OriginalUri`).
    let headers = Sign::new(KEY).sign(&Method::POST, "/v0/orders", BODY.as_bytes());
    assert_eq!(
        post_signed(&client, "/v0/orders", BODY, &headers).await,
        (200, json!({"item": "book"}))
    );
    // `ignore_sign = true` skips it.
    let res = client.get("/signed/health").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "ok".to_owned()));
}

/// Answers 418 for any 401 the framework raised, naming its code.
#[derive(Default)]
#[exception_handler(lauren::kinds::Unauthorized)]
struct UnauthorizedHandler;

impl ExceptionHandler for UnauthorizedHandler {
    async fn catch(&self, err: &HttpError, _: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
        Ok(Reply::new((StatusCode::IM_A_TEAPOT, format!("caught {}", err.code()))))
    }
}

#[tokio::test]
async fn a_signature_failure_is_caught_as_unauthorized() {
    let client = TestClient::new(
        LaurenFactory::create(SignedModule)
            .global_interceptors(Sign::new(KEY))
            .global_exception_handler(UnauthorizedHandler),
    )
    .await;
    let forged = Sign::new("guessed").sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    let request = client.post("/signed/orders").header("content-type", "application/json");
    let res = with_signature(request.body(BODY), &forged).send().await;
    assert_eq!((res.status().as_u16(), res.text()), (418, "caught invalid_signature".to_owned()));
}

#[tokio::test]
async fn sign_rejects_tampering_staleness_and_a_wrong_key() {
    let client = signed().await;
    let sign = Sign::new(KEY);
    let headers = sign.sign(&Method::POST, "/signed/orders?a=1&b=2", BODY.as_bytes());
    let mismatch = invalid("the signature does not match");
    // A tampered body.
    assert_eq!(
        post_signed(&client, "/signed/orders?a=1&b=2", r#"{"item":"car"}"#, &headers).await,
        mismatch
    );
    // Query values moved between keys.
    assert_eq!(post_signed(&client, "/signed/orders?a=2&b=1", BODY, &headers).await, mismatch);
    // Other bytes behind a percent sign (both would decode to U+FFFD).
    let ff = sign.sign(&Method::POST, "/signed/orders?a=%FF", BODY.as_bytes());
    assert_eq!(post_signed(&client, "/signed/orders?a=%FF", BODY, &ff).await.0, 200);
    assert_eq!(post_signed(&client, "/signed/orders?a=%FE", BODY, &ff).await, mismatch);
    // Another path, another method's signature.
    assert_eq!(post_signed(&client, "/signed/orders", BODY, &headers).await, mismatch);
    // A wrong key.
    let forged = Sign::new("guessed").sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    assert_eq!(post_signed(&client, "/signed/orders", BODY, &forged).await, mismatch);
    // A stale timestamp (replay), and one from the future.
    for at in [now() - 301, now() + 301] {
        let stale = sign.sign_at(&Method::POST, "/signed/orders", at, BODY.as_bytes());
        assert_eq!(
            post_signed(&client, "/signed/orders", BODY, &stale).await,
            invalid("the x-timestamp is outside the allowed window of 300 s")
        );
    }
    // Missing or malformed headers.
    let res = client
        .post("/signed/orders")
        .header("content-type", "application/json")
        .body(BODY)
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        invalid("the x-timestamp header is missing")
    );
    let not_hex = invalid("the x-signature header is not 64 lowercase hex digits");
    let good = sign.sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    for signature in
        ["zz".to_owned(), good.signature.to_uppercase(), format!("+{}", &good.signature[1..])]
    {
        let bad = SignedHeaders { timestamp: good.timestamp.clone(), signature };
        assert_eq!(post_signed(&client, "/signed/orders", BODY, &bad).await, not_hex);
    }
    // A header sent twice.
    let request =
        client.post("/signed/orders").header("content-type", "application/json").body(BODY);
    let res = with_signature(request, &good).header("x-signature", &good.signature).send().await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        invalid("the x-signature header is sent more than once")
    );
    let bad =
        SignedHeaders { timestamp: "+1796000000".to_owned(), signature: headers.signature.clone() };
    assert_eq!(
        post_signed(&client, "/signed/orders", BODY, &bad).await,
        invalid("the x-timestamp header is not a number of seconds")
    );
}
