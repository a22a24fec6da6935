//! Bounds that cannot work: a non-number bound, an unknown key, `#[path]` on a query parameter,
//! `#[query]` on a path variable, a default on a path variable.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
impl Orders {
    #[get("/{id}")]
    async fn show(
        &self,
        #[query(ge = 1)] id: u64,
        #[query(le = "ten")] size: u32,
        #[query(maximum = 3)] page: u32,
        #[path(ge = 1)] limit: u32,
    ) -> String {
        format!("{id} {size} {page} {limit}")
    }

    #[get("/{code}/x")]
    async fn code(&self, #[path(default = 3)] code: u32) -> String {
        code.to_string()
    }
}

fn main() {}
