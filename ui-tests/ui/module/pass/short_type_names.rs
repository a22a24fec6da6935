//! Provider and export lists do not depend on letter case: `DB` and `IO` are types like any
//! other; a token is exported as `token(NAME)`.
use lauren::di::{provide_token, Token};
use lauren::prelude::*;

const URL: Token<String> = Token::new("URL");

#[derive(Default)]
#[injectable]
struct DB;

#[derive(Default)]
#[injectable]
struct IO;

#[module(
    providers = [DB, IO, provide_token(URL).use_value("x".to_owned())],
    exports = [DB, IO, token(URL)]
)]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule);
}
