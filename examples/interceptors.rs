//! Interceptors at every level: `cargo run --example interceptors`, then
//!
//! ```text
//! curl -i http://127.0.0.1:3000/orders            # logging (global) + timing (controller) + audit
//! curl -i http://127.0.0.1:3000/orders/7          # first call computes, second is served from cache
//! curl -i http://127.0.0.1:3000/orders/0          # handler error turned into a fallback reply
//! curl -i http://127.0.0.1:3000/orders/nope       # 422 from extraction, logged by the global interceptor
//! ```

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use lauren::prelude::*;
use serde::Serialize;
use serde_json::json;

/// Global: one line per request, including requests that fail.
#[derive(Default)]
#[interceptor]
struct Logging;

impl Interceptor for Logging {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let line = format!(
            "{} {} -> {}::{}",
            ctx.method(),
            ctx.uri(),
            ctx.handler_class(),
            ctx.handler_func()
        );
        let result = next.handle(ctx).await;
        match &result {
            Ok(reply) => println!("{line}: {}", reply.status()),
            Err(err) => println!("{line}: {} {}", err.status(), err.code()),
        }
        result
    }
}

/// Controller level: adds `x-elapsed-us`.
#[derive(Default)]
#[interceptor]
struct Timing;

impl Interceptor for Timing {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let started = Instant::now();
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-elapsed-us", started.elapsed().as_micros().to_string()))
    }
}

/// Route level: answers repeated requests from memory without running the handler.
#[derive(Default)]
#[interceptor]
struct Cache {
    entries: Mutex<HashMap<String, serde_json::Value>>,
}

impl Interceptor for Cache {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let key = ctx.uri().path().to_owned();
        let hit = self.entries.lock().ok().and_then(|entries| entries.get(&key).cloned());
        if let Some(value) = hit {
            return Ok(Reply::new(Json(value)).with_header("x-cache", "hit"));
        }
        let reply = next.handle(ctx).await?;
        if let (Some(value), Ok(mut entries)) = (reply.to_json(), self.entries.lock()) {
            entries.insert(key, value);
        }
        Ok(reply.with_header("x-cache", "miss"))
    }
}

/// Reads the route's `#[set_metadata("audit_action", ..)]`.
#[derive(Default)]
#[interceptor]
struct Audit;

impl Interceptor for Audit {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let action = ctx.metadata::<&str>("audit_action").unwrap_or("unaudited").to_owned();
        let reply = next.handle(ctx).await?;
        println!("audit: {action} on {}", ctx.route_template());
        Ok(reply.with_header("x-audit", action))
    }
}

/// Turns a failed lookup into a friendly fallback body.
#[derive(Default)]
#[interceptor]
struct NotFoundFallback;

impl Interceptor for NotFoundFallback {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        match next.handle(ctx).await {
            Err(err) if err.status() == StatusCode::NOT_FOUND => {
                Ok(Reply::new(Json(json!({"order": null, "hint": err.message()}))))
            }
            other => other,
        }
    }
}

#[derive(Serialize, schemars::JsonSchema)]
struct Order {
    id: u64,
    item: &'static str,
}

#[derive(Default)]
struct OrdersController;

#[controller("/orders")]
#[use_interceptors(Timing, Audit)]
#[set_metadata("audit_action", "orders")]
impl OrdersController {
    #[set_metadata("audit_action", "list-orders")]
    #[get]
    async fn list(&self) -> Json<Vec<Order>> {
        Json(vec![Order { id: 1, item: "book" }, Order { id: 2, item: "pen" }])
    }

    #[set_metadata("audit_action", "get-order")]
    #[use_interceptors(NotFoundFallback, Cache)]
    #[get("/{id}")]
    async fn get(&self, id: u64) -> lauren::Result<Json<Order>> {
        if id == 0 {
            return Err(HttpError::not_found(format!("order {id} does not exist")));
        }
        Ok(Json(Order { id, item: "book" }))
    }
}

#[module(controllers = [OrdersController])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule)
        .global_interceptors([Logging])
        .openapi(lauren::openapi::OpenApi::new("interceptors", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    println!("lauren interceptors example listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
