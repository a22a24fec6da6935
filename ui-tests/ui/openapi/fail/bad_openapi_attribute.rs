//! `#[openapi(..)]` says what the code cannot: a status, an extra response, or skip.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get("/{id}")]
    #[openapi(summary = "Find")]
    async fn find(&self, id: u64) -> String {
        id.to_string()
    }

    #[post]
    #[openapi(status = 99)]
    async fn create(&self) {}

    #[delete("/{id}")]
    #[openapi(response(description = "gone"))]
    async fn remove(&self, id: u64) {
        let _ = id;
    }
}

fn main() {}
