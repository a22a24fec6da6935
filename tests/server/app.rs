//! The app every server test serves.

use std::time::Duration;

use lauren::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, Serialize)]
pub(crate) struct Item {
    pub name: String,
}

#[derive(Default)]
pub(crate) struct WireController;

#[controller("/w")]
impl WireController {
    #[get("/hello")]
    async fn hello(&self) -> &'static str {
        "hello"
    }

    #[get("/echo/{word}")]
    async fn echo(&self, word: String) -> String {
        word
    }

    #[post("/items")]
    async fn create(&self, item: Json<Item>) -> (StatusCode, Json<Item>) {
        (StatusCode::CREATED, item)
    }

    #[get("/header")]
    async fn header(&self, x_big: Header<String>) -> String {
        format!("{} bytes", x_big.0.len())
    }

    #[get("/slow")]
    async fn slow(&self) -> &'static str {
        tokio::time::sleep(Duration::from_millis(400)).await;
        "slow done"
    }

    #[get("/panic")]
    async fn panic(&self) -> &'static str {
        panic!("boom on the wire")
    }
}

#[module(controllers = [WireController])]
pub(crate) struct WireModule;

pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(WireModule).body_limit(256)
}
