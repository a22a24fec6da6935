//! `#[interceptor]` on a type that does not implement `Interceptor`.
use lauren::prelude::*;

#[derive(Default)]
#[interceptor]
struct Logging;

fn main() {}
