//! `#[module]` keys are checked; a repeated key is reported.
use lauren::prelude::*;

#[module(controller = [])]
struct Typo;

#[module(controllers = [], controllers = [])]
struct Twice;

fn main() {}
