//! `#[injectable]` goes on a struct or an impl with a constructor, with known arguments.
use lauren::prelude::*;

#[injectable]
enum Mode {
    Fast,
}

#[injectable(scope = Forever)]
struct Eternal;

#[injectable(lifetime = Request)]
struct Typo;

struct NoConstructor;

#[injectable]
impl NoConstructor {
    fn new() -> Self {
        NoConstructor
    }
}

struct Helper;

#[injectable]
struct BadField {
    #[inject(HELPER)]
    helper: Helper,
}

struct TakesPlainArg;

#[injectable]
impl TakesPlainArg {
    #[constructor]
    fn new(port: u16) -> Self {
        let _ = port;
        TakesPlainArg
    }
}

fn main() {}
