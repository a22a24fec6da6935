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

    #[get("/menu/café|thé/{n}")]
    async fn menu(&self, n: u32) -> String {
        format!("menu {n}")
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

    #[post("/upload")]
    async fn upload(&self, body: Bytes) -> String {
        format!("{} bytes", body.len())
    }

    #[get("/unserializable")]
    async fn unserializable(&self) -> (StatusCode, Json<Unserializable>) {
        (StatusCode::CREATED, Json(Unserializable))
    }

    #[get("/io-error")]
    async fn io_error(&self) -> lauren::Result<String> {
        let cause = std::io::Error::other("disk quota exceeded");
        Err(std::io::Error::new(std::io::ErrorKind::PermissionDenied, Wrapped(cause)))?
    }
}

/// A value whose serialization always fails.
pub(crate) struct Unserializable;

impl Serialize for Unserializable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("this value refuses to be serialized"))
    }
}

/// An error with a cause, to see the chain in the log.
#[derive(Debug)]
pub(crate) struct Wrapped(std::io::Error);

impl std::fmt::Display for Wrapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("could not write the order file")
    }
}

impl std::error::Error for Wrapped {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

#[module(controllers = [WireController])]
pub(crate) struct WireModule;

pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(WireModule).body_limit(256)
}
