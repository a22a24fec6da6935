//! What each built-in extractor contributes to its route's operation.

use bytes::Bytes;
use schemars::JsonSchema;
use serde_json::json;

use super::{OperationBuilder, OperationParam, ParamLocation};
use crate::di::Inject;
use crate::extract::{Cookie, Field, Form, FromParam, Header, Json, Path, Query, RawBody};

impl<T: FromParam + JsonSchema> OperationParam for T {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Query, field.name(), true, schema);
    }
}

impl<T: FromParam + JsonSchema> OperationParam for Option<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Query, field.name(), false, schema);
    }
}

impl<T: FromParam + JsonSchema> OperationParam for Vec<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let items = op.schema::<T>();
        op.parameter(
            ParamLocation::Query,
            field.name(),
            false,
            json!({ "type": "array", "items": items }),
        );
    }
}

impl<T: JsonSchema> OperationParam for Json<T> {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        let schema = op.schema::<T>();
        op.request_body("application/json", schema);
    }
}

impl<T: JsonSchema> OperationParam for Form<T> {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        let schema = op.schema::<T>();
        op.request_body("application/x-www-form-urlencoded", schema);
    }
}

impl OperationParam for Bytes {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        op.request_body("application/octet-stream", binary());
    }
}

impl OperationParam for RawBody<Bytes> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        Bytes::document(op, field);
    }
}

impl OperationParam for RawBody<Vec<u8>> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        Bytes::document(op, field);
    }
}

impl OperationParam for RawBody<String> {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        op.request_body("text/plain", json!({ "type": "string" }));
    }
}

/// Every field of `T` is a query parameter.
impl<T: JsonSchema> OperationParam for Query<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        spread::<T>(op, field, ParamLocation::Query);
    }
}

/// Every field of `T` is a path parameter; the route's other placeholders are documented as
/// strings.
impl<T: JsonSchema> OperationParam for Path<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        spread::<T>(op, field, ParamLocation::Path);
    }
}

impl<T: JsonSchema> OperationParam for Header<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Header, field.header_name(), true, schema);
    }
}

impl<T: JsonSchema> OperationParam for Option<Header<T>> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Header, field.header_name(), false, schema);
    }
}

impl<T: JsonSchema> OperationParam for Cookie<T> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Cookie, field.name(), true, schema);
    }
}

impl<T: JsonSchema> OperationParam for Option<Cookie<T>> {
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Cookie, field.name(), false, schema);
    }
}

/// Injected services are not part of the HTTP interface.
impl<T: ?Sized + Send + Sync + 'static> OperationParam for Inject<T> {}
impl<T: ?Sized + Send + Sync + 'static> OperationParam for Option<Inject<T>> {}
impl OperationParam for http::HeaderMap {}
impl OperationParam for http::Method {}
impl OperationParam for http::Uri {}
/// The bearer token `Auths` checks: a 401 without it, and the bearer scheme under `security`.
impl OperationParam for crate::builtin::Principal {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        op.requires_authentication(Some(crate::guards::SecurityScheme::bearer()));
    }
}

/// Login is optional: nothing to require.
impl OperationParam for Option<crate::builtin::Principal> {}

fn spread<T: JsonSchema>(op: &mut OperationBuilder<'_>, field: &Field, location: ParamLocation) {
    match op.object_properties::<T>() {
        Some(properties) => {
            for (name, required, schema) in properties {
                let is_list = schema["type"] == "array"
                    || schema["type"]
                        .as_array()
                        .is_some_and(|types| types.contains(&"array".into()));
                if is_list && location == ParamLocation::Query {
                    op.undocumented(
                        &format!("{}.{name}", field.name()),
                        "a list field of `Query<T>` cannot be read from a query string; take it as its own parameter (`tag: Vec<String>`)",
                    );
                }
                op.parameter(location, &name, required, schema);
            }
        }
        // Not a struct (a tuple, a scalar): its parts have no names to document.
        None if location == ParamLocation::Path => {}
        None => op.undocumented(
            field.name(),
            "a `Query<T>` is documented from a struct `T` with named fields",
        ),
    }
}

fn binary() -> serde_json::Value {
    json!({ "type": "string", "contentMediaType": "application/octet-stream" })
}
