//! `#[use_middleware(T)]`, a module's `middleware = [T]` and `.middleware(value)` need
//! `impl Middleware`.
use lauren::prelude::*;

#[derive(Default)]
struct NotAMiddleware;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[use_middleware(NotAMiddleware)]
impl Orders {
    #[get]
    async fn list(&self) {}
}

#[module(controllers = [Orders])]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule).middleware(NotAMiddleware);
}
