//! Short-circuits, running the chain twice, and what interceptors do with the `Reply`.

use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

use crate::support::{G1, record, take};

/// Answers from "cache" without calling the rest of the chain.
#[derive(Default)]
#[interceptor]
struct Cache;

impl Interceptor for Cache {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        if ctx.headers().contains_key("x-cached") {
            record(ctx, "cache:hit");
            return Ok(Reply::new("cached"));
        }
        next.handle(ctx).await
    }
}

/// Runs the rest of the chain twice and keeps the second reply.
#[derive(Default)]
#[interceptor]
struct Twice;

impl Interceptor for Twice {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let _first = next.handle(ctx).await?;
        next.handle(ctx).await
    }
}

/// Edits the handler's JSON value in place, then decorates the reply.
#[derive(Default)]
#[interceptor]
struct Enrich;

impl Interceptor for Enrich {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let mut reply = next.handle(ctx).await?;
        let seen = reply.to_json().unwrap_or(Value::Null);
        if let Some(Json(value)) = reply.downcast_mut::<Json<Value>>() {
            value["enriched"] = json!(true);
        }
        Ok(reply
            .with_header("x-seen", seen.to_string())
            .with_header("x-status-before", reply_status(&seen))
            .with_status(StatusCode::ACCEPTED))
    }
}

fn reply_status(seen: &Value) -> String {
    if seen.is_null() { "none".to_owned() } else { "json".to_owned() }
}

/// Replaces whatever the handler returned with `()`.
#[derive(Default)]
#[interceptor]
struct Silence;

impl Interceptor for Silence {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let mut reply = next.handle(ctx).await?;
        let before = reply.status();
        reply.replace(());
        Ok(reply.with_header("x-before", before.as_u16().to_string()))
    }
}

/// Takes the typed value out and answers something else built from it.
#[derive(Default)]
#[interceptor]
struct Unwrap;

impl Interceptor for Unwrap {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        match next.handle(ctx).await?.into_inner::<(StatusCode, String)>() {
            Ok((status, text)) => Ok(Reply::new(format!("{} said {text}", status.as_u16()))),
            Err(other) => Ok(other),
        }
    }
}

/// Reports what the reply will be before it is sent: content type, value type, body.
#[derive(Default)]
struct Inspect;

impl Interceptor for Inspect {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let mut reply = next.handle(ctx).await?;
        let content_type =
            reply.header("content-type").and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
        let type_name = reply.type_name().to_owned();
        let typed_before = reply.downcast_ref::<Json<Value>>().is_some();
        let body = reply.body_bytes();
        // Rendered once: reading again gives the same bytes, and edits still apply.
        assert_eq!(reply.body_bytes(), body);
        Ok(reply
            .with_header("x-content-type", content_type)
            .with_header("x-type", type_name)
            .with_header("x-typed-before", typed_before.to_string())
            .with_header("x-body-len", body.len().to_string()))
    }
}

/// Reads only what every reply answers (`INSPECTS_VALUE = false`): on a route where no other
/// interceptor looks at the value, the value is rendered before this one sees it.
#[derive(Default)]
struct Stamp;

impl Interceptor for Stamp {
    const INSPECTS_VALUE: bool = false;

    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let reply = next.handle(ctx).await?;
        let typed = reply.downcast_ref::<Json<Value>>().is_some()
            || reply.downcast_ref::<&'static str>().is_some();
        let json = reply.to_json().map_or("none".to_owned(), |value| value.to_string());
        let content_type =
            reply.header("content-type").and_then(|v| v.to_str().ok()).unwrap_or("none").to_owned();
        Ok(reply
            .with_header("x-typed", typed.to_string())
            .with_header("x-json", json)
            .with_header("x-content-type", content_type)
            .with_status(StatusCode::ACCEPTED))
    }
}

#[derive(Default)]
struct ReplyController;

#[controller("/rp")]
impl ReplyController {
    #[use_interceptors(G1, Cache)]
    #[get("/needs-query")]
    async fn needs_query(&self, q: String, ctx: &ExecutionContext<'_>) -> String {
        record(ctx, "handler");
        q
    }

    #[use_interceptors(Twice)]
    #[get("/twice")]
    async fn twice(&self, ctx: &ExecutionContext<'_>) -> &'static str {
        record(ctx, "handler");
        "twice"
    }

    #[use_interceptors(Enrich)]
    #[get("/enrich")]
    async fn enrich(&self) -> Json<Value> {
        Json(json!({"id": 1}))
    }

    #[use_interceptors(Inspect)]
    #[get("/inspect/{kind}")]
    async fn inspect(&self, kind: String) -> Response {
        match kind.as_str() {
            "html" => Response::html("<p>hi</p>"),
            _ => Response::empty(),
        }
    }

    #[use_interceptors(Inspect)]
    #[get("/inspect-json")]
    async fn inspect_json(&self) -> Json<Value> {
        Json(json!({"id": 1}))
    }

    #[use_interceptors(Inspect)]
    #[get("/inspect-text")]
    async fn inspect_text(&self) -> (StatusCode, String) {
        (StatusCode::CREATED, "made".to_owned())
    }

    #[use_interceptors(Silence)]
    #[post("/silence")]
    async fn silence(&self) -> (StatusCode, &'static str) {
        (StatusCode::CREATED, "made")
    }

    #[use_interceptors(Stamp)]
    #[get("/stamp-json")]
    async fn stamp_json(&self) -> Json<Value> {
        Json(json!({"id": 1}))
    }

    #[use_interceptors(Stamp)]
    #[get("/stamp-text")]
    async fn stamp_text(&self) -> &'static str {
        "plain"
    }

    #[use_interceptors(Stamp, Enrich)]
    #[get("/stamp-enrich")]
    async fn stamp_enrich(&self) -> Json<Value> {
        Json(json!({"id": 1}))
    }

    #[use_interceptors(Unwrap)]
    #[get("/unwrap")]
    async fn unwrap(&self) -> (StatusCode, String) {
        (StatusCode::CREATED, "hello".to_owned())
    }
}

#[module(controllers = [ReplyController])]
struct ReplyModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ReplyModule)).await
}

#[tokio::test]
async fn short_circuit_skips_extraction_and_handler_but_outer_interceptors_wrap_it() {
    // `q` is required: had extraction run, this would be a 422.
    let response = client()
        .await
        .get("/rp/needs-query")
        .header("x-test-id", "rp-cache")
        .header("x-cached", "1")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "cached");
    assert_eq!(take("rp-cache"), ["G1:before", "cache:hit", "G1:after"]);
}

#[tokio::test]
async fn without_the_short_circuit_extraction_runs_inside_the_chain() {
    let response = client().await.get("/rp/needs-query").header("x-test-id", "rp-miss").await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.json::<Value>()["error"]["message"], "missing query parameter 'q'");
    // G1's post-code is skipped: the error passed through its `?`.
    assert_eq!(take("rp-miss"), ["G1:before"]);
}

#[tokio::test]
async fn calling_handle_twice_runs_the_handler_twice() {
    let response = client().await.get("/rp/twice").header("x-test-id", "rp-twice").await;
    assert_eq!(response.text(), "twice");
    assert_eq!(take("rp-twice"), ["handler", "handler"]);
}

#[tokio::test]
async fn replies_are_inspected_and_edited_before_serialization() {
    let response = client().await.get("/rp/enrich").await;
    assert_eq!(response.status(), 202);
    assert_eq!(response.header("x-seen"), Some(r#"{"id":1}"#));
    assert_eq!(response.header("x-status-before"), Some("json"));
    assert_eq!(response.json::<Value>(), json!({"id": 1, "enriched": true}));
}

#[tokio::test]
async fn unit_from_an_interceptor_is_204() {
    let response = client().await.post("/rp/silence").await;
    assert_eq!(response.header("x-before"), Some("201"));
    assert_eq!(response.status(), 204);
    assert_eq!(response.header("content-type"), None);
    assert!(response.bytes().is_empty());
}

#[tokio::test]
async fn into_inner_takes_the_typed_value_out() {
    let response = client().await.get("/rp/unwrap").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "201 said hello");
}

#[tokio::test]
async fn a_reply_says_its_content_type_value_type_and_body_before_it_is_sent() {
    let client = client().await;
    let json = client.get("/rp/inspect-json").await;
    assert_eq!(json.text(), r#"{"id":1}"#);
    assert_eq!(json.header("x-content-type"), Some("application/json"));
    let type_name = json.header("x-type").expect("x-type");
    assert!(type_name.ends_with("Json<serde_json::value::Value>"), "{type_name}");
    assert_eq!(json.header("x-typed-before"), Some("true"));
    assert_eq!(json.header("x-body-len"), Some("8"));
    let text = client.get("/rp/inspect-text").await;
    assert_eq!((text.status().as_u16(), text.text()), (201, "made".to_owned()));
    assert_eq!(text.header("x-content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(text.header("x-body-len"), Some("4"));
    let html = client.get("/rp/inspect/html").await;
    assert_eq!(html.header("x-content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(html.header("x-type"), Some("lauren::reply::response::Response"));
    let empty = client.get("/rp/inspect/empty").await;
    assert_eq!(empty.status(), 204);
    assert_eq!(empty.header("x-content-type"), Some("none"));
    assert_eq!(empty.header("x-body-len"), Some("0"));
}

#[tokio::test]
async fn interceptors_that_leave_the_value_alone_see_it_rendered() {
    let client = client().await;
    let json = client.get("/rp/stamp-json").await;
    assert_eq!(json.status(), 202);
    assert_eq!(json.text(), r#"{"id":1}"#);
    // Rendered at once: not downcastable, but its JSON, content type and status are there.
    assert_eq!(json.header("x-typed"), Some("false"));
    assert_eq!(json.header("x-json"), Some(r#"{"id":1}"#));
    assert_eq!(json.header("x-content-type"), Some("application/json"));
    let text = client.get("/rp/stamp-text").await;
    assert_eq!((text.status().as_u16(), text.text()), (202, "plain".to_owned()));
    assert_eq!(text.header("x-typed"), Some("false"));
    assert_eq!(text.header("x-json"), Some(r#""plain""#));
    assert_eq!(text.header("x-content-type"), Some("text/plain; charset=utf-8"));
}

#[tokio::test]
async fn one_interceptor_that_inspects_keeps_the_value_typed_for_the_whole_chain() {
    let response = client().await.get("/rp/stamp-enrich").await;
    // Stamp (outer) sees the value Enrich (inner) edited, still typed.
    assert_eq!(response.header("x-typed"), Some("true"));
    assert_eq!(response.header("x-json"), Some(r#"{"enriched":true,"id":1}"#));
    assert_eq!(response.json::<Value>(), json!({"id": 1, "enriched": true}));
}

/// A value whose serialization fails.
pub(crate) struct Broken;

impl serde::Serialize for Broken {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("no"))
    }
}

#[derive(Default)]
struct Created;

impl Interceptor for Created {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        Ok(next.handle(ctx).await?.with_status(StatusCode::CREATED))
    }
}

#[derive(Default)]
struct BrokenController;

#[controller("/broken")]
#[use_interceptors(Created)]
impl BrokenController {
    #[get]
    async fn show(&self) -> Json<Broken> {
        Json(Broken)
    }
}

#[derive(Default)]
struct RenderedBrokenController;

// Rendered at once (Stamp leaves the value alone), then Stamp sets a status.
#[controller("/broken-rendered")]
#[use_interceptors(Stamp)]
impl RenderedBrokenController {
    #[get]
    async fn show(&self) -> Json<Broken> {
        Json(Broken)
    }
}

#[module(controllers = [BrokenController, RenderedBrokenController])]
struct BrokenModule;

#[tokio::test]
async fn an_interceptors_status_never_hides_a_failed_render() {
    let client = TestClient::new(LaurenFactory::create(BrokenModule)).await;
    for path in ["/broken", "/broken-rendered"] {
        let response = client.get(path).await;
        assert_eq!(response.status(), 500, "{path}");
        assert_eq!(response.json::<Value>()["error"]["detail"], json!({"type":"serialization"}));
    }
}
