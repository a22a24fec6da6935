//! A type's name as a user wrote it (`Wrapper`, not `my::Wrapper<a::B>`), worked out only when
//! shown.

use std::fmt;

/// The name of a component's type (a guard, an interceptor, a provider's key, ...).
///
/// Kept whole, as `std::any::type_name` gives it (which costs nothing), and shortened when shown:
/// shortening is a scan of the name (about 100 instructions), and components such as
/// request-scoped guards, interceptors and their keys are made per request, where their names
/// are rarely shown.
#[derive(Clone, Copy)]
pub(crate) struct TypeName(&'static str);

impl TypeName {
    /// The name of `T`.
    pub(crate) fn of<T: ?Sized>() -> Self {
        Self(std::any::type_name::<T>())
    }

    /// A name given as it is shown.
    pub(crate) const fn literal(name: &'static str) -> Self {
        Self(name)
    }

    /// The whole name, paths included (`my_app::v1::Items`).
    pub(crate) fn full(self) -> &'static str {
        self.0
    }

    /// `std::io::error::Error` -> `Error`, `my::Wrapper<a::B>` -> `Wrapper`.
    pub(crate) fn short(self) -> &'static str {
        let head = self.0.split('<').next().unwrap_or(self.0);
        // Before any `<`, a `:` only occurs in `::`: a byte scan for the character, where a
        // search for `"::"` sets up a substring searcher (about 400 instructions).
        head.rsplit(':').next().unwrap_or(head)
    }
}

impl fmt::Display for TypeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.short())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_paths_and_generics() {
        assert_eq!(TypeName::of::<std::io::Error>().short(), "Error");
        assert_eq!(TypeName::of::<std::num::ParseIntError>().short(), "ParseIntError");
        assert_eq!(TypeName::of::<Vec<String>>().short(), "Vec");
        assert_eq!(TypeName::literal("LifecycleGroup").to_string(), "LifecycleGroup");
    }
}
