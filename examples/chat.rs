//! A WebSocket chat: rooms, a gateway on the app's DI, and its page served from a static
//! directory. `cargo run --example chat`, then open http://127.0.0.1:3000/ in two tabs.
//!
//! The socket is `GET /chat/ws?room=NAME`. A text frame `{"text":"hi"}` is broadcast to every
//! client of the room, the sender included, as `{"room":"NAME","text":"hi","from":ID}`; a frame
//! that is not that JSON closes the socket with 1003. The address comes from `LAUREN_ADDR`
//! (default `127.0.0.1:3000`).

use lauren::di::provide;
use lauren::prelude::*;
use lauren::ws::{Rooms, WsConfig};
use serde::{Deserialize, Serialize};

/// What a client sends.
#[derive(Deserialize)]
struct Say {
    text: String,
}

/// What every client of the room receives.
#[derive(Serialize)]
struct Said<'a> {
    room: &'a str,
    text: &'a str,
    from: u64,
}

#[injectable]
struct ChatGateway {
    rooms: Inject<Rooms>,
}

#[controller("/chat")]
impl ChatGateway {
    /// Joins the room named in the query.
    #[ws("/ws")]
    async fn connect(
        &self,
        #[query(min_length = 1, max_length = 64)] room: String,
        sender: WsSender,
    ) {
        self.rooms.join(&room, &sender);
        tracing::info!(room, client = sender.id(), "joined");
    }

    /// Every frame: `{"text": ..}`, broadcast to the room.
    #[on_message]
    async fn say(&self, room: String, message: Json<Say>, sender: WsSender) {
        let said = Said { room: &room, text: &message.text, from: sender.id() };
        self.rooms.broadcast_json(&room, &said);
    }

    #[on_disconnect]
    async fn leave(&self, room: String, sender: WsSender) {
        self.rooms.leave_all(&sender);
        tracing::info!(room, client = sender.id(), "left");
    }
}

#[derive(Default)]
struct Home;

#[controller]
impl Home {
    /// The chat page.
    #[get("/")]
    async fn index(&self) -> Response {
        Response::redirect("/static/chat.html")
    }
}

#[module(
    controllers = [ChatGateway, Home],
    providers = [provide::<Rooms>().use_value(Rooms::new())]
)]
struct AppModule;

/// The app `main` serves (the tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule)
        .websocket(WsConfig::new().max_message_bytes(4096))
        .serve_dir("/static", lauren_examples::public_dir())
        .openapi(lauren::openapi::OpenApi::new("chat", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    println!("lauren chat example: open http://{}/ in two tabs", server.local_addr());
    server.run().await;
    Ok(())
}
