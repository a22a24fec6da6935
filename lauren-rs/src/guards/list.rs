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

crate::value_lists::value_lists!(IntoGuards, into_guards, Guard, GuardInstance);
