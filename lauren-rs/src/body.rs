//! Request and response bodies.
//!
//! Responses are always whole (`Full<Bytes>`): serialization happens once, after the chain, into
//! one buffer. Requests keep their body unread until the first body extractor asks for it; it is
//! then buffered once (bounded by the body limit) so that a handler run twice sees it twice.

use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http_body::Frame;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;

use crate::app::options::BodyLimits;

/// The response body type of every lauren response.
pub type Body = Full<Bytes>;

/// A type-erased error from a foreign request body.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A request body as it arrives: from hyper, from the test client, or from any tower caller.
pub(crate) enum RequestBody {
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
    /// No chunk arrived for this long.
    Idle(Duration),
}

impl RequestBody {
    pub(crate) fn empty() -> Self {
        Self::Full(Bytes::new())
    }

    pub(crate) async fn read_to_bytes(self, limits: BodyLimits) -> Result<Bytes, ReadError> {
        let limit = limits.max_bytes;
        match self {
            Self::Full(bytes) if bytes.len() > limit => Err(ReadError::TooLarge(limit)),
            Self::Full(bytes) => Ok(bytes),
            Self::Incoming(body) => read_limited(body, limits).await,
            Self::Boxed(body) => read_limited(body, limits).await,
        }
    }
}

/// The next frame, waiting at most `idle` for it.
async fn next_frame<B>(
    mut body: Pin<&mut B>,
    idle: Option<Duration>,
) -> Result<Option<Result<Frame<Bytes>, B::Error>>, ReadError>
where
    B: http_body::Body<Data = Bytes>,
{
    match idle {
        None => Ok(body.frame().await),
        Some(idle) => {
            tokio::time::timeout(idle, body.frame()).await.map_err(|_| ReadError::Idle(idle))
        }
    }
}

/// Reads a whole body, refusing more than `limit` bytes.
///
/// `http_body_util::Limited` would do, but its `Into<BoxError>` bound trips rustc's
/// higher-ranked `Send` check in every extractor future that awaits it; this loop needs no
/// bound on the error type, and hands back a single-frame body without copying it.
async fn read_limited<B>(body: B, limits: BodyLimits) -> Result<Bytes, ReadError>
where
    B: http_body::Body<Data = Bytes>,
{
    let limit = limits.max_bytes;
    if body.size_hint().lower() > limit as u64 {
        return Err(ReadError::TooLarge(limit));
    }
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut len = 0usize;
    while let Some(frame) = next_frame(body.as_mut(), limits.idle_timeout).await? {
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
