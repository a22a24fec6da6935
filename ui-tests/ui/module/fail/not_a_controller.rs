//! A module's `controllers` must be `#[controller]` types.
use lauren::prelude::*;

struct Plain;

#[module(controllers = [Plain])]
struct AppModule;

fn main() {}
