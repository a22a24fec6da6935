//! `#[use_interceptors]` with nothing to attach, and on a method that is not a route.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[use_interceptors]
    #[get]
    async fn list(&self) {}

    #[use_interceptors()]
    fn helper(&self) {}
}

fn main() {}
