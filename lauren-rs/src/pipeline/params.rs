//! Path parameters without copying: byte ranges into the request path, until someone rewrites one.

use std::borrow::Cow;
use std::ops::Range;

use smallvec::SmallVec;

/// One path parameter's value.
#[derive(Debug, Clone)]
pub(crate) enum ParamValue {
    /// Still percent-encoded, a range of the request path.
    Raw(Range<usize>),
    /// Set by an interceptor or materialised before the URI was handed out mutably: decoded.
    Owned(Box<str>),
}

/// The values of a route's path variables, in template order.
#[derive(Debug, Default, Clone)]
pub(crate) struct PathParams {
    values: SmallVec<[ParamValue; 4]>,
}

impl PathParams {
    pub(crate) fn from_match(path: &str, params: &matchit::Params<'_, '_>, slots: usize) -> Self {
        let base = path.as_ptr() as usize;
        let mut values = SmallVec::new();
        for (_, value) in params.iter() {
            // matchit hands out sub-slices of the path it was given, so the offset is exact.
            let start = value.as_ptr() as usize - base;
            values.push(ParamValue::Raw(start..start + value.len()));
        }
        // A tail wildcard that matched nothing was routed through its empty-tail twin.
        while values.len() < slots {
            values.push(ParamValue::Raw(0..0));
        }
        Self { values }
    }

    /// The raw or owned text of slot `i`.
    pub(crate) fn get<'a>(&'a self, path: &'a str, i: usize) -> Option<RawOrDecoded<'a>> {
        Some(match self.values.get(i)? {
            ParamValue::Raw(range) => RawOrDecoded::Raw(path.get(range.clone()).unwrap_or("")),
            ParamValue::Owned(text) => RawOrDecoded::Decoded(text),
        })
    }

    pub(crate) fn set(&mut self, i: usize, value: Box<str>) {
        if let Some(slot) = self.values.get_mut(i) {
            *slot = ParamValue::Owned(value);
        }
    }

    /// Turns every range into owned text, so the path may change underneath.
    pub(crate) fn detach(&mut self, path: &str) {
        for value in &mut self.values {
            if let ParamValue::Raw(range) = value {
                let raw = path.get(range.clone()).unwrap_or("");
                *value = ParamValue::Owned(decode_lossy(raw).into());
            }
        }
    }
}

/// A path value as stored: percent-encoded from the wire, or already decoded.
pub(crate) enum RawOrDecoded<'a> {
    Raw(&'a str),
    Decoded(&'a str),
}

impl<'a> RawOrDecoded<'a> {
    /// Percent-decodes a raw value; `Err` if the bytes it encodes are not UTF-8.
    pub(crate) fn decode(self) -> Result<Cow<'a, str>, std::str::Utf8Error> {
        match self {
            // Without an escape the raw text is the value, and already UTF-8: skip the second
            // validation `decode_utf8` would do.
            Self::Raw(raw) if !raw.as_bytes().contains(&b'%') => Ok(Cow::Borrowed(raw)),
            Self::Raw(raw) => percent_encoding::percent_decode_str(raw).decode_utf8(),
            Self::Decoded(text) => Ok(Cow::Borrowed(text)),
        }
    }
}

pub(crate) fn decode_lossy(raw: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(raw).decode_utf8_lossy()
}
