//! Tower layers on the builder, served by `bind`: tower-http's CORS answers a preflight and its
//! compression gzips a body, over a real socket; routes and errors still come from the app.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_http::compression::CompressionLayer;
use tower_http::cors::CorsLayer;

use crate::app::app;
use crate::support::serve;

/// Sends `request` (which asks to close) and reads everything the server sends back.
async fn exchange(addr: std::net::SocketAddr, request: &str) -> (String, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut raw))
        .await
        .expect("the server answers and closes")
        .expect("read");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head") + 4;
    (String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase(), raw[split..].to_vec())
}

#[tokio::test]
async fn cors_preflight_and_gzip_work_through_bind() {
    let builder = app().layer(CorsLayer::permissive()).layer(CompressionLayer::new());
    let server = serve(builder).await;
    let (head, _) = exchange(
        server.addr,
        "OPTIONS /w/hello HTTP/1.1\r\nhost: t\r\norigin: https://shop.example\r\naccess-control-request-method: POST\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    assert!(head.contains("access-control-allow-methods: *"), "{head}");

    let word = "compressible".repeat(40);
    let (head, body) = exchange(
        server.addr,
        &format!("GET /w/echo/{word} HTTP/1.1\r\nhost: t\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n"),
    )
    .await;
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    assert!(head.contains("access-control-allow-origin: *"), "{head}");
    // Chunked: the first chunk's data starts after its size line; gzip starts with 1f 8b.
    let data = &body[body.windows(2).position(|w| w == b"\r\n").expect("a chunk size") + 2..];
    assert_eq!(&data[..2], [0x1f, 0x8b], "a gzip stream");

    // The app's own answers still come through the layers.
    let (head, body) =
        exchange(server.addr, "GET /nope HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n").await;
    assert!(head.starts_with("http/1.1 404"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("route_not_found"));
    server.shutdown().await;
}
