//! Guard instances given to the builder: `.global_guards((ApiKey, Roles))`.

use super::{Guard, GuardInstance};

/// One guard value, an array or `Vec` of one type, or a tuple of up to eight.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list of guards",
    note = "pass a guard value, an array of them, or a tuple `(A, B)` of values whose types implement `Guard`"
)]
pub trait IntoGuards {
    /// The instances, in order.
    fn into_guards(self) -> Vec<GuardInstance>;
}

impl<T: Guard> IntoGuards for T {
    fn into_guards(self) -> Vec<GuardInstance> {
        vec![GuardInstance::new(self)]
    }
}

impl<T: Guard, const N: usize> IntoGuards for [T; N] {
    fn into_guards(self) -> Vec<GuardInstance> {
        self.into_iter().map(GuardInstance::new).collect()
    }
}

impl<T: Guard> IntoGuards for Vec<T> {
    fn into_guards(self) -> Vec<GuardInstance> {
        self.into_iter().map(GuardInstance::new).collect()
    }
}

macro_rules! tuples {
    ($($name:ident),+) => {
        impl<$($name: Guard),+> IntoGuards for ($($name,)+) {
            #[allow(non_snake_case)]
            fn into_guards(self) -> Vec<GuardInstance> {
                let ($($name,)+) = self;
                vec![$(GuardInstance::new($name)),+]
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
