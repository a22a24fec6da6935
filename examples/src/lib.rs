//! Runnable examples of lauren: `cargo run --example NAME`.

/// The address an example listens on: `LAUREN_ADDR`, or `127.0.0.1:3000`.
pub fn addr() -> String {
    std::env::var("LAUREN_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned())
}
