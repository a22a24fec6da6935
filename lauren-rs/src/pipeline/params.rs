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
    /// Two inline: most routes cut nothing here (their layout finds values when asked), and the
    /// context that holds this is copied whole into the request's future (or, behind route
    /// middleware or a timeout, into the route's box, whose size decides whether the allocator
    /// serves it from its per-thread cache: up to about 1 KiB).
    values: SmallVec<[ParamValue; 2]>,
    /// Not cut yet (`values` is empty): each value is found from the route's layout in the
    /// request path when it is asked for, so a request pays only for the values it reads.
    by_layout: bool,
}

/// Where a template's variables sit in a path it matched, when every variable is a whole
/// segment (`/users/{id}`, `/files/{*rest}`): the values are then cut from the path by its
/// slashes, without walking matchit's parameters (which re-checks each value's UTF-8).
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    segments: Box<[Segment]>,
    /// Where each variable starts when only literal segments come before it (they matched
    /// byte for byte, so the offset is the same in every path), and whether it ends the path.
    fixed: Box<[Option<Fixed>]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Segment {
    Literal,
    Variable,
    Rest,
}

#[derive(Debug, Clone, Copy)]
struct Fixed {
    start: usize,
    /// Nothing follows it: it runs to the end of the (normalised) path.
    last: bool,
}

impl Layout {
    /// The layout of `template`, or `None` when a segment mixes a variable with text
    /// (`/{id}.json`) or escapes a brace: matchit's parameters serve those.
    pub(crate) fn of(template: &str) -> Option<Self> {
        let texts: Vec<&str> = template.split('/').filter(|segment| !segment.is_empty()).collect();
        let segments = texts
            .iter()
            .map(|segment| {
                let braces = segment.contains(['{', '}']);
                // One variable, nothing around or inside it (`{a}{b}` is not one).
                let whole = crate::router::is_variable(segment)
                    && !segment[1..segment.len() - 1].contains(['{', '}']);
                match (braces, whole) {
                    (false, _) => Some(Segment::Literal),
                    (true, true) if segment.starts_with("{*") => Some(Segment::Rest),
                    (true, true) => Some(Segment::Variable),
                    (true, false) => None,
                }
            })
            .collect::<Option<Box<[Segment]>>>()?;
        let mut fixed = Vec::new();
        // The offset of the next segment's first byte while every segment so far is literal.
        let mut offset = Some(0);
        for (at, (segment, text)) in segments.iter().zip(&texts).enumerate() {
            let start = offset.map(|offset| offset + 1);
            match segment {
                Segment::Literal => offset = start.map(|start| start + text.len()),
                Segment::Variable | Segment::Rest => {
                    let last = *segment == Segment::Rest || at + 1 == segments.len();
                    fixed.push(start.map(|start| Fixed { start, last }));
                    offset = None;
                }
            }
        }
        Some(Self { segments, fixed: fixed.into_boxed_slice() })
    }
}

impl Layout {
    /// The range of the `i`-th variable in `path` (a path the template matched, normalised);
    /// `None` past the last one.
    #[inline]
    fn range(&self, path: &str, i: usize) -> Option<Range<usize>> {
        let bytes = path.as_bytes();
        if let Some(Some(fixed)) = self.fixed.get(i) {
            let start = fixed.start.min(bytes.len());
            let end = match fixed.last {
                true => bytes.len(),
                false => bytes[start..]
                    .iter()
                    .position(|&b| b == b'/')
                    .map_or(bytes.len(), |j| start + j),
            };
            return Some(start..end);
        }
        let mut at = 0;
        let mut seen = 0;
        for segment in self.segments.iter() {
            // Past the slash that starts the segment.
            at += 1;
            let start = at.min(bytes.len());
            if *segment == Segment::Rest {
                return (seen == i).then_some(start..bytes.len());
            }
            let end =
                bytes[start..].iter().position(|&b| b == b'/').map_or(bytes.len(), |j| start + j);
            if *segment == Segment::Variable {
                if seen == i {
                    return Some(start..end);
                }
                seen += 1;
            }
            at = end;
        }
        None
    }
}

impl PathParams {
    /// The values of a route's variables in `path` (the path it matched, normalised; the
    /// ranges are also right in the raw path, of which it is a prefix). With a layout nothing
    /// is cut here: [`get`](Self::get) finds a value when it is asked for.
    #[inline]
    pub(crate) fn for_route(
        path: &str,
        params: &matchit::Params<'_, '_>,
        layout: Option<&Layout>,
        slots: usize,
    ) -> Self {
        let Some(layout) = layout else { return Self::from_match(path, params, slots) };
        if slots == 0 {
            return Self::default();
        }
        let found = Self { values: SmallVec::new(), by_layout: true };
        debug_assert_eq!(
            found.texts(path, Some(layout), slots),
            Self::from_match(path, params, slots).texts(path, None, slots),
            "the layout of a route disagrees with matchit on {path}"
        );
        found
    }

    /// The values as text (for the debug check against matchit).
    fn texts<'a>(&'a self, path: &'a str, layout: Option<&Layout>, slots: usize) -> Vec<&'a str> {
        (0..slots)
            .filter_map(|i| match self.get(path, layout, i)? {
                RawOrDecoded::Raw(text) | RawOrDecoded::Decoded(text) => Some(text),
            })
            .collect()
    }

    /// Cuts every value now (before one is set, or the path changes underneath).
    pub(crate) fn cut(&mut self, path: &str, layout: Option<&Layout>, slots: usize) {
        if !std::mem::take(&mut self.by_layout) {
            return;
        }
        let path = crate::router::normalize_request_path(path);
        self.values = (0..slots)
            .map(|i| ParamValue::Raw(layout.and_then(|l| l.range(path, i)).unwrap_or(0..0)))
            .collect();
    }

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
        Self { values, by_layout: false }
    }

    /// The raw or owned text of slot `i` in `path` (the request's, as routed), cut by the
    /// route's `layout` unless the values were cut already.
    pub(crate) fn get<'a>(
        &'a self,
        path: &'a str,
        layout: Option<&Layout>,
        i: usize,
    ) -> Option<RawOrDecoded<'a>> {
        if self.by_layout {
            let path = crate::router::normalize_request_path(path);
            // A slot past the layout's variables is a tail wildcard that matched nothing.
            let range = layout?.range(path, i).unwrap_or(0..0);
            return Some(RawOrDecoded::Raw(path.get(range).unwrap_or("")));
        }
        Some(match self.values.get(i)? {
            ParamValue::Raw(range) => RawOrDecoded::Raw(path.get(range.clone()).unwrap_or("")),
            ParamValue::Owned(text) => RawOrDecoded::Decoded(text),
        })
    }

    pub(crate) fn set(
        &mut self,
        i: usize,
        value: Box<str>,
        path: &str,
        layout: Option<&Layout>,
        slots: usize,
    ) {
        self.cut(path, layout, slots);
        if let Some(slot) = self.values.get_mut(i) {
            *slot = ParamValue::Owned(value);
        }
    }

    /// Turns every range into owned text, so the path may change underneath.
    pub(crate) fn detach(&mut self, path: &str, layout: Option<&Layout>, slots: usize) {
        self.cut(path, layout, slots);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The values `template` gives for `path`, by its layout (which also checks them against
    /// matchit's in debug builds).
    fn values(template: &str, path: &str) -> Vec<String> {
        let mut router = matchit::Router::new();
        router.insert(template, ()).expect("a template");
        let matched = router.at(path).expect("the path matches");
        let slots = crate::router::template_params(template).len();
        let layout = Layout::of(template);
        let params = PathParams::for_route(path, &matched.params, layout.as_ref(), slots);
        (0..slots)
            .map(|i| match params.get(path, layout.as_ref(), i) {
                Some(RawOrDecoded::Raw(text) | RawOrDecoded::Decoded(text)) => text.to_owned(),
                None => String::new(),
            })
            .collect()
    }

    #[test]
    fn whole_segment_variables_are_cut_by_slashes() {
        assert_eq!(values("/users/{id}", "/users/42"), ["42"]);
        assert_eq!(values("/a/{x}/b/{y}", "/a/1/b/%2F2"), ["1", "%2F2"]);
        assert_eq!(values("/files/{*rest}", "/files/a/b/c.txt"), ["a/b/c.txt"]);
        assert_eq!(values("/{first}", "/only"), ["only"]);
    }

    #[test]
    fn variables_after_literals_and_after_variables_are_both_found() {
        // Fixed offsets (after literals only) and found by walking (after a variable).
        assert_eq!(values("/a/{x}/{y}/c/{z}", "/a/1/22/c/333"), ["1", "22", "333"]);
        assert_eq!(values("/v1/users/{id}/posts", "/v1/users/7/posts"), ["7"]);
        assert_eq!(values("/{a}/{*rest}", "/x/y/z"), ["x", "y/z"]);
    }

    fn text<'a>(
        params: &'a PathParams,
        path: &'a str,
        layout: Option<&Layout>,
        i: usize,
    ) -> &'a str {
        match params.get(path, layout, i) {
            Some(RawOrDecoded::Raw(text) | RawOrDecoded::Decoded(text)) => text,
            None => "(none)",
        }
    }

    #[test]
    fn values_are_read_from_the_request_path_with_its_trailing_slash() {
        let mut router = matchit::Router::new();
        router.insert("/users/{id}", ()).expect("a template");
        let layout = Layout::of("/users/{id}");
        let matched = router.at("/users/42").expect("matches");
        let params = PathParams::for_route("/users/42", &matched.params, layout.as_ref(), 1);
        // The request's raw path may end in slashes the router ignored.
        assert_eq!(text(&params, "/users/42/", layout.as_ref(), 0), "42");
        assert_eq!(text(&params, "/users/42//", layout.as_ref(), 0), "42");
    }

    #[test]
    fn setting_one_value_cuts_the_others_first() {
        let template = "/a/{x}/{y}/{*rest}";
        let mut router = matchit::Router::new();
        router.insert(template, ()).expect("a template");
        let layout = Layout::of(template);
        let path = "/a/1/22/t/u";
        let matched = router.at(path).expect("matches");
        let mut params = PathParams::for_route(path, &matched.params, layout.as_ref(), 3);
        params.set(1, "set".into(), path, layout.as_ref(), 3);
        assert_eq!(text(&params, path, layout.as_ref(), 0), "1");
        assert_eq!(text(&params, path, layout.as_ref(), 1), "set");
        assert_eq!(text(&params, path, layout.as_ref(), 2), "t/u");
        // Detached values no longer depend on the path they were cut from.
        params.detach(path, layout.as_ref(), 3);
        assert_eq!(text(&params, "/elsewhere", layout.as_ref(), 0), "1");
        assert_eq!(text(&params, "/elsewhere", layout.as_ref(), 2), "t/u");
    }

    #[test]
    fn only_whole_segments_have_a_layout() {
        assert!(Layout::of("/users/{id}").is_some());
        assert!(Layout::of("/files/{*rest}").is_some());
        assert!(Layout::of("/plain/path").is_some());
        assert!(Layout::of("/{id}.json").is_none());
        assert!(Layout::of("/{{literal}}").is_none());
        assert!(Layout::of("/a{b}").is_none());
    }
}
