//! The accept loop's table of live connections: the slowloris sweep and the graceful drain.
//!
//! A connection that for a whole `header_read_timeout` completed no request head, ran no handler
//! and wrote no response byte is either idle or being held open byte by byte: it is closed. The
//! table is swept four times per timeout, so such a connection is closed between one and one and
//! a quarter timeouts after its last progress, without any timer per request.

use std::future::poll_fn;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Waker;
use std::time::Duration;

use hyper_util::server::graceful::GracefulConnection;
use tokio::task::JoinHandle;
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::activity::Activity;

/// How many sweeps a timeout spans: the precision of the deadline.
const SWEEPS_PER_TIMEOUT: u32 = 4;

/// Without sweeps, finished connections are forgotten when the table doubles.
const MIN_PRUNE_AT: usize = 64;

/// Live connections, as spawned tasks with their shared [`Activity`].
#[derive(Debug)]
pub(crate) struct Connections {
    live: Vec<Live>,
    sweep: Option<Interval>,
    /// Quiet sweeps after which a connection reading a request head is closed; `None`: never.
    head_sweeps: Option<u32>,
    /// Quiet sweeps after which an idle keep-alive connection is closed; `None`: never.
    idle_sweeps: Option<u32>,
    prune_at: usize,
    /// Connections whose task has not ended yet (the table may still hold finished ones).
    open: Arc<AtomicUsize>,
}

#[derive(Debug)]
struct Live {
    activity: Arc<Activity>,
    task: JoinHandle<()>,
    /// Consecutive sweeps that saw no progress.
    quiet: u32,
}

impl Connections {
    /// A table sweeping often enough for both bounds: a stalled request head after
    /// `head_timeout`, an idle keep-alive connection after `idle_timeout`.
    pub(crate) fn new(head_timeout: Option<Duration>, idle_timeout: Option<Duration>) -> Self {
        let shortest = match (head_timeout, idle_timeout) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let period =
            shortest.map(|timeout| (timeout / SWEEPS_PER_TIMEOUT).max(Duration::from_millis(1)));
        let sweep = period.map(|period| {
            let mut sweep = tokio::time::interval_at(Instant::now() + period, period);
            sweep.set_missed_tick_behavior(MissedTickBehavior::Delay);
            sweep
        });
        // How many quiet sweeps make a timeout (rounded up: never early).
        let sweeps = |timeout: Option<Duration>| {
            let period = period?;
            let ticks = timeout?.as_nanos().div_ceil(period.as_nanos().max(1));
            Some(u32::try_from(ticks).unwrap_or(u32::MAX).max(1))
        };
        Self {
            live: Vec::new(),
            sweep,
            head_sweeps: sweeps(head_timeout),
            idle_sweeps: sweeps(idle_timeout),
            prune_at: MIN_PRUNE_AT,
            open: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Connections being served now.
    pub(crate) fn open(&self) -> usize {
        self.open.load(Ordering::Relaxed)
    }

    pub(crate) fn spawn<C>(&mut self, conn: C, activity: Arc<Activity>)
    where
        C: GracefulConnection<Error: std::fmt::Display> + Send + 'static,
    {
        let watched = Arc::clone(&activity);
        self.open.fetch_add(1, Ordering::Relaxed);
        let open = OpenGuard(Arc::clone(&self.open));
        let task = tokio::spawn(async move {
            let _open = open;
            if let Err(err) = serve(conn, &watched).await {
                tracing::debug!(error = %err, "connection ended with an error");
            }
        });
        if self.sweep.is_none() && self.live.len() >= self.prune_at {
            self.live.retain(|live| !live.task.is_finished());
            self.prune_at = (self.live.len() * 2).max(MIN_PRUNE_AT);
        }
        self.live.push(Live { activity, task, quiet: 0 });
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
        self.live.retain_mut(|live| {
            if live.task.is_finished() {
                return false;
            }
            if live.activity.take_progress() || live.activity.has_requests_in_flight() {
                live.quiet = 0;
                return true;
            }
            live.quiet += 1;
            let limit =
                if live.activity.is_reading() { self.head_sweeps } else { self.idle_sweeps };
            if limit.is_none_or(|limit| live.quiet < limit) {
                return true;
            }
            tracing::debug!("closing a connection that made no progress within the timeout");
            live.task.abort();
            false
        });
    }

    /// Asks every connection to finish its in-flight requests and close, waits up to `timeout`
    /// for them, then aborts the rest.
    pub(crate) async fn drain(self, timeout: Duration) {
        let mut live = self.live;
        for connection in &live {
            connection.activity.close();
        }
        let all_closed = async {
            for connection in &mut live {
                // A connection that failed has already logged why.
                let _ = (&mut connection.task).await;
            }
        };
        if tokio::time::timeout(timeout, all_closed).await.is_err() {
            tracing::warn!(?timeout, "graceful shutdown timed out; aborting remaining connections");
            for connection in &live {
                connection.task.abort();
            }
        }
    }
}

/// Counts a connection as open until its task ends (or is aborted).
#[derive(Debug)]
struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Polls the connection; once the accept loop asks it to close, tells hyper to finish the
/// request in flight and stop.
async fn serve<C: GracefulConnection>(conn: C, activity: &Activity) -> C::Output {
    let mut conn = pin!(conn);
    let mut closing = false;
    // The waker the activity holds: registered again only when the task's changes (a tokio
    // task's does not), not on every poll (an atomic handshake each time).
    let mut listening: Option<Waker> = None;
    poll_fn(|cx| {
        if !closing {
            if !listening.as_ref().is_some_and(|waker| waker.will_wake(cx.waker())) {
                activity.listen(cx.waker());
                listening = Some(cx.waker().clone());
            }
            if activity.closing() {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
        conn.as_mut().poll(cx)
    })
    .await
}
