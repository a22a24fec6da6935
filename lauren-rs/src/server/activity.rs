//! What a connection shares with the accept loop: progress marks for the slowloris sweep, and
//! the request to close gracefully at shutdown.
//!
//! Both replace per-request machinery. hyper's `header_read_timeout` arms a fresh timer for every
//! request head (about 1,400 instructions per request, `docs/performance.md`), and hyper-util's
//! graceful shutdown polls a `watch` channel on every wake of every connection. Here a request
//! costs two uncontended atomic updates and the connection registers its task's waker when it
//! changes (a tokio task's never does); the accept loop
//! ([`Connections`](super::connections::Connections)) does the checking.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use futures_util::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What one connection shares with its requests and its IO.
#[derive(Debug)]
pub(crate) struct Activity {
    /// Requests whose handler has started and whose response is not yet produced. Counted, not
    /// flagged: HTTP/2 runs several at once.
    in_flight: AtomicUsize,
    /// Set on every completed request head and every response write; cleared by each sweep.
    progressed: AtomicBool,
    /// Bytes arrived since the last response was produced: the connection is reading a head
    /// (the head timeout applies), not idle (the keep-alive timeout does).
    reading: AtomicBool,
    /// Set once at shutdown: finish the request in flight, then close.
    closing: AtomicBool,
    /// The connection task, to wake when `closing` is set.
    task: AtomicWaker,
}

impl Activity {
    /// A new connection: being accepted counts as progress, so a client gets a whole timeout
    /// for its first head.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            in_flight: AtomicUsize::new(0),
            progressed: AtomicBool::new(true),
            // A new connection owes a head: until its first request the head timeout applies
            // (a socket that sends nothing is not an idle keep-alive connection).
            reading: AtomicBool::new(true),
            closing: AtomicBool::new(false),
            task: AtomicWaker::new(),
        })
    }

    /// Marks a request head as complete; the request counts as in flight until the guard drops
    /// (also when the client goes away and the request future is dropped).
    pub(crate) fn request<C: AsRef<Self>>(connection: Arc<C>) -> InFlight<C> {
        let activity = (*connection).as_ref();
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.progressed.store(true, Ordering::Relaxed);
        InFlight(connection)
    }

    fn wrote(&self) {
        self.progressed.store(true, Ordering::Relaxed);
    }

    /// Takes and clears the progress mark (the sweep's reading).
    pub(crate) fn take_progress(&self) -> bool {
        self.progressed.swap(false, Ordering::Relaxed)
    }

    /// True when part of a request head has arrived (the head timeout applies), false when the
    /// connection is idle between requests (the keep-alive timeout applies).
    pub(crate) fn is_reading(&self) -> bool {
        self.reading.load(Ordering::Relaxed)
    }

    pub(crate) fn has_requests_in_flight(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) > 0
    }

    /// Asks the connection to close once its in-flight requests are answered.
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::Release);
        self.task.wake();
    }

    /// Registers `waker` to hear about [`close`](Self::close).
    pub(crate) fn listen(&self, waker: &Waker) {
        self.task.register(waker);
    }

    /// True once [`close`](Self::close) was called.
    pub(crate) fn closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }
}

/// A request being handled; see [`Activity::request`].
#[derive(Debug)]
pub(crate) struct InFlight<C: AsRef<Activity>>(Arc<C>);

impl<C: AsRef<Activity>> InFlight<C> {
    /// What the connection shares with its requests (the app, for the server).
    pub(crate) fn connection(&self) -> &C {
        &self.0
    }
}

impl<C: AsRef<Activity>> Drop for InFlight<C> {
    fn drop(&mut self) {
        let activity = (*self.0).as_ref();
        // The response is out: until a byte of the next head arrives, the connection is idle.
        activity.reading.store(false, Ordering::Relaxed);
        activity.progressed.store(true, Ordering::Relaxed);
        activity.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A connection's socket, marking response writes as progress. Reads are deliberately not
/// progress: a client trickling a head one byte at a time is what this defends against.
#[derive(Debug)]
pub(crate) struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S> Tracked<S> {
    pub(crate) fn new(inner: S, activity: Arc<Activity>) -> Self {
        Self { inner, activity }
    }

    fn on_write(&self, written: &Poll<io::Result<usize>>) {
        if matches!(written, Poll::Ready(Ok(n)) if *n > 0) {
            self.activity.wrote();
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    #[inline]
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let read = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            // A read while a handler runs is a body or a pipelined head: the sweep does not
            // judge connections with a request in flight, and the response's end clears it.
            self.activity.reading.store(true, Ordering::Relaxed);
        }
        read
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.on_write(&written);
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.on_write(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
