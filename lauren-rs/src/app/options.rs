//! Settings chosen on the builder before the app is frozen.

use std::time::Duration;

/// How a request body may be read: its size bound and how long it may go silent.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyLimits {
    pub(crate) max_bytes: usize,
    /// How long reading a whole body may take; `None`: no bound.
    pub(crate) timeout: Option<Duration>,
}

/// Settings of one app.
/// What the content-type gate of `Json<T>` and `Form<T>` routes does with a request whose
/// `content-type` does not match (Lauren's `strict_content_type`).
///
/// ```
/// # use lauren::prelude::*;
/// # #[module(controllers = [])] struct AppModule;
/// use lauren::ContentTypePolicy;
///
/// let lenient = LaurenFactory::create(AppModule).strict_content_type(ContentTypePolicy::Warn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentTypePolicy {
    /// Answer 415 `unsupported_media_type` before any interceptor runs (the default).
    #[default]
    Strict,
    /// Log a warning through `tracing` and let the request through to the extractor.
    Warn,
    /// No check: the extractor parses whatever arrives.
    Off,
}

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) body: BodyLimits,
    pub(crate) header_read_timeout: Option<Duration>,
    pub(crate) keep_alive_timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) max_connections: Option<usize>,
    pub(crate) max_header_bytes: Option<usize>,
    pub(crate) max_headers: Option<usize>,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) content_type: ContentTypePolicy,
    pub(crate) error_format: crate::pipeline::ErrorFormat,
    #[cfg(feature = "ws")]
    pub(crate) websocket: crate::ws::WsConfig,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            body: BodyLimits { max_bytes: 1024 * 1024, timeout: Some(Duration::from_secs(30)) },
            header_read_timeout: Some(Duration::from_secs(30)),
            keep_alive_timeout: Some(Duration::from_secs(75)),
            shutdown_timeout: Duration::from_secs(10),
            max_connections: Some(10_000),
            max_header_bytes: None,
            max_headers: None,
            request_timeout: None,
            content_type: ContentTypePolicy::Strict,
            error_format: crate::pipeline::ErrorFormat::Lauren,
            #[cfg(feature = "ws")]
            websocket: crate::ws::WsConfig::default(),
        }
    }
}
