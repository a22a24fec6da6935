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

impl<T: Interceptor> IntoInterceptors for T {
    fn into_interceptors(self) -> Vec<InterceptorInstance> {
        vec![InterceptorInstance::new(self)]
    }
}

impl<T: Interceptor, const N: usize> IntoInterceptors for [T; N] {
    fn into_interceptors(self) -> Vec<InterceptorInstance> {
        self.into_iter().map(InterceptorInstance::new).collect()
    }
}

impl<T: Interceptor> IntoInterceptors for Vec<T> {
    fn into_interceptors(self) -> Vec<InterceptorInstance> {
        self.into_iter().map(InterceptorInstance::new).collect()
    }
}

macro_rules! tuples {
    ($($name:ident),+) => {
        impl<$($name: Interceptor),+> IntoInterceptors for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_interceptors(self) -> Vec<InterceptorInstance> {
                let ($($name,)+) = self;
                vec![$(InterceptorInstance::new($name)),+]
            }
        }
    };
}

tuples!(A);
tuples!(A, B);
tuples!(A, B, C);
tuples!(A, B, C, D);
tuples!(A, B, C, D, E);
tuples!(A, B, C, D, E, F);
tuples!(A, B, C, D, E, F, G);
tuples!(A, B, C, D, E, F, G, H);
