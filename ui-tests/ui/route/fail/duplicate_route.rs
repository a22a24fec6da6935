//! One controller may not serve the same method and path twice.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get("/{id}")]
    async fn one(&self, id: u64) -> String {
        id.to_string()
    }

    #[get("/{id}/")]
    async fn same(&self, id: u64) -> String {
        id.to_string()
    }
}

fn main() {}
