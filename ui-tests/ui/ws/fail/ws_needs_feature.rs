//! Without lauren's `ws` feature, a `#[ws]` method says what to enable.
use lauren::prelude::*;

#[derive(Default)]
struct Chat;

#[controller("/chat")]
impl Chat {
    #[ws("/ws")]
    async fn connect(&self) {}
}

fn main() {}
