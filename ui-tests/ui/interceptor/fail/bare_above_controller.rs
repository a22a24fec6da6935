//! `#[use_interceptors]` without a list above `#[controller]` attaches nothing: an error, like
//! an empty list.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[use_interceptors]
#[controller("/orders")]
impl Orders {
    #[get]
    async fn list(&self) {}
}

#[derive(Default)]
struct Items;

#[use_interceptors()]
#[controller("/items")]
impl Items {
    #[get]
    async fn list(&self) {}
}

fn main() {}
