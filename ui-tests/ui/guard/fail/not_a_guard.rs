//! `#[use_guards(T)]` and a module's `guards = [T]` need a type implementing `Guard`.
use lauren::prelude::*;

#[derive(Default)]
struct NotAGuard;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[use_guards(NotAGuard)]
    #[get]
    async fn list(&self) {}
}

#[module(controllers = [Orders], guards = [NotAGuard])]
struct AppModule;

fn main() {}
