//! How generated code documents a parameter or a reply without requiring that its type can be
//! documented: a type with an [`OperationParam`] / [`OperationReply`] / `JsonSchema` impl is
//! documented by it (method resolution prefers the `&DocProbe<T>` impls), any other type is
//! documented as open and listed in one startup warning.

use std::marker::PhantomData;

use schemars::JsonSchema;
use serde_json::json;

use super::{OperationBuilder, OperationParam, OperationReply, ParamLocation};
use crate::extract::Field;

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

/// Documents a parameter through its `OperationParam` impl.
pub trait ViaParam {
    /// Documents a handler parameter.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: OperationParam> ViaParam for &DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field) {
        T::document(op, field);
    }
}

/// A parameter type that documents nothing.
pub trait ViaUndocumentedParam {
    /// Lists the type in the startup warning.
    fn param(&self, op: &mut OperationBuilder<'_>, field: &Field);
}

impl<T: ?Sized> ViaUndocumentedParam for DocProbe<T> {
    fn param(&self, op: &mut OperationBuilder<'_>, _: &Field) {
        op.undocumented(
            std::any::type_name::<T>(),
            "derive `schemars::JsonSchema` for the types it carries, or implement `lauren::openapi::OperationParam` for your extractor",
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
        T::document(op);
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
