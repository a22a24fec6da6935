//! Bad input never panics the server nor drops the connection silently: each gets its status.

use serde_json::json;

use crate::app::app;
use crate::support::{Conn, get, once, post, serve};

#[tokio::test]
async fn malformed_json_is_422_and_the_connection_stays_usable() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&post("/w/items", "application/json", br#"{"name": "#)).await;
    let response = conn.read_response().await.expect("response");
    assert_eq!(response.status, 422);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.json()["error"]["code"], "extractor_error");
    conn.send(&get("/w/hello")).await;
    assert_eq!(conn.read_response().await.expect("next response").text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn wrong_content_type_is_415() {
    let server = serve(app()).await;
    let response = once(server.addr, &post("/w/items", "text/xml", b"<item/>")).await;
    assert_eq!(response.status, 415);
    assert_eq!(
        response.json()["error"]["message"],
        "POST /w/items expects a JSON body (application/json), got text/xml"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn oversized_body_is_422_naming_the_parameter() {
    let server = serve(app()).await;
    let body = format!(r#"{{"name":"{}"}}"#, "x".repeat(1000));
    let response = once(server.addr, &post("/w/items", "application/json", body.as_bytes())).await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json(),
        json!({"error":{"code":"extractor_error","message":"failed to extract 'item': body exceeds 256 bytes","detail":{"field":"item","source":"json"}}})
    );
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_percent_encoding_is_422() {
    let server = serve(app()).await;
    let response = once(server.addr, &get("/w/echo/%C3%28")).await;
    assert_eq!(response.status, 422);
    assert_eq!(
        response.json()["error"]["message"],
        "invalid path parameter 'word': not valid UTF-8 after percent-decoding"
    );
    let response = once(server.addr, &get("/w/echo/100%")).await;
    assert_eq!(response.status, 200, "a lone % is kept literally, as browsers do");
    assert_eq!(response.text(), "100%");
    server.shutdown().await;
}

#[tokio::test]
async fn non_utf8_bytes_in_the_request_line_are_rejected_by_hyper_with_400() {
    let server = serve(app()).await;
    let response = once(server.addr, b"GET /w/echo/\xff\xfe HTTP/1.1\r\nhost: test\r\n\r\n").await;
    assert_eq!(response.status, 400);
    // The server is unharmed.
    assert_eq!(once(server.addr, &get("/w/hello")).await.text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn long_header_values_within_hyper_limits_reach_the_handler() {
    let server = serve(app()).await;
    let request =
        format!("GET /w/header HTTP/1.1\r\nhost: test\r\nx-big: {}\r\n\r\n", "a".repeat(16 * 1024));
    let response = once(server.addr, request.as_bytes()).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), "16384 bytes");
    server.shutdown().await;
}

#[tokio::test]
async fn absurdly_long_headers_get_431_and_the_server_keeps_serving() {
    let server = serve(app()).await;
    let request = format!(
        "GET /w/header HTTP/1.1\r\nhost: test\r\nx-big: {}\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    let response = once(server.addr, request.as_bytes()).await;
    assert_eq!(response.status, 431);
    assert_eq!(once(server.addr, &get("/w/hello")).await.text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn a_panic_is_a_500_and_the_same_connection_keeps_working() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    conn.send(&get("/w/panic")).await;
    let response = conn.read_response().await.expect("500 response");
    assert_eq!(response.status, 500);
    assert_eq!(
        response.json(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"panic"}}})
    );
    conn.send(&get("/w/hello")).await;
    assert_eq!(conn.read_response().await.expect("next response").text(), "hello");
    server.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_get_the_404_envelope_over_the_wire() {
    let server = serve(app()).await;
    let response = once(server.addr, &get("/nope")).await;
    assert_eq!(response.status, 404);
    assert_eq!(
        response.json(),
        json!({"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}})
    );
    let response = once(server.addr, b"DELETE /w/hello HTTP/1.1\r\nhost: t\r\n\r\n").await;
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow"), Some("GET, HEAD"));
    server.shutdown().await;
}
