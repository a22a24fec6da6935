//! A variable takes its whole segment: the router matches no text after it.
use lauren::prelude::*;

#[derive(Default)]
struct Files;

#[controller("/files")]
impl Files {
    #[get("/{id}.json")]
    async fn json(&self, id: u64) -> String {
        id.to_string()
    }
}

fn main() {}
