//! A route matches its path as clients send it: what they percent-encode, or the `.` and `..`
//! segments they resolve, would make a route nobody reaches.
use lauren::prelude::*;

#[derive(Default)]
struct Menu;

#[controller("/menu")]
impl Menu {
    #[get("/café")]
    async fn cafe(&self) -> &'static str {
        "coffee"
    }

    #[get("/a b")]
    async fn spaced(&self) -> &'static str {
        "spaced"
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

fn main() {}
