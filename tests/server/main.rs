//! The server over real sockets: HTTP/1.1 keep-alive, HTTP/2, hostile input, the slowloris
//! timeout, graceful shutdown.

mod app;
mod files;
mod hardening;
mod hostile;
mod layers;
mod limits;
mod mounts;
mod protocol;
mod shutdown;
mod streaming;
mod support;
mod timeouts;
mod websocket;
