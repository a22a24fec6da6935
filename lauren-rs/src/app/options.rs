//! Settings chosen on the builder before the app is frozen.

use std::time::Duration;

/// How a request body may be read: its size bound and how long it may go silent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    pub(crate) max_bytes: usize,
    /// The longest wait for the next body chunk; `None`: no bound.
    pub(crate) idle_timeout: Option<Duration>,
}

/// Settings of one app.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) body: BodyLimits,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            body: BodyLimits {
                max_bytes: 1024 * 1024,
                idle_timeout: Some(Duration::from_secs(30)),
            },
            header_read_timeout: Some(Duration::from_secs(30)),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}
