//! `#[interceptor]` goes on a struct, not an enum, a function or an impl.
use lauren::prelude::*;

#[interceptor]
enum Mode {
    Fast,
}

#[interceptor]
fn helper() {}

#[interceptor(fast)]
struct WithArgs;

struct Plain;

#[interceptor]
impl Plain {}

fn main() {}
