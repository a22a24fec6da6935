//! Conditional and range requests against one file's validators (RFC 9110 sections 13 and 14).

use std::ops::RangeInclusive;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::header::{
    IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_RANGE, IF_UNMODIFIED_SINCE, RANGE,
};
use http::{HeaderMap, HeaderValue, Method};

/// The request headers a file answer depends on, read when the handler returns.
#[derive(Debug, Default)]
pub(super) struct Preconditions {
    read_only: bool,
    get: bool,
    if_match: Option<HeaderValue>,
    if_none_match: Option<HeaderValue>,
    if_modified_since: Option<HeaderValue>,
    if_unmodified_since: Option<HeaderValue>,
    range: Option<HeaderValue>,
    if_range: Option<HeaderValue>,
}

/// What the file's validators make of the request.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Answer {
    /// 200 with the whole file.
    Whole,
    /// 206 with these bytes.
    Part(RangeInclusive<u64>),
    /// 304: the client's copy is current.
    NotModified,
    /// 412: a precondition of the client failed.
    PreconditionFailed,
    /// 416: no range of the request lies in the file.
    Unsatisfiable,
}

/// A file's validators.
pub(super) struct Validators<'a> {
    pub(super) etag: &'a str,
    pub(super) modified: Option<SystemTime>,
    pub(super) len: u64,
}

impl Preconditions {
    pub(super) fn read(method: &Method, headers: &HeaderMap) -> Self {
        let get = |name| headers.get(name).cloned();
        Self {
            read_only: method == Method::GET || method == Method::HEAD,
            get: method == Method::GET,
            if_match: get(IF_MATCH),
            if_none_match: get(IF_NONE_MATCH),
            if_modified_since: get(IF_MODIFIED_SINCE),
            if_unmodified_since: get(IF_UNMODIFIED_SINCE),
            range: get(RANGE),
            if_range: get(IF_RANGE),
        }
    }

    /// The evaluation order of RFC 9110 section 13.2.2.
    pub(super) fn answer(&self, file: &Validators<'_>) -> Answer {
        if let Some(tags) = &self.if_match {
            if !matches_any(tags, file.etag, Comparison::Strong) {
                return Answer::PreconditionFailed;
            }
        } else if let Some(since) = self.if_unmodified_since.as_ref().and_then(date) {
            if file.modified.is_some_and(|modified| seconds(modified) > since) {
                return Answer::PreconditionFailed;
            }
        }
        if let Some(tags) = &self.if_none_match {
            if matches_any(tags, file.etag, Comparison::Weak) {
                return if self.read_only {
                    Answer::NotModified
                } else {
                    Answer::PreconditionFailed
                };
            }
        } else if let Some(since) = self.if_modified_since.as_ref().and_then(date) {
            if self.read_only && file.modified.is_some_and(|modified| seconds(modified) <= since) {
                return Answer::NotModified;
            }
        }
        self.range(file)
    }

    /// Only GET has ranges; a stale `If-Range`, a syntax error or several ranges (this server
    /// sends no multipart bodies) mean the whole file, as RFC 9110 section 14.2 allows.
    fn range(&self, file: &Validators<'_>) -> Answer {
        let Some(range) = self.range.as_ref().filter(|_| self.get) else { return Answer::Whole };
        if let Some(if_range) = &self.if_range {
            if !if_range_holds(if_range, file) {
                return Answer::Whole;
            }
        }
        let Ok(range) = range.to_str() else { return Answer::Whole };
        let parsed = match http_range_header::parse_range_header(range) {
            // One range only: this server sends no multipart bodies.
            Ok(parsed) if parsed.len() == 1 => parsed,
            _ => return Answer::Whole,
        };
        match parsed.validate(file.len) {
            // One range was asked for: at most one comes back (none for an empty file).
            Ok(ranges) => ranges.into_iter().next().map_or(Answer::Whole, Answer::Part),
            Err(http_range_header::RangeUnsatisfiableError::Unsatisfiable) => Answer::Unsatisfiable,
            Err(_) => Answer::Whole,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Comparison {
    Strong,
    Weak,
}

/// True when the list `tags` (`*` or entity tags separated by commas) names `etag`.
fn matches_any(tags: &HeaderValue, etag: &str, comparison: Comparison) -> bool {
    let Ok(tags) = tags.to_str() else { return false };
    tags.split(',').map(str::trim).any(|tag| {
        if tag == "*" {
            return true;
        }
        match (tag.strip_prefix("W/"), comparison) {
            (Some(_), Comparison::Strong) => false,
            (Some(weak), Comparison::Weak) => weak == etag,
            (None, _) => tag == etag,
        }
    })
}

/// `If-Range` holds for the same strong entity tag, or for exactly the last-modified date.
fn if_range_holds(if_range: &HeaderValue, file: &Validators<'_>) -> bool {
    let Ok(value) = if_range.to_str() else { return false };
    if value.starts_with('"') || value.starts_with("W/") {
        return value == file.etag;
    }
    match (date(if_range), file.modified) {
        (Some(since), Some(modified)) => seconds(modified) == since,
        _ => false,
    }
}

fn date(value: &HeaderValue) -> Option<u64> {
    let when = httpdate::parse_http_date(value.to_str().ok()?).ok()?;
    Some(seconds(when))
}

/// HTTP dates have whole seconds: compare files at that precision.
fn seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Validators<'static> {
        Validators {
            etag: "\"abc\"",
            modified: Some(UNIX_EPOCH + Duration::from_secs(1_700_000_000)),
            len: 100,
        }
    }

    fn answer(method: Method, headers: &[(http::HeaderName, &str)]) -> Answer {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(name, HeaderValue::from_str(value).expect("test header"));
        }
        Preconditions::read(&method, &map).answer(&file())
    }

    #[test]
    fn entity_tags_compare_weakly_for_if_none_match_and_strongly_for_if_match() {
        assert_eq!(
            answer(Method::GET, &[(IF_NONE_MATCH, "\"x\", W/\"abc\"")]),
            Answer::NotModified
        );
        assert_eq!(answer(Method::GET, &[(IF_NONE_MATCH, "*")]), Answer::NotModified);
        assert_eq!(answer(Method::GET, &[(IF_NONE_MATCH, "\"x\"")]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(IF_MATCH, "W/\"abc\"")]), Answer::PreconditionFailed);
        assert_eq!(answer(Method::GET, &[(IF_MATCH, "\"abc\"")]), Answer::Whole);
        assert_eq!(answer(Method::POST, &[(IF_NONE_MATCH, "\"abc\"")]), Answer::PreconditionFailed);
    }

    #[test]
    fn dates_compare_in_whole_seconds_and_if_none_match_wins() {
        let same = "Tue, 14 Nov 2023 22:13:20 GMT";
        let before = "Tue, 14 Nov 2023 22:13:19 GMT";
        assert_eq!(answer(Method::GET, &[(IF_MODIFIED_SINCE, same)]), Answer::NotModified);
        assert_eq!(answer(Method::GET, &[(IF_MODIFIED_SINCE, before)]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(IF_MODIFIED_SINCE, "yesterday")]), Answer::Whole);
        assert_eq!(
            answer(Method::GET, &[(IF_NONE_MATCH, "\"x\""), (IF_MODIFIED_SINCE, same)]),
            Answer::Whole
        );
        assert_eq!(
            answer(Method::GET, &[(IF_UNMODIFIED_SINCE, before)]),
            Answer::PreconditionFailed
        );
        assert_eq!(answer(Method::GET, &[(IF_UNMODIFIED_SINCE, same)]), Answer::Whole);
    }

    #[test]
    fn one_range_is_a_part_and_if_range_must_hold() {
        assert_eq!(answer(Method::GET, &[(RANGE, "bytes=10-19")]), Answer::Part(10..=19));
        assert_eq!(answer(Method::GET, &[(RANGE, "bytes=-5")]), Answer::Part(95..=99));
        assert_eq!(answer(Method::HEAD, &[(RANGE, "bytes=10-19")]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(RANGE, "bytes=0-1,5-6")]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(RANGE, "bytes=500-600,0-1")]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(RANGE, "lines=1-2")]), Answer::Whole);
        assert_eq!(answer(Method::GET, &[(RANGE, "bytes=100-")]), Answer::Unsatisfiable);
        let stale = [(RANGE, "bytes=0-0"), (IF_RANGE, "\"old\"")];
        assert_eq!(answer(Method::GET, &stale), Answer::Whole);
        let current = [(RANGE, "bytes=0-0"), (IF_RANGE, "\"abc\"")];
        assert_eq!(answer(Method::GET, &current), Answer::Part(0..=0));
        let dated = [(RANGE, "bytes=0-0"), (IF_RANGE, "Tue, 14 Nov 2023 22:13:20 GMT")];
        assert_eq!(answer(Method::GET, &dated), Answer::Part(0..=0));
    }
}
