//! Errors are typed: an interceptor catches "a `DbError`" or "an extraction failure" by type,
//! never by comparing strings; a user error type chooses its own answer with `IntoHttpError`.

use lauren::kinds::ExtractorError;
use lauren::prelude::*;
use lauren::testing::TestClient;
use lauren::{IntoHttpError, http_error};
use serde_json::{Value, json};

#[derive(Debug)]
struct DbError(&'static str);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "database: {}", self.0)
    }
}

impl std::error::Error for DbError {}

#[derive(Debug)]
enum OrderError {
    Missing(u64),
}

impl std::fmt::Display for OrderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OrderError::Missing(id) => write!(f, "order {id} does not exist"),
        }
    }
}

impl std::error::Error for OrderError {}

#[http_error]
impl IntoHttpError for OrderError {
    fn to_http_error(&self) -> HttpError {
        match self {
            OrderError::Missing(id) => {
                HttpError::not_found(self.to_string()).with_detail("order", *id)
            }
        }
    }
}

/// Answers 503 for a `DbError`, a friendly 400 for an extraction failure, and lets the rest by.
#[derive(Default)]
struct CatchByType;

impl Interceptor for CatchByType {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        match next.handle(ctx).await {
            Err(err) if err.is::<DbError>() => {
                let reason = err.source_as::<DbError>().map_or("", |db| db.0);
                Err(HttpError::service_unavailable("try again later").with_detail("reason", reason))
            }
            Err(err) if err.is::<ExtractorError>() => {
                Err(HttpError::bad_request(format!("bad input: {}", err.message())))
            }
            other => other,
        }
    }
}

#[derive(Default)]
struct TypedController;

#[controller("/typed")]
#[use_interceptors(CatchByType)]
impl TypedController {
    #[get("/db")]
    async fn db(&self) -> lauren::Result<String> {
        Err(DbError("connection reset"))?
    }

    #[get("/order/{id}")]
    async fn order(&self, id: u64) -> Result<String, OrderError> {
        Err(OrderError::Missing(id))
    }

    #[get("/needs")]
    async fn needs(&self, n: u32) -> String {
        n.to_string()
    }
}

#[module(controllers = [TypedController])]
struct TypedModule;

#[tokio::test]
async fn interceptors_catch_errors_by_type() {
    let client = TestClient::new(LaurenFactory::create(TypedModule)).await;
    let db = client.get("/typed/db").await;
    assert_eq!(db.status(), 503);
    assert_eq!(
        db.json::<Value>(),
        json!({"error":{"code":"service_unavailable","message":"try again later","detail":{"reason":"connection reset"}}})
    );
    let bad = client.get("/typed/needs?n=x").await;
    assert_eq!(
        (bad.status().as_u16(), bad.json::<Value>()["error"]["message"].clone()),
        (400, json!("bad input: invalid query parameter 'n': invalid digit found in string"))
    );
}

#[tokio::test]
async fn a_user_error_type_chooses_its_answer() {
    let client = TestClient::new(LaurenFactory::create(TypedModule)).await;
    let response = client.get("/typed/order/7").await;
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"not_found","message":"order 7 does not exist","detail":{"order":7}}})
    );
}
