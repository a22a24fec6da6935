//! `WsConfig`: the bounds every WebSocket connection of an app lives within.

use std::time::Duration;

use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

/// Limits of the app's WebSocket connections, set with
/// [`AppBuilder::websocket`](crate::AppBuilder::websocket).
///
/// ```
/// use std::time::Duration;
/// use lauren::ws::WsConfig;
///
/// let config = WsConfig::new()
///     .max_message_bytes(16 * 1024)
///     .idle_timeout(Duration::from_secs(30))
///     .send_queue(32);
/// ```
#[derive(Debug, Clone)]
pub struct WsConfig {
    pub(crate) max_message_bytes: usize,
    pub(crate) max_frame_bytes: usize,
    pub(crate) max_send_bytes: usize,
    pub(crate) idle_timeout: Option<Duration>,
    pub(crate) send_queue: usize,
    pub(crate) allowed_origins: Vec<String>,
    pub(crate) protocols: Vec<String>,
}

impl Default for WsConfig {
    fn default() -> Self {
        Self {
            max_message_bytes: 64 * 1024,
            max_frame_bytes: 64 * 1024,
            idle_timeout: Some(Duration::from_secs(60)),
            send_queue: 64,
            max_send_bytes: 1024 * 1024,
            allowed_origins: Vec::new(),
            protocols: Vec::new(),
        }
    }
}

impl WsConfig {
    /// The defaults: 64 KiB messages and frames in, 1 MiB messages out, 60 s idle timeout,
    /// 64 queued messages.
    pub fn new() -> Self {
        Self::default()
    }

    /// The largest message a client may send, reassembled from its frames (default 64 KiB).
    /// A larger one closes the socket with 1009 (message too big). Frames are bounded by the
    /// same size unless [`max_frame_bytes`](Self::max_frame_bytes) is smaller.
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.max_message_bytes = bytes;
        self.max_frame_bytes = self.max_frame_bytes.min(bytes);
        self
    }

    /// The largest single frame a client may send (default 64 KiB).
    pub fn max_frame_bytes(mut self, bytes: usize) -> Self {
        self.max_frame_bytes = bytes;
        self
    }

    /// How long a socket may stay silent (default 60 s): after half of it the server sends a
    /// ping, and a client that has answered nothing by the end is closed with 1001. `None`:
    /// no bound.
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = timeout.into();
        self
    }

    /// The largest message the server sends (default 1 MiB): it bounds what a socket's write
    /// buffer may hold, so a client that sends pings and never reads the pongs cannot grow
    /// it. `WsSender::send` refuses a larger message (`WsSendError::TooLarge`); a handler's
    /// reply that large closes the socket with 1011.
    pub fn max_send_bytes(mut self, bytes: usize) -> Self {
        self.max_send_bytes = bytes;
        self
    }

    /// How many messages [`WsSender::send`](super::WsSender::send) may queue for one client
    /// (default 64). A client that lets its queue fill up reads too slowly for the messages it
    /// is sent: it is closed with 1008 rather than let memory grow.
    pub fn send_queue(mut self, messages: usize) -> Self {
        self.send_queue = messages.max(1);
        self
    }

    /// The only `Origin`s a browser may open a socket from (`https://app.example.com`,
    /// compared without case); another gets 403 before the handshake. Browsers send cookies
    /// with a WebSocket upgrade from any site and CORS does not apply to it, so a gateway that
    /// authenticates by cookie should list its origins. Requests without `Origin` (not from a
    /// browser) are let through. Default: any origin.
    pub fn allowed_origins<S: Into<String>>(
        mut self,
        origins: impl IntoIterator<Item = S>,
    ) -> Self {
        self.allowed_origins = origins.into_iter().map(Into::into).collect();
        self
    }

    /// The subprotocols the server speaks (`graphql-transport-ws`, ..), preferred first: the
    /// first one the client offers in `Sec-WebSocket-Protocol` that is listed here is chosen and
    /// echoed ([`WsSender::protocol`](super::WsSender::protocol) says which). Default: none.
    pub fn protocols<S: Into<String>>(mut self, protocols: impl IntoIterator<Item = S>) -> Self {
        self.protocols = protocols.into_iter().map(Into::into).collect();
        self
    }

    pub(crate) fn tungstenite(&self) -> WebSocketConfig {
        // Room for one largest message (and its frame header) beyond what is batched: pongs
        // that do not fit wait for the client to read instead of piling up.
        const BATCH: usize = 128 * 1024;
        WebSocketConfig::default()
            .max_message_size(Some(self.max_message_bytes))
            .max_frame_size(Some(self.max_frame_bytes.min(self.max_message_bytes)))
            .write_buffer_size(BATCH)
            .max_write_buffer_size(BATCH + self.max_send_bytes + 16)
    }
}
