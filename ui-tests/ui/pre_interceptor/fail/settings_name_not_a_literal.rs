//! A settings entry is a type or a name as a string literal, nothing else.
use lauren::prelude::*;

const NAME: &str = "RequireTenant";

#[settings(pre_interceptors = [NAME.to_owned(), 42])]
struct AppSettings;

fn main() {}
