//! Shared pieces of the benchmark servers: the runtime every server uses, and the payloads.

use serde::Serialize;

/// The address from the first argument, or a default.
pub fn addr() -> String {
    std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned())
}

/// One tokio worker, as the harness pins each server to one core.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// `GET /json`.
#[derive(Serialize)]
pub struct Message {
    pub message: &'static str,
}

/// `GET /users/{id}`.
#[derive(Serialize)]
pub struct User {
    pub id: u64,
    pub name: String,
}

/// The axum route table both axum servers serve (`axum_layers` adds its layers on top).
pub fn axum_routes() -> axum::Router {
    use axum::Json;
    use axum::extract::Path;
    use axum::routing::{get, post};

    axum::Router::new()
        .route("/plaintext", get(|| async { "Hello, World!" }))
        .route("/json", get(|| async { Json(Message { message: "Hello, World!" }) }))
        .route(
            "/users/{id}",
            get(|Path(id): Path<u64>| async move { Json(User { id, name: format!("user-{id}") }) }),
        )
        .route("/echo", post(|Json(value): Json<serde_json::Value>| async move { Json(value) }))
}
