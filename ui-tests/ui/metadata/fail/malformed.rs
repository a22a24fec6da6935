//! `#[set_metadata("key", value)]`: a string key and a literal value.
use lauren::prelude::*;

const KEY: &str = "k";

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[set_metadata("only_key")]
    #[get("/a")]
    async fn a(&self) {}

    #[set_metadata(KEY, 1)]
    #[get("/b")]
    async fn b(&self) {}

    #[set_metadata("k", some_function())]
    #[get("/c")]
    async fn c(&self) {}

    #[set_metadata]
    #[get("/d")]
    async fn d(&self) {}
}

fn main() {}
