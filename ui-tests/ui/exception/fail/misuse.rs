//! `#[exception_handler]` must name what it catches, and only exception handlers attach.
use lauren::prelude::*;

#[derive(Default)]
#[exception_handler]
struct CatchesNothing;

#[derive(Default)]
struct NotAHandler;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[use_exception_handlers(NotAHandler)]
    #[get]
    async fn list(&self) {}
}

fn main() {}
