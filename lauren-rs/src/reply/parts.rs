//! Headers given beside a reply: `(StatusCode, headers, body)`.

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::HttpError;

/// Headers that can be added to a reply; each replaces a same-named header.
///
/// Implemented for `HeaderMap`, arrays and vectors of `(name, value)` pairs whose parts convert
/// into `HeaderName` / `HeaderValue` (`&'static str`, `String`, `HeaderName`, ..). A name or value
/// that is not valid HTTP turns the reply into a 500 naming it, never a panic.
pub trait IntoHeaders {
    /// Writes the headers into `map`.
    fn apply(self, map: &mut HeaderMap) -> Result<(), HttpError>;
}

impl IntoHeaders for HeaderMap {
    fn apply(self, map: &mut HeaderMap) -> Result<(), HttpError> {
        let mut last = None;
        for (name, value) in self {
            // `HeaderMap`'s iterator yields a name only for the first of repeated values.
            if let Some(name) = name {
                map.remove(&name);
                last = Some(name);
            }
            if let Some(name) = &last {
                map.append(name.clone(), value);
            }
        }
        Ok(())
    }
}

/// Converts a header given in any form; an invalid one is a 500 naming it, never a panic.
pub(crate) fn header_pair<K, V>(name: K, value: V) -> Result<(HeaderName, HeaderValue), HttpError>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    let name = name.try_into().map_err(|_| HttpError::internal("InvalidHeaderName"))?;
    let value = value.try_into().map_err(|_| {
        HttpError::internal("InvalidHeaderValue").with_detail("header", name.as_str())
    })?;
    Ok((name, value))
}

pub(crate) fn insert_pair<K, V>(map: &mut HeaderMap, name: K, value: V) -> Result<(), HttpError>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    let (name, value) = header_pair(name, value)?;
    map.insert(name, value);
    Ok(())
}

impl<K, V, const N: usize> IntoHeaders for [(K, V); N]
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    fn apply(self, map: &mut HeaderMap) -> Result<(), HttpError> {
        self.into_iter().try_for_each(|(name, value)| insert_pair(map, name, value))
    }
}

impl<K, V> IntoHeaders for Vec<(K, V)>
where
    K: TryInto<HeaderName>,
    V: TryInto<HeaderValue>,
{
    fn apply(self, map: &mut HeaderMap) -> Result<(), HttpError> {
        self.into_iter().try_for_each(|(name, value)| insert_pair(map, name, value))
    }
}
