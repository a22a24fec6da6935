//! A handler may borrow only what the request context lends: `&ExecutionContext` or `&RequestHead`.
use lauren::prelude::*;

struct Config {
    verbose: bool,
}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get]
    async fn list(&self, config: &Config) -> String {
        config.verbose.to_string()
    }
}

fn main() {}
