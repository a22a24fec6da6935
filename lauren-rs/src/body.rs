//! Request and response bodies.
//!
//! The pipeline's responses are whole (`Body::Full`): serialization happens once, after the
//! chain, into one buffer; only a tower layer's response is boxed. Requests keep their body unread until the first body extractor asks for it; it is
//! then buffered once (bounded by the body limit) so that a handler run twice sees it twice.

use std::future::Future;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;

use crate::app::options::BodyLimits;

/// The response body of every lauren response: whole, as the pipeline renders it, or boxed, as a
/// tower layer made it (compressed, streamed, ..). The pipeline's own responses never box, and
/// one type serves both so the server needs no conversion per response.
pub enum Body {
    /// A whole body.
    Full(Full<Bytes>),
    /// A body a layer produced.
    Boxed(http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>),
}

/// The name the server and tower layers use for [`Body`].
pub type ResponseBody = Body;

/// A type-erased error from a foreign request body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body as the pipeline holds it (from hyper, the test client or any tower caller): unread until a body extractor (or a middleware)
/// reads it. It is an [`http_body::Body`], so it can be handed to tower services as is.
pub struct RequestBody(Source);

enum Source {
    Incoming(Incoming),
    Full(Bytes),
    Boxed(BoxBody<Bytes, BoxError>),
}

/// Why reading a body failed.
pub(crate) enum ReadError {
    /// The body is longer than the configured limit.
    TooLarge(usize),
    /// The peer or the transport failed mid-body.
    Transport,
    /// The body did not arrive within this long.
    TimedOut(Duration),
}

impl RequestBody {
    pub(crate) fn empty() -> Self {
        Self(Source::Full(Bytes::new()))
    }

    pub(crate) fn incoming(body: Incoming) -> Self {
        Self(Source::Incoming(body))
    }

    pub(crate) fn boxed(body: BoxBody<Bytes, BoxError>) -> Self {
        Self(Source::Boxed(body))
    }

    pub(crate) async fn read_to_bytes(self, limits: BodyLimits) -> Result<Bytes, ReadError> {
        let limit = limits.max_bytes;
        match self.0 {
            Source::Full(bytes) if bytes.len() > limit => Err(ReadError::TooLarge(limit)),
            Source::Full(bytes) => Ok(bytes),
            Source::Incoming(body) => within(limits, read_limited(body, limit)).await,
            Source::Boxed(body) => within(limits, read_limited(body, limit)).await,
        }
    }
}

/// Bounds the whole read by the body timeout: one timer per body read, none per chunk, and a
/// client trickling bytes cannot stretch it.
async fn within(
    limits: BodyLimits,
    read: impl Future<Output = Result<Bytes, ReadError>>,
) -> Result<Bytes, ReadError> {
    match limits.timeout {
        None => read.await,
        Some(timeout) => {
            tokio::time::timeout(timeout, read).await.map_err(|_| ReadError::TimedOut(timeout))?
        }
    }
}

async fn read_limited<B>(body: B, limit: usize) -> Result<Bytes, ReadError>
where
    B: http_body::Body<Data = Bytes>,
{
    if body.size_hint().lower() > limit as u64 {
        return Err(ReadError::TooLarge(limit));
    }
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut len = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame.map_err(|_| ReadError::Transport)?.into_data() else {
            continue; // trailers
        };
        len += data.len();
        if len > limit {
            return Err(ReadError::TooLarge(limit));
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(data),
            (Some(head), None) => {
                let mut buf = BytesMut::with_capacity(len.max(head.len() * 2));
                buf.extend_from_slice(head);
                buf.extend_from_slice(&data);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&data),
        }
    }
    Ok(match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}

impl From<Bytes> for RequestBody {
    fn from(bytes: Bytes) -> Self {
        Self(Source::Full(bytes))
    }
}

impl From<String> for RequestBody {
    fn from(text: String) -> Self {
        Self::from(Bytes::from(text))
    }
}

impl Default for RequestBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl std::fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Source::Incoming(_) => "RequestBody(incoming)",
            Source::Full(_) => "RequestBody(full)",
            Source::Boxed(_) => "RequestBody(boxed)",
        })
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        use std::task::Poll;
        match &mut self.get_mut().0 {
            Source::Incoming(body) => std::pin::Pin::new(body).poll_frame(cx).map_err(Into::into),
            Source::Boxed(body) => std::pin::Pin::new(body).poll_frame(cx),
            Source::Full(bytes) if bytes.is_empty() => Poll::Ready(None),
            Source::Full(bytes) => {
                Poll::Ready(Some(Ok(http_body::Frame::data(std::mem::take(bytes)))))
            }
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match &self.0 {
            Source::Incoming(body) => body.size_hint(),
            Source::Boxed(body) => body.size_hint(),
            Source::Full(bytes) => http_body::SizeHint::with_exact(bytes.len() as u64),
        }
    }
}

impl Body {
    pub(crate) fn boxed<B>(body: B) -> Self
    where
        B: http_body::Body<Data = Bytes, Error = BoxError> + Send + 'static,
    {
        Self::Boxed(http_body_util::combinators::UnsyncBoxBody::new(body))
    }
}

impl Default for Body {
    fn default() -> Self {
        Self::Full(Full::default())
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Self::Full(Full::new(bytes))
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Full(_) => "Body(full)",
            Self::Boxed(_) => "Body(boxed)",
        })
    }
}

impl http_body::Body for Body {
    type Data = Bytes;
    type Error = BoxError;

    #[inline]
    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        match self.get_mut() {
            Self::Full(body) => {
                std::pin::Pin::new(body).poll_frame(cx).map_err(|never| match never {})
            }
            Self::Boxed(body) => std::pin::Pin::new(body).poll_frame(cx),
        }
    }

    #[inline]
    fn is_end_stream(&self) -> bool {
        match self {
            Self::Full(body) => body.is_end_stream(),
            Self::Boxed(body) => body.is_end_stream(),
        }
    }

    #[inline]
    fn size_hint(&self) -> http_body::SizeHint {
        match self {
            Self::Full(body) => body.size_hint(),
            Self::Boxed(body) => body.size_hint(),
        }
    }
}
