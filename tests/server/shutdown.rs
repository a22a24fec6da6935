//! Graceful shutdown: in-flight requests finish, new connections are refused, and what outlives
//! the shutdown timeout is aborted.

use std::time::Duration;

use crate::app::app;
use crate::support::{Conn, get, serve};

#[tokio::test]
async fn in_flight_requests_finish_after_the_shutdown_signal() {
    let mut server = serve(app()).await;
    let addr = server.addr;
    let mut conn = Conn::open(addr).await;
    conn.send(&get("/w/slow")).await;
    // Let the request reach the handler, then ask the server to stop.
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.signal_shutdown();
    let response = conn.read_response().await.expect("the in-flight request completes");
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "slow done");
    server.join().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "listener is closed after shutdown"
    );
}

#[tokio::test]
async fn idle_keep_alive_connections_are_closed_on_shutdown() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&get("/w/hello")).await;
    assert_eq!(conn.read_response().await.expect("response").text(), "hello");
    server.shutdown().await;
    assert!(conn.is_closed().await);
}

#[tokio::test]
async fn requests_outliving_the_shutdown_timeout_are_cut_off_before_the_app_shuts_down() {
    let mut server = serve(app().shutdown_timeout(Duration::from_millis(100))).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&get("/w/slow")).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    server.signal_shutdown();
    server.join().await;
    assert!(started.elapsed() < Duration::from_millis(350), "the drain is bounded");
    // The handler (400 ms) was aborted with its connection, not left running past shutdown.
    assert!(conn.read_response().await.is_none(), "no response after the drain gave up");
}

#[tokio::test]
async fn http2_requests_in_flight_finish_after_the_shutdown_signal() {
    let mut server = serve(app()).await;
    let (mut sender, driver) = crate::support::http2(server.addr).await;
    let request = http::Request::get(format!("http://{}/w/slow", server.addr))
        .body(http_body_util::Full::<bytes::Bytes>::default())
        .expect("request");
    let in_flight = tokio::spawn(async move { sender.send_request(request).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    server.signal_shutdown();
    let response = in_flight.await.expect("task").expect("the in-flight h2 request completes");
    assert_eq!(response.status(), 200);
    server.join().await;
    // The server said GOAWAY and closed: the client's connection task ends.
    // Ended, cleanly or not: either way the server closed it.
    let _ended = tokio::time::timeout(Duration::from_secs(5), driver)
        .await
        .expect("the h2 connection is closed after the drain")
        .expect("driver task");
}
