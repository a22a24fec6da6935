//! `StaticDir`: a directory served under a prefix, and nothing outside it.

use std::convert::Infallible;
use std::future::Future;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::HeaderValue;
use http::{Method, StatusCode};

use super::File;
use crate::body::{Body, RequestBody};
use crate::error::HttpError;
use crate::reply::IntoReply;

/// A directory of files served as they are, usually through
/// [`AppBuilder::serve_dir`](crate::AppBuilder::serve_dir).
///
/// `GET` and `HEAD` only. A path names a file under the root or a directory with an
/// `index.html`; anything else is a 404 envelope: a missing file, a segment that starts with
/// a dot (dotfiles, `..`, also percent-encoded), a backslash or NUL, and a symlink that
/// resolves outside the root. Files are answered like a [`File`] reply (ETag, 304, ranges).
///
/// ```no_run
/// use std::time::Duration;
/// use lauren::files::StaticDir;
/// # use lauren::prelude::*;
/// # #[module(controllers = [])] struct AppModule;
///
/// let app = LaurenFactory::create(AppModule)
///     .serve_dir("/assets", StaticDir::new("./public").max_age(Duration::from_secs(3600)));
/// ```
#[derive(Clone, Debug)]
pub struct StaticDir {
    inner: Arc<Inner>,
}

#[derive(Clone, Debug)]
struct Inner {
    configured: PathBuf,
    /// The root as the file system resolves it (symlinks followed): what every resolved path
    /// must stay under. Resolved when made, again at startup; `None` while it does not exist.
    root: Option<PathBuf>,
    index: Option<String>,
    cache_control: HeaderValue,
}

impl StaticDir {
    /// Serves `dir` (relative paths are relative to the working directory at startup).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self {
            inner: Arc::new(Inner {
                root: std::fs::canonicalize(&dir).ok(),
                configured: dir,
                index: Some("index.html".to_owned()),
                cache_control: HeaderValue::from_static("no-cache"),
            }),
        }
    }

    /// `Cache-Control: public, max-age=..` on files (default `no-cache`: clients keep the
    /// file and revalidate it with its `ETag`).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        let value = format!("public, max-age={}", max_age.as_secs());
        self.inner_mut().cache_control =
            HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("no-cache"));
        self
    }

    /// The file served for a directory (default `index.html`); `None` answers 404 for
    /// directories.
    pub fn index(mut self, file: Option<&str>) -> Self {
        self.inner_mut().index = file.map(str::to_owned);
        self
    }

    /// The directory as configured.
    pub fn dir(&self) -> &Path {
        &self.inner.configured
    }

    fn inner_mut(&mut self) -> &mut Inner {
        Arc::make_mut(&mut self.inner)
    }

    /// Resolves the root once, at startup: a missing or unreadable directory fails the build.
    pub(crate) fn resolve_root(&mut self) -> std::io::Result<()> {
        let root = std::fs::canonicalize(&self.inner.configured)?;
        if !root.is_dir() {
            return Err(std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory"));
        }
        self.inner_mut().root = Some(root);
        Ok(())
    }

    async fn serve(self, request: http::Request<RequestBody>) -> http::Response<Body> {
        let (head, _body) = request.into_parts();
        if head.method != Method::GET && head.method != Method::HEAD {
            return HttpError::method_not_allowed(
                format!("{} not allowed for static files", head.method),
                HeaderValue::from_static("GET, HEAD"),
            )
            .into_response();
        }
        let Some(relative) = relative_path(head.uri.path()) else {
            return not_found();
        };
        let inner = Arc::clone(&self.inner);
        let resolved = tokio::task::spawn_blocking(move || inner.resolve(&relative)).await;
        // As the client sent it: a mount turns `/static` into `/`.
        let slash = sent_uri(&head).path().ends_with('/');
        let path = match resolved {
            Ok(Some(Found::File(path))) if !slash => path,
            // `/static` shows `/static/`: its page's relative links must resolve below it.
            Ok(Some(Found::Index(_))) if !slash => return to_directory(&head),
            Ok(Some(Found::Index(path))) => path,
            // A file is not a directory: `/static/page.html/` is not found.
            _ => return not_found(),
        };
        match File::open(&path).await {
            Ok(file) => {
                let mut file = file.cache_control(self.inner.cache_control.clone());
                file.prepare(&head);
                file.into_response()
            }
            Err(err) => err.into_response(),
        }
    }
}

/// The target the client sent, before a mount stripped its prefix.
fn sent_uri(head: &crate::pipeline::RequestHead) -> &http::Uri {
    head.extensions.get::<crate::OriginalUri>().map_or(&head.uri, |original| &original.0)
}

/// What a request path resolves to.
enum Found {
    File(PathBuf),
    /// The index file of the directory the path names.
    Index(PathBuf),
}

/// `308` to the directory's own path (with its slash), as the client sent it (before a mount
/// stripped its prefix).
fn to_directory(head: &crate::pipeline::RequestHead) -> http::Response<Body> {
    let uri = sent_uri(head);
    let location = match uri.query() {
        Some(query) => format!("{}/?{query}", uri.path()),
        None => format!("{}/", uri.path()),
    };
    let mut response = http::Response::new(Body::default());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(http::header::LOCATION, location);
    }
    response
}

impl Inner {
    /// The file to serve for `relative`: inside the root once symlinks are resolved, with no
    /// dot-segment on the way, a directory's index in place of the directory.
    fn resolve(&self, relative: &Path) -> Option<Found> {
        // Only a `StaticDir` used as a service on its own, made before its directory existed,
        // resolves its root here; `serve_dir` checked it at startup.
        let late;
        let root = match &self.root {
            Some(root) => root,
            None => {
                late = std::fs::canonicalize(&self.configured).ok()?;
                &late
            }
        };
        let mut path = std::fs::canonicalize(root.join(relative)).ok()?;
        let directory = path.is_dir();
        if directory {
            path = std::fs::canonicalize(path.join(self.index.as_deref()?)).ok()?;
        }
        let inside = path.strip_prefix(root).ok()?;
        // A symlink inside the root may still lead to a dotfile inside it.
        let hidden = inside.components().any(|part| match part {
            Component::Normal(name) => name.as_encoded_bytes().first() == Some(&b'.'),
            _ => true,
        });
        if hidden || !path.is_file() {
            return None;
        }
        Some(if directory { Found::Index(path) } else { Found::File(path) })
    }
}

/// The request path (prefix already stripped), percent-decoded segment by segment, or `None`
/// when a segment could step out or reveal a hidden file.
fn relative_path(path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8().ok()?;
        let unsafe_segment = decoded.starts_with('.')
            || decoded.contains(['/', '\\', '\0'])
            || (cfg!(windows) && decoded.contains(':'));
        if unsafe_segment {
            return None;
        }
        relative.push(&*decoded);
    }
    Some(relative)
}

fn not_found() -> http::Response<Body> {
    HttpError::not_found("no such file").into_response()
}

impl tower_service::Service<http::Request<RequestBody>> for StaticDir {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<http::Response<Body>, Infallible>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> Self::Future {
        let this = self.clone();
        Box::pin(async move { Ok(this.serve(request).await) })
    }
}

macro_rules! from_path {
    ($($ty:ty),*) => {$(
        impl From<$ty> for StaticDir {
            fn from(dir: $ty) -> Self {
                Self::new(dir)
            }
        }
    )*};
}
from_path!(&str, String, &Path, PathBuf);

#[cfg(test)]
mod tests {
    use super::relative_path;

    #[test]
    fn dot_segments_and_separators_are_refused_even_encoded() {
        for path in [
            "/..",
            "/a/../b",
            "/%2e%2e/x",
            "/%2E%2e",
            "/.env",
            "/a/.git/config",
            "/a%2fb",
            "/a%5cb",
            "/a%00",
            "/%ff",
        ] {
            assert_eq!(relative_path(path), None, "{path}");
        }
        assert_eq!(relative_path("/css/site.css"), Some("css/site.css".into()));
        assert_eq!(relative_path("/a%20b.txt"), Some("a b.txt".into()));
        assert_eq!(relative_path("/"), Some("".into()));
    }
}
