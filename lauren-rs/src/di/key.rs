//! What a binding is bound to: a type, or a named token of a type.

use std::any::TypeId;
use std::fmt;
use std::marker::PhantomData;

use crate::type_name::TypeName;

/// The identity of a binding: a type, optionally narrowed by a token name.
#[derive(Clone, Copy)]
pub struct Key {
    type_id: TypeId,
    name: Option<&'static str>,
    type_name: TypeName,
}

impl Key {
    /// The key of type `T`.
    pub fn of<T: ?Sized + 'static>() -> Self {
        Self { type_id: TypeId::of::<T>(), name: None, type_name: TypeName::of::<T>() }
    }

    /// The key of the token `name` of type `T`.
    pub fn named<T: ?Sized + 'static>(name: &'static str) -> Self {
        Self { name: Some(name), ..Self::of::<T>() }
    }
}

impl Key {
    /// True when both keys bind the same type (named or not).
    pub(crate) fn same_type(&self, other: &Key) -> bool {
        self.type_id == other.type_id
    }

    /// The type's whole name, paths included (its `Display` is the short one).
    #[cfg_attr(not(feature = "openapi"), allow(dead_code))]
    pub(crate) fn full_type_name(&self) -> &'static str {
        self.type_name.full()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.type_id == other.type_id && self.name == other.name
    }
}

impl Eq for Key {}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name {
            Some(name) => write!(f, "Token(\"{name}\")"),
            None => self.type_name.fmt(f),
        }
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A named token of type `T` (Lauren's `Token("DB_URL")`), for values that are not worth a type
/// of their own.
///
/// ```
/// use lauren::di::Token;
///
/// const DB_URL: Token<String> = Token::new("DB_URL");
/// assert_eq!(DB_URL.name(), "DB_URL");
/// ```
pub struct Token<T: ?Sized> {
    name: &'static str,
    _type: PhantomData<fn() -> Box<T>>,
}

impl<T: ?Sized> Token<T> {
    /// A token named `name`.
    pub const fn new(name: &'static str) -> Self {
        Self { name, _type: PhantomData }
    }

    /// The token's name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

impl<T: ?Sized + 'static> Token<T> {
    /// The binding key of this token.
    pub fn key(&self) -> Key {
        Key::named::<T>(self.name)
    }
}

impl<T: ?Sized + 'static> From<Token<T>> for Key {
    fn from(token: Token<T>) -> Self {
        token.key()
    }
}

impl<T: ?Sized> Clone for Token<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ?Sized> Copy for Token<T> {}

impl<T: ?Sized> fmt::Debug for Token<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(\"{}\")", self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn a_key_reads_the_same_in_debug_output_and_in_messages() {
        let key = Key::of::<String>();
        assert_eq!(format!("{key:?}"), key.to_string());
        assert!(format!("{key:?}").contains("String"), "{key:?}");
    }
}
