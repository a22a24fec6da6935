//! The realtime examples over real sockets, as their docs promise: the chat protocol of
//! `examples/chat.rs`, and the events, NDJSON lines and static files of
//! `examples/streaming.rs`.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

use crate::support::{Conn, get, once, serve};

async fn next(
    client: &mut (
             impl futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
             + Unpin
         ),
) -> Message {
    tokio::time::timeout(Duration::from_secs(5), client.next())
        .await
        .expect("a frame within 5 s")
        .expect("the socket is open")
        .expect("a valid frame")
}

#[tokio::test]
async fn the_chat_broadcasts_to_the_room_and_closes_on_frames_it_cannot_read() {
    let running = serve(crate::examples::chat::app()).await;
    let url = |room: &str| format!("ws://{}/chat/ws?room={room}", running.addr);
    let (mut ann, _) = tokio_tungstenite::connect_async(url("NAME")).await.expect("upgrade");
    let (mut ben, _) = tokio_tungstenite::connect_async(url("NAME")).await.expect("upgrade");
    let (mut cat, _) = tokio_tungstenite::connect_async(url("other")).await.expect("upgrade");

    ann.send(Message::text(r#"{"text":"hi"}"#)).await.expect("send");
    let mut seen = Vec::new();
    for client in [&mut ann, &mut ben] {
        match next(client).await {
            Message::Text(text) => {
                seen.push(serde_json::from_str::<Value>(text.as_str()).expect("JSON"))
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(seen[0], seen[1], "the sender hears what the room hears");
    let from = seen[0]["from"].as_u64().expect("a client id");
    assert_eq!(seen[0], json!({ "room": "NAME", "text": "hi", "from": from }));
    // The other room heard nothing: its next frame is its own.
    cat.send(Message::text(r#"{"text":"me"}"#)).await.expect("send");
    match next(&mut cat).await {
        Message::Text(text) => assert!(text.as_str().contains(r#""text":"me""#), "{text}"),
        other => panic!("{other:?}"),
    }

    ben.send(Message::text("not json")).await.expect("send");
    match next(&mut ben).await {
        Message::Close(Some(frame)) => assert_eq!(frame.code, CloseCode::Unsupported),
        other => panic!("expected a close, got {other:?}"),
    }
    let page = once(running.addr, &get("/")).await;
    assert_eq!(page.header("location"), Some("/static/chat.html"));
    let html = once(running.addr, &get("/static/chat.html")).await;
    assert_eq!(html.status, 200);
    assert!(html.text().contains("/chat/ws?room="));
    running.shutdown().await;
}

#[tokio::test]
async fn the_streaming_example_sends_events_lines_and_files() {
    let running = serve(crate::examples::streaming::app()).await;
    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/events")).await;
    // Chunked: read to the last chunk, which comes once the stream has ended.
    let raw = conn.read_until(b"\r\n0\r\n\r\n").await;
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("content-type: text/event-stream"), "{text}");
    let ids: Vec<&str> =
        text.lines().filter_map(|l| l.strip_prefix("id:")).map(str::trim).collect();
    assert_eq!(ids, ["1", "2", "3"], "{text}");

    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/numbers.ndjson?n=5")).await;
    let raw = conn.read_until(b"\r\n0\r\n\r\n").await;
    let text = String::from_utf8_lossy(&raw);
    // The body's lines, without the head and the chunk sizes.
    let numbers: Vec<Value> = text
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(numbers, (1..=5).map(|n| json!({ "n": n })).collect::<Vec<_>>());

    for (accept, content_type, first) in [
        ("application/x-ndjson", "application/x-ndjson", r#"{"n":1}"#),
        ("text/event-stream", "text/event-stream", r#"data: {"n":1}"#),
    ] {
        let mut conn = Conn::open(running.addr).await;
        conn.send(format!("GET /feed HTTP/1.1\r\nHost: t\r\nAccept: {accept}\r\n\r\n").as_bytes())
            .await;
        let raw = conn.read_until(b"\r\n0\r\n\r\n").await;
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains(&format!("content-type: {content_type}")), "{text}");
        assert!(text.contains("vary: accept"), "caches must key on Accept: {text}");
        assert!(text.lines().any(|line| line == first), "{text}");
    }

    let index = once(running.addr, &get("/static/index.html")).await;
    assert_eq!(index.status, 200);
    assert_eq!(index.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(once(running.addr, &get("/static/../Cargo.toml")).await.status, 404);
    running.shutdown().await;
}
