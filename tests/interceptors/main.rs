//! Around interceptors end to end: order, short-circuit, replies, errors, request rewriting,
//! the execution context and metadata. Each test asserts the exact log its interceptors write.

mod attach;
mod context;
mod errors;
mod metadata;
mod order;
mod reply;
mod support;
mod typed;
