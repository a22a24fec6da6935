//! `#[openapi(..)]` describes one route: not the controller, not a helper method.
use lauren::prelude::*;

#[derive(Default)]
struct Orders;

#[controller("/orders")]
#[openapi(skip)]
impl Orders {
    #[get]
    async fn list(&self) -> String {
        self.helper()
    }

    #[openapi(status = 201)]
    fn helper(&self) -> String {
        String::new()
    }
}

fn main() {}
