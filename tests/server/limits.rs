//! Connection and request limits over real sockets: idle keep-alive vs a stalled head, max
//! connections, header size and count, the per-route request timeout.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lauren::prelude::*;

use crate::app::app;
use crate::support::{Conn, get, once, serve};

const SHORT: Duration = Duration::from_millis(200);

#[tokio::test]
async fn idle_keep_alive_connections_have_their_own_timeout() {
    // A long head timeout, a short idle one: the idle connection goes, a head in progress is
    // judged by the head timeout.
    let server =
        serve(app().header_read_timeout(Duration::from_secs(30)).keep_alive_timeout(SHORT)).await;
    let mut idle = Conn::open(server.addr).await;
    idle.send(&get("/w/hello")).await;
    assert_eq!(idle.read_response().await.expect("served").text(), "hello");
    let since = Instant::now();
    assert!(idle.is_closed().await, "the idle connection is closed");
    assert!(since.elapsed() >= SHORT - Duration::from_millis(20), "{:?}", since.elapsed());

    let mut reading = Conn::open(server.addr).await;
    reading.send(b"GET /w/hello HTTP/1.1\r\nhost: te").await;
    tokio::time::sleep(SHORT * 3).await;
    reading.send(b"st\r\n\r\n").await;
    assert_eq!(reading.read_response().await.expect("served").text(), "hello");
    server.shutdown().await;

    // The other way round: idle connections stay, a stalled head is cut off.
    let server = serve(app().header_read_timeout(SHORT).keep_alive_timeout(None)).await;
    let mut idle = Conn::open(server.addr).await;
    idle.send(&get("/w/hello")).await;
    assert_eq!(idle.read_response().await.expect("served").text(), "hello");
    tokio::time::sleep(SHORT * 3).await;
    idle.send(&get("/w/hello")).await;
    assert_eq!(idle.read_response().await.expect("still served").text(), "hello");
    let mut stalled = Conn::open(server.addr).await;
    stalled.send(b"GET /w/hello HTTP/1.1\r\nhost: te").await;
    assert!(stalled.is_closed().await, "the stalled head is cut off");
    server.shutdown().await;
}

#[tokio::test]
async fn connections_beyond_the_maximum_are_closed_at_once() {
    let server = serve(app().max_connections(2)).await;
    let mut first = Conn::open(server.addr).await;
    let mut second = Conn::open(server.addr).await;
    for conn in [&mut first, &mut second] {
        conn.send(&get("/w/hello")).await;
        assert_eq!(conn.read_response().await.expect("served").text(), "hello");
    }
    let mut third = Conn::open(server.addr).await;
    let since = Instant::now();
    assert!(third.is_closed().await, "the third connection is closed");
    assert!(since.elapsed() < Duration::from_secs(1));
    // The open ones are not disturbed; once one ends, a new one is served.
    first.send(&get("/w/hello")).await;
    assert_eq!(first.read_response().await.expect("still served").text(), "hello");
    drop(second);
    let mut served = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let mut conn = Conn::open(server.addr).await;
        conn.send(&get("/w/hello")).await;
        if let Some(response) = conn.read_response().await {
            served = Some(response);
            break;
        }
    }
    assert_eq!(served.expect("a new connection is served once a slot frees").text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_or_overlong_heads_answer_431() {
    let server = serve(app().max_header_bytes(8192).max_headers(10)).await;
    let big = format!("GET /w/hello HTTP/1.1\r\nhost: t\r\nx-big: {}\r\n\r\n", "a".repeat(9000));
    assert_eq!(once(server.addr, big.as_bytes()).await.status, 431);
    let many: String = (0..12).map(|i| format!("x-h{i}: v\r\n")).collect();
    let request = format!("GET /w/hello HTTP/1.1\r\nhost: t\r\n{many}\r\n");
    assert_eq!(once(server.addr, request.as_bytes()).await.status, 431);
    // Within both bounds.
    let request =
        format!("GET /w/hello HTTP/1.1\r\nhost: t\r\nx-big: {}\r\n\r\n", "a".repeat(4000));
    assert_eq!(once(server.addr, request.as_bytes()).await.text(), "hello");
    server.shutdown().await;

    let Err(err) = app().max_header_bytes(4096).build().await else {
        panic!("a head bound below 8192 must not start");
    };
    assert_eq!(err.problems().len(), 1);
    assert_eq!(err.problems()[0].code().as_str(), "invalid_option");
    assert_eq!(
        err.problems()[0].message(),
        "max_header_bytes(4096) is below 8192, the smallest HTTP/1 read buffer"
    );
}

/// How many handler futures were dropped before finishing.
static ABANDONED: AtomicUsize = AtomicUsize::new(0);

struct CountIfAbandoned(bool);

impl Drop for CountIfAbandoned {
    fn drop(&mut self) {
        if !self.0 {
            ABANDONED.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[derive(Default)]
struct TimedController;

#[controller("/timed")]
impl TimedController {
    #[get("/slow")]
    async fn slow(&self) -> &'static str {
        let mut guard = CountIfAbandoned(false);
        tokio::time::sleep(Duration::from_millis(400)).await;
        guard.0 = true;
        "slow done"
    }

    #[set_metadata("request_timeout_ms", 50)]
    #[get("/bounded")]
    async fn bounded(&self) -> &'static str {
        tokio::time::sleep(Duration::from_millis(200)).await;
        "bounded done"
    }

    #[get("/fast")]
    async fn fast(&self) -> &'static str {
        "fast"
    }
}

#[module(controllers = [TimedController])]
struct TimedModule;

#[tokio::test]
async fn a_route_over_its_time_answers_503_and_its_handler_is_dropped() {
    let server =
        serve(LaurenFactory::create(TimedModule).request_timeout(Duration::from_millis(100))).await;
    let before = ABANDONED.load(Ordering::SeqCst);
    let started = Instant::now();
    let response = once(server.addr, &get("/timed/slow")).await;
    assert_eq!(response.status, 503);
    assert_eq!(
        response.json(),
        serde_json::json!({"error": {"code": "request_timeout", "message": "the request did not complete within 100 ms", "detail": {}}})
    );
    assert!(started.elapsed() < Duration::from_millis(350), "{:?}", started.elapsed());
    assert_eq!(ABANDONED.load(Ordering::SeqCst), before + 1, "the handler's future was dropped");
    // A route's own bound wins over the app's; fast routes are untouched.
    let response = once(server.addr, &get("/timed/bounded")).await;
    assert_eq!(
        (response.status, response.json()["error"]["message"].clone()),
        (503, "the request did not complete within 50 ms".into())
    );
    assert_eq!(once(server.addr, &get("/timed/fast")).await.text(), "fast");
    server.shutdown().await;
}

#[derive(Default)]
struct BadTimeoutController;

#[controller("/bad-timeout")]
impl BadTimeoutController {
    #[set_metadata("request_timeout_ms", "soon")]
    #[get]
    async fn root(&self) {}
}

#[module(controllers = [BadTimeoutController])]
struct BadTimeoutModule;

#[tokio::test]
async fn a_request_timeout_that_is_no_number_fails_at_startup() {
    let Err(err) = LaurenFactory::create(BadTimeoutModule).build().await else {
        panic!("a malformed timeout must not start");
    };
    assert!(
        err.to_string().contains("BadTimeoutController::root: metadata `request_timeout_ms` must be a positive number of milliseconds, got \"soon\""),
        "{err}"
    );
}

#[tokio::test]
async fn a_connection_that_never_sends_a_byte_gets_the_head_timeout() {
    // Idle keep-alive connections may stay; a new one that sends nothing owes a head.
    let server = serve(app().header_read_timeout(SHORT).keep_alive_timeout(None)).await;
    let mut silent = Conn::open(server.addr).await;
    let since = Instant::now();
    assert!(silent.is_closed().await, "the silent connection is closed");
    assert!(since.elapsed() < Duration::from_secs(2), "{:?}", since.elapsed());
    server.shutdown().await;
}
