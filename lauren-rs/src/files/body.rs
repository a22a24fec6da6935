//! A file's bytes as a response body that knows its exact length.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncReadExt as _, Take};
use tokio_util::io::ReaderStream;

use crate::body::BoxError;

/// Read in chunks this large: big enough that a large file is a few hundred reads per
/// megabyte-per-second of a client, small enough that a slow one holds little memory.
const CHUNK: usize = 64 * 1024;

/// `len` bytes of `file` from its current position. The exact size lets hyper send a
/// `content-length` instead of chunking, and a `HEAD` response keep it.
pub(super) struct FileBody {
    stream: ReaderStream<Take<tokio::fs::File>>,
    remaining: u64,
}

impl FileBody {
    pub(super) fn new(file: std::fs::File, len: u64) -> Self {
        let file = tokio::fs::File::from_std(file).take(len);
        Self { stream: ReaderStream::with_capacity(file, CHUNK), remaining: len }
    }
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match Pin::new(&mut self.stream).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.remaining = self.remaining.saturating_sub(chunk.len() as u64);
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err.into()))),
            Poll::Ready(None) if self.remaining > 0 => {
                // The file shrank while it was being sent: end the response as broken rather
                // than let the client take a short body for a whole one.
                Poll::Ready(Some(Err("the file ended before its announced length".into())))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}
