//! Verb attributes take one path string, and templates use `{name}` placeholders.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get(42)]
    async fn by_number(&self) {}

    #[post(path = "/x")]
    async fn named(&self) {}

    #[put("/{id")]
    async fn unclosed(&self) {}

    #[delete("/{*rest}/tail")]
    async fn wildcard_in_the_middle(&self, rest: String) -> String {
        rest
    }
}

fn main() {}
