//! Interceptor instances given to the builder: `.global_interceptors((Logging, Timing))`.

use super::{Interceptor, InterceptorInstance};

/// One interceptor value, an array of one type, or a tuple of several types, in order.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of interceptors",
    note = "pass an interceptor value, an array of them, or a tuple `(A, B)` of values whose types implement `Interceptor`"
)]
pub trait IntoInterceptors {
    /// The instances, outermost first.
    fn into_interceptors(self) -> Vec<InterceptorInstance>;
}

crate::value_lists::value_lists!(
    IntoInterceptors,
    into_interceptors,
    Interceptor,
    InterceptorInstance
);
