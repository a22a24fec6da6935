//! Verb attributes only work inside a `#[controller]` impl.
use lauren::prelude::*;

#[get("/free")]
async fn free() -> &'static str {
    "free"
}

fn main() {}
