//! The slowloris defence: connections that make no progress are closed by one sweep of the accept
//! loop, instead of a timer armed and dropped for every request.
//!
//! hyper's own `header_read_timeout` allocates a fresh sleep and registers it with the timer
//! wheel for every request head (about 1,400 instructions per request here, see
//! `docs/performance.md`). What the defence needs is coarser: a connection that for a whole
//! timeout has no request in a handler, completed no request head and wrote no response byte is
//! either idle or being held open byte by byte, and is closed. So each connection only marks
//! progress (a relaxed store, and an in-flight count while a handler runs), and the accept loop
//! checks every connection four times per timeout: a connection is closed between one and
//! one and a quarter timeouts after its last progress.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::task::AbortHandle;

/// How many sweeps a timeout spans: the precision of the deadline.
const SWEEPS_PER_TIMEOUT: u32 = 4;

/// What one connection shares with its requests and its IO.
#[derive(Debug)]
pub(crate) struct Activity {
    /// Requests whose handler has started and whose response is not yet produced. Counted, not
    /// flagged: HTTP/2 runs several at once.
    in_flight: AtomicUsize,
    /// Set on every completed request head and every response write; cleared by each sweep.
    progressed: AtomicBool,
}

impl Activity {
    /// A new connection: being accepted counts as progress, so a client gets a whole timeout
    /// for its first head.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self { in_flight: AtomicUsize::new(0), progressed: AtomicBool::new(true) })
    }

    /// Marks a request head as complete; the request counts as in flight until the guard drops
    /// (also when the client goes away and the request future is dropped).
    pub(crate) fn request(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.progressed.store(true, Ordering::Relaxed);
        InFlight(Arc::clone(self))
    }

    fn wrote(&self) {
        self.progressed.store(true, Ordering::Relaxed);
    }
}

/// A request being handled; see [`Activity::request`].
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.progressed.store(true, Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
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
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
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

/// The accept loop's table of live connections; inert when the timeout is off.
#[derive(Debug)]
pub(crate) struct Watchdog {
    connections: Vec<Watched>,
    sweep: Option<tokio::time::Interval>,
}

#[derive(Debug)]
struct Watched {
    activity: Arc<Activity>,
    task: AbortHandle,
    /// Consecutive sweeps that saw no progress.
    quiet: u32,
}

impl Watchdog {
    pub(crate) fn new(timeout: Option<Duration>) -> Self {
        let sweep = timeout.map(|timeout| {
            let period = (timeout / SWEEPS_PER_TIMEOUT).max(Duration::from_millis(1));
            let mut sweep = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            sweep
        });
        Self { connections: Vec::new(), sweep }
    }

    pub(crate) fn watch(&mut self, activity: Arc<Activity>, task: AbortHandle) {
        if self.sweep.is_some() {
            self.connections.push(Watched { activity, task, quiet: 0 });
        }
    }

    /// Completes at the next sweep time; never when the timeout is off.
    pub(crate) async fn tick(&mut self) {
        match &mut self.sweep {
            Some(sweep) => {
                sweep.tick().await;
            }
            None => std::future::pending().await,
        }
    }

    /// Forgets finished connections and closes those quiet for a whole timeout.
    pub(crate) fn sweep(&mut self) {
        self.connections.retain_mut(|watched| {
            if watched.task.is_finished() {
                return false;
            }
            let progressed = watched.activity.progressed.swap(false, Ordering::Relaxed);
            if progressed || watched.activity.in_flight.load(Ordering::Relaxed) > 0 {
                watched.quiet = 0;
                return true;
            }
            watched.quiet += 1;
            if watched.quiet < SWEEPS_PER_TIMEOUT {
                return true;
            }
            tracing::debug!("closing a connection that made no progress within the timeout");
            watched.task.abort();
            false
        });
    }
}
