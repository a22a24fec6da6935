//! How generated code documents a parameter or a reply without requiring that its type can be
//! documented: a type with an [`OperationParam`] / [`OperationReply`] / `JsonSchema` impl is
//! documented by it; any other type is documented as far as its other traits say (a query
//! scalar as a string, a body extractor's body as an open schema) and listed in one startup
//! warning. Method resolution picks the impl on the most references first: generated code calls
//! `(&&&&DocProbe::<T>::new()).param(..)` for parameters, `(&&DocProbe::<T>::new())` for path
//! variables and replies.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde_json::json;

use super::{OperationBuilder, OperationParam, OperationReply, ParamLocation};
use crate::extract::{BodyKind, Field, FromParam, FromRequest};

/// Stands for the type `T` in method resolution.
pub struct DocProbe<T: ?Sized>(PhantomData<T>);

impl<T: ?Sized> DocProbe<T> {
    /// The probe for `T`.
    pub const fn new() -> Self {
        Self(PhantomData)
    }
}

impl<T: ?Sized> Default for DocProbe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Documents a parameter through its `OperationParam` impl (the first choice).
pub trait ViaParam {
    /// Documents a handler parameter.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: OperationParam> ViaParam for &&&DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field) {
        T::document(op, field);
    }
}

/// A query scalar without a schema: a required string parameter of its name.
pub trait ViaParamString {
    /// Documents the parameter as a string and lists the type in the startup warning.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: FromParam> ViaParamString for &&DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field) {
        op.parameter(ParamLocation::Query, field.name(), true, json!({ "type": "string" }));
        op.undocumented(std::any::type_name::<T>(), "derive `schemars::JsonSchema` for it");
    }
}

/// Another extractor without documentation: its body, if it reads one, as an open schema.
pub trait ViaExtractor {
    /// Documents what the extractor's `FromRequest::BODY` says and lists the type.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: FromRequest> ViaExtractor for &DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, _: &Field) {
        let media_type = match T::BODY {
            Some(BodyKind::Json) => Some("application/json"),
            Some(BodyKind::Form) => Some("application/x-www-form-urlencoded"),
            Some(BodyKind::Bytes) => Some("application/octet-stream"),
            Some(BodyKind::Text) => Some("text/plain"),
            None => None,
        };
        if let Some(media_type) = media_type {
            op.request_body(media_type, json!({}));
        }
        op.undocumented(
            std::any::type_name::<T>(),
            "derive `schemars::JsonSchema` for the types it carries, or implement `lauren::openapi::OperationParam` for your extractor",
        );
    }
}

/// Anything else (never reached for a handler parameter, which is always a `FromRequest`).
pub trait ViaUndocumentedParam {
    /// Lists the type in the startup warning.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: ?Sized> ViaUndocumentedParam for DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, _: &Field) {
        op.undocumented(
            std::any::type_name::<T>(),
            "implement `lauren::openapi::OperationParam` for it",
        );
    }
}

/// Documents a path variable through its type's `JsonSchema`.
pub trait ViaPathSchema {
    /// Documents a `{placeholder}` parameter.
    fn path_var(&self, op: &mut OperationBuilder<'_>, name: &str);
}

impl<T: JsonSchema> ViaPathSchema for &DocProbe<T> {
    fn path_var(&self, op: &mut OperationBuilder<'_>, name: &str) {
        let schema = op.schema::<T>();
        op.parameter(ParamLocation::Path, name, true, schema);
    }
}

/// A path variable whose type has no schema: documented as a string.
pub trait ViaPathString {
    /// Documents the placeholder as a string and lists the type in the startup warning.
    fn path_var(&self, op: &mut OperationBuilder<'_>, name: &str);
}

impl<T: ?Sized> ViaPathString for DocProbe<T> {
    fn path_var(&self, op: &mut OperationBuilder<'_>, name: &str) {
        op.parameter(ParamLocation::Path, name, true, json!({ "type": "string" }));
        op.undocumented(std::any::type_name::<T>(), "derive `schemars::JsonSchema` for it");
    }
}

/// Documents a reply through its `OperationReply` impl.
pub trait ViaReply {
    /// Documents the handler's reply.
    fn reply(&self, op: &mut OperationBuilder<'_>);
}

impl<T: OperationReply> ViaReply for &DocProbe<T> {
    fn reply(&self, op: &mut OperationBuilder<'_>) {
        op.documenting_reply(T::document);
    }
}

/// A reply type that documents nothing: an open `default` response.
pub trait ViaUndocumentedReply {
    /// Documents an open reply and lists the type in the startup warning.
    fn reply(&self, op: &mut OperationBuilder<'_>);
}

impl<T: ?Sized> ViaUndocumentedReply for DocProbe<T> {
    fn reply(&self, op: &mut OperationBuilder<'_>) {
        op.opaque_reply();
        op.undocumented(
            std::any::type_name::<T>(),
            "derive `schemars::JsonSchema` for the types it carries, or implement `lauren::openapi::OperationReply` for it",
        );
    }
}
