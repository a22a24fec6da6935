//! Every `{placeholder}` of a route needs a handler parameter of the same name.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get("/{id}/lines/{line}")]
    async fn line(&self, id: u64) -> String {
        id.to_string()
    }
}

fn main() {}
