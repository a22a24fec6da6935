//! Settings chosen on the builder before the app is frozen.

use std::time::Duration;

/// Settings of one app.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) body_limit: usize,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            body_limit: 1024 * 1024,
            header_read_timeout: Some(Duration::from_secs(30)),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}
