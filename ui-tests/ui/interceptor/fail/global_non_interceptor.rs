//! `.global_interceptors(..)` takes interceptor values.
use lauren::prelude::*;

struct NotAnInterceptor;

#[module(controllers = [])]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule).global_interceptors([NotAnInterceptor]);
}
