//! Controllers are shared by every request: handlers take `&self`.
use lauren::prelude::*;

#[derive(Default)]
struct Counter {
    hits: u64,
}

#[controller("/count")]
impl Counter {
    #[post]
    async fn hit(&mut self) -> String {
        self.hits += 1;
        self.hits.to_string()
    }
}

fn main() {}
