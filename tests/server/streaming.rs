//! Streaming replies over real sockets: server-sent events as they come, keep-alive comments, a
//! client that leaves drops the stream, NDJSON lines with backpressure from the socket.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::Stream;
use futures_util::stream::{self, StreamExt};
use lauren::prelude::*;
use lauren::{Event, Ndjson, Sse};

use crate::support::{Conn, get, serve};

static DROPPED: AtomicBool = AtomicBool::new(false);
static PRODUCED: AtomicUsize = AtomicUsize::new(0);

/// Sets `DROPPED` when the stream it guards is dropped.
struct DropFlag;

impl Drop for DropFlag {
    fn drop(&mut self) {
        DROPPED.store(true, Ordering::SeqCst);
    }
}

fn every(interval: Duration) -> impl Stream<Item = u64> + Send {
    stream::unfold(0u64, move |n| async move {
        tokio::time::sleep(interval).await;
        Some((n + 1, n + 1))
    })
}

#[derive(Default)]
struct Streams;

#[controller("/stream")]
impl Streams {
    #[get("/events")]
    async fn events(&self) -> Sse<impl Stream<Item = Event> + Send + use<>> {
        Sse::new(
            every(Duration::from_millis(30))
                .take(3)
                .map(|n| Event::data(format!("tick {n}")).id(n.to_string()).event("tick")),
        )
    }

    #[get("/quiet")]
    async fn quiet(&self) -> Sse<impl Stream<Item = Event> + Send + use<>> {
        Sse::new(stream::pending()).keep_alive(Duration::from_millis(50))
    }

    #[get("/forever")]
    async fn forever(&self) -> Sse<impl Stream<Item = Event> + Send + use<>> {
        let guard = DropFlag;
        Sse::new(every(Duration::from_millis(20)).map(move |n| {
            let _ = &guard;
            Event::data(n.to_string())
        }))
    }

    #[get("/numbers")]
    async fn numbers(
        &self,
        n: u32,
    ) -> Ndjson<impl Stream<Item = serde_json::Value> + Send + use<>> {
        Ndjson(stream::iter(1..=n).map(|i| serde_json::json!({ "n": i })))
    }

    /// A stream that must not be polled after its end, with every item ready at once.
    #[get("/unfold")]
    async fn unfold(&self) -> Ndjson<impl Stream<Item = u32> + Send + use<>> {
        Ndjson(stream::unfold(0u32, |n| async move { (n < 3).then_some((n, n + 1)) }))
    }

    /// As many 1 KiB lines as the client will read.
    #[get("/firehose")]
    async fn firehose(&self) -> Ndjson<impl Stream<Item = String> + Send + use<>> {
        Ndjson(stream::repeat_with(|| {
            PRODUCED.fetch_add(1, Ordering::SeqCst);
            "x".repeat(1024)
        }))
    }
}

#[module(controllers = [Streams])]
struct StreamModule;

#[tokio::test]
async fn server_sent_events_arrive_as_they_come_and_the_response_ends_with_the_stream() {
    let running = serve(LaurenFactory::create(StreamModule)).await;
    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/stream/events")).await;
    let first = String::from_utf8_lossy(&conn.read_until(b"data: tick 1\n\n").await).into_owned();
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    assert!(first.contains("content-type: text/event-stream"), "{first}");
    assert!(first.contains("cache-control: no-cache"), "{first}");
    assert!(first.contains("transfer-encoding: chunked"), "{first}");
    assert!(first.contains("id: 1\nevent: tick\ndata: tick 1\n\n"), "{first}");
    // The last event, then the chunked body's end: the response is over, the connection stays.
    let rest = String::from_utf8_lossy(&conn.read_until(b"0\r\n\r\n").await).into_owned();
    assert!(rest.contains("id: 2\n") && rest.contains("data: tick 3\n\n"), "{rest}");
    conn.send(&get("/stream/numbers?n=1")).await;
    assert!(conn.read_until(b"{\"n\":1}\n").await.starts_with(b"HTTP/1.1 200"));
    running.shutdown().await;
}

#[tokio::test]
async fn a_quiet_stream_sends_keep_alive_comments() {
    let running = serve(LaurenFactory::create(StreamModule)).await;
    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/stream/quiet")).await;
    let received = conn.read_until(b":\n\n").await;
    assert!(received.starts_with(b"HTTP/1.1 200"));
    // And again: the timer restarts.
    conn.read_until(b":\n\n").await;
    drop(conn);
    running.shutdown().await;
}

#[tokio::test]
async fn a_client_that_leaves_drops_the_stream() {
    let running = serve(LaurenFactory::create(StreamModule)).await;
    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/stream/forever")).await;
    conn.read_until(b"data: 2\n\n").await;
    assert!(!DROPPED.load(Ordering::SeqCst));
    drop(conn);
    let dropped = tokio::time::timeout(Duration::from_secs(5), async {
        while !DROPPED.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(dropped.is_ok(), "the stream outlived its client");
    running.shutdown().await;
}

#[tokio::test]
async fn ndjson_lines_and_backpressure_from_a_slow_reader() {
    let running = serve(LaurenFactory::create(StreamModule)).await;
    let mut conn = Conn::open(running.addr).await;
    conn.send(&get("/stream/numbers?n=3")).await;
    let text = String::from_utf8_lossy(&conn.read_until(b"0\r\n\r\n").await).into_owned();
    assert!(text.contains("content-type: application/x-ndjson"), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.starts_with('{')).collect();
    assert_eq!(lines, [r#"{"n":1}"#, r#"{"n":2}"#, r#"{"n":3}"#]);
    // All ready, sent in one batch that sees the end: the stream is not polled again.
    conn.send(&get("/stream/unfold")).await;
    let text = String::from_utf8_lossy(&conn.read_until(b"0\r\n\r\n").await).into_owned();
    assert!(text.contains("0\n1\n2\n"), "{text}");

    // A reader that reads nothing: the producer stops once the socket buffers are full.
    let mut slow = Conn::open(running.addr).await;
    slow.send(&get("/stream/firehose")).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stalled = PRODUCED.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(PRODUCED.load(Ordering::SeqCst), stalled, "the producer ran ahead of the reader");
    assert!(stalled < 64 * 1024, "{stalled} KiB produced for a reader that read nothing");
    // Reading lets it go on (the socket buffers hold a few MiB: drain until it moves).
    let resumed = tokio::time::timeout(Duration::from_secs(10), async {
        while PRODUCED.load(Ordering::SeqCst) == stalled {
            slow.unsolicited(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(resumed.is_ok(), "the producer did not resume when the client read");
    // An endless stream would hold the graceful drain until `shutdown_timeout`.
    drop(slow);
    running.shutdown().await;
}
