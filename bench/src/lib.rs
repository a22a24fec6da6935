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
