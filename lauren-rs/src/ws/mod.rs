//! WebSocket gateways (feature `ws`): a controller whose `#[ws("/path")]` method accepts
//! sockets and whose `#[on_message]` / `#[on_disconnect]` methods serve them, on the same
//! DI, guards and interceptors as its HTTP routes. Framing is `tokio-tungstenite`'s.
//!
//! ```no_run
//! use lauren::prelude::*;
//! use lauren::di::provide;
//! use lauren::ws::{Rooms, WsSender};
//!
//! #[derive(serde::Deserialize)]
//! struct Say {
//!     text: String,
//! }
//!
//! #[injectable]
//! struct Chat {
//!     rooms: Inject<Rooms>,
//! }
//!
//! #[controller("/chat")]
//! impl Chat {
//!     /// The upgrade: guards ran on it, `room` is its query parameter. An `Err` refuses it.
//!     #[ws("/ws")]
//!     async fn connect(&self, room: String, sender: WsSender) -> lauren::Result<()> {
//!         self.rooms.join(&room, &sender);
//!         Ok(())
//!     }
//!
//!     /// Every text frame, read as JSON (a frame that is not closes the socket with 1003).
//!     #[on_message]
//!     async fn say(&self, room: String, message: Json<Say>, sender: WsSender) {
//!         let out = serde_json::json!({ "room": room, "text": message.text, "from": sender.id() });
//!         self.rooms.broadcast_json(&room, &out);
//!     }
//!
//!     #[on_disconnect]
//!     async fn leave(&self, sender: WsSender) {
//!         self.rooms.leave_all(&sender);
//!     }
//! }
//!
//! #[module(controllers = [Chat], providers = [provide::<Rooms>().use_value(Rooms::new())])]
//! struct ChatModule;
//! ```
//!
//! See `docs/realtime.md` for the whole story: what runs when, close codes, limits, shutdown.

mod config;
mod connection;
mod gateway;
pub(crate) mod handshake;
mod message;
mod rooms;
mod sender;
mod sockets;

pub use self::config::WsConfig;
pub(crate) use self::gateway::{Gateway, attach};
pub use self::handshake::ConnectOutput;
pub use self::message::WsMessage;
pub use self::rooms::Rooms;
pub use self::sender::{WsSendError, WsSender};
pub(crate) use self::sockets::Sockets;

/// Why a gateway parameter was used outside a gateway handler.
#[derive(Debug)]
pub(crate) struct OutsideGateway(pub(crate) &'static str);

impl std::fmt::Display for OutsideGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for OutsideGateway {}
