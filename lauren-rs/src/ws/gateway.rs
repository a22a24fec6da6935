//! A controller's gateway: the handlers its socket's messages go to, found at startup.

use bytes::Bytes;

use super::WsMessage;
use crate::descriptor::RouteKind;
use crate::pipeline::Route;

/// The message and disconnect handlers of one `#[ws]` route.
#[derive(Default)]
pub(crate) struct Gateway {
    /// `#[on_message("event")]` handlers.
    events: Vec<(&'static str, Route)>,
    /// `#[on_message]`: every message no event handler takes.
    any: Option<Route>,
    /// `#[on_disconnect]`.
    pub(crate) disconnect: Option<Route>,
}

impl Gateway {
    /// The handler of `message` and the body it reads: for an event handler, the envelope's
    /// `data` (`{"event": "chat", "data": {..}}`); for the catch-all, the whole message.
    pub(crate) fn route_for(&self, message: &WsMessage) -> Option<(&Route, Bytes)> {
        if let (false, WsMessage::Text(text)) = (self.events.is_empty(), message) {
            if let Some(found) = self.event_route(text) {
                return Some(found);
            }
        }
        let whole = match message {
            WsMessage::Text(text) => Bytes::copy_from_slice(text.as_bytes()),
            WsMessage::Binary(bytes) => bytes.clone(),
        };
        self.any.as_ref().map(|route| (route, whole))
    }

    fn event_route(&self, text: &str) -> Option<(&Route, Bytes)> {
        #[derive(serde::Deserialize)]
        struct Envelope {
            event: String,
            #[serde(default)]
            data: serde_json::Value,
        }
        let envelope: Envelope = serde_json::from_str(text).ok()?;
        let (_, route) = self.events.iter().find(|(event, _)| *event == envelope.event)?;
        let data = serde_json::to_vec(&envelope.data).ok()?;
        Some((route, Bytes::from(data)))
    }
}

/// Moves every message and disconnect handler out of the routed table into the gateway of
/// the `#[ws]` route of the same controller and path.
pub(crate) fn attach(routes: Vec<Route>) -> Vec<Route> {
    let (mut routed, handlers): (Vec<Route>, Vec<Route>) = routes
        .into_iter()
        .partition(|r| matches!(r.descriptor.kind, RouteKind::Http | RouteKind::WebSocket));
    for handler in handlers {
        let owner = routed.iter_mut().find(|r| {
            r.descriptor.kind == RouteKind::WebSocket
                && std::ptr::eq(r.controller, handler.controller)
                && r.template == handler.template
        });
        // The macro accepts socket handlers only next to a `#[ws]`: an owner always exists.
        let Some(owner) = owner else { continue };
        let gateway = owner.gateway.get_or_insert_with(Box::default);
        match handler.descriptor.kind {
            RouteKind::Message(Some(event)) => gateway.events.push((event, handler)),
            RouteKind::Message(None) => gateway.any = Some(handler),
            RouteKind::Disconnect => gateway.disconnect = Some(handler),
            RouteKind::Http | RouteKind::WebSocket => {}
        }
    }
    routed
}
