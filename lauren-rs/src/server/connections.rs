//! The accept loop's table of live connections: the slowloris sweep and the graceful drain.
//!
//! A connection that for a whole `header_read_timeout` completed no request head, ran no handler
//! and wrote no response byte is either idle or being held open byte by byte: it is closed. The
//! table is swept four times per timeout, so such a connection is closed between one and one and
//! a quarter timeouts after its last progress, without any timer per request.

use std::future::poll_fn;
use std::pin::pin;
use std::sync::Arc;
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
    prune_at: usize,
}

#[derive(Debug)]
struct Live {
    activity: Arc<Activity>,
    task: JoinHandle<()>,
    /// Consecutive sweeps that saw no progress.
    quiet: u32,
}

impl Connections {
    /// `timeout`: the slowloris timeout, `None` for no sweeps.
    pub(crate) fn new(timeout: Option<Duration>) -> Self {
        let sweep = timeout.map(|timeout| {
            let period = (timeout / SWEEPS_PER_TIMEOUT).max(Duration::from_millis(1));
            let mut sweep = tokio::time::interval_at(Instant::now() + period, period);
            sweep.set_missed_tick_behavior(MissedTickBehavior::Delay);
            sweep
        });
        Self { live: Vec::new(), sweep, prune_at: MIN_PRUNE_AT }
    }

    /// Serves `conn` on its own task until it ends, is closed by a sweep, or finishes
    /// gracefully after [`drain`](Self::drain) asked it to.
    pub(crate) fn spawn<C>(&mut self, conn: C, activity: Arc<Activity>)
    where
        C: GracefulConnection<Error: std::fmt::Display> + Send + 'static,
    {
        let watched = Arc::clone(&activity);
        let task = tokio::spawn(async move {
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
            if live.quiet < SWEEPS_PER_TIMEOUT {
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

/// Polls the connection; once the accept loop asks it to close, tells hyper to finish the
/// request in flight and stop.
async fn serve<C: GracefulConnection>(conn: C, activity: &Activity) -> C::Output {
    let mut conn = pin!(conn);
    let mut closing = false;
    poll_fn(|cx| {
        if !closing && activity.closing(cx.waker()) {
            closing = true;
            conn.as_mut().graceful_shutdown();
        }
        conn.as_mut().poll(cx)
    })
    .await
}
