//! What an interceptor reads from a `Reply` before it is rendered (status, content type, JSON
//! value) is what the client then receives, for every kind of value a handler can return.

use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

/// Writes what the reply said before rendering into `x-before-*` headers.
#[derive(Default)]
struct Inspect;

impl Interceptor for Inspect {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let reply = next.handle(ctx).await?;
        let status = reply.status().as_u16().to_string();
        let content_type =
            reply.header("content-type").and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
        let json = reply.to_json().map_or_else(|| "none".to_owned(), |v| v.to_string());
        // A `Response` builder answers for itself too.
        let built = reply
            .downcast_ref::<Response>()
            .map_or_else(|| "none".to_owned(), |r| r.status().as_u16().to_string());
        Ok(reply
            .with_header("x-builder-status", built)
            .with_header("x-before-status", status)
            .with_header("x-before-content-type", content_type)
            .with_header("x-before-json", json))
    }
}

#[derive(Default)]
struct Kinds;

#[controller("/kinds")]
#[use_interceptors(Inspect)]
impl Kinds {
    #[get("/string")]
    async fn string(&self) -> String {
        "text".to_owned()
    }

    #[get("/str")]
    async fn str(&self) -> &'static str {
        "static"
    }

    #[get("/bytes")]
    async fn bytes(&self) -> Bytes {
        Bytes::from_static(b"\x01\x02")
    }

    #[get("/vec")]
    async fn vec(&self) -> Vec<u8> {
        vec![3, 4]
    }

    #[get("/json")]
    async fn json(&self) -> Json<Value> {
        Json(json!({ "a": 1 }))
    }

    #[get("/value")]
    async fn value(&self) -> Value {
        json!([1, 2])
    }

    #[get("/error")]
    async fn error(&self) -> HttpError {
        HttpError::not_found("nothing here")
    }

    #[get("/http")]
    async fn http(&self) -> lauren::http::Response<lauren::Body> {
        lauren::http::Response::builder()
            .status(StatusCode::IM_A_TEAPOT)
            .header("content-type", "text/csv")
            .body(lauren::Body::from(Bytes::from_static(b"a,b")))
            .unwrap_or_default()
    }

    #[get("/builder")]
    async fn builder(&self) -> Response {
        Response::html("<p>hi</p>").with_status(StatusCode::ACCEPTED)
    }

    #[get("/unit")]
    async fn unit(&self) {}

    /// A `Reply` returned as it is (built by a helper shared with interceptors).
    #[get("/reply")]
    async fn reply(&self) -> Reply {
        Reply::new(Json(json!({ "d": 4 }))).with_status(StatusCode::ACCEPTED)
    }

    /// A value that fails to serialize: the builder keeps the error, the reply is a 500.
    #[get("/broken")]
    async fn broken(&self) -> Response {
        Response::json(&crate::reply::Broken)
    }

    #[get("/none")]
    async fn none(&self) -> Option<String> {
        None
    }

    #[get("/some")]
    async fn some(&self) -> Option<Json<Value>> {
        Some(Json(json!({ "b": 2 })))
    }

    #[get("/created")]
    async fn created(&self) -> (StatusCode, Json<Value>) {
        (StatusCode::CREATED, Json(json!({ "c": 3 })))
    }

    #[get("/with-headers")]
    async fn with_headers(&self) -> (StatusCode, [(&'static str, &'static str); 1], String) {
        (StatusCode::ACCEPTED, [("x-extra", "1")], "queued".to_owned())
    }
}

#[module(controllers = [Kinds])]
struct KindsModule;

#[tokio::test]
async fn a_replys_status_content_type_and_json_before_rendering_are_what_is_sent() {
    let client = TestClient::new(LaurenFactory::create(KindsModule)).await;
    // (path, status, content type, JSON value an interceptor sees)
    let table: [(&str, u16, &str, Value); 16] = [
        ("string", 200, "text/plain; charset=utf-8", json!("text")),
        ("str", 200, "text/plain; charset=utf-8", json!("static")),
        ("bytes", 200, "application/octet-stream", Value::Null),
        ("vec", 200, "application/octet-stream", Value::Null),
        ("json", 200, "application/json", json!({ "a": 1 })),
        ("value", 200, "application/json", json!([1, 2])),
        ("error", 404, "application/json", Value::Null),
        ("http", 418, "text/csv", Value::Null),
        ("builder", 202, "text/html; charset=utf-8", Value::Null),
        ("unit", 204, "none", Value::Null),
        ("reply", 202, "application/json", json!({ "d": 4 })),
        ("broken", 500, "application/json", Value::Null),
        ("none", 204, "none", Value::Null),
        ("some", 200, "application/json", json!({ "b": 2 })),
        ("created", 201, "application/json", json!({ "c": 3 })),
        ("with-headers", 202, "text/plain; charset=utf-8", json!("queued")),
    ];
    for (path, status, content_type, seen_json) in table {
        let response = client.get(format!("/kinds/{path}")).await;
        assert_eq!(response.status().as_u16(), status, "{path}: status sent");
        assert_eq!(
            response.header("x-before-status"),
            Some(status.to_string().as_str()),
            "{path}: status seen"
        );
        assert_eq!(
            response.header("content-type").unwrap_or("none"),
            content_type,
            "{path}: content type sent"
        );
        assert_eq!(response.header("x-before-content-type"), Some(content_type), "{path}: seen");
        let expected_json =
            if seen_json.is_null() { "none".to_owned() } else { seen_json.to_string() };
        assert_eq!(response.header("x-before-json"), Some(expected_json.as_str()), "{path}: json");
        if !seen_json.is_null() && content_type == "application/json" {
            assert_eq!(response.json::<Value>(), seen_json, "{path}: body");
        }
    }
    assert_eq!(client.get("/kinds/builder").await.header("x-builder-status"), Some("202"));
    assert_eq!(client.get("/kinds/json").await.header("x-builder-status"), Some("none"));
    assert_eq!(
        client.get("/kinds/broken").await.json::<Value>()["error"]["code"],
        "internal_error"
    );
    let error = client.get("/kinds/error").await;
    assert_eq!(error.json::<Value>()["error"]["code"], "not_found");
    assert_eq!(client.get("/kinds/with-headers").await.header("x-extra"), Some("1"));
}
