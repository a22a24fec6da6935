//! `File`: a file on disk as a reply.

use std::io::{Seek as _, SeekFrom};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_RANGE, CONTENT_TYPE, ETAG,
    LAST_MODIFIED,
};
use http::{HeaderValue, StatusCode};

use super::body::FileBody;
use super::preconditions::{Answer, Preconditions, Validators};
use crate::body::Body;
use crate::error::HttpError;
use crate::pipeline::RequestHead;
use crate::reply::IntoReply;

/// A file streamed from disk: the content type comes from its extension, with `ETag`,
/// `Last-Modified` and `Accept-Ranges` set. Returned from a handler (directly or in a
/// `Result`), it answers the request's conditional headers (`If-None-Match`,
/// `If-Modified-Since`: 304; `If-Match`, `If-Unmodified-Since`: 412) and a single `Range`
/// (206, or 416 outside the file; `If-Range` honoured).
///
/// ```no_run
/// use lauren::files::File;
/// use lauren::{HeaderValue, HttpError};
///
/// async fn handler() -> Result<File, HttpError> {
///     // 404 when there is no such file; the client never sees the path.
///     let file = File::open("exports/orders.csv").await?;
///     Ok(file.attachment("orders.csv").cache_control(HeaderValue::from_static("private, max-age=60")))
/// }
/// ```
pub struct File {
    file: std::fs::File,
    len: u64,
    modified: Option<SystemTime>,
    etag: HeaderValue,
    content_type: HeaderValue,
    cache_control: Option<HeaderValue>,
    disposition: Option<HeaderValue>,
    preconditions: Option<Box<Preconditions>>,
}

impl File {
    /// Opens `path` for reading. A missing file (or a directory) is a 404 `not_found`, an
    /// unreadable one a 403 `forbidden`; the path is logged at DEBUG, never sent.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, HttpError> {
        let path = path.as_ref().to_owned();
        let opened = tokio::task::spawn_blocking(move || {
            let file = std::fs::File::open(&path)?;
            let metadata = file.metadata()?;
            Ok::<_, std::io::Error>((path, file, metadata))
        })
        .await
        .map_err(|err| HttpError::internal("file").with_source(err))?;
        let (path, file, metadata) = opened.map_err(open_error)?;
        if !metadata.is_file() {
            tracing::debug!(path = %path.display(), "not a regular file");
            return Err(HttpError::not_found("no such file"));
        }
        let modified = metadata.modified().ok();
        let content_type = mime_guess::from_path(&path)
            .first_raw()
            .map_or(crate::reply::octet_stream(), text_utf8);
        Ok(Self {
            file,
            len: metadata.len(),
            modified,
            etag: etag(metadata.len(), modified),
            content_type,
            cache_control: None,
            disposition: None,
            preconditions: None,
        })
    }

    /// Replaces the content type guessed from the extension.
    pub fn content_type(mut self, content_type: HeaderValue) -> Self {
        self.content_type = content_type;
        self
    }

    /// Sets `Cache-Control` (none by default: clients revalidate with the `ETag`).
    pub fn cache_control(mut self, value: HeaderValue) -> Self {
        self.cache_control = Some(value);
        self
    }

    /// Asks the browser to download the file as `filename` (`Content-Disposition: attachment`,
    /// with an RFC 5987 `filename*` for names that are not plain ASCII).
    pub fn attachment(mut self, filename: &str) -> Self {
        let plain: String = filename
            .chars()
            .map(
                |c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' },
            )
            .collect();
        let encoded =
            percent_encoding::utf8_percent_encode(filename, percent_encoding::NON_ALPHANUMERIC);
        let value = format!("attachment; filename=\"{plain}\"; filename*=UTF-8''{encoded}");
        self.disposition = HeaderValue::from_str(&value).ok();
        self
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn respond(mut self) -> Result<http::Response<Body>, HttpError> {
        let answer = match &self.preconditions {
            Some(preconditions) => preconditions.answer(&Validators {
                etag: self.etag.to_str().unwrap_or_default(),
                modified: self.modified,
                len: self.len,
            }),
            None => Answer::Whole,
        };
        let mut response = http::Response::new(Body::default());
        let (status, body) = match answer {
            Answer::Whole => (StatusCode::OK, Some((0, self.len))),
            Answer::Part(range) => {
                let (start, end) = range.into_inner();
                let value = format!("bytes {start}-{end}/{}", self.len);
                response.headers_mut().insert(CONTENT_RANGE, header(&value));
                (StatusCode::PARTIAL_CONTENT, Some((start, end - start + 1)))
            }
            Answer::NotModified => (StatusCode::NOT_MODIFIED, None),
            Answer::PreconditionFailed => {
                return Err(HttpError::new(
                    StatusCode::PRECONDITION_FAILED,
                    "precondition_failed",
                    "the file does not meet the request's preconditions",
                ));
            }
            Answer::Unsatisfiable => {
                return Err(HttpError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "range_not_satisfiable",
                    format!("the requested range is outside the file ({} bytes)", self.len),
                )
                .with_header(CONTENT_RANGE, header(&format!("bytes */{}", self.len))));
            }
        };
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.insert(ETAG, self.etag);
        if let Some(modified) = self.modified {
            headers.insert(LAST_MODIFIED, header(&httpdate::fmt_http_date(modified)));
        }
        if let Some(cache_control) = self.cache_control {
            headers.insert(CACHE_CONTROL, cache_control);
        }
        if let Some((start, len)) = body {
            headers.insert(CONTENT_TYPE, self.content_type);
            headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            if let Some(disposition) = self.disposition {
                headers.insert(CONTENT_DISPOSITION, disposition);
            }
            if start > 0 {
                // A seek on a local file does not block: it moves an offset.
                self.file
                    .seek(SeekFrom::Start(start))
                    .map_err(|err| HttpError::internal("file").with_source(err))?;
            }
            *response.body_mut() = Body::boxed(FileBody::new(self.file, len));
        }
        Ok(response)
    }
}

impl IntoReply for File {
    fn into_response(self) -> http::Response<Body> {
        self.respond().unwrap_or_else(HttpError::into_response)
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&self.content_type)
    }

    fn prepare(&mut self, request: &RequestHead) {
        self.preconditions = Some(Box::new(Preconditions::read(&request.method, &request.headers)));
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File")
            .field("len", &self.len)
            .field("content_type", &self.content_type)
            .field("etag", &self.etag)
            .finish_non_exhaustive()
    }
}

fn open_error(err: std::io::Error) -> HttpError {
    match err.kind() {
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory => {
            HttpError::not_found("no such file")
        }
        std::io::ErrorKind::PermissionDenied => HttpError::forbidden("the file cannot be read"),
        _ => HttpError::internal("file").with_source(err),
    }
}

/// A strong tag from the size and the modification time, like nginx's: it changes whenever the
/// file is rewritten, and costs no read of the content.
fn etag(len: u64, modified: Option<SystemTime>) -> HeaderValue {
    let stamp = modified.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).unwrap_or_default();
    header(&format!("\"{:x}.{:x}-{len:x}\"", stamp.as_secs(), stamp.subsec_nanos()))
}

/// Text types without a charset are sent as UTF-8 (what a browser would otherwise guess).
fn text_utf8(mime: &str) -> HeaderValue {
    let text =
        mime.starts_with("text/") || mime == "application/javascript" || mime == "image/svg+xml";
    if text && !mime.contains("charset") {
        header(&format!("{mime}; charset=utf-8"))
    } else {
        header(mime)
    }
}

/// Values built here from digits, dates and known MIME types are always valid.
fn header(value: &str) -> HeaderValue {
    HeaderValue::from_str(value).unwrap_or_else(|_| HeaderValue::from_static(""))
}
