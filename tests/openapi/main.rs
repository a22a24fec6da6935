//! OpenAPI documents generated from the route tables: what each parameter kind, body, reply
//! and attribute becomes, the document and docs page over real HTTP, and every example's
//! document (snapshot-tested and checked by a real OpenAPI 3.1 validator). The examples are
//! compiled here, so their realtime servers are tested here too (`example_servers`, `browser`).

mod apps;
mod browser;
mod document;
mod example_servers;
mod examples;
mod serving;
#[allow(dead_code)]
#[path = "../server/support.rs"]
mod support;
