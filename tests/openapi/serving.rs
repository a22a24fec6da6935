//! The document and the docs page over real HTTP, and the startup warning.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use lauren::openapi::OpenApi;
use lauren::prelude::*;

use crate::apps::OrdersModule;
use crate::support::{Conn, get, once, serve};

#[tokio::test]
async fn the_document_and_the_docs_page_are_served() {
    let running =
        serve(LaurenFactory::create(OrdersModule).openapi(OpenApi::new("Orders", "1"))).await;
    let json = once(running.addr, &get("/openapi.json")).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.header("content-type"), Some("application/json"));
    let served = json.json();
    assert_eq!(served["info"]["title"], "Orders");
    assert!(served["paths"]["/orders/{id}"]["get"].is_object());

    let page = once(running.addr, &get("/docs")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let html = page.text();
    assert!(html.contains("<title>Orders</title>"), "{html}");
    for asset in
        ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js"]
    {
        assert!(html.contains(asset), "{asset} in {html}");
        let served = once(running.addr, &get(asset)).await;
        assert_eq!(served.status, 200, "{asset}");
        assert!(!served.body.is_empty(), "{asset}");
    }
    let init = once(running.addr, &get("/docs/swagger-initializer.js")).await.text();
    assert!(init.contains(r#"url: "/openapi.json""#), "{init}");
    // Served like any GET route: HEAD works, other methods are 405.
    let mut conn = Conn::open(running.addr).await;
    conn.send(b"HEAD /openapi.json HTTP/1.1\r\nhost: t\r\n\r\n").await;
    let head = conn.read_head_response().await.expect("a HEAD response");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let post =
        once(running.addr, &crate::support::post("/openapi.json", "application/json", b"{}")).await;
    assert_eq!(post.status, 405);
    running.shutdown().await;
}

#[tokio::test]
async fn paths_are_configurable_and_the_page_optional() {
    let openapi = OpenApi::new("Orders", "1").json_path("/api/spec.json").docs_path("/api/docs");
    let running = serve(LaurenFactory::create(OrdersModule).openapi(openapi)).await;
    assert_eq!(once(running.addr, &get("/api/spec.json")).await.status, 200);
    assert_eq!(once(running.addr, &get("/openapi.json")).await.status, 404);
    let page = once(running.addr, &get("/api/docs")).await;
    assert!(page.text().contains("/api/docs/swagger-ui-bundle.js"));
    let init = once(running.addr, &get("/api/docs/swagger-initializer.js")).await.text();
    assert!(init.contains(r#"url: "/api/spec.json""#), "{init}");
    running.shutdown().await;

    let openapi = OpenApi::new("Orders", "1").without_docs_page();
    let running = serve(LaurenFactory::create(OrdersModule).openapi(openapi)).await;
    assert_eq!(once(running.addr, &get("/openapi.json")).await.status, 200);
    assert_eq!(once(running.addr, &get("/docs")).await.status, 404);
    running.shutdown().await;
}

#[tokio::test]
async fn a_route_on_the_document_path_is_a_startup_error() {
    let openapi = OpenApi::new("Orders", "1").json_path("/orders/paged");
    let err =
        LaurenFactory::create(OrdersModule).openapi(openapi).build().await.expect_err("conflict");
    let message = err.to_string();
    assert!(message.contains("/orders/paged") && message.contains("lauren::openapi"), "{message}");
}

/// Collects what the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn types_without_a_schema_are_listed_in_one_startup_warning() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::WARN)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    LaurenFactory::create(OrdersModule)
        .openapi(OpenApi::new("Orders", "1"))
        .build()
        .await
        .expect("an undocumented type does not stop the app");
    let log = String::from_utf8_lossy(&captured.0.lock().unwrap_or_else(PoisonError::into_inner))
        .into_owned();
    let warnings: Vec<&str> = log.lines().filter(|l| l.contains("lauren::openapi")).collect();
    assert_eq!(warnings.len(), 1, "{log}");
    let warning = warnings[0];
    assert!(warning.contains("WARN"), "{warning}");
    for expected in [
        "OrdersController.opaque",
        "Opaque",
        "Mystery",
        "derive `schemars::JsonSchema`",
        "lauren::openapi::OperationParam",
    ] {
        assert!(warning.contains(expected), "{expected} in {warning}");
    }
    // Documented types are not listed.
    assert!(!warning.contains("NewOrder") && !warning.contains("Tenant"), "{warning}");
}

#[tokio::test]
async fn served_paths_are_normalised_and_unusable_ones_are_startup_errors() {
    let openapi = OpenApi::new("Orders", "1").json_path("spec.json/").docs_path("/api/docs/");
    let running = serve(LaurenFactory::create(OrdersModule).openapi(openapi)).await;
    assert_eq!(once(running.addr, &get("/spec.json")).await.status, 200);
    assert_eq!(once(running.addr, &get("/api/docs/")).await.status, 200);
    let init = once(running.addr, &get("/api/docs/swagger-initializer.js")).await.text();
    assert!(init.contains(r#"url: "/spec.json""#), "{init}");
    running.shutdown().await;

    for (openapi, expected) in [
        (OpenApi::new("O", "1").json_path(""), "json_path \"\" cannot be served"),
        (OpenApi::new("O", "1").docs_path("/my docs"), "docs_path \"/my docs\" cannot be served"),
        // What clients send otherwise: resolved, or percent-encoded.
        (OpenApi::new("O", "1").json_path("/../x.json"), "json_path \"/../x.json\" cannot be"),
        (OpenApi::new("O", "1").json_path("/spéc.json"), "json_path \"/spéc.json\" cannot be"),
        (OpenApi::new("O", "1").json_path("/x\"y"), "json_path \"/x\\\"y\" cannot be"),
        (OpenApi::new("O", "1").json_path("/docs/"), "json_path and docs_path are both /docs"),
    ] {
        let err =
            LaurenFactory::create(OrdersModule).openapi(openapi).build().await.expect_err(expected);
        assert_eq!(err.code(), "invalid_option", "{err}");
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[tokio::test]
async fn assets_are_cached_and_the_document_revalidated() {
    let running =
        serve(LaurenFactory::create(OrdersModule).openapi(OpenApi::new("Orders", "1"))).await;
    for (path, cache) in [
        ("/openapi.json", "no-cache"),
        ("/docs", "no-cache"),
        ("/docs/swagger-initializer.js", "no-cache"),
        ("/docs/swagger-ui-bundle.js", "public, max-age=86400"),
        ("/docs/swagger-ui.css", "public, max-age=86400"),
    ] {
        let response = once(running.addr, &get(path)).await;
        assert_eq!(response.header("cache-control"), Some(cache), "{path}");
    }
    running.shutdown().await;
}
