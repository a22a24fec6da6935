//! lauren-rs, plain.

use lauren::prelude::*;
use lauren_bench::{Message, User};

#[derive(Default)]
struct BenchController;

#[controller]
impl BenchController {
    #[get("/plaintext")]
    async fn plaintext(&self) -> &'static str {
        "Hello, World!"
    }

    #[get("/json")]
    async fn json(&self) -> Json<Message> {
        Json(Message { message: "Hello, World!" })
    }

    #[get("/users/{id}")]
    async fn user(&self, id: u64) -> Json<User> {
        Json(User { id, name: format!("user-{id}") })
    }

    #[post("/echo")]
    async fn echo(&self, body: Json<serde_json::Value>) -> Json<serde_json::Value> {
        body
    }
}

#[module(controllers = [BenchController])]
struct BenchModule;

fn main() {
    lauren_bench::runtime().block_on(async {
        let server =
            LaurenFactory::create(BenchModule).bind(lauren_bench::addr()).await.expect("bind");
        server.run().await;
    });
}
