//! HTTP/1.1 keep-alive and HTTP/2 prior knowledge on one listener.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};

use crate::app::app;
use crate::support::{Conn, get, http2, serve};

#[tokio::test]
async fn http1_keep_alive_serves_several_requests_on_one_connection() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    for word in ["one", "two", "three"] {
        conn.send(&get(&format!("/w/echo/{word}"))).await;
        let response = conn.read_response().await.expect("keep-alive response");
        assert_eq!(response.status, 200);
        assert_eq!(response.text(), word);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn a_route_is_served_under_every_spelling_clients_send() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    // Raw (curl, raw clients), as a browser encodes it (`|` kept, uppercase hex), as curl and
    // strict encoders do (lowercase, `|` encoded).
    for path in
        ["/w/menu/café|thé/3", "/w/menu/caf%C3%A9|th%C3%A9/3", "/w/menu/caf%c3%a9%7cth%c3%a9/3"]
    {
        conn.send(&get(path)).await;
        let response = conn.read_response().await.expect("a response");
        assert_eq!((response.status, response.text()), (200, "menu 3".to_owned()), "{path}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let server = serve(app()).await;
    let mut conn = Conn::open(server.addr).await;
    let mut both = get("/w/echo/first");
    both.extend(get("/w/echo/second"));
    conn.send(&both).await;
    assert_eq!(conn.read_response().await.expect("first").text(), "first");
    assert_eq!(conn.read_response().await.expect("second").text(), "second");
    server.shutdown().await;
}

#[tokio::test]
async fn http2_prior_knowledge_is_served() {
    let server = serve(app()).await;
    let (mut sender, driver) = http2(server.addr).await;
    for word in ["alpha", "beta"] {
        let request = http::Request::get(format!("http://{}/w/echo/{word}", server.addr))
            .body(Full::<Bytes>::default())
            .expect("request");
        let response = sender.send_request(request).await.expect("h2 response");
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), http::Version::HTTP_2);
        let body = response.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(&body[..], word.as_bytes());
    }
    drop(sender);
    let _ = driver.await;
    server.shutdown().await;
}

#[tokio::test]
async fn the_app_is_a_tower_service() {
    use tower_service::Service;

    let mut app = app().build().await.expect("builds");
    std::future::poll_fn(|cx| Service::<http::Request<Full<Bytes>>>::poll_ready(&mut app, cx))
        .await
        .expect("always ready");
    let request =
        http::Request::get("/w/echo/tower").body(Full::<Bytes>::from("")).expect("request");
    let response = app.call(request).await.expect("infallible");
    assert_eq!(response.status(), 200);
    let body = response.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(&body[..], b"tower");
}
