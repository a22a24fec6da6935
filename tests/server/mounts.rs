//! Services mounted under a prefix, over real sockets: an axum router under `/legacy`, the
//! longest prefix first, the prefix stripped, global middleware around them, and the
//! misconfigurations that fail at startup.

use axum::Extension;
use axum::extract::{Path, Query};
use lauren::middleware::{MiddlewareRequest, MiddlewareResponse, Next, from_fn};
use lauren::prelude::*;

use crate::support::{get, once, serve};

#[derive(Default)]
struct Native;

#[controller("/")]
impl Native {
    #[get("/native")]
    async fn native(&self) -> &'static str {
        "lauren"
    }
}

#[module(controllers = [Native])]
struct MountModule;

#[derive(Default)]
struct Legacy;

#[controller("/legacy")]
impl Legacy {
    #[get("/users")]
    async fn users(&self) -> &'static str {
        "hidden"
    }
}

#[module(controllers = [Legacy])]
struct ConflictModule;

fn legacy_router() -> axum::Router {
    axum::Router::new().route("/", axum::routing::get(|| async { "legacy root" })).route(
        "/users/{id}",
        axum::routing::get(
            |Path(id): Path<u32>,
             Query(query): Query<std::collections::HashMap<String, String>>,
             Extension(original): Extension<lauren::OriginalUri>| async move {
                axum::Json(serde_json::json!({
                    "id": id,
                    "page": query.get("page"),
                    "original": original.0.to_string(),
                }))
            },
        ),
    )
}

async fn stamp(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
    let mut response = next.run(req).await?;
    response.headers_mut().insert("x-global", lauren::http::HeaderValue::from_static("1"));
    Ok(response)
}

#[tokio::test]
async fn an_axum_router_serves_under_its_prefix_with_global_middleware() {
    let v2 = axum::Router::new().route("/users/{id}", axum::routing::get(|| async { "v2" }));
    let app = LaurenFactory::create(MountModule)
        .middleware(from_fn(stamp))
        .mount("/legacy", legacy_router())
        .mount("/legacy/v2/", v2);
    let server = serve(app).await;

    let user = once(server.addr, &get("/legacy/users/7?page=2")).await;
    assert_eq!(user.status, 200);
    assert_eq!(user.json()["id"], 7);
    assert_eq!(user.json()["page"], "2");
    assert_eq!(user.json()["original"], "/legacy/users/7?page=2");
    assert_eq!(user.header("x-global"), Some("1"), "global middleware wraps mounts");

    let root = once(server.addr, &get("/legacy")).await;
    assert_eq!((root.status, root.text().as_str()), (200, "legacy root"));
    let longest = once(server.addr, &get("/legacy/v2/users/7")).await;
    assert_eq!((longest.status, longest.text().as_str()), (200, "v2"));

    // axum answers its own 404; lauren's routes and 404s are untouched.
    assert_eq!(once(server.addr, &get("/legacy/nope")).await.status, 404);
    let native = once(server.addr, &get("/native")).await;
    assert_eq!((native.status, native.text().as_str()), (200, "lauren"));
    let outside = once(server.addr, &get("/legacyx/users/7")).await;
    assert_eq!(outside.status, 404);
    assert_eq!(outside.json()["error"]["code"], "route_not_found");
    assert_eq!(outside.header("x-global"), Some("1"));
    server.shutdown().await;
}

#[tokio::test]
async fn head_requests_to_a_mount_get_no_body() {
    let server = serve(LaurenFactory::create(MountModule).mount("/legacy", legacy_router())).await;
    let mut conn = crate::support::Conn::open(server.addr).await;
    conn.send(b"HEAD /legacy HTTP/1.1\r\nHost: t\r\n\r\n").await;
    let head = conn.read_head_response().await.expect("a response");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    // The connection is still usable: no stray body bytes were sent.
    conn.send(&get("/native")).await;
    assert_eq!(conn.read_response().await.expect("a response").text(), "lauren");
    server.shutdown().await;
}

#[tokio::test]
async fn a_route_under_a_mount_and_bad_prefixes_fail_at_startup() {
    let err = LaurenFactory::create(ConflictModule)
        .mount("/legacy", legacy_router())
        .build()
        .await
        .expect_err("a hidden route is a startup error");
    assert_eq!(err.code(), "route_conflict");
    assert!(err.to_string().contains("GET /legacy/users"), "{err}");
    assert!(err.to_string().contains("Legacy::users"), "{err}");

    let err = LaurenFactory::create(MountModule)
        .mount("/", legacy_router())
        .mount("/a/{id}", legacy_router())
        .mount("/twice", legacy_router())
        .mount("/twice/", legacy_router())
        .build()
        .await
        .expect_err("bad prefixes are startup errors");
    let codes: Vec<&str> = err.problems().iter().map(|p| p.code().as_str()).collect();
    assert_eq!(codes, ["invalid_route", "invalid_route", "route_conflict"], "{err}");
    assert!(err.to_string().contains("`/twice`"), "{err}");
}
