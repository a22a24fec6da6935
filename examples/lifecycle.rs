//! Lifecycle interceptors and the built-ins: `cargo run --example lifecycle`, then
//!
//! ```text
//! curl -i http://127.0.0.1:3000/health                                       # 200: no login, no signature
//! curl -i http://127.0.0.1:3000/orders/7                                     # 401: login required
//! curl -i http://127.0.0.1:3000/orders/7 -H 'authorization: Bearer bob'      # 200 (bob is a clerk)
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7 -H 'authorization: Bearer bob'  # 403: lacks admin
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7 -H 'authorization: Bearer ada'  # 204
//! curl -i -X POST http://127.0.0.1:3000/orders -H 'authorization: Bearer bob' \
//!      -H 'content-type: application/xml' -d '<order><item>book</item></order>'    # 200: XML read as JSON
//! curl -i -X POST http://127.0.0.1:3000/payments -H 'authorization: Bearer bob' \
//!      -H 'content-type: application/json' -d '{"amount":5}'                      # 401: unsigned
//! ```
//!
//! A signed payment: the example prints a `curl` line with a fresh signature at startup. Each
//! request is logged by `Logger` (one `lauren::request` event; `RUST_LOG` filters them).
//!
//! The address comes from `LAUREN_ADDR` (default `127.0.0.1:3000`).

use lauren::builtin::{Auths, Builtins, Principal, Sign, TokenVerifier, XmlParse};
use lauren::prelude::*;

/// Verifies bearer tokens (a real app asks its identity provider).
#[derive(Default)]
struct DemoTokens;

impl TokenVerifier for DemoTokens {
    async fn verify(&self, token: &str) -> lauren::Result<Principal> {
        match token {
            "ada" => Ok(Principal::new("ada").with_roles(["admin", "clerk"])),
            "bob" => Ok(Principal::new("bob").with_roles(["clerk"])),
            _ => Err(HttpError::unauthorized("unknown token")),
        }
    }
}

/// A lifecycle interceptor of the app's own: sort 500 puts it between Sign and Permission.
#[derive(Default)]
struct Audit;

impl LifecycleInterceptor for Audit {
    fn sort(&self) -> i32 {
        500
    }

    async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
        let who = ctx.extensions().get::<Principal>().map_or("anonymous", |p| p.subject.as_str());
        tracing::info!(
            route = ctx.route_template(),
            who,
            status = reply.status().as_u16(),
            "audit"
        );
    }

    async fn on_exception(&self, ctx: &mut ExecutionContext<'_>, err: HttpError) -> HttpError {
        tracing::warn!(route = ctx.route_template(), code = err.code(), "audit: refused");
        err
    }
}

#[derive(serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
struct NewOrder {
    order: Item,
}

#[derive(serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
struct Item {
    item: String,
}

#[derive(Default)]
struct OrdersController;

#[controller("/orders")]
#[use_interceptors(Audit)]
#[set_metadata("ignore_sign", true)]
impl OrdersController {
    #[get("/{id}")]
    async fn show(&self, id: u64, who: Principal) -> Json<serde_json::Value> {
        Json(serde_json::json!({"id": id, "seen_by": who.subject}))
    }

    #[set_metadata("roles", ["admin"])]
    #[delete("/{id}")]
    async fn cancel(&self, id: u64) {
        let _ = id;
    }

    /// Reads JSON, or XML through `XmlParse`.
    #[post]
    async fn create(&self, order: Json<NewOrder>) -> Json<NewOrder> {
        order
    }
}

#[derive(Default)]
struct PaymentsController;

#[controller("/payments")]
impl PaymentsController {
    #[post]
    async fn pay(&self, payment: Json<serde_json::Value>) -> Json<serde_json::Value> {
        payment
    }
}

#[derive(Default)]
struct HealthController;

#[controller("/health")]
#[set_metadata("login_required", false)]
#[set_metadata("ignore_sign", true)]
impl HealthController {
    #[get]
    async fn health(&self) -> &'static str {
        "ok"
    }
}

#[module(controllers = [OrdersController, PaymentsController, HealthController])]
struct AppModule;

const SIGNING_KEY: &str = "demo signing key";

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    let builtins = Builtins::new()
        .auths(Auths::new(DemoTokens))
        .sign(Sign::new(SIGNING_KEY))
        .xml(XmlParse::default());
    LaurenFactory::create(AppModule)
        .global_interceptors(builtins)
        .openapi(lauren::openapi::OpenApi::new("lifecycle", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let addr = lauren_examples::addr();
    let server = app().bind(addr.as_str()).await?;
    let local = server.local_addr();
    let body = r#"{"amount":5}"#;
    let signed = Sign::new(SIGNING_KEY).sign(&lauren::Method::POST, "/payments", body.as_bytes());
    println!("lauren lifecycle example listening on http://{local}");
    println!(
        "a signed payment (valid for 5 minutes):\n  curl -i -X POST http://{local}/payments \
         -H 'authorization: Bearer bob' -H 'content-type: application/json' \
         -H 'x-timestamp: {}' -H 'x-signature: {}' -d '{body}'",
        signed.timestamp, signed.signature
    );
    server.run().await;
    Ok(())
}
