//! Declarative validation: `garde`-validated `Json<T>` / `Query<T>` / `Form<T>`, and bounds on
//! scalar parameters (`#[query(le = 50)] size: u32`).
//!
//! Both are checked right after the parameter is extracted, inside the chain (an interceptor
//! sees the 422). A type without `garde::Validate` and a parameter without bounds cost nothing:
//! the probe that picks validation is resolved at compile time.

use std::fmt::Display;

use super::Field;
use crate::error::HttpError;

/// The extracted value of a parameter, probed for validation at compile time:
/// `(&&ValidateProbe(&value)).validate_param(&FIELD)`.
pub struct ValidateProbe<'a, T>(pub &'a T);

/// The arm for values that validate themselves (with the `validation` feature: `Json<T>`,
/// `Query<T>`, `Form<T>` of a `T: garde::Validate`).
pub trait ViaValidate {
    /// Validates, or answers 422 with one entry per violation.
    fn validate_param(&self, field: &Field) -> Result<(), HttpError>;
}

/// The arm for everything else: nothing to check.
pub trait ViaNoValidate {
    /// Always `Ok`.
    fn validate_param(&self, field: &Field) -> Result<(), HttpError>;
}

impl<T> ViaNoValidate for ValidateProbe<'_, T> {
    #[inline(always)]
    fn validate_param(&self, _: &Field) -> Result<(), HttpError> {
        Ok(())
    }
}

#[cfg(feature = "validation")]
mod with_garde {
    use super::{ValidateProbe, ViaValidate};
    use crate::error::HttpError;
    use crate::extract::{Field, Form, Json, Query};

    fn check<T>(value: &T, field: &Field) -> Result<(), HttpError>
    where
        T: garde::Validate,
        T::Context: Default,
    {
        value.validate().map_err(|report| {
            let errors = report
                .iter()
                .map(|(path, error)| {
                    let path = path.to_string();
                    if path.is_empty() { error.to_string() } else { format!("{path}: {error}") }
                })
                .collect();
            crate::extract::rejection::validation_failed(field.name(), errors)
        })
    }

    macro_rules! validated {
        ($($wrapper:ident),*) => {$(
            impl<T> ViaValidate for &ValidateProbe<'_, $wrapper<T>>
            where
                T: garde::Validate,
                T::Context: Default,
            {
                fn validate_param(&self, field: &Field) -> Result<(), HttpError> {
                    check(&self.0.0, field)
                }
            }
        )*};
    }

    validated!(Json, Query, Form);
}

/// The value a bound applies to: the scalar itself, or what an `Option` holds (`None`: nothing
/// to check).
pub trait Bounded {
    /// The scalar.
    type Value: ?Sized;
    /// The value to check, if any.
    fn bounded(&self) -> Option<&Self::Value>;
}

macro_rules! bounded {
    ($($ty:ty),*) => {$(
        impl Bounded for $ty {
            type Value = $ty;
            fn bounded(&self) -> Option<&$ty> {
                Some(self)
            }
        }
    )*};
}

bounded!(String, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64, char);

impl<T: Bounded> Bounded for Option<T> {
    type Value = T::Value;
    fn bounded(&self) -> Option<&T::Value> {
        self.as_ref()?.bounded()
    }
}

/// The length `min_length` / `max_length` measure: characters, as Lauren counts them.
pub trait TextLength {
    /// The number of characters.
    fn text_length(&self) -> usize;
}

impl TextLength for String {
    fn text_length(&self) -> usize {
        self.chars().count()
    }
}

/// 422 `extractor_field_error` `size must be <= 50`, `detail {"field":"size","constraint":"le"}`.
pub fn out_of_bounds(name: &str, constraint: &str, op: &str, bound: impl Display) -> HttpError {
    HttpError::extractor_field(format!("{name} must be {op} {bound}"))
        .with_detail("field", name)
        .with_detail("constraint", constraint)
}

/// 422 `extractor_field_error` `q too short` / `q too long`.
pub fn bad_length(name: &str, constraint: &str) -> HttpError {
    let what = if constraint == "min_length" { "short" } else { "long" };
    HttpError::extractor_field(format!("{name} too {what}"))
        .with_detail("field", name)
        .with_detail("constraint", constraint)
}

/// A `pattern = ".."` bound: compiled once, at startup (an invalid one is a startup error).
pub struct Pattern {
    source: &'static str,
    #[cfg(feature = "validation")]
    compiled: std::sync::OnceLock<regex::Regex>,
}

impl Pattern {
    /// The bound `source` (a regex matched against the whole value).
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            #[cfg(feature = "validation")]
            compiled: std::sync::OnceLock::new(),
        }
    }

    /// The regex as written.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Compiles the pattern (once); the error says why it is not a regex.
    pub fn compile(&self) -> Result<(), String> {
        #[cfg(feature = "validation")]
        {
            if self.compiled.get().is_none() {
                let anchored = format!("^(?:{})$", self.source);
                let regex = regex::Regex::new(&anchored).map_err(|err| err.to_string())?;
                let _ = self.compiled.set(regex);
            }
            Ok(())
        }
        #[cfg(not(feature = "validation"))]
        Err("`pattern` bounds need lauren's `validation` feature".to_owned())
    }

    /// `Ok` when the whole `value` matches; else 422 `q does not match pattern`.
    pub fn check(&self, name: &str, value: &str) -> Result<(), HttpError> {
        if self.matches(value)? {
            return Ok(());
        }
        Err(HttpError::extractor_field(format!("{name} does not match pattern"))
            .with_detail("field", name)
            .with_detail("pattern", self.source))
    }

    #[cfg(feature = "validation")]
    fn matches(&self, value: &str) -> Result<bool, HttpError> {
        match self.compiled.get() {
            Some(regex) => Ok(regex.is_match(value)),
            None => Err(HttpError::internal("PatternNotCompiled")),
        }
    }

    // Unreachable in a served app: without the feature, `compile` fails at startup.
    #[cfg(not(feature = "validation"))]
    fn matches(&self, _: &str) -> Result<bool, HttpError> {
        Err(HttpError::internal("PatternNeedsValidationFeature"))
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pattern({:?})", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn a_pattern_shows_its_source() {
        let pattern = Pattern::new("[a-z]+");
        assert_eq!(format!("{pattern:?}"), r#"Pattern("[a-z]+")"#);
        assert_eq!(pattern.source(), "[a-z]+");
    }
}
