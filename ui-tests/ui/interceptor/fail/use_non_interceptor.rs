//! `#[use_interceptors(T)]` and a module's `interceptors` need `#[interceptor]` types.
use lauren::prelude::*;

#[derive(Default)]
struct NotAnInterceptor;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[use_interceptors(NotAnInterceptor)]
impl Orders {
    #[use_interceptors(NotAnInterceptor)]
    #[get]
    async fn list(&self) {}
}

#[module(controllers = [Orders], interceptors = [NotAnInterceptor])]
struct AppModule;

fn main() {}
