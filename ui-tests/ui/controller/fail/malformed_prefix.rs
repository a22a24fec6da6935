//! The controller prefix is one string literal.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller(prefix = "/orders")]
impl Orders {
    #[get]
    async fn list(&self) {}
}

fn main() {}
