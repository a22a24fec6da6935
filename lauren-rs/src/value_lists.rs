//! The impls behind `.global_interceptors(..)`, `.global_guards(..)` and `.middleware(..)`: one
//! value, an array or `Vec` of one type, or a tuple of up to eight types, in order.

/// Implements `$list::$method` (into `Vec<$instance>`) for every value of a `$bound` type and
/// for arrays, `Vec`s and tuples of them.
macro_rules! value_lists {
    ($list:ident, $method:ident, $bound:path, $instance:ident) => {
        impl<T: $bound> $list for T {
            fn $method(self) -> Vec<$instance> {
                vec![$instance::new(self)]
            }
        }

        // Not offered in "implemented for" hints: they would point into this macro, while the
        // trait's own message already says what to pass.
        #[diagnostic::do_not_recommend]
        impl<T: $bound, const N: usize> $list for [T; N] {
            fn $method(self) -> Vec<$instance> {
                self.into_iter().map($instance::new).collect()
            }
        }

        #[diagnostic::do_not_recommend]
        impl<T: $bound> $list for Vec<T> {
            fn $method(self) -> Vec<$instance> {
                self.into_iter().map($instance::new).collect()
            }
        }

        $crate::value_lists::tuple!($list, $method, $bound, $instance; A);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C, D);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C, D, E);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C, D, E, F);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C, D, E, F, G);
        $crate::value_lists::tuple!($list, $method, $bound, $instance; A, B, C, D, E, F, G, H);
    };
}

/// One tuple arity of [`value_lists!`].
macro_rules! tuple {
    ($list:ident, $method:ident, $bound:path, $instance:ident; $($name:ident),+) => {
        impl<$($name: $bound),+> $list for ($($name,)+) {
            #[allow(non_snake_case)]
            fn $method(self) -> Vec<$instance> {
                let ($($name,)+) = self;
                vec![$($instance::new($name)),+]
            }
        }
    };
}

pub(crate) use {tuple, value_lists};
