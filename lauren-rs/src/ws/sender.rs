//! `WsSender`: a handle to send to one client's socket, from anywhere.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use serde::Serialize;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::WsMessage;
use crate::error::HttpError;
use crate::extract::{Field, FromRequest};
use crate::pipeline::ExecutionContext;

/// Sends to one WebSocket client: cheap to clone, usable from any task, and kept in a
/// [`Rooms`](super::Rooms) to broadcast. Messages go through a bounded queue (see
/// [`WsConfig::send_queue`](super::WsConfig::send_queue)); a client that lets it fill up is
/// closed with 1008 instead of letting memory grow.
///
/// Gateway handlers take it as a parameter: `sender: WsSender`.
#[derive(Clone)]
pub struct WsSender {
    shared: Arc<Shared>,
    queue: mpsc::Sender<WsMessage>,
}

struct Shared {
    id: u64,
    max_send_bytes: usize,
    /// The subprotocol chosen at the handshake.
    protocol: Option<Arc<str>>,
    /// Cancelled when the server (or a handler) wants the socket closed.
    closing: CancellationToken,
    /// Why: the close code and reason sent to the client.
    close: OnceLock<(u16, String)>,
}

/// Why a message could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsSendError {
    /// The socket is closed or closing.
    Closed,
    /// The client reads too slowly: its queue was full, and it is being closed (1008).
    Full,
    /// The message is larger than [`WsConfig::max_send_bytes`](super::WsConfig::max_send_bytes).
    TooLarge,
}

impl std::fmt::Display for WsSendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Closed => "the WebSocket is closed",
            Self::Full => "the WebSocket client reads too slowly: its send queue is full",
            Self::TooLarge => "the message is larger than the WebSocket's max_send_bytes",
        })
    }
}

impl std::error::Error for WsSendError {}

impl WsSender {
    /// A sender and the queue its connection drains.
    pub(crate) fn channel(
        config: &super::WsConfig,
        protocol: Option<Arc<str>>,
    ) -> (Self, mpsc::Receiver<WsMessage>) {
        let capacity = config.send_queue;
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let (queue, outbox) = mpsc::channel(capacity);
        let shared = Arc::new(Shared {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            max_send_bytes: config.max_send_bytes,
            protocol,
            closing: CancellationToken::new(),
            close: OnceLock::new(),
        });
        (Self { shared, queue }, outbox)
    }

    /// This connection's id, unique in the process (from 1).
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// The subprotocol chosen at the handshake (see
    /// [`WsConfig::protocols`](super::WsConfig::protocols)).
    pub fn protocol(&self) -> Option<&str> {
        self.shared.protocol.as_deref()
    }

    /// Queues `message` for the client without waiting.
    pub fn send(&self, message: impl Into<WsMessage>) -> Result<(), WsSendError> {
        if self.is_closed() {
            return Err(WsSendError::Closed);
        }
        let message = message.into();
        if message.as_bytes().len() > self.shared.max_send_bytes {
            return Err(WsSendError::TooLarge);
        }
        match self.queue.try_send(message) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(WsSendError::Closed),
            Err(mpsc::error::TrySendError::Full(_)) => {
                self.close(1008, "the client reads too slowly");
                Err(WsSendError::Full)
            }
        }
    }

    /// Queues `value` as a JSON text message.
    pub fn send_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<(), WsSendError> {
        let message = WsMessage::json(value).map_err(|_| WsSendError::Closed)?;
        self.send(message)
    }

    /// Closes the socket with `code` and `reason` (the first close asked for wins); queued
    /// messages are not sent. A code an endpoint may not send (below 1000, 1004-1006, 1015,
    /// 1016-2999, above 4999) becomes 1000.
    pub fn close(&self, code: u16, reason: impl Into<String>) {
        let sendable = matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999);
        let code = if sendable { code } else { 1000 };
        let _ = self.shared.close.set((code, reason.into()));
        self.shared.closing.cancel();
    }

    /// True once the socket is closed or closing.
    pub fn is_closed(&self) -> bool {
        self.shared.closing.is_cancelled() || self.queue.is_closed()
    }

    /// True when both handles send to the same connection.
    pub fn same_socket(&self, other: &WsSender) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    pub(crate) fn closing(&self) -> &CancellationToken {
        &self.shared.closing
    }

    pub(crate) fn close_reason(&self) -> Option<&(u16, String)> {
        self.shared.close.get()
    }
}

impl std::fmt::Debug for WsSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WsSender").field("id", &self.id()).finish_non_exhaustive()
    }
}

impl FromRequest for WsSender {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.request().extensions.get::<WsSender>().cloned().ok_or_else(|| {
            HttpError::internal("WsSender").with_source(super::OutsideGateway(
                "a `WsSender` parameter is only given to `#[ws]`, `#[on_message]` and `#[on_disconnect]` handlers",
            ))
        })
    }
}
