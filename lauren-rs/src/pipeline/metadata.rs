//! `#[set_metadata]` values: literals in the generated tables, merged per route at startup,
//! read by key with a type, and overlaid per request.

use std::borrow::Cow;

use serde_json::Value;

/// A metadata value as written in `#[set_metadata("key", value)]`: generated, `'static` data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MetaLiteral {
    /// A string literal.
    Str(&'static str),
    /// An integer literal.
    Int(i64),
    /// A float literal.
    Float(f64),
    /// `true` / `false`.
    Bool(bool),
    /// An array or object literal, as JSON text (parsed once, at startup).
    Json(&'static str),
}

/// One `#[set_metadata]` entry.
#[derive(Debug, Clone, Copy)]
pub struct MetaEntry {
    /// The key.
    pub key: &'static str,
    /// The value.
    pub value: MetaLiteral,
}

/// A metadata value at run time.
#[derive(Debug, Clone, PartialEq)]
pub enum MetaValue {
    /// Text.
    Str(Cow<'static, str>),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Any JSON value.
    Json(Value),
}

impl MetaValue {
    /// The literal as a value; `Err` names what is wrong with a JSON literal.
    pub(crate) fn from_literal(literal: MetaLiteral) -> Result<Self, serde_json::Error> {
        Ok(match literal {
            MetaLiteral::Str(text) => Self::Str(Cow::Borrowed(text)),
            MetaLiteral::Int(n) => Self::Int(n),
            MetaLiteral::Float(x) => Self::Float(x),
            MetaLiteral::Bool(b) => Self::Bool(b),
            MetaLiteral::Json(text) => Self::Json(serde_json::from_str(text)?),
        })
    }

    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Str(text) => Value::String(text.to_string()),
            Self::Int(n) => Value::from(*n),
            Self::Float(x) => Value::from(*x),
            Self::Bool(b) => Value::Bool(*b),
            Self::Json(value) => value.clone(),
        }
    }
}

macro_rules! from_for_meta {
    ($($ty:ty => $variant:ident $(as $cast:ty)?),* $(,)?) => {$(
        impl From<$ty> for MetaValue {
            fn from(value: $ty) -> Self {
                Self::$variant(value $(as $cast)?)
            }
        }
    )*};
}

from_for_meta!(i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Float, bool => Bool, Value => Json);

impl From<&'static str> for MetaValue {
    fn from(value: &'static str) -> Self {
        Self::Str(Cow::Borrowed(value))
    }
}

impl From<String> for MetaValue {
    fn from(value: String) -> Self {
        Self::Str(Cow::Owned(value))
    }
}

/// A type metadata can be read as: `ctx.metadata::<&str>("audit_action")`.
#[diagnostic::on_unimplemented(
    message = "metadata cannot be read as `{Self}`",
    note = "read metadata as `&str`, `String`, `bool`, `i64`, `i32`, `u32`, `u64`, `usize`, `f64`, `&serde_json::Value` or `serde_json::Value`"
)]
pub trait FromMetadata<'a>: Sized {
    /// The value as `Self`, if it has that shape.
    fn from_metadata(value: &'a MetaValue) -> Option<Self>;
}

impl<'a> FromMetadata<'a> for &'a str {
    fn from_metadata(value: &'a MetaValue) -> Option<Self> {
        match value {
            MetaValue::Str(text) => Some(text),
            MetaValue::Json(Value::String(text)) => Some(text),
            _ => None,
        }
    }
}

impl FromMetadata<'_> for String {
    fn from_metadata(value: &MetaValue) -> Option<Self> {
        <&str>::from_metadata(value).map(str::to_owned)
    }
}

impl FromMetadata<'_> for bool {
    fn from_metadata(value: &MetaValue) -> Option<Self> {
        match value {
            MetaValue::Bool(b) => Some(*b),
            MetaValue::Json(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

impl FromMetadata<'_> for i64 {
    fn from_metadata(value: &MetaValue) -> Option<Self> {
        match value {
            MetaValue::Int(n) => Some(*n),
            MetaValue::Json(value) => value.as_i64(),
            _ => None,
        }
    }
}

macro_rules! int_from_meta {
    ($($ty:ty),*) => {$(
        impl FromMetadata<'_> for $ty {
            fn from_metadata(value: &MetaValue) -> Option<Self> {
                i64::from_metadata(value).and_then(|n| <$ty>::try_from(n).ok())
            }
        }
    )*};
}

int_from_meta!(i32, u32, u64, usize);

impl FromMetadata<'_> for f64 {
    fn from_metadata(value: &MetaValue) -> Option<Self> {
        match value {
            MetaValue::Float(x) => Some(*x),
            #[allow(clippy::cast_precision_loss)]
            MetaValue::Int(n) => Some(*n as f64),
            MetaValue::Json(value) => value.as_f64(),
            _ => None,
        }
    }
}

impl<'a> FromMetadata<'a> for &'a Value {
    fn from_metadata(value: &'a MetaValue) -> Option<Self> {
        match value {
            MetaValue::Json(value) => Some(value),
            _ => None,
        }
    }
}

impl FromMetadata<'_> for Value {
    fn from_metadata(value: &MetaValue) -> Option<Self> {
        Some(value.to_json())
    }
}

/// A route's effective metadata: route entries over controller entries, resolved at startup.
#[derive(Debug, Default)]
pub(crate) struct RouteMetadata {
    entries: Box<[(&'static str, MetaValue)]>,
}

impl RouteMetadata {
    /// Merges `route` over `controller`; each list already holds one entry per key (the macro
    /// keeps the upper attribute).
    /// Merges metadata layers, the first winning a key: `[route, route bundles.., controller,
    /// controller bundles..]`.
    pub(crate) fn merge(
        layers: &[&[MetaEntry]],
    ) -> Result<Self, (&'static str, serde_json::Error)> {
        let mut entries = Vec::with_capacity(layers.iter().map(|l| l.len()).sum());
        for entry in layers.iter().flat_map(|layer| layer.iter()) {
            if entries.iter().any(|(key, _)| *key == entry.key) {
                continue;
            }
            let value = MetaValue::from_literal(entry.value).map_err(|err| (entry.key, err))?;
            entries.push((entry.key, value));
        }
        Ok(Self { entries: entries.into_boxed_slice() })
    }

    pub(crate) fn get(&self, key: &str) -> Option<&MetaValue> {
        self.entries.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &MetaValue)> {
        self.entries.iter().map(|(k, v)| (*k, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_entries_win_over_controller_entries() {
        let route = [MetaEntry { key: "a", value: MetaLiteral::Int(1) }];
        let controller = [
            MetaEntry { key: "a", value: MetaLiteral::Int(2) },
            MetaEntry { key: "b", value: MetaLiteral::Json("[1,2]") },
        ];
        let merged = RouteMetadata::merge(&[&route, &controller]).expect("valid metadata");
        assert_eq!(merged.get("a"), Some(&MetaValue::Int(1)));
        assert_eq!(merged.get("b"), Some(&MetaValue::Json(serde_json::json!([1, 2]))));
    }

    #[test]
    fn typed_reads() {
        assert_eq!(<&str>::from_metadata(&MetaValue::from("x")), Some("x"));
        assert_eq!(u32::from_metadata(&MetaValue::Int(-1)), None);
        assert_eq!(f64::from_metadata(&MetaValue::Int(3)), Some(3.0));
        assert_eq!(bool::from_metadata(&MetaValue::Int(1)), None);
    }
}
