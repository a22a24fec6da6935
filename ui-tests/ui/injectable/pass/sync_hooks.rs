//! Lifecycle hooks may be plain `fn`s, returning `()` or a `Result`, as well as `async fn`s.
use lauren::prelude::*;

#[derive(Default)]
#[injectable(post_construct = open, pre_destruct = close)]
struct Pool;

impl Pool {
    fn open(&self) -> Result<(), std::io::Error> {
        Ok(())
    }
    fn close(&self) {}
}

#[derive(Default)]
#[injectable(post_construct = warm)]
struct Cache;

impl Cache {
    fn warm(&self) {}
}

#[module(providers = [Pool, Cache])]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule);
}
