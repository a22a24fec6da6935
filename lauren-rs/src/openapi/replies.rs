//! What each built-in reply type contributes to its route's responses.

use bytes::Bytes;
use http::StatusCode;
use schemars::JsonSchema;
use serde_json::json;

use super::{OperationBuilder, OperationReply};
use crate::extract::Json;
use crate::reply::{IntoHeaders, Reply, Response};

impl OperationReply for () {
    fn document(op: &mut OperationBuilder<'_>) {
        op.success(204, None);
    }
}

/// `None` answers 204.
impl<T: OperationReply> OperationReply for Option<T> {
    fn document(op: &mut OperationBuilder<'_>) {
        T::document(op);
        // Inside `(StatusCode, Option<T>)` the tuple's status wins.
        if !op.status_at_run_time() {
            op.response("204", "No content.", None);
        }
    }
}

impl OperationReply for String {
    fn document(op: &mut OperationBuilder<'_>) {
        op.success(200, Some(("text/plain", json!({ "type": "string" }))));
    }
}

impl OperationReply for &'static str {
    fn document(op: &mut OperationBuilder<'_>) {
        String::document(op);
    }
}

impl OperationReply for Bytes {
    fn document(op: &mut OperationBuilder<'_>) {
        let schema = json!({ "type": "string", "contentMediaType": "application/octet-stream" });
        op.success(200, Some(("application/octet-stream", schema)));
    }
}

impl OperationReply for Vec<u8> {
    fn document(op: &mut OperationBuilder<'_>) {
        Bytes::document(op);
    }
}

impl<T: JsonSchema> OperationReply for Json<T> {
    fn document(op: &mut OperationBuilder<'_>) {
        let schema = op.schema::<T>();
        op.success(200, Some(("application/json", schema)));
    }
}

impl OperationReply for serde_json::Value {
    fn document(op: &mut OperationBuilder<'_>) {
        op.success(200, Some(("application/json", json!({}))));
    }
}

impl<T: OperationReply> OperationReply for (StatusCode, T) {
    fn document(op: &mut OperationBuilder<'_>) {
        op.with_status_at_run_time(T::document);
    }
}

impl<H: IntoHeaders, T: OperationReply> OperationReply for (StatusCode, H, T) {
    fn document(op: &mut OperationBuilder<'_>) {
        op.with_status_at_run_time(T::document);
    }
}

/// The error side is documented with the route's standard error responses.
impl<T: OperationReply, E> OperationReply for Result<T, E> {
    fn document(op: &mut OperationBuilder<'_>) {
        T::document(op);
    }
}

/// Built at run time: status and body are the handler's choice.
impl OperationReply for Response {
    fn document(op: &mut OperationBuilder<'_>) {
        op.opaque_reply();
    }
}

impl OperationReply for Reply {
    fn document(op: &mut OperationBuilder<'_>) {
        op.opaque_reply();
    }
}

impl OperationReply for http::Response<crate::Body> {
    fn document(op: &mut OperationBuilder<'_>) {
        op.opaque_reply();
    }
}

/// Always an error: documented by the route's standard error responses.
impl OperationReply for crate::HttpError {
    fn document(_: &mut OperationBuilder<'_>) {}
}

/// Server-sent events: a `text/event-stream` of events.
impl<S> OperationReply for crate::Sse<S> {
    fn document(op: &mut OperationBuilder<'_>) {
        op.success(200, Some(("text/event-stream", json!({ "type": "string" }))));
    }
}

/// NDJSON or server-sent events of JSON, as `Accept` prefers.
impl<S: futures_util::Stream<Item = T>, T: JsonSchema> OperationReply for crate::JsonStream<S> {
    fn document(op: &mut OperationBuilder<'_>) {
        let item = op.schema::<T>();
        op.success(200, Some(("application/x-ndjson", item)));
        op.add_media_type("application/x-ndjson", "text/event-stream", json!({ "type": "string" }));
    }
}

/// Newline-delimited JSON: one `T` per line.
impl<S: futures_util::Stream<Item = T>, T: JsonSchema> OperationReply for crate::Ndjson<S> {
    fn document(op: &mut OperationBuilder<'_>) {
        let item = op.schema::<T>();
        op.success(200, Some(("application/x-ndjson", item)));
    }
}
