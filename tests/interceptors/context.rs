//! The `ExecutionContext` interceptors share with the handler: route facts, request rewriting,
//! and per-request values that do not leak into the next request.

use lauren::Uri;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

/// Upper-cases the `item` path parameter (Esmerald's rewrite example).
#[derive(Default)]
#[interceptor]
struct UpperItem;

impl Interceptor for UpperItem {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let upper = ctx.path_param("item").map(|item| item.to_uppercase());
        if let Some(upper) = upper {
            ctx.set_path_param("item", upper);
        }
        // After routing, a name the route does not have changes nothing.
        let unknown = ctx.set_path_param("not_in_the_route", "x");
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-unknown-param-set", unknown.to_string()))
    }
}

/// Adds a header and a query parameter before the handler reads them.
#[derive(Default)]
#[interceptor]
struct Inject;

impl Interceptor for Inject {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let request = ctx.request_mut();
        request.headers.insert("x-api-key", "from-interceptor".parse().expect("valid header"));
        let path = request.uri.path().to_owned();
        request.uri = format!("{path}?page=3").parse::<Uri>().expect("valid uri");
        next.handle(ctx).await
    }
}

/// Describes the route it wraps in headers, and leaves per-request values for the handler.
#[derive(Default)]
#[interceptor]
struct Describe;

#[derive(Clone)]
struct RequestTag(&'static str);

impl Interceptor for Describe {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let seen_before = ctx.metadata::<&str>("who").unwrap_or("nobody").to_owned();
        ctx.set_metadata("who", "Describe");
        ctx.extensions_mut().insert(RequestTag("tagged"));
        let description = format!(
            "{} {}::{} {}",
            ctx.method(),
            ctx.handler_class(),
            ctx.handler_func(),
            ctx.route_template()
        );
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-route", description).with_header("x-who-before", seen_before))
    }
}

#[derive(Default)]
struct ContextController;

#[controller("/s")]
impl ContextController {
    #[use_interceptors(UpperItem)]
    #[get("/rewrite/{item}")]
    async fn rewrite(&self, item: String, ctx: &ExecutionContext<'_>) -> String {
        assert!(ctx.path_params().all(|(name, _)| name == "item"), "only the route's variables");
        format!("{item} via {}", ctx.path_param("item").unwrap_or_default())
    }

    #[use_interceptors(Inject)]
    #[get("/inject/{id}")]
    async fn inject(&self, id: u32, x_api_key: Header<String>, page: u32) -> String {
        format!("id={id} key={} page={page}", x_api_key.0)
    }

    /// What the context's query helpers read, decoded.
    #[get("/query")]
    async fn query(&self, ctx: &ExecutionContext<'_>) -> Json<Value> {
        Json(json!({
            "q": ctx.query_param("q"),
            "missing": ctx.query_param("missing"),
            "tags": ctx.query_all("tag").collect::<Vec<_>>(),
            "body_limit": ctx.body_limit(),
        }))
    }

    #[use_interceptors(Describe)]
    #[post("/describe/{id}")]
    async fn describe(&self, id: u32, ctx: &ExecutionContext<'_>) -> Json<Value> {
        Json(json!({
            "id": id,
            "who": ctx.metadata::<&str>("who"),
            "tag": ctx.extensions().get::<RequestTag>().map(|t| t.0),
        }))
    }
}

#[module(controllers = [ContextController])]
struct ContextModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ContextModule)).await
}

#[tokio::test]
async fn an_interceptor_rewrites_a_path_parameter_for_the_handler() {
    let response = client().await.get("/s/rewrite/pen").await;
    assert_eq!(response.text(), "PEN via PEN");
    assert_eq!(response.header("x-unknown-param-set"), Some("false"));
}

#[tokio::test]
async fn an_interceptor_changes_headers_and_query_before_extraction() {
    // The path still matches the route it was routed to, and path params survive the URI change.
    assert_eq!(client().await.get("/s/inject/5").await.text(), "id=5 key=from-interceptor page=3");
}

#[tokio::test]
async fn context_names_the_route_and_carries_per_request_values() {
    let client = client().await;
    let response = client.post("/s/describe/9").await;
    assert_eq!(
        response.header("x-route"),
        Some("POST ContextController::describe /s/describe/{id}")
    );
    assert_eq!(response.json::<Value>(), json!({"id": 9, "who": "Describe", "tag": "tagged"}));
    // A second request starts clean: the first request's write did not leak.
    let again = client.post("/s/describe/9").await;
    assert_eq!(again.header("x-who-before"), Some("nobody"));
}

#[tokio::test]
async fn the_context_reads_query_parameters_decoded() {
    let response = client().await.get("/s/query?tag=a&q=hello+w%C3%B6rld&tag=b%20c&q=second").await;
    assert_eq!(
        response.json::<Value>(),
        json!({ "q": "hello wörld", "missing": null, "tags": ["a", "b c"], "body_limit": 1024 * 1024 })
    );
}
