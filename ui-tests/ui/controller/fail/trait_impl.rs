//! `#[controller]` cannot go on a trait impl.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Clone for Orders {
    fn clone(&self) -> Self {
        Orders
    }
}

fn main() {}
