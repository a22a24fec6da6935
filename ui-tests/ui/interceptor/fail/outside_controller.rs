//! Stacking attributes need a `#[controller]` impl.
use lauren::prelude::*;

struct Plain;

#[use_interceptors()]
impl Plain {}

#[set_metadata("k", 1)]
fn free() {}

fn main() {}
