//! `#[apply(X)]` needs a `#[bundle]`.
use lauren::prelude::*;

#[derive(Default)]
struct NotABundle;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[apply(NotABundle)]
impl Orders {
    #[get]
    async fn list(&self) {}
}

fn main() {}
