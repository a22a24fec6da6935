//! A handler's return type must be something lauren can render.
use lauren::prelude::*;

struct Secret;

#[derive(Default)]
struct Vault;

#[controller("/vault")]
impl Vault {
    #[get]
    async fn open(&self) -> Secret {
        Secret
    }
}

fn main() {}
