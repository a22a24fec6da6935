//! Dependency injection: `cargo run --example di`, then
//!
//! ```text
//! curl -i http://127.0.0.1:3000/api/orders/7 -H 'x-user: ada'
//! curl -i http://127.0.0.1:3000/api/orders/7            # anonymous
//! ```
//!
//! A `DataModule` exports its repository; the `OrdersModule` imports it. A request-scoped
//! `RequestUser` is built once per request and shared by the interceptor and the controller.

use std::collections::HashMap;
use std::sync::Mutex;

use lauren::di::{Inject, provide};
use lauren::prelude::*;
use serde::Serialize;

#[derive(Clone, Serialize, schemars::JsonSchema)]
struct Order {
    id: u64,
    item: String,
    owner: String,
}

/// Settings given as a value.
struct Settings {
    default_item: &'static str,
}

/// A singleton repository, built once at startup with its dependency injected.
#[injectable(post_construct = warm_up)]
struct OrderRepository {
    settings: Inject<Settings>,
    orders: Mutex<HashMap<u64, Order>>,
}

impl OrderRepository {
    async fn warm_up(&self) {
        println!("OrderRepository ready (default item: {})", self.settings.default_item);
    }

    fn find_or_create(&self, id: u64, owner: &str) -> Order {
        let mut orders = self.orders.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        orders
            .entry(id)
            .or_insert_with(|| Order {
                id,
                item: self.settings.default_item.to_owned(),
                owner: owner.to_owned(),
            })
            .clone()
    }
}

#[module(
    providers = [OrderRepository, provide::<Settings>().use_value(Settings { default_item: "book" })],
    exports = [OrderRepository]
)]
struct DataModule;

/// Who is calling: one instance per request.
#[derive(Default)]
#[injectable(scope = Request)]
struct RequestUser {
    name: Mutex<Option<String>>,
}

impl RequestUser {
    fn name(&self) -> String {
        self.name.lock().ok().and_then(|n| n.clone()).unwrap_or_else(|| "anonymous".to_owned())
    }
}

/// Reads `x-user` into this request's `RequestUser`; request-scoped because it depends on it.
#[interceptor]
#[injectable(scope = Request)]
struct Authenticate {
    user: Inject<RequestUser>,
}

impl Interceptor for Authenticate {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let name = ctx.headers().get("x-user").and_then(|v| v.to_str().ok()).map(str::to_owned);
        if let (Some(name), Ok(mut slot)) = (name, self.user.name.lock()) {
            *slot = Some(name);
        }
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-user-seen", self.user.name()))
    }
}

/// Request-scoped, so it may use this request's `RequestUser`.
#[injectable(scope = Request)]
struct OrdersController {
    repository: Inject<OrderRepository>,
    user: Inject<RequestUser>,
}

#[controller("/orders")]
#[use_interceptors(Authenticate)]
impl OrdersController {
    #[get("/{id}")]
    async fn show(&self, id: u64) -> Json<Order> {
        Json(self.repository.find_or_create(id, &self.user.name()))
    }
}

#[module(imports = [DataModule], controllers = [OrdersController], providers = [RequestUser], prefix = "/api")]
struct OrdersModule;

#[module(imports = [OrdersModule])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule).openapi(lauren::openapi::OpenApi::new("di", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    println!("lauren di example listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
