//! Route handlers must be `async fn`.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get]
    fn list(&self) -> &'static str {
        "orders"
    }
}

fn main() {}
