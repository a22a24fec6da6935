//! A route matches its path as clients send it: text they cannot send as written (a space),
//! text that ends a path (`?`, `#`) and `.` or `..` segments (which they resolve) would make a
//! route nobody reaches.
use lauren::prelude::*;

#[derive(Default)]
struct Menu;

#[controller("/menu")]
impl Menu {
    #[get("/a b")]
    async fn spaced(&self) -> &'static str {
        "spaced"
    }

    #[get("/search?all")]
    async fn queried(&self) -> &'static str {
        "queried"
    }

    #[get("/old/../new")]
    async fn dotted(&self) -> &'static str {
        "dotted"
    }
}

#[derive(Default)]
struct Prefixed;

#[controller("/my menu")]
impl Prefixed {
    #[get]
    async fn list(&self) -> &'static str {
        "list"
    }
}

#[module(controllers = [Menu], prefix = "/api v1")]
struct SpacedModule;

fn main() {}
