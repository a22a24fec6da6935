//! WebSocket gateways over real sockets with a real client (tokio-tungstenite): a chat room
//! of two clients, guards on the upgrade, interceptors per message, event handlers, the
//! connection's request scope, and every way a socket is closed (1003, 1008, 1009, idle,
//! shutdown).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use lauren::di::provide;
use lauren::prelude::*;
use lauren::ws::{Rooms, WsConfig, WsMessage, WsSender};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::support::{Running, get, once, serve};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn log(entry: impl Into<String>) {
    LOG.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(entry.into());
}

fn take_log(prefix: &str) -> Vec<String> {
    let mut log = LOG.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (mine, rest): (Vec<String>, Vec<String>) =
        log.drain(..).partition(|entry| entry.starts_with(prefix));
    *log = rest;
    mine
}

/// Refuses the upgrade unless `?token=let-me-in`, and marks the request it lets in.
#[derive(Default)]
struct Ticket;

/// What `Ticket` leaves on the upgrade request, for every message of the socket.
#[derive(Clone)]
struct Ticketed(&'static str);

impl Guard for Ticket {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        let allowed = ctx.uri().query().is_some_and(|q| q.contains("token=let-me-in"));
        ctx.request_mut().extensions.insert(Ticketed("let-me-in"));
        Ok(allowed)
    }
}

/// Logs around every call it wraps and stamps JSON replies: it sees the handler's value.
#[interceptor]
#[derive(Default)]
struct Around;

impl Interceptor for Around {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let room = ctx.query_param("room").unwrap_or_default().into_owned();
        log(format!("{room}: before {}", ctx.handler_func()));
        let mut reply = next.handle(ctx).await?;
        // The handler's value as it returned it, before it becomes a frame.
        if let Some(Some(Json(value))) = reply.downcast_mut::<Option<Json<Value>>>() {
            value["stamped"] = json!(true);
        }
        log(format!("{room}: after {}", ctx.handler_func()));
        Ok(reply)
    }
}

/// One per connection: the gateway's request scope lives as long as the socket.
#[derive(Default)]
#[injectable(scope = Request)]
struct Session {
    messages: AtomicU32,
}

#[derive(serde::Deserialize)]
struct Say {
    text: String,
}

#[injectable]
struct Chat {
    rooms: Inject<Rooms>,
}

#[controller("/chat")]
#[use_interceptors(Around)]
#[use_guards(Ticket)]
impl Chat {
    #[ws("/ws")]
    async fn connect(&self, room: String, sender: WsSender) -> lauren::Result<()> {
        if room == "closed" {
            return Err(HttpError::conflict("the room is closed"));
        }
        self.rooms.join(&room, &sender);
        Ok(())
    }

    #[on_message]
    async fn say(
        &self,
        room: String,
        message: Json<Say>,
        sender: WsSender,
        session: Inject<Session>,
        ctx: &ExecutionContext<'_>,
    ) -> lauren::Result<Option<Json<Value>>> {
        let count = session.messages.fetch_add(1, Ordering::SeqCst) + 1;
        match message.text.as_str() {
            "count" => Ok(Some(Json(json!({ "count": count })))),
            "ticket" => {
                let ticket = ctx.request().extensions.get::<Ticketed>().map(|t| t.0);
                Ok(Some(Json(json!({ "ticket": ticket, "protocol": sender.protocol() }))))
            }
            "conflict" => Err(HttpError::conflict("not now")),
            "forbidden" => Err(HttpError::forbidden("not you")),
            "boom" => Err(HttpError::internal("Boom")),
            "flood" => {
                for i in 0..100 {
                    if sender.send(format!("flood {i}")).is_err() {
                        break;
                    }
                }
                Ok(None)
            }
            text => {
                let out = json!({ "room": room, "text": text, "from": sender.id() });
                self.rooms.broadcast_json(&room, &out);
                Ok(None)
            }
        }
    }

    #[on_disconnect]
    async fn leave(&self, room: String, sender: WsSender) {
        self.rooms.leave_all(&sender);
        log(format!("{room}: left {}", sender.id()));
    }
}

/// Event handlers, binary frames, and no catch-all.
#[derive(Default)]
struct Calc;

#[controller("/calc")]
impl Calc {
    #[ws]
    async fn open(&self) {}

    #[on_message("add")]
    async fn add(&self, numbers: Json<Vec<i64>>) -> Json<Value> {
        Json(json!({ "sum": numbers.iter().sum::<i64>() }))
    }

    #[on_message("echo")]
    async fn echo(&self, message: WsMessage, body: lauren::Bytes) -> String {
        format!("{} bytes of {:?}", body.len(), message.as_text().map(str::len))
    }
}

/// Every message back as it came: text as text, binary as binary.
#[derive(Default)]
struct Echo;

#[controller("/echo")]
impl Echo {
    #[ws]
    async fn open(&self) {}

    #[on_message]
    async fn echo(&self, message: WsMessage) -> WsMessage {
        message
    }
}

#[module(controllers = [Chat, Calc, Echo], providers = [provide::<Rooms>().use_value(Rooms::new()), Session])]
struct WsModule;

async fn app(config: WsConfig) -> Running {
    serve(LaurenFactory::create(WsModule).websocket(config)).await
}

async fn connect(server: &Running, target: &str) -> Client {
    let url = format!("ws://{}{target}", server.addr);
    let (client, response) =
        tokio_tungstenite::connect_async(url).await.expect("the upgrade succeeds");
    assert_eq!(response.status(), 101);
    client
}

async fn refused(server: &Running, target: &str) -> (u16, Value) {
    let url = format!("ws://{}{target}", server.addr);
    match tokio_tungstenite::connect_async(url).await {
        Err(WsError::Http(response)) => {
            let body = response.body().clone().unwrap_or_default();
            (response.status().as_u16(), serde_json::from_slice(&body).unwrap_or(Value::Null))
        }
        other => panic!("expected an HTTP refusal, got {:?}", other.map(|(_, r)| r.status())),
    }
}

async fn next_json(client: &mut Client) -> Value {
    match next(client).await {
        Message::Text(text) => serde_json::from_str(text.as_str()).expect("a JSON frame"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

async fn next(client: &mut Client) -> Message {
    tokio::time::timeout(Duration::from_secs(5), client.next())
        .await
        .expect("a frame within 5 s")
        .expect("the socket is open")
        .expect("a valid frame")
}

/// The close frame the server ends with (skipping data frames still in flight).
async fn close_of(client: &mut Client) -> (CloseCode, String) {
    loop {
        match next(client).await {
            Message::Close(Some(frame)) => return (frame.code, frame.reason.as_str().to_owned()),
            Message::Close(None) => panic!("a close frame without a code"),
            _ => continue,
        }
    }
}

async fn say(client: &mut Client, text: &str) {
    client.send(Message::text(json!({ "text": text }).to_string())).await.expect("send");
}

#[tokio::test]
async fn two_clients_of_a_room_chat_and_the_sender_hears_itself() {
    let server = app(WsConfig::new()).await;
    let mut alice = connect(&server, "/chat/ws?room=tea&token=let-me-in").await;
    let mut bob = connect(&server, "/chat/ws?room=tea&token=let-me-in").await;
    let mut carol = connect(&server, "/chat/ws?room=coffee&token=let-me-in").await;

    say(&mut alice, "hi").await;
    let to_alice = next_json(&mut alice).await;
    let to_bob = next_json(&mut bob).await;
    assert_eq!(to_alice, to_bob);
    assert_eq!(to_bob["room"], "tea");
    assert_eq!(to_bob["text"], "hi");
    let alice_id = to_bob["from"].as_u64().expect("a client id");

    say(&mut bob, "hello").await;
    let reply = next_json(&mut alice).await;
    assert_eq!(reply["text"], "hello");
    assert_ne!(reply["from"].as_u64(), Some(alice_id));

    // Carol is in another room: the next thing she hears is her own message.
    say(&mut carol, "anyone?").await;
    assert_eq!(next_json(&mut carol).await["text"], "anyone?");

    alice.close(None).await.expect("close");
    drop(alice);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(take_log("tea: left"), [format!("tea: left {alice_id}")]);
    server.shutdown().await;
}

#[tokio::test]
async fn echo_sends_each_message_back_as_the_same_kind_of_frame() {
    let server = app(WsConfig::new()).await;
    let mut client = connect(&server, "/echo").await;
    client.send(Message::text("héllo")).await.expect("send");
    assert_eq!(next(&mut client).await, Message::text("héllo"));
    client.send(Message::binary(vec![0u8, 159, 146, 150])).await.expect("send");
    assert_eq!(next(&mut client).await, Message::binary(vec![0u8, 159, 146, 150]));
    client.send(Message::text("")).await.expect("send");
    client.send(Message::text("after empty")).await.expect("send");
    // An empty message has an empty answer, which is not sent.
    assert_eq!(next(&mut client).await, Message::text("after empty"));
    server.shutdown().await;
}

#[tokio::test]
async fn guards_and_the_connect_handler_refuse_over_http() {
    let server = app(WsConfig::new()).await;
    let (status, body) = refused(&server, "/chat/ws?room=a").await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "forbidden");
    let (status, body) = refused(&server, "/chat/ws?room=closed&token=let-me-in").await;
    assert_eq!(status, 409);
    assert_eq!(body["error"]["message"], "the room is closed");
    let (status, body) = refused(&server, "/chat/ws?token=let-me-in").await;
    assert_eq!(status, 422, "a missing query parameter is answered before the upgrade");
    assert_eq!(body["error"]["detail"]["field"], "room");

    let plain = once(server.addr, &get("/calc")).await;
    assert_eq!(plain.status, 426);
    assert_eq!(plain.header("upgrade"), Some("websocket"));
    assert_eq!(plain.json()["error"]["code"], "upgrade_required");
    let bad_key = once(
        server.addr,
        b"GET /calc HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n",
    )
    .await;
    assert_eq!(bad_key.status, 400);
    // An upgrade to something else is not a WebSocket handshake.
    let h2c = once(
        server.addr,
        b"GET /calc HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: h2c\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    .await;
    assert_eq!(h2c.status, 426);
    let old = once(
        server.addr,
        b"GET /calc HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    .await;
    assert_eq!(old.status, 426);
    assert_eq!(old.header("sec-websocket-version"), Some("13"));
    server.shutdown().await;
}

#[tokio::test]
async fn interceptors_wrap_the_connect_and_every_message_and_see_the_value() {
    let server = app(WsConfig::new()).await;
    let mut client = connect(&server, "/chat/ws?room=order&token=let-me-in").await;
    say(&mut client, "count").await;
    assert_eq!(next_json(&mut client).await, json!({ "count": 1, "stamped": true }));
    say(&mut client, "count").await;
    assert_eq!(next_json(&mut client).await, json!({ "count": 2, "stamped": true }));
    assert_eq!(
        take_log("order: "),
        [
            "order: before connect",
            "order: after connect",
            "order: before say",
            "order: after say",
            "order: before say",
            "order: after say",
        ]
    );
    // The request scope is the connection's: a new socket counts from 1 again.
    let mut again = connect(&server, "/chat/ws?room=order2&token=let-me-in").await;
    say(&mut again, "count").await;
    assert_eq!(next_json(&mut again).await["count"], 1);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_close_is_answered_and_the_upgrade_extensions_reach_every_message() {
    let server = app(WsConfig::new().protocols(["chat.v2", "chat.v1"])).await;
    let mut request = format!("ws://{}/chat/ws?room=ext&token=let-me-in", server.addr)
        .into_client_request()
        .expect("a request");
    request
        .headers_mut()
        .insert("sec-websocket-protocol", "chat.v1, chat.v2".parse().expect("header"));
    let (mut client, response) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "chat.v1",
        "the client's first that we speak"
    );
    say(&mut client, "ticket").await;
    assert_eq!(
        next_json(&mut client).await,
        json!({ "ticket": "let-me-in", "protocol": "chat.v1", "stamped": true })
    );

    let bye = tokio_tungstenite::tungstenite::protocol::CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    };
    client.send(Message::Close(Some(bye))).await.expect("send the close");
    match next(&mut client).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Normal),
        other => panic!("the server must answer the close, got {other:?}"),
    }
    server.shutdown().await;
}

/// A handshake by hand, for frames no client library would send.
async fn raw_socket(server: &Running, target: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = TcpStream::connect(server.addr).await.expect("connect");
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.expect("the 101");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&head));
    stream
}

/// The close code of the frame the server sends next.
async fn raw_close_code(stream: &mut tokio::net::TcpStream) -> u16 {
    use tokio::io::AsyncReadExt as _;
    let mut frame = [0u8; 4];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut frame))
        .await
        .expect("a frame within 5 s")
        .expect("a close frame, not a dropped connection");
    assert_eq!(frame[0], 0x88, "a final close frame: {frame:?}");
    u16::from_be_bytes([frame[2], frame[3]])
}

#[tokio::test]
async fn broken_frames_are_told_why_before_the_close() {
    use tokio::io::AsyncWriteExt as _;
    let server = app(WsConfig::new()).await;
    // A client frame must be masked (RFC 6455 section 5.1): 1002.
    let mut unmasked = raw_socket(&server, "/echo").await;
    unmasked.write_all(&[0x81, 0x02, b'h', b'i']).await.expect("write");
    assert_eq!(raw_close_code(&mut unmasked).await, 1002);
    // A text frame that is not UTF-8: 1007. Masked with a zero key, the payload is as written.
    let mut latin1 = raw_socket(&server, "/echo").await;
    latin1.write_all(&[0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe]).await.expect("write");
    assert_eq!(raw_close_code(&mut latin1).await, 1007);

    // Only GET upgrades; HEAD reaches GET routes and is refused.
    let mut conn = crate::support::Conn::open(server.addr).await;
    conn.send(b"HEAD /echo HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").await;
    let head = conn.read_head_response().await.expect("a response");
    assert_eq!(head.status, 405);
    assert_eq!(head.header("allow"), Some("GET"));
    server.shutdown().await;
}

#[tokio::test]
async fn only_listed_origins_may_open_a_socket() {
    let server = app(WsConfig::new().allowed_origins(["https://chat.example"])).await;
    let open = |origin: &'static str| {
        let mut request =
            format!("ws://{}/calc", server.addr).into_client_request().expect("a request");
        request.headers_mut().insert("origin", origin.parse().expect("header"));
        tokio_tungstenite::connect_async(request)
    };
    assert!(open("https://chat.example").await.is_ok());
    match open("https://evil.example").await {
        Err(WsError::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("expected a 403, got {:?}", other.map(|(_, r)| r.status())),
    }
    // Not a browser: no Origin, no cross-site risk.
    assert!(tokio_tungstenite::connect_async(format!("ws://{}/calc", server.addr)).await.is_ok());
    server.shutdown().await;
}

#[tokio::test]
async fn errors_answer_with_an_envelope_or_close_by_kind() {
    let server = app(WsConfig::new()).await;
    let mut client = connect(&server, "/chat/ws?room=errors&token=let-me-in").await;
    say(&mut client, "conflict").await;
    let frame = next_json(&mut client).await;
    assert_eq!(frame["error"]["code"], "conflict", "{frame}");
    say(&mut client, "count").await;
    assert_eq!(next_json(&mut client).await["count"], 2, "the socket stays open after an error");

    client.send(Message::text("not json")).await.expect("send");
    assert_eq!(close_of(&mut client).await.0, CloseCode::Unsupported);

    let mut client = connect(&server, "/chat/ws?room=errors&token=let-me-in").await;
    say(&mut client, "forbidden").await;
    assert_eq!(close_of(&mut client).await, (CloseCode::Policy, "not you".to_owned()));
    let mut client = connect(&server, "/chat/ws?room=errors&token=let-me-in").await;
    say(&mut client, "boom").await;
    assert_eq!(close_of(&mut client).await.0, CloseCode::Error);
    server.shutdown().await;
}

#[tokio::test]
async fn events_route_by_name_and_unknown_ones_close_with_1003() {
    let server = app(WsConfig::new()).await;
    let mut client = connect(&server, "/calc").await;
    client.send(Message::text(r#"{"event":"add","data":[1,2,39]}"#)).await.expect("send");
    assert_eq!(next_json(&mut client).await, json!({ "sum": 42 }));
    let frame = r#"{"event":"echo","data":"hé"}"#;
    client.send(Message::text(frame)).await.expect("send");
    // The body is the event's data (`"hé"`, 5 bytes as JSON); the message is the whole frame.
    match next(&mut client).await {
        Message::Text(text) => {
            assert_eq!(text.as_str(), format!("5 bytes of Some({})", frame.len()))
        }
        other => panic!("{other:?}"),
    }
    client.send(Message::text(r#"{"event":"nope"}"#)).await.expect("send");
    assert_eq!(close_of(&mut client).await.0, CloseCode::Unsupported);
    server.shutdown().await;
}

#[tokio::test]
async fn limits_close_oversized_messages_slow_readers_and_idle_sockets() {
    let config = WsConfig::new()
        .max_message_bytes(1024)
        .send_queue(4)
        .idle_timeout(Duration::from_millis(400));
    let server = app(config).await;

    let mut big = connect(&server, "/chat/ws?room=limits&token=let-me-in").await;
    say(&mut big, &"x".repeat(2048)).await;
    assert_eq!(close_of(&mut big).await.0, CloseCode::Size);

    let mut slow = connect(&server, "/chat/ws?room=limits&token=let-me-in").await;
    say(&mut slow, "flood").await;
    let mut received = 0;
    let code = loop {
        match next(&mut slow).await {
            Message::Text(_) => received += 1,
            Message::Close(Some(frame)) => break frame.code,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(code, CloseCode::Policy);
    assert!(received <= 4, "the queue is bounded: {received} messages got through");

    // A client that never reads never answers the ping: it is closed when the time is up.
    let mut idle = connect(&server, "/calc").await;
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(close_of(&mut idle).await, (CloseCode::Away, "idle timeout".to_owned()));
    server.shutdown().await;
}

#[tokio::test]
async fn shutdown_closes_open_sockets_with_1001() {
    let mut server = app(WsConfig::new()).await;
    let mut client = connect(&server, "/calc").await;
    let mut request =
        format!("ws://{}/calc", server.addr).into_client_request().expect("a request");
    request.headers_mut().insert("x-test", "1".parse().expect("header"));
    let (mut second, _) = tokio_tungstenite::connect_async(request).await.expect("upgrade");
    server.signal_shutdown();
    assert_eq!(
        close_of(&mut client).await,
        (CloseCode::Away, "the server is shutting down".to_owned())
    );
    assert_eq!(close_of(&mut second).await.0, CloseCode::Away);
    drop((client, second));
    server.join().await;
}
