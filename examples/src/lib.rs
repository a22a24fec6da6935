//! Runnable examples of lauren: `cargo run --example NAME`.

/// The address an example listens on: `LAUREN_ADDR`, or `127.0.0.1:3000`.
pub fn addr() -> String {
    std::env::var("LAUREN_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned())
}

/// Logs to stdout through `tracing-subscriber`, filtered by `RUST_LOG` (default `info`; e.g.
/// `RUST_LOG=info,lauren::request=debug` adds a span and an event per request).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

/// The directory the examples serve static files from (`examples/public`), wherever they run.
pub fn public_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("public")
}
