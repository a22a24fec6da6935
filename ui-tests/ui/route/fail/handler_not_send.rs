use std::rc::Rc;

use lauren::prelude::*;

#[derive(Default)]
struct Counter;

#[controller("/count")]
impl Counter {
    // An `Rc` held across an `.await`: the handler's future cannot move between threads.
    #[get]
    async fn count(&self) -> String {
        let shared = Rc::new(1);
        tokio::task::yield_now().await;
        shared.to_string()
    }
}

fn main() {}
