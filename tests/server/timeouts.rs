//! `header_read_timeout`: a connection that for a whole timeout completes no request head, runs
//! no handler and writes no response byte is closed; one that makes progress is left alone.

use std::time::{Duration, Instant};

use crate::app::app;
use crate::support::{Conn, get, once, serve};

const TIMEOUT: Duration = Duration::from_millis(200);

#[tokio::test]
async fn a_client_stalling_in_the_request_head_is_cut_off() {
    let server = serve(app().header_read_timeout(TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    let started = Instant::now();
    conn.send(b"GET /w/hello HTTP/1.1\r\nhost: te").await;
    assert!(conn.read_response().await.is_none(), "no response to half a head");
    let elapsed = started.elapsed();
    assert!(elapsed >= TIMEOUT - Duration::from_millis(20), "closed early, after {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "closed late, after {elapsed:?}");
    assert_eq!(once(server.addr, &get("/w/hello")).await.text(), "hello", "others are served");
    server.shutdown().await;
}

#[tokio::test]
async fn trickling_a_head_byte_by_byte_does_not_keep_the_connection() {
    let server = serve(app().header_read_timeout(TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    let started = Instant::now();
    // Every byte reaches the server, none completes a head: reads are not progress.
    let head =
        b"GET /w/hello HTTP/1.1\r\nx-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for byte in head {
        if !conn.try_send(std::slice::from_ref(byte)).await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(conn.is_closed().await, "the trickling connection is closed");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(1), "closed late, after {elapsed:?}");
    server.shutdown().await;
}

#[tokio::test]
async fn a_handler_running_longer_than_the_timeout_still_answers() {
    let server = serve(app().header_read_timeout(TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    // /w/slow sleeps 400 ms, two timeouts: a request in a handler is progress.
    conn.send(&get("/w/slow")).await;
    let response = conn.read_response().await.expect("the slow handler's response");
    assert_eq!(response.text(), "slow done");
    server.shutdown().await;
}

#[tokio::test]
async fn keep_alive_connections_live_while_used_and_close_when_idle() {
    let server = serve(app().header_read_timeout(TIMEOUT).keep_alive_timeout(TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    // Requests every half timeout keep the connection for four timeouts.
    for _ in 0..8 {
        conn.send(&get("/w/hello")).await;
        assert_eq!(conn.read_response().await.expect("served").text(), "hello");
        tokio::time::sleep(TIMEOUT / 2).await;
    }
    let idle_since = Instant::now();
    assert!(conn.is_closed().await, "the idle connection is closed");
    assert!(idle_since.elapsed() < Duration::from_secs(2));
    server.shutdown().await;
}

#[tokio::test]
async fn without_a_timeout_idle_connections_stay_open() {
    let server = serve(app().header_read_timeout(None)).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(b"GET /w/hello HTTP/1.1\r\nhost: te").await;
    tokio::time::sleep(TIMEOUT * 3).await;
    conn.send(b"st\r\n\r\n").await;
    assert_eq!(conn.read_response().await.expect("served").text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn idle_http2_connections_are_closed_too() {
    let server = serve(app().header_read_timeout(TIMEOUT).keep_alive_timeout(TIMEOUT)).await;
    let (mut sender, driver) = crate::support::http2(server.addr).await;
    let request = http::Request::get(format!("http://{}/w/hello", server.addr))
        .body(http_body_util::Full::<bytes::Bytes>::default())
        .expect("request");
    assert_eq!(sender.send_request(request).await.expect("h2 response").status(), 200);
    let idle_since = Instant::now();
    // Ended, cleanly or not: either way the server closed it.
    let _ended = tokio::time::timeout(Duration::from_secs(2), driver)
        .await
        .expect("the idle h2 connection is closed")
        .expect("driver task");
    assert!(idle_since.elapsed() >= TIMEOUT - Duration::from_millis(20));
    server.shutdown().await;
}
