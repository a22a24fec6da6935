//! Guards, an exception handler and a tower layer: `cargo run --example guards`, then
//!
//! ```text
//! curl -i http://127.0.0.1:3000/orders/7                                   # 401: no API key
//! curl -i http://127.0.0.1:3000/orders/7 -H 'x-api-key: k-123'             # 200 (role: clerk)
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7 -H 'x-api-key: k-123'   # 403: needs admin
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7 -H 'x-api-key: k-admin' # 204
//! curl -i http://127.0.0.1:3000/orders/0 -H 'x-api-key: k-123'             # 404 from the handler
//! curl -i -X OPTIONS http://127.0.0.1:3000/orders/7 -H 'origin: https://shop.example' \
//!      -H 'access-control-request-method: DELETE'                          # CORS preflight
//! ```
//!
//! The address comes from `LAUREN_ADDR` (default `127.0.0.1:3000`).

use lauren::prelude::*;
use lauren::{IntoHttpError, http_error};
use serde::Serialize;
use tower_http::cors::CorsLayer;

/// Who is calling, as the API-key guard found out.
#[derive(Clone, Debug)]
struct Caller {
    role: &'static str,
}

/// Authenticates by `x-api-key` and records the caller's role for the guards after it.
#[derive(Default)]
struct ApiKey;

impl Guard for ApiKey {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        let role = match ctx.headers().get("x-api-key").and_then(|v| v.to_str().ok()) {
            None => return Err(HttpError::unauthorized("send your key in x-api-key")),
            Some("k-admin") => "admin",
            Some("k-123") => "clerk",
            Some(_) => return Ok(false),
        };
        ctx.extensions_mut().insert(Caller { role });
        Ok(true)
    }

    /// The OpenAPI document lists the key under `security` on every route this guard guards.
    fn security() -> Option<lauren::SecurityScheme> {
        Some(lauren::SecurityScheme::api_key_header("x-api-key"))
    }
}

/// Lets a request through when the caller's role is in the route's `roles` metadata.
#[derive(Default)]
struct Roles;

impl Guard for Roles {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        let Some(allowed) =
            ctx.metadata_value("roles").and_then(|v| v.to_json().as_array().cloned())
        else {
            return Ok(true); // a route without `roles` is open to every authenticated caller
        };
        let role = ctx.extensions().get::<Caller>().map_or("", |caller| caller.role);
        Ok(allowed.iter().any(|r| r == role))
    }
}

/// The domain's error, rendered by its own `IntoHttpError`.
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
                HttpError::not_found(self.to_string()).with_detail("id", *id)
            }
        }
    }
}

/// Turns a guard's 403 into a friendlier body, naming the role needed.
#[derive(Default)]
#[exception_handler(lauren::kinds::Forbidden)]
struct ExplainForbidden;

impl ExceptionHandler for ExplainForbidden {
    async fn catch(
        &self,
        err: &HttpError,
        ctx: &mut ExecutionContext<'_>,
    ) -> lauren::Result<Reply> {
        let needed = ctx.metadata_value("roles").map(|v| v.to_json()).unwrap_or_default();
        Ok(Reply::new((
            StatusCode::FORBIDDEN,
            Json(serde_json::json!({"error": err.message(), "roles_allowed": needed})),
        )))
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
#[use_guards(ApiKey, Roles)]
#[use_exception_handlers(ExplainForbidden)]
impl OrdersController {
    #[get("/{id}")]
    async fn show(&self, id: u64) -> Result<Json<Order>, OrderError> {
        if id == 0 {
            return Err(OrderError::Missing(id));
        }
        Ok(Json(Order { id, item: "book" }))
    }

    #[set_metadata("roles", ["admin"])]
    #[delete("/{id}")]
    async fn cancel(&self, id: u64) -> Result<(), OrderError> {
        if id == 0 {
            return Err(OrderError::Missing(id));
        }
        Ok(())
    }
}

#[module(controllers = [OrdersController])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule)
        .layer(CorsLayer::permissive())
        .openapi(lauren::openapi::OpenApi::new("guards", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let addr = lauren_examples::addr();
    let server = app().bind(addr.as_str()).await?;
    println!("lauren guards example listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
