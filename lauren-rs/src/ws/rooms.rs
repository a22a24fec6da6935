//! `Rooms`: named groups of sockets to broadcast to.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use super::{WsMessage, WsSender};

/// Named groups of WebSocket clients. Provide one to the app and inject it into a gateway:
///
/// ```
/// use lauren::prelude::*;
/// use lauren::di::provide;
/// use lauren::ws::Rooms;
/// # #[derive(Default)] struct Chat;
/// # #[controller("/chat")] impl Chat { #[get] async fn index(&self) {} }
///
/// #[module(controllers = [Chat], providers = [provide::<Rooms>().use_value(Rooms::new())])]
/// struct ChatModule;
/// ```
///
/// A socket leaves its rooms when it closes (the next broadcast drops it), or explicitly with
/// [`leave`](Self::leave) / [`leave_all`](Self::leave_all).
#[derive(Default)]
pub struct Rooms {
    rooms: Mutex<HashMap<String, Vec<WsSender>>>,
}

impl Rooms {
    /// No rooms yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `sender` to `room` (once).
    pub fn join(&self, room: &str, sender: &WsSender) {
        let mut rooms = self.lock();
        let members = rooms.entry(room.to_owned()).or_default();
        if !members.iter().any(|m| m.same_socket(sender)) {
            members.push(sender.clone());
        }
    }

    /// Removes `sender` from `room`.
    pub fn leave(&self, room: &str, sender: &WsSender) {
        let mut rooms = self.lock();
        if let Some(members) = rooms.get_mut(room) {
            members.retain(|m| !m.same_socket(sender));
            if members.is_empty() {
                rooms.remove(room);
            }
        }
    }

    /// Removes `sender` from every room.
    pub fn leave_all(&self, sender: &WsSender) {
        let mut rooms = self.lock();
        rooms.retain(|_, members| {
            members.retain(|m| !m.same_socket(sender));
            !members.is_empty()
        });
    }

    /// How many open sockets are in `room`.
    pub fn len(&self, room: &str) -> usize {
        self.lock().get(room).map_or(0, |members| members.iter().filter(|m| !m.is_closed()).count())
    }

    /// True when `room` has no open socket.
    pub fn is_empty(&self, room: &str) -> bool {
        self.len(room) == 0
    }

    /// Queues `message` for every socket of `room` and returns how many took it. Closed
    /// sockets leave the room; a socket whose queue is full is closed (1008) and leaves too,
    /// so one slow client never holds up the others.
    pub fn broadcast(&self, room: &str, message: impl Into<WsMessage>) -> usize {
        let message = message.into();
        let mut rooms = self.lock();
        let Some(members) = rooms.get_mut(room) else { return 0 };
        let mut delivered = 0;
        members.retain(|member| match member.send(message.clone()) {
            Ok(()) => {
                delivered += 1;
                true
            }
            Err(_) => false,
        });
        if members.is_empty() {
            rooms.remove(room);
        }
        delivered
    }

    /// [`broadcast`](Self::broadcast)s `value` as JSON text; 0 if it cannot be serialized.
    pub fn broadcast_json<T: Serialize + ?Sized>(&self, room: &str, value: &T) -> usize {
        match WsMessage::json(value) {
            Ok(message) => self.broadcast(room, message),
            Err(_) => 0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Vec<WsSender>>> {
        // A panic while holding the lock left the map consistent (each operation is one call).
        self.rooms.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl std::fmt::Debug for Rooms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rooms = self.lock();
        f.debug_map().entries(rooms.iter().map(|(name, members)| (name, members.len()))).finish()
    }
}
