//! The app's open WebSockets, for a graceful shutdown: each is told to close with 1001, and
//! the drain waits for them like for requests.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

#[derive(Clone, Default)]
pub(crate) struct Sockets {
    tracker: TaskTracker,
    pub(crate) shutdown: CancellationToken,
}

impl Sockets {
    pub(crate) fn spawn(&self, connection: impl Future<Output = ()> + Send + 'static) {
        self.tracker.spawn(connection);
    }

    /// How many sockets are open.
    pub(crate) fn open(&self) -> usize {
        self.tracker.len()
    }

    /// Tells every socket to close (1001) and waits for them, up to `timeout`.
    pub(crate) async fn close_all(&self, timeout: Duration) {
        self.shutdown.cancel();
        self.tracker.close();
        if tokio::time::timeout(timeout, self.tracker.wait()).await.is_err() {
            tracing::warn!(
                open = self.tracker.len(),
                "WebSockets still open after the shutdown timeout"
            );
        }
    }
}
