//! What shutdown waits for and runs: request-scoped teardowns still in flight, then the
//! `on_shutdown` callbacks (reverse registration order), then the singletons' `pre_destruct`.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Notify;

use crate::descriptor::BoxFuture;

/// Request-scoped teardowns run after their response is sent, off the request's path, but
/// counted: shutdown waits for every pending one before it tears down what they may use.
#[derive(Debug, Default)]
pub(crate) struct Teardowns {
    pending: AtomicUsize,
    idle: Notify,
}

impl Teardowns {
    /// Runs `teardown` on its own task, counted until it ends.
    pub(crate) fn spawn(self: &Arc<Self>, teardown: impl Future<Output = ()> + Send + 'static) {
        self.pending.fetch_add(1, Ordering::AcqRel);
        let this = Arc::clone(self);
        tokio::spawn(async move {
            // Counted down even if the teardown panics: the guard drops on unwind.
            let _done = Done(this);
            teardown.await;
        });
    }

    /// Resolves once no teardown is pending.
    pub(crate) async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the check, so a teardown ending in between still wakes us.
            notified.as_mut().enable();
            if self.pending.load(Ordering::Acquire) == 0 {
                return;
            }
            notified.await;
        }
    }
}

struct Done(Arc<Teardowns>);

impl Drop for Done {
    fn drop(&mut self) {
        if self.0.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

type Hook = Arc<dyn Fn() -> BoxFuture<'static, ()> + Send + Sync>;

/// The `on_shutdown` callbacks, in registration order.
#[derive(Clone, Default)]
pub(crate) struct ShutdownHooks(Vec<Hook>);

impl ShutdownHooks {
    pub(crate) fn push<F, Fut>(&mut self, hook: F)
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.0.push(Arc::new(move || Box::pin(hook())));
    }

    /// Runs every callback, last registered first.
    pub(crate) async fn run(&self) {
        for hook in self.0.iter().rev() {
            hook().await;
        }
    }
}

impl std::fmt::Debug for ShutdownHooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ShutdownHooks({})", self.0.len())
    }
}
