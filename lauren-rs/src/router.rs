//! Path matching: `matchit` finds the path, a small per-path table finds the method.
//!
//! 405 answers and their `Allow` header are rendered from data computed at startup.

use http::Method;
use http::header::HeaderValue;
use smallvec::SmallVec;

use crate::app::error::{Problem, ProblemCode};

/// The methods served at one path template, and the `Allow` answer for the others.
pub(crate) struct PathEntry {
    methods: SmallVec<[(Method, usize); 4]>,
    allow_header: HeaderValue,
    allow_list: Box<[&'static str]>,
    /// Handler names for conflict messages.
    handlers: Vec<String>,
    template: Box<str>,
}

impl PathEntry {
    pub(crate) fn allow_header(&self) -> &HeaderValue {
        &self.allow_header
    }

    pub(crate) fn allow_list(&self) -> &[&'static str] {
        &self.allow_list
    }
}

/// The outcome of a lookup.
pub(crate) enum Lookup<'a, 'p> {
    /// A route serves this method and path.
    Found { route: usize, params: matchit::Params<'a, 'p> },
    /// The path exists, the method does not.
    MethodNotAllowed(&'a PathEntry),
    /// Nothing matches the path.
    NotFound,
}

/// The frozen router.
pub(crate) struct Router {
    tree: matchit::Router<usize>,
    paths: Vec<PathEntry>,
}

/// One route as the router sees it while it is being built.
pub(crate) struct RouteSpec<'a> {
    pub(crate) method: &'a Method,
    pub(crate) template: &'a str,
    /// `Controller::handler`, for messages.
    pub(crate) handler: &'a str,
}

impl Router {
    /// Builds the router from routes in registration order; `route` indices are positions in
    /// `specs`. Every problem is reported, not only the first.
    pub(crate) fn build(specs: &[RouteSpec<'_>]) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut paths: Vec<PathEntry> = Vec::new();
        let mut tree = matchit::Router::new();

        for (index, spec) in specs.iter().enumerate() {
            let existing = paths.iter().position(|p| *p.template == *spec.template);
            let entry = match existing {
                Some(i) => i,
                None => {
                    if let Err(err) = tree.insert(spec.template, paths.len()) {
                        problems.push(insert_problem(spec, &err, &paths));
                        continue;
                    }
                    paths.push(PathEntry {
                        methods: SmallVec::new(),
                        allow_header: HeaderValue::from_static(""),
                        allow_list: Box::new([]),
                        handlers: Vec::new(),
                        template: spec.template.into(),
                    });
                    paths.len() - 1
                }
            };
            let path = &mut paths[entry];
            if let Some(at) = path.methods.iter().position(|(m, _)| m == spec.method) {
                problems.push(Problem::new(
                    ProblemCode::RouteConflict,
                    format!(
                        "route conflict: {} {} is served by both {} and {}",
                        spec.method, spec.template, path.handlers[at], spec.handler
                    ),
                    spec.handler,
                ));
                continue;
            }
            path.methods.push((spec.method.clone(), index));
            path.handlers.push(spec.handler.to_owned());
        }

        problems.extend(parameter_name_conflicts(&paths));

        // RFC 9110 asks a general-purpose server to answer HEAD wherever it answers GET: a GET
        // route serves HEAD too (the body is dropped when the response is sent) unless a HEAD
        // route of its own exists.
        for path in &mut paths {
            let get = path.methods.iter().find(|(m, _)| *m == Method::GET).map(|&(_, r)| r);
            if let Some(route) = get {
                if !path.methods.iter().any(|(m, _)| *m == Method::HEAD) {
                    path.methods.push((Method::HEAD, route));
                }
            }
        }

        // The same path as other clients spell it (`/café` raw from curl, `/caf%C3%A9` from a
        // browser, `/caf%c3%a9` from curl when it encodes): every spelling serves the route,
        // unless a route of its own claims it. Looked up like any path: no cost per request.
        for (entry, path) in paths.iter().enumerate() {
            for twin in spelling_twins(&path.template) {
                let _ = tree.insert(twin, entry);
            }
        }

        // `{*rest}` may match nothing: serve `/files` through `/files/{*rest}` unless a route
        // of its own claims that path (static beats wildcard).
        for (entry, path) in paths.iter().enumerate() {
            if let Some(twin) = empty_tail_twin(&path.template) {
                if tree.at(twin).is_err() {
                    let _ = tree.insert(twin, entry);
                }
            }
        }

        for path in &mut paths {
            let mut names: Vec<&'static str> =
                path.methods.iter().map(|(m, _)| method_name(m)).collect();
            names.sort_unstable();
            names.dedup();
            path.allow_header = HeaderValue::from_str(&names.join(", "))
                .unwrap_or_else(|_| HeaderValue::from_static(""));
            path.allow_list = names.into_boxed_slice();
        }

        if problems.is_empty() { Ok(Self { tree, paths }) } else { Err(problems) }
    }

    /// Finds what serves `method` at `path` (already normalised).
    pub(crate) fn at<'a, 'p>(&'a self, method: &Method, path: &'p str) -> Lookup<'a, 'p> {
        let Ok(matched) = self.tree.at(path) else {
            return Lookup::NotFound;
        };
        let entry = &self.paths[*matched.value];
        match entry.methods.iter().find(|(m, _)| m == method) {
            Some(&(_, route)) => Lookup::Found { route, params: matched.params },
            None => Lookup::MethodNotAllowed(entry),
        }
    }
}

/// Two templates that are equal up to a parameter position where they name the parameter
/// differently (`/x/{id}` and `/x/{name}/more`): matchit accepts them, but which name a request
/// gets would depend on which template it matches, so this is a startup error naming both.
fn parameter_name_conflicts(paths: &[PathEntry]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let segments: Vec<Vec<&str>> =
        paths.iter().map(|p| p.template.split('/').filter(|s| !s.is_empty()).collect()).collect();
    for (j, later) in segments.iter().enumerate() {
        for (i, earlier) in segments[..j].iter().enumerate() {
            let clash = earlier.iter().zip(later).find_map(|(a, b)| {
                if a == b {
                    return None;
                }
                // The first difference decides: two variables named differently clash.
                Some(
                    (is_variable(a)
                        && is_variable(b)
                        && a.starts_with("{*") == b.starts_with("{*"))
                    .then_some((*a, *b)),
                )
            });
            if let Some(Some((a, b))) = clash {
                let (first, second) = (&paths[i], &paths[j]);
                problems.push(Problem::new(
                    ProblemCode::RouteConflict,
                    format!(
                        "route conflict: {} ({}) and {} ({}) name the same path segment differently ({a} and {b}): use one parameter name at that position",
                        first.template,
                        first.handlers.join(", "),
                        second.template,
                        second.handlers.join(", ")
                    ),
                    second.handlers.first().map(String::as_str).unwrap_or_default(),
                ));
            }
        }
    }
    problems
}

/// A whole segment that is one variable, `{id}` or `{*rest}`.
pub(crate) fn is_variable(segment: &str) -> bool {
    segment.starts_with('{') && !segment.starts_with("{{") && segment.ends_with('}')
}

/// The method's name with a `'static` lifetime (extension methods are never routed).
fn method_name(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "EXTENSION",
    }
}

fn insert_problem(
    spec: &RouteSpec<'_>,
    err: &matchit::InsertError,
    paths: &[PathEntry],
) -> Problem {
    let (code, message) = match err {
        matchit::InsertError::Conflict { with } => {
            let other = paths
                .iter()
                .find(|p| *p.template == **with)
                .map(|p| p.handlers.join(", "))
                .unwrap_or_default();
            let message = format!(
                "route conflict: {} {} ({}) conflicts with {with} ({other}): two routes may not \
                 use different parameter names at the same position",
                spec.method, spec.template, spec.handler
            );
            (ProblemCode::RouteConflict, message)
        }
        matchit::InsertError::InvalidCatchAll => (
            ProblemCode::InvalidRoute,
            format!(
                "invalid route {} {} ({}): a `{{*wildcard}}` must be the last segment",
                spec.method, spec.template, spec.handler
            ),
        ),
        other => (
            ProblemCode::InvalidRoute,
            format!("invalid route {} {} ({}): {other}", spec.method, spec.template, spec.handler),
        ),
    };
    Problem::new(code, message, spec.handler)
}

/// The ASCII a browser percent-encodes in a path (besides what no template holds: space,
/// controls, `?`, `#` and braces).
const BROWSER_ENCODES: &[u8] = b"\"<>`";
/// What strict encoders (RFC 3986 `pchar`) encode besides.
const STRICT_ENCODES: &[u8] = b"|[]^\\";

/// The other spellings of `template`'s literal text that clients send: raw (its `%XX` decoded
/// where that gives text a path may hold as is), and percent-encoded as a browser encodes a
/// path (non-ASCII and `"<>` `` ` ``) and as strict encoders do (also `|[]^\`), in upper and
/// lower case hex. Empty when the template has nothing to spell otherwise, which is the case
/// for nearly every route; placeholders are kept as they are.
pub(crate) fn spelling_twins(template: &str) -> Vec<String> {
    let Some(raw) = decoded(template) else { return Vec::new() };
    let browser = |b: u8| !b.is_ascii() || BROWSER_ENCODES.contains(&b);
    let strict = |b: u8| browser(b) || STRICT_ENCODES.contains(&b);
    let mut twins: Vec<String> = Vec::new();
    let spellings = [
        raw.clone(),
        encoded(&raw, browser, true),
        encoded(&raw, browser, false),
        encoded(&raw, strict, true),
        encoded(&raw, strict, false),
    ];
    for spelling in spellings {
        if spelling != template && !twins.contains(&spelling) {
            twins.push(spelling);
        }
    }
    twins
}

/// `template` with its literal `%XX` decoded, when the result is UTF-8 and nothing decoded is a
/// character with a meaning in a path or a template (`/`, `%`, `?`, `#`, braces, space,
/// controls); `None` when that fails or the template has nothing to spell otherwise.
fn decoded(template: &str) -> Option<String> {
    let bytes = template.as_bytes();
    let special = |b: u8| {
        !b.is_ascii() || b == b'%' || BROWSER_ENCODES.contains(&b) || STRICT_ENCODES.contains(&b)
    };
    if !bytes.iter().any(|&b| special(b)) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) if b > b' ' && b != 0x7f && !b"/%?#{}".contains(&b) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// `raw` with the bytes `encode` picks written as `%XX`, outside placeholders.
fn encoded(raw: &str, encode: impl Fn(u8) -> bool, upper: bool) -> String {
    let mut out = String::with_capacity(raw.len() * 2);
    let mut depth = 0usize;
    for &b in raw.as_bytes() {
        match b {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0 && encode(b) {
            if upper {
                out.push_str(&format!("%{b:02X}"));
            } else {
                out.push_str(&format!("%{b:02x}"));
            }
        } else {
            // ASCII: both choices encode every non-ASCII byte outside placeholders, and a
            // placeholder's name is an identifier.
            out.push(char::from(b));
        }
    }
    out
}

/// `/files/{*rest}` -> `/files`; `/{*all}` -> `/`.
fn empty_tail_twin(template: &str) -> Option<&str> {
    let (head, last) = template.rsplit_once('/')?;
    (last.starts_with("{*") && last.ends_with('}')).then_some(if head.is_empty() {
        "/"
    } else {
        head
    })
}

/// Strips trailing slashes so `/p/plain/` routes like `/p/plain`; the root stays `/`.
pub(crate) fn normalize_request_path(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() { "/" } else { trimmed }
}

/// Joins route path pieces into one normalised template: one leading slash, no empty segments,
/// no trailing slash.
pub(crate) fn join_template(parts: &[&str]) -> String {
    let mut out = String::new();
    for segment in parts.iter().flat_map(|p| p.split('/')).filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(segment);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The variable names of a template, in order: `/a/{id}/{*rest}` -> `["id", "rest"]`.
pub(crate) fn template_params(template: &str) -> Vec<Box<str>> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if rest[open..].starts_with("{{") {
            rest = &rest[open + 2..];
            continue;
        }
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = rest[open + 1..open + close].trim_start_matches('*');
        names.push(name.into());
        rest = &rest[open + close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_whole_segment_in_single_braces_is_a_variable() {
        assert!(is_variable("{id}") && is_variable("{*rest}"));
        // A variable with a literal suffix, an escaped brace, a literal.
        for segment in ["{id}.json", "{{id}}", "{{literal", "id}", "plain"] {
            assert!(!is_variable(segment), "{segment}");
        }
    }

    #[test]
    fn templates_join_and_normalise() {
        let cases = [
            (&["/p", "/plain/"][..], "/p/plain"),
            (&["/orders", ""][..], "/orders"),
            (&["", ""][..], "/"),
            (&["orders/", "/{id}"][..], "/orders/{id}"),
            (&["//a//", "b"][..], "/a/b"),
        ];
        for (parts, expected) in cases {
            assert_eq!(join_template(parts), expected, "{parts:?}");
        }
    }

    #[test]
    fn request_paths_lose_trailing_slashes() {
        assert_eq!(normalize_request_path("/p/plain/"), "/p/plain");
        assert_eq!(normalize_request_path("/"), "/");
        assert_eq!(normalize_request_path("//"), "/");
    }

    #[test]
    fn template_params_in_order() {
        let names = template_params("/a/{id}/b/{*rest}");
        assert_eq!(names.iter().map(|n| &**n).collect::<Vec<_>>(), ["id", "rest"]);
    }

    #[test]
    fn wildcard_not_last_is_a_startup_problem_naming_the_route() {
        let get = Method::GET;
        let specs =
            [RouteSpec { method: &get, template: "/a/{*rest}/b", handler: "Files::nested" }];
        let problems = Router::build(&specs).err().expect("invalid route");
        assert_eq!(problems[0].code(), ProblemCode::InvalidRoute);
        assert_eq!(
            problems[0].message(),
            "invalid route GET /a/{*rest}/b (Files::nested): a `{*wildcard}` must be the last segment"
        );
    }

    #[test]
    fn different_parameter_names_at_one_position_conflict() {
        let get = Method::GET;
        let specs = [
            RouteSpec { method: &get, template: "/x/{id}", handler: "X::one" },
            RouteSpec { method: &get, template: "/x/{name}/more", handler: "X::more" },
            RouteSpec { method: &get, template: "/x/{id}/other", handler: "X::other" },
            RouteSpec { method: &get, template: "/y/{id}", handler: "Y::one" },
            RouteSpec { method: &get, template: "/y/static", handler: "Y::fixed" },
        ];
        let problems = Router::build(&specs).err().expect("conflicting names");
        let messages: Vec<&str> = problems.iter().map(|p| p.message()).collect();
        assert_eq!(
            messages,
            [
                "route conflict: /x/{id} (X::one) and /x/{name}/more (X::more) name the same path segment differently ({id} and {name}): use one parameter name at that position",
                "route conflict: /x/{name}/more (X::more) and /x/{id}/other (X::other) name the same path segment differently ({name} and {id}): use one parameter name at that position",
            ]
        );
        assert!(problems.iter().all(|p| p.code() == ProblemCode::RouteConflict));
    }

    #[test]
    fn get_routes_answer_head_and_allow_lists_it() {
        let (get, head, post) = (Method::GET, Method::HEAD, Method::POST);
        let specs = [
            RouteSpec { method: &get, template: "/a", handler: "A::get" },
            RouteSpec { method: &post, template: "/a", handler: "A::post" },
            RouteSpec { method: &get, template: "/b", handler: "B::get" },
            RouteSpec { method: &head, template: "/b", handler: "B::head" },
        ];
        let Ok(router) = Router::build(&specs) else { panic!("the routes are valid") };
        assert!(matches!(router.at(&head, "/a"), Lookup::Found { route: 0, .. }));
        assert!(matches!(router.at(&head, "/b"), Lookup::Found { route: 3, .. }));
        let Lookup::MethodNotAllowed(entry) = router.at(&Method::DELETE, "/a") else {
            panic!("DELETE /a is not served");
        };
        assert_eq!(entry.allow_header(), "GET, HEAD, POST");
    }

    #[test]
    fn spelling_twins_cover_raw_and_both_hex_cases() {
        let twins = spelling_twins("/café/{id}");
        for expected in ["/caf%C3%A9/{id}", "/caf%c3%a9/{id}"] {
            assert!(twins.iter().any(|t| t == expected), "{expected} in {twins:?}");
        }
        let twins = spelling_twins("/caf%C3%A9");
        for expected in ["/café", "/caf%c3%a9"] {
            assert!(twins.iter().any(|t| t == expected), "{expected} in {twins:?}");
        }
        // Browsers keep `|` as is; strict encoders do not.
        assert!(spelling_twins("/a|b").iter().any(|t| t == "/a%7Cb"));
        // Nothing to spell otherwise, and what must stay encoded stays.
        assert!(spelling_twins("/orders/{id}/lines").is_empty());
        assert!(spelling_twins("/a%2Fb").is_empty());
        assert!(!spelling_twins("/a%20b%C3%A9").iter().any(|t| t.contains(' ')));
    }

    #[test]
    fn wildcard_twins() {
        assert_eq!(empty_tail_twin("/files/{*rest}"), Some("/files"));
        assert_eq!(empty_tail_twin("/{*all}"), Some("/"));
        assert_eq!(empty_tail_twin("/files/{id}"), None);
    }
}
