//! `#[controller]` goes on an inherent impl block.
use lauren::prelude::*;

#[controller("/orders")]
struct Orders;

fn main() {}
