//! Every `#[injectable]` form compiles with only `lauren` as a dependency.
use lauren::di::{provide, provide_token, Inject, Token};
use lauren::prelude::*;

const URL: Token<String> = Token::new("URL");

#[derive(Default)]
#[injectable(scope = Transient)]
struct Leaf;

#[injectable(scope = Request, post_construct = start, pre_destruct = stop)]
struct Branch {
    leaf: Inject<Leaf>,
    maybe: Option<Inject<String>>,
    all: Vec<Inject<Leaf>>,
    #[inject(URL)]
    url: Inject<String>,
    plain: u32,
}

impl Branch {
    async fn start(&self) -> Result<(), std::io::Error> {
        let _ = (&self.leaf, &self.maybe, &self.all, &self.url, self.plain);
        Ok(())
    }
    async fn stop(&self) {}
}

struct Tuple(Inject<Leaf>);

#[injectable]
impl Tuple {
    #[constructor]
    async fn build(leaf: Inject<Leaf>, #[inject(URL)] url: Inject<String>) -> Result<Self, std::io::Error> {
        let _ = url;
        Ok(Tuple(leaf))
    }
}

#[module(
    providers = [Leaf, Branch, Tuple, provide_token(URL).use_value("x".to_owned()), provide::<u8>().use_value(1)],
    exports = [Leaf, token(URL)],
    prefix = "/api"
)]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule).override_provider::<u8>(2);
}
