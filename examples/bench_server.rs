//! The plain benchmark server: `/plaintext`, `/json`, `/users/{id}` and `POST /echo`.
//!
//! `cargo run --release --example bench_server -- 127.0.0.1:8080` (default address shown).
//! `bench/`'s `lauren_plain` serves this very module on one pinned worker.

use lauren::prelude::*;
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct Message {
    message: &'static str,
}

#[derive(Serialize)]
pub(crate) struct User {
    id: u64,
    name: String,
}

#[derive(Default)]
pub(crate) struct BenchController;

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
pub(crate) struct BenchModule;

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let server = LaurenFactory::create(BenchModule).bind(addr).await?;
    println!("lauren bench server listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
