//! A controller must be `#[injectable]` or `Default` for the container to build it.
use lauren::prelude::*;

struct NeedsConfig {
    port: u16,
}

#[controller("/config")]
impl NeedsConfig {
    #[get]
    async fn show(&self) -> String {
        self.port.to_string()
    }
}

fn main() {}
