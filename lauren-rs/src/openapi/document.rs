//! The document: every documented route's operation, grouped by path, with the schemas they
//! name, the error responses each route can produce and the security its guards check.

use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{OpenApi, OperationBuilder, ParamLocation};
use crate::extract::BodyKind;
use crate::guards::SecurityScheme;
use crate::pipeline::{ErrorFormat, Route};

/// A built document and what it could not document.
pub(crate) struct Document {
    pub(crate) value: Value,
    /// `Controller.method: `Type`: fix`, one per undocumented type and route.
    pub(crate) undocumented: Vec<String>,
}

pub(crate) fn build(config: &OpenApi, routes: &[Route], format: ErrorFormat) -> Document {
    let mut generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.definitions_path = "/components/schemas".into();
            settings.meta_schema = None;
        })
        .into_generator();
    let error = ErrorShape::of(format);
    let mut paths = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut schemes: Map<String, Value> = Map::new();
    let mut operation_ids: Vec<String> = Vec::new();
    let mut undocumented = Vec::new();

    for route in routes {
        let Some(document) = route.descriptor.openapi else { continue };
        let controller = route.controller;
        let mut op = OperationBuilder::new(&mut generator);
        document(&mut op);

        // Every placeholder is a required path parameter, documented or not.
        for name in route.param_names.iter() {
            let documented = op.parameters.iter().any(|p| p["in"] == "path" && p["name"] == **name);
            if !documented {
                op.parameter(ParamLocation::Path, name, true, json!({ "type": "string" }));
            }
        }
        let reads_input = !op.parameters.is_empty() || op.request_body.is_some();
        if reads_input {
            op.response("422", "The request's parameters or body are not valid.", error.content());
        }
        if route.descriptor.body.is_some() {
            op.response("413", "The request body is over the size limit.", error.content());
        }
        // Only JSON and form bodies have a content-type gate.
        if matches!(route.body_gate, Some(BodyKind::Json | BodyKind::Form)) {
            op.response(
                "415",
                "The request body's content type is not supported.",
                error.content(),
            );
        }
        if !route.guards.is_empty() {
            op.response("401", "The request is not authenticated.", error.content());
            op.response("403", "A guard denied the request.", error.content());
        }
        op.response("500", "The server failed to handle the request.", error.content());

        let context = format!("{}.{}", controller.type_name, route.descriptor.handler_name);
        undocumented.extend(op.undocumented.iter().map(|entry| format!("{context}: {entry}")));

        let mut operation_id = context.clone();
        if operation_ids.contains(&operation_id) {
            operation_id =
                format!("{context}.{}", route.descriptor.method.as_str().to_ascii_lowercase());
        }
        operation_ids.push(operation_id.clone());

        let mut operation = json!({
            "tags": [controller.type_name],
            "operationId": operation_id,
        });
        if let Some(summary) = op.summary.take() {
            operation["summary"] = summary.into();
        }
        if let Some(description) = op.description.take() {
            operation["description"] = description.into();
        }
        if op.deprecated {
            operation["deprecated"] = true.into();
        }
        if !op.parameters.is_empty() {
            operation["parameters"] = std::mem::take(&mut op.parameters).into();
        }
        if let Some(body) = op.request_body.take() {
            operation["requestBody"] = body;
        }
        operation["responses"] = Value::Object(std::mem::take(&mut op.responses));
        if !route.security.is_empty() {
            let requirements: Vec<Value> = route
                .security
                .iter()
                .map(|scheme| {
                    schemes.insert(scheme.name(), scheme_object(scheme));
                    json!({ scheme.name(): [] })
                })
                .collect();
            operation["security"] = requirements.into();
        }
        drop(op);

        if !tags.iter().any(|t| t["name"] == controller.type_name) {
            let mut tag = json!({ "name": controller.type_name });
            if let Some(doc) = controller.doc {
                tag["description"] = doc.into();
            }
            tags.push(tag);
        }
        let path = openapi_path(&route.template);
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[route.descriptor.method.as_str().to_ascii_lowercase()] = operation;
    }

    let mut schemas = generator.take_definitions(true);
    schemas.insert(error.name.to_owned(), error.schema());
    let mut info = json!({ "title": config.title, "version": config.version });
    if let Some(description) = &config.description {
        info["description"] = description.as_str().into();
    }
    let mut components = json!({ "schemas": schemas });
    if !schemes.is_empty() {
        components["securitySchemes"] = Value::Object(schemes);
    }
    let mut value = json!({
        "openapi": "3.1.0",
        "info": info,
        "paths": paths,
        "components": components,
        "tags": tags,
    });
    if !config.servers.is_empty() {
        let servers: Vec<Value> = config.servers.iter().map(|url| json!({ "url": url })).collect();
        value["servers"] = servers.into();
    }
    Document { value, undocumented }
}

/// `/files/{*rest}` (the router's catch-all) is `/files/{rest}` in OpenAPI; `""` is `/`.
fn openapi_path(template: &str) -> String {
    let path = template.replace("{*", "{");
    if path.is_empty() { "/".to_owned() } else { path }
}

fn scheme_object(scheme: &SecurityScheme) -> Value {
    match scheme {
        SecurityScheme::Bearer { format: None } => json!({ "type": "http", "scheme": "bearer" }),
        SecurityScheme::Bearer { format: Some(format) } => {
            json!({ "type": "http", "scheme": "bearer", "bearerFormat": format })
        }
        SecurityScheme::Basic => json!({ "type": "http", "scheme": "basic" }),
        SecurityScheme::ApiKeyHeader { name } => {
            json!({ "type": "apiKey", "in": "header", "name": name })
        }
        SecurityScheme::ApiKeyQuery { name } => {
            json!({ "type": "apiKey", "in": "query", "name": name })
        }
        SecurityScheme::ApiKeyCookie { name } => {
            json!({ "type": "apiKey", "in": "cookie", "name": name })
        }
    }
}

/// The error body of the configured format, as a component schema.
struct ErrorShape {
    name: &'static str,
    media_type: &'static str,
    format: ErrorFormat,
}

impl ErrorShape {
    fn of(format: ErrorFormat) -> Self {
        match format {
            ErrorFormat::Lauren => Self { name: "Error", media_type: "application/json", format },
            ErrorFormat::Rfc7807 => {
                Self { name: "ProblemDetails", media_type: "application/problem+json", format }
            }
        }
    }

    fn content(&self) -> Option<(&'static str, Value)> {
        Some((self.media_type, json!({ "$ref": format!("#/components/schemas/{}", self.name) })))
    }

    fn schema(&self) -> Value {
        match self.format {
            ErrorFormat::Lauren => json!({
                "type": "object",
                "description": "Every error the framework answers: a stable code, a message for people, and details.",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": { "type": "string" },
                            "message": { "type": "string" },
                            "detail": { "type": "object" }
                        }
                    }
                }
            }),
            ErrorFormat::Rfc7807 => json!({
                "type": "object",
                "description": "RFC 7807 problem details; `code` is the framework's stable error code, and the error's details are extra members.",
                "required": ["type", "title", "status"],
                "properties": {
                    "type": { "type": "string" },
                    "title": { "type": "string" },
                    "status": { "type": "integer" },
                    "detail": { "type": "string" },
                    "instance": { "type": "string" },
                    "code": { "type": "string" }
                }
            }),
        }
    }
}
