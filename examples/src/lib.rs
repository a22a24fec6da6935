//! Runnable examples of lauren: `cargo run --example NAME`.
