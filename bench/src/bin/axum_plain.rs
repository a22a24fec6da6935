//! axum 0.8, plain.

use axum::extract::Path;
use axum::routing::{get, post};
use axum::{Json, Router};
use lauren_bench::{Message, User};

pub fn routes() -> Router {
    Router::new()
        .route("/plaintext", get(|| async { "Hello, World!" }))
        .route("/json", get(|| async { Json(Message { message: "Hello, World!" }) }))
        .route(
            "/users/{id}",
            get(|Path(id): Path<u64>| async move { Json(User { id, name: format!("user-{id}") }) }),
        )
        .route("/echo", post(|Json(value): Json<serde_json::Value>| async move { Json(value) }))
}

fn main() {
    lauren_bench::runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(lauren_bench::addr()).await.expect("bind");
        axum::serve(listener, routes()).await.expect("serve");
    });
}
