//! `#[use_pre_interceptors(T)]`, a module's `pre_interceptors = [T]` and settings need a type
//! implementing `PreInterceptor`.
use lauren::prelude::*;

#[derive(Default)]
struct NotAPreInterceptor;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[use_pre_interceptors(NotAPreInterceptor)]
    #[get]
    async fn list(&self) {}
}

#[module(controllers = [Orders], pre_interceptors = [NotAPreInterceptor])]
struct AppModule;

#[settings(pre_interceptors = [NotAPreInterceptor])]
struct AppSettings;

fn main() {}
