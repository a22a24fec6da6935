//! Around interceptors end to end: order, short-circuit, replies, errors, request rewriting,
//! the execution context and metadata; pre-interceptors (Esmerald) and lifecycle interceptors. Each test asserts the exact log its interceptors write.

mod attach;
mod builtins;
mod context;
mod errors;
mod inspect;
mod lifecycle;
mod metadata;
mod order;
mod pre;
mod reply;
mod support;
mod typed;
