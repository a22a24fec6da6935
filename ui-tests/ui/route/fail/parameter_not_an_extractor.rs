//! A parameter must be a path variable, a scalar query parameter or an extractor.
use lauren::prelude::*;

struct Config {
    verbose: bool,
}

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get]
    async fn list(&self, config: Config) -> String {
        config.verbose.to_string()
    }
}

fn main() {}
