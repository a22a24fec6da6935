//! A gateway has one `#[ws]`, one handler per event, and methods of one kind each.
use lauren::prelude::*;

#[derive(Default)]
struct Orphan;

#[controller("/orphan")]
impl Orphan {
    #[on_message]
    async fn message(&self) {}
}

#[derive(Default)]
struct Twice;

#[controller("/twice")]
impl Twice {
    #[ws("/a")]
    async fn a(&self) {}

    #[ws("/b")]
    async fn b(&self) {}

    #[on_message("chat")]
    async fn chat(&self) {}

    #[on_message("chat")]
    async fn chat_again(&self) {}

    #[on_disconnect("now")]
    async fn gone(&self) {}

    #[on_message]
    #[get("/mixed")]
    async fn mixed(&self) {}
}

fn main() {}
