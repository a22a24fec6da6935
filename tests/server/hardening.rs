//! Hardening over real sockets: slow bodies, HEAD on both protocols, Host, a tuple's status over
//! a failed render, 5xx logging, and TestClient answering exactly like the server.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use lauren::testing::TestClient;
use serde_json::json;

use crate::app::app;
use crate::support::{Conn, get, http2, once, post, serve};

const BODY_TIMEOUT: Duration = Duration::from_millis(200);

fn upload_head(len: usize) -> Vec<u8> {
    format!("POST /w/upload HTTP/1.1\r\nhost: t\r\ncontent-length: {len}\r\n\r\n").into_bytes()
}

#[tokio::test]
async fn a_body_that_never_comes_is_408_and_the_connection_closes() {
    let server = serve(app().body_read_timeout(BODY_TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    let started = Instant::now();
    conn.send(&upload_head(100)).await;
    let response = conn.read_response().await.expect("a 408, not silence");
    let elapsed = started.elapsed();
    assert_eq!(response.status, 408);
    assert_eq!(response.header("connection"), Some("close"));
    assert_eq!(
        response.json(),
        json!({"error":{"code":"request_timeout","message":"failed to extract 'body': the request body did not arrive within 200 ms","detail":{"field":"body"}}})
    );
    assert!(elapsed >= BODY_TIMEOUT, "answered before the timeout: {elapsed:?}");
    assert!(elapsed < Duration::from_secs(2), "answered late: {elapsed:?}");
    assert!(conn.is_closed().await, "the connection is closed after the 408");
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_trickled_so_slowly_it_outlasts_the_timeout_is_408() {
    let server = serve(app().body_read_timeout(BODY_TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&upload_head(10)).await;
    // A byte every 50 ms: never silent for long, but the whole body would take 500 ms.
    let started = Instant::now();
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if !conn.try_send(b"x").await || started.elapsed() > BODY_TIMEOUT * 2 {
            break;
        }
    }
    let response = conn.read_response().await.expect("a 408");
    assert_eq!(response.status, 408);
    assert!(conn.is_closed().await);
    // A body sent at once is read as ever.
    let response =
        once(server.addr, &post("/w/upload", "application/octet-stream", b"12345")).await;
    assert_eq!(response.text(), "5 bytes");
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_arriving_in_chunks_within_the_timeout_is_read() {
    let server = serve(app().body_read_timeout(BODY_TIMEOUT)).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&upload_head(4)).await;
    for byte in [b"a", b"b", b"c", b"d"] {
        tokio::time::sleep(BODY_TIMEOUT / 8).await;
        conn.send(byte).await;
    }
    assert_eq!(conn.read_response().await.expect("the answer").text(), "4 bytes");
    server.shutdown().await;
}

#[tokio::test]
async fn head_over_http1_answers_like_get_without_a_body() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(b"HEAD /w/echo/hello HTTP/1.1\r\nhost: t\r\n\r\n").await;
    let head = conn.read_head_response().await.expect("a HEAD response");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(head.header("content-length"), Some("5"));
    assert!(conn.unsolicited(Duration::from_millis(100)).await.is_empty(), "no body bytes");
    // The connection is in step: the next request on it is answered normally.
    conn.send(&get("/w/echo/again")).await;
    assert_eq!(conn.read_response().await.expect("keep-alive").text(), "again");
    // A HEAD to a path that is not there: the 404's head, no body.
    conn.send(b"HEAD /nope HTTP/1.1\r\nhost: t\r\n\r\n").await;
    let missing = conn.read_head_response().await.expect("a 404 head");
    assert_eq!(missing.status, 404);
    assert!(conn.unsolicited(Duration::from_millis(100)).await.is_empty());
    server.shutdown().await;
}

#[tokio::test]
async fn head_over_http2_does_not_break_the_stream() {
    let server = serve(app()).await;
    let (mut sender, driver) = http2(server.addr).await;
    for path in ["/w/echo/hello", "/nope", "/w/panic"] {
        let request = http::Request::head(format!("http://{}{path}", server.addr))
            .body(Full::<Bytes>::default())
            .expect("request");
        let response = sender.send_request(request).await.expect("a HEAD response, no reset");
        let status = response.status().as_u16();
        let body = response.into_body().collect().await.expect("the stream ends cleanly");
        assert!(body.to_bytes().is_empty(), "{path}: no body");
        assert_eq!(
            status,
            if path == "/w/echo/hello" {
                200
            } else if path == "/nope" {
                404
            } else {
                500
            }
        );
    }
    drop(sender);
    let _ = driver.await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_over_the_limit_closes_the_connection_and_says_so() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    let big = vec![b'x'; 4096];
    conn.send(&post("/w/upload", "application/octet-stream", &big)).await;
    let response = conn.read_response().await.expect("a 422");
    assert_eq!(response.status, 422);
    assert_eq!(response.header("connection"), Some("close"));
    assert!(conn.is_closed().await, "the unread rest of the body cannot be taken for a request");
    server.shutdown().await;
}

#[tokio::test]
async fn a_duplicate_or_malformed_host_is_400() {
    let server = serve(app()).await;
    for (request, message) in [
        (
            &b"GET /w/hello HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n"[..],
            "an HTTP/1.1 request must carry one Host header, not several",
        ),
        (
            &b"GET /w/hello HTTP/1.1\r\nhost: a b/c\r\n\r\n"[..],
            "the Host header is not a host name with an optional port",
        ),
        (
            &b"GET /w/hello HTTP/1.1\r\nhost: user@evil\r\n\r\n"[..],
            "the Host header is not a host name with an optional port",
        ),
    ] {
        let response = once(server.addr, request).await;
        assert_eq!(
            (response.status, response.json()["error"]["message"].clone()),
            (400, json!(message))
        );
    }
    let ok = once(server.addr, b"GET /w/hello HTTP/1.1\r\nhost: [::1]:8080\r\n\r\n").await;
    assert_eq!(ok.text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn http11_without_host_is_400_and_http10_is_served() {
    let server = serve(app()).await;
    let response = once(server.addr, b"GET /w/hello HTTP/1.1\r\n\r\n").await;
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"error":{"code":"bad_request","message":"an HTTP/1.1 request must carry a Host header","detail":{}}})
    );
    let response = once(server.addr, b"GET /w/hello HTTP/1.0\r\n\r\n").await;
    assert_eq!((response.status, response.text()), (200, "hello".to_owned()));
    server.shutdown().await;
}

#[tokio::test]
async fn a_tuple_status_never_hides_a_failed_serialization() {
    let logs = Logs::capture();
    let server = serve(app()).await;
    let response = once(server.addr, &get("/w/unserializable")).await;
    assert_eq!(response.status, 500);
    assert_eq!(
        response.json(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"serialization"}}})
    );
    server.shutdown().await;
    let logged = logs.text();
    let reason = logged.lines().find(|l| l.contains("a reply failed to serialize")).expect(&logged);
    assert!(reason.contains("ERROR"), "{reason}");
    assert!(reason.contains("this value refuses to be serialized"), "{reason}");
    assert!(reason.contains("Unserializable"), "{reason}");
    let route = logged.lines().find(|l| l.contains("route=/w/unserializable")).expect(&logged);
    assert!(route.contains("ERROR") && route.contains("status=500"), "{route}");
}

#[tokio::test]
async fn server_errors_and_panics_are_logged_never_sent() {
    let logs = Logs::capture();
    let server = serve(app()).await;
    let response = once(server.addr, &get("/w/io-error")).await;
    assert_eq!(
        response.json(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"Error"}}})
    );
    assert!(!response.text().contains("quota"), "the source's text never reaches the client");
    let response = once(server.addr, &get("/w/panic")).await;
    assert_eq!(response.status, 500);
    assert!(!response.text().contains("boom"));
    server.shutdown().await;
    let logged = logs.text();
    let io_line = logged.lines().find(|l| l.contains("route=/w/io-error")).expect(&logged);
    assert!(io_line.contains("ERROR"), "{io_line}");
    assert!(io_line.contains("error=could not write the order file"), "{io_line}");
    assert!(io_line.contains("caused_by=\"disk quota exceeded\""), "{io_line}");
    let panic_line = logged.lines().find(|l| l.contains("route=/w/panic")).expect(&logged);
    assert!(panic_line.contains("panic=\"boom on the wire\""), "{panic_line}");
}

/// The same requests through TestClient and over a socket get the same status, content type
/// and body: TestClient builds requests as hyper hands them over.
#[tokio::test]
async fn test_client_answers_exactly_like_the_server() {
    let server = serve(app()).await;
    let client = TestClient::new(app()).await;
    let table: [(&str, &str, Option<&str>, &[u8]); 8] = [
        ("GET", "/w/hello", None, b""),
        ("GET", "/w/echo/caf%C3%A9", None, b""),
        ("POST", "/w/items", Some("application/json"), br#"{"name":"pen"}"#),
        ("POST", "/w/items", None, br#"{"name":"pen"}"#),
        ("POST", "/w/items", Some("text/plain"), b"pen"),
        ("POST", "/w/items", Some("application/json"), b"{"),
        ("DELETE", "/w/hello", None, b""),
        ("POST", "/w/upload", None, b"raw"),
    ];
    for (method, path, content_type, body) in table {
        let mut raw = format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\n");
        let mut request = client.request(method.parse().expect("method"), path);
        if let Some(content_type) = content_type {
            raw.push_str(&format!("content-type: {content_type}\r\n"));
            request = request.header("content-type", content_type);
        }
        if !body.is_empty() {
            raw.push_str(&format!("content-length: {}\r\n", body.len()));
        }
        raw.push_str("\r\n");
        let mut raw = raw.into_bytes();
        raw.extend_from_slice(body);
        let wire = once(server.addr, &raw).await;
        let local = request.body(body.to_vec()).await;
        let case = format!("{method} {path} {content_type:?}");
        assert_eq!(wire.status, local.status().as_u16(), "{case}");
        assert_eq!(wire.header("content-type"), local.header("content-type"), "{case}");
        assert_eq!(wire.body, local.bytes().to_vec(), "{case}");
    }
    server.shutdown().await;
}

/// What `tracing` logged in this test binary. The subscriber is global (a thread-local one
/// misses events whose callsite another test's thread cached as uninteresting), so tests find
/// their own lines by route.
struct Logs;

static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();

impl Logs {
    fn capture() -> Self {
        LOGS.get_or_init(|| {
            let buffer = Arc::new(Mutex::new(Vec::new()));
            let writer = Capture(Arc::clone(&buffer));
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_env_filter(tracing_subscriber::EnvFilter::new(
                    "info,lauren::request=debug,lauren::startup=debug",
                ))
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in the server tests");
            buffer
        });
        Self
    }

    fn text(&self) -> String {
        let buffer = LOGS.get().expect("installed by capture");
        String::from_utf8_lossy(&buffer.lock().expect("log buffer")).into_owned()
    }
}

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_bind_failure_names_the_address_in_a_sentence() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = taken.local_addr().expect("bound");
    let Err(err) = app().bind(addr).await else {
        panic!("binding a taken port must fail");
    };
    let expected = format!("address {addr} is already in use");
    assert_eq!(err.to_string(), expected);
    // What `fn main() -> Result<(), ServeError>` prints is the same sentence.
    assert_eq!(format!("{err:?}"), expected);
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn requests_have_a_span_and_startup_and_shutdown_are_logged() {
    let logs = Logs::capture();
    let server = serve(app()).await;
    let addr = server.addr;
    let request =
        b"GET /w/echo/span-check HTTP/1.1\r\nhost: t\r\nx-request-id: req-span-42\r\n\r\n";
    assert_eq!(once(addr, request).await.text(), "span-check");
    server.shutdown().await;
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("req-span-42") && l.contains("response"))
        .unwrap_or_else(|| panic!("no response event for the request:\n{text}"));
    for part in [
        "request{method=GET path=/w/echo/span-check request_id=\"req-span-42\"}",
        "lauren::request: response route=\"/w/echo/{word}\" status=200 latency_us=",
    ] {
        assert!(line.contains(part), "{part} not in {line}");
    }
    assert!(
        text.contains(
            "lauren::startup: route method=GET path=/w/echo/{word} handler=WireController::echo"
        ),
        "{text}"
    );
    assert!(text.contains(&format!("lauren::server: listening addr={addr}")), "{text}");
    assert!(text.contains("lauren::server: shut down"), "{text}");
}
