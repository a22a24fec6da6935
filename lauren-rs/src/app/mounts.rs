//! Services mounted under a path prefix (`.mount("/legacy", axum_router)`), and static
//! directories, which are mounted the same way.

use bytes::Bytes;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use tower::util::BoxCloneSyncService;
use tower_service::Service;

use super::error::{Problem, ProblemCode};
use crate::body::{Body, BoxError, RequestBody};
use crate::error::HttpError;
use crate::pipeline::{OriginalUri, Route};

/// A mounted service, erased: lauren's bodies in and out; its call errors already 500
/// envelopes, so only a failed `poll_ready` is an `Err`.
pub(crate) type Mounted =
    BoxCloneSyncService<http::Request<RequestBody>, http::Response<Body>, BoxError>;

/// What the builder keeps of one `.mount(..)` / `.serve_dir(..)` until startup checks it.
#[derive(Clone)]
pub(crate) struct MountSpec {
    pub(crate) prefix: String,
    pub(crate) target: Target,
}

#[derive(Clone)]
pub(crate) enum Target {
    Service(Mounted),
    #[cfg(feature = "fs")]
    Dir(crate::files::StaticDir),
}

impl std::fmt::Debug for MountSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MountSpec").field("prefix", &self.prefix).finish_non_exhaustive()
    }
}

/// Erases `service`; its errors become 500 envelopes (logged), its bodies lauren's.
pub(crate) fn erase<S, B>(service: S) -> Mounted
where
    S: Service<http::Request<RequestBody>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    BoxCloneSyncService::new(service.map_err(Into::into).map_result(
        |result: Result<http::Response<B>, BoxError>| -> Result<_, BoxError> {
            Ok(match result {
                Ok(response) => response.map(|body| Body::boxed(body.map_err(Into::into))),
                Err(err) => failed(&err),
            })
        },
    ))
}

fn failed(err: &BoxError) -> http::Response<Body> {
    tracing::error!(error = %err, "a mounted service failed");
    HttpError::internal("mounted_service").into_response()
}

pub(crate) struct Mount {
    prefix: Box<str>,
    service: Mounted,
}

impl Mount {
    /// Serves `request`, which [`Mounts::find`] placed under this mount.
    pub(crate) async fn serve(&self, request: http::Request<RequestBody>) -> http::Response<Body> {
        let request = strip_prefix(request, self.prefix.len());
        match self.service.clone().oneshot(request).await {
            Ok(response) => response,
            Err(err) => failed(&err),
        }
    }
}

/// The app's mounts, longest prefix first.
#[derive(Default)]
pub(crate) struct Mounts(Box<[Mount]>);

impl Mounts {
    /// The mount whose prefix the request's path falls under, at a segment boundary: one prefix
    /// check per mount, longest first.
    #[inline(always)]
    pub(crate) fn find(&self, uri: &http::Uri) -> Option<&Mount> {
        // Inline, and the path worked out only past this check (`Uri::path` is a call), so that
        // an app without mounts pays one comparison.
        if self.0.is_empty() {
            return None;
        }
        let path = uri.path();
        self.0.iter().find(|mount| under(path, &mount.prefix))
    }
}

/// `/legacy` and `/legacy/..` are under `/legacy`; `/legacyx` is not.
fn under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The request as the mounted service sees it: its path without the prefix (`/` at least),
/// the query kept, and the full target in [`OriginalUri`].
fn strip_prefix(mut request: http::Request<RequestBody>, len: usize) -> http::Request<RequestBody> {
    let uri = request.uri().clone();
    let rest = &uri.path()[len..];
    let rest = if rest.is_empty() { "/" } else { rest };
    let target = match uri.query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    // A suffix of a valid path and its valid query is a valid origin-form target.
    if let Ok(stripped) = http::Uri::try_from(target) {
        *request.uri_mut() = stripped;
    }
    if request.extensions().get::<OriginalUri>().is_none() {
        request.extensions_mut().insert(OriginalUri(uri));
    }
    request
}

/// Checks the builder's mounts against each other and the routes, resolves static roots, and
/// orders them longest prefix first.
pub(crate) fn freeze(specs: &[MountSpec], routes: &[Route], problems: &mut Vec<Problem>) -> Mounts {
    let mut mounts: Vec<Mount> = Vec::with_capacity(specs.len());
    for spec in specs {
        let Some(prefix) = normalize(&spec.prefix, problems) else { continue };
        if mounts.iter().any(|m| *m.prefix == *prefix) {
            problems.push(Problem::new(
                ProblemCode::RouteConflict,
                format!("two services are mounted at `{prefix}`"),
                prefix.clone(),
            ));
            continue;
        }
        if let Some(route) = routes.iter().find(|r| under(&r.template, &prefix)) {
            problems.push(Problem::new(
                ProblemCode::RouteConflict,
                format!(
                    "route `{} {}` ({}::{}) is under the mount `{prefix}`, which would hide it; \
                     move the route or the mount",
                    route.descriptor.method,
                    route.template,
                    route.controller.type_name,
                    route.descriptor.handler_name
                ),
                prefix.clone(),
            ));
            continue;
        }
        let service = match &spec.target {
            Target::Service(service) => service.clone(),
            #[cfg(feature = "fs")]
            Target::Dir(dir) => {
                let mut dir = dir.clone();
                if let Err(err) = dir.resolve_root() {
                    problems.push(Problem::new(
                        ProblemCode::InvalidOption,
                        format!(
                            "serve_dir(`{prefix}`): `{}` cannot be served: {err}",
                            dir.dir().display()
                        ),
                        prefix.clone(),
                    ));
                    continue;
                }
                erase(dir)
            }
        };
        mounts.push(Mount { prefix: prefix.into_boxed_str(), service });
    }
    mounts.sort_by_key(|mount| std::cmp::Reverse(mount.prefix.len()));
    Mounts(mounts.into_boxed_slice())
}

/// `/legacy/` is `/legacy`; a prefix is a literal path of at least one segment.
fn normalize(prefix: &str, problems: &mut Vec<Problem>) -> Option<String> {
    let trimmed = prefix.trim_end_matches('/');
    let literal = trimmed.starts_with('/')
        && !trimmed.contains(['{', '}', '*', '?', '#', ' '])
        && !trimmed.contains("//");
    if literal {
        return Some(trimmed.to_owned());
    }
    let why = if trimmed.is_empty() && prefix.starts_with('/') {
        "a service cannot be mounted at the root; give it a prefix such as `/legacy`"
    } else {
        "a mount prefix is a literal path like `/legacy`: a leading `/`, no `{}`, `*`, `?`, `#`, spaces or empty segments"
    };
    problems.push(Problem::new(
        ProblemCode::InvalidRoute,
        format!("mount prefix `{prefix}`: {why}"),
        prefix.to_owned(),
    ));
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_matches_whole_segments() {
        assert!(under("/legacy", "/legacy"));
        assert!(under("/legacy/users", "/legacy"));
        assert!(!under("/legacyx", "/legacy"));
        assert!(!under("/leg", "/legacy"));
    }

    #[test]
    fn prefixes_are_literal_paths() {
        let mut problems = Vec::new();
        assert_eq!(normalize("/legacy/", &mut problems).as_deref(), Some("/legacy"));
        assert_eq!(normalize("/a/b", &mut problems).as_deref(), Some("/a/b"));
        for bad in ["/", "", "legacy", "/{id}", "/a//b", "/a?b"] {
            assert_eq!(normalize(bad, &mut problems), None, "{bad}");
        }
        assert_eq!(problems.len(), 6);
        assert!(problems[0].message().contains("root"), "{}", problems[0].message());
    }

    #[test]
    fn the_stripped_request_keeps_its_query_and_the_original_target() {
        let request = http::Request::builder()
            .uri("/legacy/users?page=2")
            .body(RequestBody::empty())
            .expect("request");
        let stripped = strip_prefix(request, "/legacy".len());
        assert_eq!(stripped.uri(), "/users?page=2");
        let original = stripped.extensions().get::<OriginalUri>().expect("original uri");
        assert_eq!(original.0, "/legacy/users?page=2");
        let bare =
            http::Request::builder().uri("/legacy").body(RequestBody::empty()).expect("request");
        assert_eq!(strip_prefix(bare, "/legacy".len()).uri(), "/");
    }
}
