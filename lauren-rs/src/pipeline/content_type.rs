//! The content-type gate of JSON and form body routes (Lauren's strict content-type policy).

use http::StatusCode;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};

use super::{RequestHead, Route};
use crate::app::AppInner;
use crate::app::options::ContentTypePolicy;
use crate::error::HttpError;
use crate::extract::BodyKind;

const JSON: [&str; 2] = ["application/json", "application/*+json"];
const FORM: [&str; 1] = ["application/x-www-form-urlencoded"];
/// A JSON route with `XmlParse` on it.
const JSON_OR_XML: [&str; 4] =
    ["application/json", "application/*+json", "application/xml", "text/xml"];

/// The content-type gate, before the context is built, of a route that does not run the full
/// pipeline; on one that does (guards, pre-interceptors, exception handlers, per-request
/// interceptors), `run_full` checks it after the guards.
#[inline(always)]
pub(crate) fn gate_direct(
    app: &AppInner,
    route: &Route,
    head: &RequestHead,
) -> Result<(), HttpError> {
    if route.full_pipeline { Ok(()) } else { gate(app, route, head) }
}

/// The content-type gate of a body route: `Err(415)` under the strict policy, a warning under
/// `Warn`.
#[inline(always)]
pub(crate) fn gate(app: &AppInner, route: &Route, head: &RequestHead) -> Result<(), HttpError> {
    let Some(kind) = route.body_gate else { return Ok(()) };
    match require(kind, head, &route.template, false) {
        // Only on the error path: routes without `XmlParse` pay nothing for it.
        Err(_) if kind == BodyKind::Json && route.xml_body && is_xml(head) => Ok(()),
        Err(err) if app.options.content_type == ContentTypePolicy::Warn => {
            tracing::warn!(route = %route.template, "{}", err.message());
            Ok(())
        }
        // Refused: say that XML would have done too.
        Err(_) if kind == BodyKind::Json && route.xml_body => {
            require(kind, head, &route.template, true)
        }
        other => other,
    }
}

/// `Err(415)` unless the request's body, if it announces one, has the media type `kind` reads.
/// Raw bodies (`Bytes`, `RawBody`) take any content type.
/// `xml_too`: a JSON route with `XmlParse` on it, which reads XML bodies as well.
fn require(
    kind: BodyKind,
    head: &RequestHead,
    template: &str,
    xml_too: bool,
) -> Result<(), HttpError> {
    let (noun, supported, accepts): (&str, &[&str], fn(&str) -> bool) = match kind {
        BodyKind::Json if xml_too => ("a JSON or XML body", &JSON_OR_XML, |media| {
            is_json_media(media) || is_xml_media(media)
        }),
        BodyKind::Json => ("a JSON body", &JSON, is_json_media),
        BodyKind::Form => ("a form body", &FORM, is_form_media),
        BodyKind::Bytes | BodyKind::Text => return Ok(()),
    };
    let Some(problem) = problem(head, accepts) else {
        return Ok(());
    };
    let received = head.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    Err(HttpError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "{} {template} expects {noun} ({}), got {problem}",
            head.method,
            if xml_too { "application/json or application/xml" } else { supported[0] }
        ),
    )
    .with_detail("content_type", received)
    .with_detail("supported", supported)
    .with_source(crate::error::kinds::UnsupportedMediaType))
}

/// Why this request may not feed the body, or `None` when it may.
///
/// A missing content-type is only a problem when a body is announced; an empty body then fails
/// in the extractor instead (e.g. "missing JSON body").
fn problem(head: &RequestHead, accepts: fn(&str) -> bool) -> Option<String> {
    let raw = head.headers.get(CONTENT_TYPE).map(|v| v.to_str().unwrap_or("(not ASCII)").trim());
    let Some(raw) = raw.filter(|raw| !raw.is_empty()) else {
        let announced = head.headers.contains_key(TRANSFER_ENCODING)
            || head.headers.get(CONTENT_LENGTH).is_some_and(|len| {
                len.to_str().ok().and_then(|len| len.trim().parse::<u64>().ok()) != Some(0)
            });
        return announced.then(|| "no Content-Type".to_owned());
    };
    let mut parts = raw.split(';');
    let media = parts.next().unwrap_or("").trim();
    if !accepts(media) {
        return Some(media.to_ascii_lowercase());
    }
    for param in parts {
        let (name, value) = param.split_once('=').unwrap_or((param, ""));
        let charset = value.trim().trim_matches('"');
        let utf8 = charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8");
        if name.trim().eq_ignore_ascii_case("charset") && !utf8 {
            return Some(format!(
                "{}; charset={}",
                media.to_ascii_lowercase(),
                charset.to_ascii_lowercase()
            ));
        }
    }
    None
}

/// `application/xml` or `text/xml` (any parameters), for routes that turn XML into JSON.
pub(crate) fn is_xml(head: &RequestHead) -> bool {
    let Some(raw) = head.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    is_xml_media(raw.split(';').next().unwrap_or("").trim())
}

fn is_xml_media(media: &str) -> bool {
    media.eq_ignore_ascii_case("application/xml") || media.eq_ignore_ascii_case("text/xml")
}

fn is_form_media(media: &str) -> bool {
    media.eq_ignore_ascii_case(FORM[0])
}

/// `application/json` or `application/<anything>+json`, in any letter case.
fn is_json_media(media: &str) -> bool {
    const PREFIX: &str = "application/";
    const SUFFIX: &str = "+json";
    media.eq_ignore_ascii_case("application/json")
        || (media.len() > PREFIX.len() + SUFFIX.len()
            && media.get(..PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(PREFIX))
            && media
                .get(media.len() - SUFFIX.len()..)
                .is_some_and(|s| s.eq_ignore_ascii_case(SUFFIX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(headers: &[(&str, &str)]) -> RequestHead {
        let mut builder = http::Request::post("/x");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).map(|r| r.into_parts().0).expect("valid test request")
    }

    fn problem_json(head: &RequestHead) -> Option<String> {
        problem(head, is_json_media)
    }

    #[test]
    fn json_media_types_pass() {
        for ct in
            ["application/json", "Application/JSON; charset=UTF-8", "application/problem+json"]
        {
            assert_eq!(problem_json(&head(&[("content-type", ct)])), None, "{ct}");
        }
    }

    #[test]
    fn other_media_types_are_named() {
        assert_eq!(
            problem_json(&head(&[("content-type", "text/plain")])).as_deref(),
            Some("text/plain")
        );
        assert_eq!(
            problem_json(&head(&[("content-type", "application/json; charset=latin-1")]))
                .as_deref(),
            Some("application/json; charset=latin-1")
        );
    }

    #[test]
    fn missing_content_type_matters_only_with_a_body() {
        assert_eq!(problem_json(&head(&[])), None);
        assert_eq!(problem_json(&head(&[("content-length", "0")])), None);
        assert_eq!(
            problem_json(&head(&[("content-length", "5")])).as_deref(),
            Some("no Content-Type")
        );
    }
}
