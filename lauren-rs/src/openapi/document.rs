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
    let settings = SchemaSettings::draft2020_12().with(|settings| {
        settings.definitions_path = "/components/schemas".into();
        settings.meta_schema = None;
    });
    let mut input = settings.clone().for_deserialize().into_generator();
    let mut output = settings.for_serialize().into_generator();
    let error = ErrorShape::of(format);
    let mut paths = Map::new();
    let mut tags: Vec<Value> = Vec::new();
    let mut schemes: Map<String, Value> = Map::new();
    let mut operation_ids: Vec<String> = Vec::new();
    let mut undocumented = Vec::new();

    // A controller's tag is its type's name; two controllers of one name (`v1::Items` and
    // `v2::Items`) are told apart by their whole paths.
    let mut controllers: Vec<&'static crate::descriptor::ControllerDescriptor> = Vec::new();
    for route in routes {
        if !controllers.iter().any(|c| std::ptr::eq(*c, route.controller)) {
            controllers.push(route.controller);
        }
    }
    let tag_of = |controller: &'static crate::descriptor::ControllerDescriptor| -> &'static str {
        let clash = controllers.iter().any(|other| {
            !std::ptr::eq(*other, controller) && other.type_name == controller.type_name
        });
        if clash { ((controller.provider)().key)().full_type_name() } else { controller.type_name }
    };

    for route in routes {
        let Some(document) = route.descriptor.openapi else { continue };
        let controller = route.controller;
        let tag = tag_of(controller);
        let mut op = OperationBuilder::new(&mut input, &mut output);
        document(&mut op);

        // Every placeholder is a required path parameter, documented or not; a catch-all says
        // that it spans segments.
        for name in route.param_names.iter() {
            let documented = op.parameters.iter().any(|p| p["in"] == "path" && p["name"] == **name);
            if !documented {
                op.parameter(ParamLocation::Path, name, true, json!({ "type": "string" }));
            }
            if route.template.contains(&format!("{{*{name}}}")) {
                if let Some(p) = op.parameters.iter_mut().find(|p| p["name"] == **name) {
                    p["description"] = "The rest of the path; it may contain `/`.".into();
                }
            }
        }
        // A body over the limit is a 422 as well (Lauren's answer, not 413).
        let reads_input = !op.parameters.is_empty() || op.request_body.is_some();
        if reads_input {
            let why = if route.descriptor.body.is_some() {
                "The request's parameters or body are not valid, or the body is over the size limit."
            } else {
                "The request's parameters or body are not valid."
            };
            op.response("422", why, error.content());
        }
        // Only JSON and form bodies have a content-type gate.
        if matches!(route.body_gate, Some(BodyKind::Json | BodyKind::Form)) {
            op.response(
                "415",
                "The request body's content type is not supported.",
                error.content(),
            );
        }
        if !route.guards.is_empty() || op.authenticates {
            op.response("401", "The request is not authenticated.", error.content());
        }
        if !route.guards.is_empty() {
            op.response("403", "A guard denied the request.", error.content());
        }
        // What the lifecycle interceptors enforce (`Auths`, `Permission`, `Sign`, yours): the
        // errors they answer (a guard's description, when both answer one, stays), the headers
        // they require.
        let lifecycle = &route.lifecycle_docs;
        // Two members answering one status (`Auths` and `Sign`, 401) get both descriptions,
        // after a guard's.
        let mut lifecycle_responses: Vec<(String, String)> = Vec::new();
        for (status, description) in &lifecycle.responses {
            let status = status.to_string();
            match lifecycle_responses.iter_mut().find(|(s, _)| *s == status) {
                Some((_, joined)) => {
                    if !says(joined, description) {
                        joined.push(' ');
                        joined.push_str(description);
                    }
                }
                None => lifecycle_responses.push((status, (*description).to_owned())),
            }
        }
        for (status, description) in lifecycle_responses {
            let overridden = op.overridden.contains(&status);
            match op.responses.get_mut(&status) {
                Some(existing) if !overridden => {
                    let before = existing["description"].as_str().unwrap_or_default();
                    if says(&description, before) {
                        // The guard's "not authenticated." said more precisely.
                        existing["description"] = description.into();
                    } else if !says(before, &description) {
                        existing["description"] = format!("{before} {description}").into();
                    }
                }
                Some(_) => {}
                None => op.response(&status, &description, error.content()),
            }
        }
        // A header the handler reads as well is required all the same: the interceptor refuses
        // the request without it.
        for (name, description) in &lifecycle.headers {
            let declared = op.parameters.iter_mut().find(|p| {
                p["in"] == "header"
                    && p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))
            });
            match declared {
                Some(parameter) => parameter["required"] = true.into(),
                None => op.parameters.push(json!({
                    "name": name,
                    "in": "header",
                    "required": true,
                    "description": description,
                    "schema": { "type": "string" },
                })),
            }
        }
        op.response("500", "The server failed to handle the request.", error.content());
        // An `#[openapi(response(status = 404))]` without a body: the error envelope.
        for status in &op.overridden {
            let is_error = status.parse::<u16>().is_ok_and(|code| code >= 400);
            if let Some(response) = op.responses.get_mut(status).filter(|_| is_error) {
                if response.get("content").is_none() {
                    if let Some((media_type, schema)) = error.content() {
                        response["content"] = json!({ media_type: { "schema": schema } });
                    }
                }
            }
        }
        // `XmlParse` on the route: the same body may come as XML.
        if route.xml_body {
            if let Some(content) =
                op.request_body.as_mut().and_then(|b| b["content"].as_object_mut())
            {
                if let Some(json) = content.get("application/json").cloned() {
                    content.insert("application/xml".to_owned(), json);
                }
            }
        }

        let context = format!("{tag}.{}", route.descriptor.handler_name);
        undocumented.extend(op.undocumented.iter().map(|entry| format!("{context}: {entry}")));

        // One handler may serve several methods and paths, two controllers may share a name:
        // add the method, then a counter, until the id is unique.
        let method = route.descriptor.method.as_str().to_ascii_lowercase();
        let mut operation_id = context.clone();
        let mut n = 1;
        while operation_ids.contains(&operation_id) {
            n += 1;
            operation_id = if n == 2 {
                format!("{context}.{method}")
            } else {
                format!("{context}.{method}{n}")
            };
        }
        operation_ids.push(operation_id.clone());

        let mut operation = json!({
            "tags": [tag],
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
        // Every guard runs: one requirement naming all their schemes (a list of requirements
        // would mean "any one of them").
        // One requirement naming `found`, each scheme also listed in the components.
        let mut requirement_of = |found: &mut dyn Iterator<Item = &SecurityScheme>| {
            let mut requirement = Map::new();
            for scheme in found {
                schemes.insert(scheme.name(), scheme_object(scheme));
                requirement.insert(scheme.name(), json!([]));
            }
            requirement
        };
        // An optional login on a route that needs the principal (`roles`) is not optional.
        let required_optional =
            lifecycle.optional_security.iter().filter(|_| lifecycle.requires_login);
        let requirement = requirement_of(
            &mut route
                .security
                .iter()
                .chain(&op.security)
                .chain(&lifecycle.security)
                .chain(required_optional),
        );
        if !requirement.is_empty() {
            operation["security"] = json!([requirement]);
        } else if !lifecycle.optional_security.is_empty() {
            // An optional login: its schemes, or none (the empty requirement).
            let optional = requirement_of(&mut lifecycle.optional_security.iter());
            operation["security"] = json!([optional, {}]);
        }
        drop(op);

        if !tags.iter().any(|t| t["name"] == tag) {
            let mut tag = json!({ "name": tag });
            if let Some(doc) = controller.doc {
                tag["description"] = doc.into();
            }
            tags.push(tag);
        }
        let path = openapi_path(&route.template);
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[method] = operation;
    }

    let mut schemas =
        merge_schemas(input.take_definitions(true), output.take_definitions(true), &mut paths);
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

/// One set of component schemas from the request side and the reply side. A type whose two
/// schemas differ (a `skip_deserializing` id, a `#[serde(default)]` field) keeps its request
/// schema under its name; its reply schema becomes `<Name>Response`, and the replies' `$ref`s
/// are rewritten to it.
fn merge_schemas(
    input: Map<String, Value>,
    output: Map<String, Value>,
    paths: &mut Map<String, Value>,
) -> Map<String, Value> {
    let mut merged = input;
    let renamed: Vec<(String, String)> = output
        .iter()
        .filter(|(name, schema)| merged.get(*name).is_some_and(|input| input != *schema))
        .map(|(name, _)| (name.clone(), format!("{name}Response")))
        .collect();
    for (name, mut schema) in output {
        rewrite_refs(&mut schema, &renamed);
        let name =
            renamed.iter().find(|(from, _)| *from == name).map_or(name, |(_, to)| to.clone());
        merged.entry(name).or_insert(schema);
    }
    if !renamed.is_empty() {
        for operation in
            paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut())
        {
            rewrite_refs(&mut operation["responses"], &renamed);
        }
    }
    merged
}

fn rewrite_refs(value: &mut Value, renamed: &[(String, String)]) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object.iter_mut() {
                if key == "$ref" {
                    if let Some(target) =
                        inner.as_str().and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        if let Some((_, to)) = renamed.iter().find(|(from, _)| from == target) {
                            *inner = format!("#/components/schemas/{to}").into();
                        }
                    }
                } else {
                    rewrite_refs(inner, renamed);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rewrite_refs(item, renamed)),
        _ => {}
    }
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
            ErrorFormat::Lauren => {
                Self { name: "LaurenError", media_type: "application/json", format }
            }
            ErrorFormat::Rfc7807 => {
                Self { name: "LaurenProblem", media_type: "application/problem+json", format }
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

/// Whether the description `text` already says `sentence` (or more: "The request is not
/// authenticated: no bearer token" says "The request is not authenticated.").
fn says(text: &str, sentence: &str) -> bool {
    text.contains(sentence.trim_end_matches('.'))
}
