//! A handler reads the request body at most once.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[post]
    async fn create(&self, order: Json<String>, raw: Bytes) -> String {
        format!("{} {}", order.0, raw.len())
    }
}

fn main() {}
