//! Pre-interceptor values given to the builder: `.pre_interceptors((RequireTenant, Audit))`.

use super::{PreInterceptor, PreInterceptorInstance};

/// One pre-interceptor value, an array or `Vec` of one type, or a tuple of up to eight.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of pre-interceptors",
    note = "pass a pre-interceptor value, an array of them, or a tuple `(A, B)` of values whose types implement `PreInterceptor`"
)]
pub trait IntoPreInterceptors {
    /// The instances, in order.
    fn into_pre_interceptors(self) -> Vec<PreInterceptorInstance>;
}

crate::value_lists::value_lists!(
    IntoPreInterceptors,
    into_pre_interceptors,
    PreInterceptor,
    PreInterceptorInstance
);
