//! An OpenAPI document and a docs page from the code alone: `cargo run --example openapi`, then
//! open http://127.0.0.1:3000/docs (Swagger UI, served offline), or
//!
//! ```text
//! curl http://127.0.0.1:3000/openapi.json                                  # the document
//! curl http://127.0.0.1:3000/orders/7                                      # {"id":7,"item":"book",..}
//! curl 'http://127.0.0.1:3000/orders?limit=2'                              # two orders
//! curl -i -X POST http://127.0.0.1:3000/orders -H 'content-type: application/json' \
//!      -d '{"item":"pen","quantity":3}'                                    # 201
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7                         # 401: no token
//! curl -i -X DELETE http://127.0.0.1:3000/orders/7 -H 'authorization: Bearer demo-token' # 204
//! ```
//!
//! Everything in the document comes from the code: paths and methods from the routes,
//! parameters and bodies from the handlers' signatures (and their `#[query(..)]` bounds),
//! responses from the return types, summaries from `///` comments, schemas from
//! `#[derive(JsonSchema)]`, the bearer scheme from the guard. The address comes from
//! `LAUREN_ADDR` (default `127.0.0.1:3000`).

use lauren::openapi::OpenApi;
use lauren::prelude::*;
use lauren::{AppBuilder, SecurityScheme};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An order as the API returns it.
#[derive(Serialize, JsonSchema)]
struct Order {
    id: u64,
    /// What was ordered.
    item: String,
    /// How many; at least one.
    quantity: u32,
}

/// What a client sends to place an order.
#[derive(Deserialize, JsonSchema)]
struct NewOrder {
    item: String,
    /// Defaults to one.
    quantity: Option<u32>,
}

/// Lets a request through with `Authorization: Bearer demo-token`.
#[derive(Default)]
struct BearerToken;

impl Guard for BearerToken {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        match ctx.headers().get("authorization").and_then(|v| v.to_str().ok()) {
            None => Err(HttpError::unauthorized("send `Authorization: Bearer demo-token`")),
            Some(value) => Ok(value == "Bearer demo-token"),
        }
    }

    fn security() -> Option<SecurityScheme> {
        Some(SecurityScheme::bearer())
    }
}

#[derive(Default)]
struct OrdersController;

/// Orders placed by customers.
#[controller("/orders")]
impl OrdersController {
    /// Lists orders.
    ///
    /// Newest first; `limit` caps how many.
    #[get]
    async fn list(&self, #[query(ge = 1, le = 100, default = 20)] limit: u32) -> Json<Vec<Order>> {
        let orders = (1..=u64::from(limit.min(3)))
            .map(|id| Order { id, item: "book".into(), quantity: 1 })
            .collect();
        Json(orders)
    }

    /// Finds one order.
    #[get("/{id}")]
    #[openapi(response(status = 404, description = "No order has this id."))]
    async fn find(&self, #[path(ge = 1)] id: u64) -> Result<Json<Order>, HttpError> {
        if id > 1000 {
            return Err(HttpError::not_found("no such order").with_detail("id", id));
        }
        Ok(Json(Order { id, item: "book".into(), quantity: 1 }))
    }

    /// Places an order.
    #[post]
    #[openapi(status = 201)]
    async fn create(&self, order: Json<NewOrder>) -> (StatusCode, Json<Order>) {
        let Json(NewOrder { item, quantity }) = order;
        (StatusCode::CREATED, Json(Order { id: 1001, item, quantity: quantity.unwrap_or(1) }))
    }

    /// Cancels an order.
    #[delete("/{id}")]
    #[use_guards(BearerToken)]
    async fn cancel(&self, id: u64) {
        tracing::info!(id, "order cancelled");
    }

    /// Finds an order by its legacy number.
    #[deprecated = "use `GET /orders/{id}`"]
    #[get("/legacy/{number}")]
    async fn legacy(&self, number: String) -> String {
        format!("order {number}")
    }
}

#[module(controllers = [OrdersController])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> AppBuilder {
    LaurenFactory::create(AppModule)
        .openapi(OpenApi::new("Orders API", "1.0.0").description("Place, find and cancel orders."))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    let addr = server.local_addr();
    println!("lauren openapi example listening on http://{addr} (docs: http://{addr}/docs)");
    server.run().await;
    Ok(())
}
