//! `OperationBuilder`: one route's operation object, filled by its generated document function,
//! its parameters' [`OperationParam`](super::OperationParam) impls and its reply type's
//! [`OperationReply`](super::OperationReply) impl.

use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

/// Where a parameter is read from (`in` of an OpenAPI parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// A `{placeholder}` of the path.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

impl ParamLocation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Cookie => "cookie",
        }
    }
}

/// One route's OpenAPI operation as it is being built.
///
/// Your own extractor documents what it reads through it, in its
/// [`OperationParam`](super::OperationParam) impl:
///
/// ```
/// use lauren::extract::Field;
/// use lauren::openapi::{OperationBuilder, OperationParam, ParamLocation};
///
/// struct TenantId(String);
///
/// impl OperationParam for TenantId {
///     fn document(op: &mut OperationBuilder<'_>, _field: &Field) {
///         let schema = op.schema::<String>();
///         op.parameter(ParamLocation::Header, "x-tenant", true, schema);
///     }
/// }
/// ```
pub struct OperationBuilder<'a> {
    /// Schemas of what the client sends (serde's deserialize view).
    input: &'a mut SchemaGenerator,
    /// Schemas of what the server answers (serde's serialize view): `skip_deserializing`
    /// fields are there, `#[serde(default)]` ones are not optional.
    output: &'a mut SchemaGenerator,
    /// Documenting the reply: schemas come from `output`.
    in_reply: bool,
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) deprecated: bool,
    pub(crate) parameters: Vec<Value>,
    pub(crate) request_body: Option<Value>,
    pub(crate) responses: Map<String, Value>,
    /// Statuses written by `#[openapi(response(..))]`: the reply type and the standard error
    /// responses leave them alone.
    pub(crate) overridden: Vec<String>,
    /// Types that could not be documented, with what to do about it.
    pub(crate) undocumented: Vec<String>,
    /// `#[openapi(status = ..)]`: the status a successful reply is documented under.
    success_status: Option<u16>,
    /// Inside a `(StatusCode, T)` reply: the status is chosen at run time.
    status_at_run_time: bool,
    /// Security schemes the route's parameters require (a `Principal`: the bearer token of
    /// `Auths`), besides its guards'.
    pub(crate) security: Vec<crate::guards::SecurityScheme>,
    /// A parameter answers 401 when the request is not authenticated.
    pub(crate) authenticates: bool,
}

impl<'a> OperationBuilder<'a> {
    pub(crate) fn new(input: &'a mut SchemaGenerator, output: &'a mut SchemaGenerator) -> Self {
        Self {
            input,
            output,
            in_reply: false,
            summary: None,
            description: None,
            deprecated: false,
            parameters: Vec::new(),
            request_body: None,
            responses: Map::new(),
            overridden: Vec::new(),
            undocumented: Vec::new(),
            success_status: None,
            status_at_run_time: false,
            security: Vec::new(),
            authenticates: false,
        }
    }

    /// The JSON schema of `T`: a `$ref` into `components.schemas` for named types, inline for
    /// the others. Inside [`OperationReply::document`](super::OperationReply::document) it is
    /// the schema of `T` as serialized, elsewhere as deserialized.
    pub fn schema<T: JsonSchema + ?Sized>(&mut self) -> Value {
        let generator = if self.in_reply { &mut *self.output } else { &mut *self.input };
        generator.subschema_for::<T>().to_value()
    }

    /// Runs `document` with schemas taken as serialized (what the server answers).
    pub fn documenting_reply(&mut self, document: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.in_reply, true);
        document(self);
        self.in_reply = outer;
    }

    /// The parameter needs an authenticated request: the route documents a 401, and `scheme`
    /// (if any) under `security`.
    pub fn requires_authentication(&mut self, scheme: Option<crate::guards::SecurityScheme>) {
        self.authenticates = true;
        if let Some(scheme) = scheme.filter(|s| !self.security.contains(s)) {
            self.security.push(scheme);
        }
    }

    /// The properties of `T`'s object schema with whether each is required, for extractors
    /// that spread a struct over several parameters (`Query<T>`, `Path<T>`). `None` when `T`
    /// is not an object.
    pub fn object_properties<T: JsonSchema + ?Sized>(
        &mut self,
    ) -> Option<Vec<(String, bool, Value)>> {
        let schema = self.schema::<T>();
        let object = match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                let generator = if self.in_reply { &*self.output } else { &*self.input };
                generator.definitions().get(name)?.clone()
            }
            None => schema,
        };
        let properties = object.get("properties")?.as_object()?;
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        Some(
            properties
                .iter()
                .map(|(name, schema)| {
                    (name.clone(), required.contains(&name.as_str()), schema.clone())
                })
                .collect(),
        )
    }

    /// Adds a parameter. A second one with the same name and location (a `Query<T>` field and
    /// a scalar reading the same key) replaces the first, and is required when either is: the
    /// request fails without it.
    pub fn parameter(
        &mut self,
        location: ParamLocation,
        name: &str,
        required: bool,
        schema: Value,
    ) {
        let location = location.as_str();
        let mut required_before = false;
        self.parameters.retain(|p| {
            let same = p["name"] == name && p["in"] == location;
            required_before |= same && p["required"] == true;
            !same
        });
        // Path parameters are always required (OpenAPI 3.1, 4.8.12.1).
        let required = required || required_before || location == "path";
        self.parameters.push(json!({
            "name": name,
            "in": location,
            "required": required,
            "schema": schema,
        }));
    }

    /// Sets the request body: required, with one media type.
    pub fn request_body(&mut self, media_type: &str, schema: Value) {
        self.request_body = Some(json!({
            "required": true,
            "content": { media_type: { "schema": schema } },
        }));
    }

    /// Adds a response under `status` (`"200"`, `"4XX"`, `"default"`) unless an
    /// `#[openapi(response(..))]` already wrote that status; `content` is its media type and
    /// schema.
    pub fn response(&mut self, status: &str, description: &str, content: Option<(&str, Value)>) {
        if self.overridden.iter().any(|s| s == status) {
            return;
        }
        self.responses.insert(status.to_owned(), response_object(description, content));
    }

    /// Adds `media` (with `schema`) to every response that already offers `beside`: a reply
    /// negotiated by `Accept` has several.
    pub(crate) fn add_media_type(&mut self, beside: &str, media: &str, schema: Value) {
        for response in self.responses.values_mut() {
            if let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) {
                if content.contains_key(beside) {
                    content.insert(media.to_owned(), json!({ "schema": schema }));
                }
            }
        }
    }

    /// The successful reply of a reply type whose natural status is `natural`: documented under
    /// it, or under `#[openapi(status = ..)]`, or under `default` inside a `(StatusCode, T)`
    /// reply without one (its status is chosen at run time).
    /// Its description is the status's reason phrase (`Created.`).
    pub fn success(&mut self, natural: u16, content: Option<(&str, Value)>) {
        let status = match (self.success_status, self.status_at_run_time) {
            (Some(status), true) => status.to_string(),
            (None, true) => "default".to_owned(),
            (forced, false) => {
                if forced.is_some_and(|forced| forced != natural) {
                    self.undocumented(
                        "#[openapi(status = ..)]",
                        &format!("this reply always answers {natural}; the attribute names the status of a `(StatusCode, T)` reply, remove it here"),
                    );
                }
                natural.to_string()
            }
        };
        let reason = status
            .parse::<u16>()
            .ok()
            .and_then(|code| http::StatusCode::from_u16(code).ok())
            .and_then(|code| code.canonical_reason());
        let description = match reason {
            Some(reason) => format!("{reason}."),
            None => "The reply; its status is chosen at run time.".to_owned(),
        };
        self.response(&status, &description, content);
    }

    /// Whether the reply being documented has its status chosen at run time.
    pub fn status_at_run_time(&self) -> bool {
        self.status_at_run_time
    }

    /// Documents `inner` as the body of a reply whose status is chosen at run time
    /// (`(StatusCode, T)`).
    pub fn with_status_at_run_time(&mut self, inner: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.status_at_run_time, true);
        inner(self);
        self.status_at_run_time = outer;
    }

    /// Records a type that documents nothing, with the fix; listed in one warning at startup.
    pub fn undocumented(&mut self, type_name: &str, fix: &str) {
        let entry = format!("`{type_name}`: {fix}");
        if !self.undocumented.contains(&entry) {
            self.undocumented.push(entry);
        }
    }

    // What the generated document functions call.

    #[doc(hidden)]
    pub fn summary(&mut self, summary: &str) {
        self.summary = Some(summary.to_owned());
    }

    #[doc(hidden)]
    pub fn description(&mut self, description: &str) {
        self.description = Some(description.to_owned());
    }

    /// `#[deprecated]`, with its note if it has one.
    #[doc(hidden)]
    pub fn deprecated(&mut self, note: Option<&str>) {
        self.deprecated = true;
        if let Some(note) = note {
            let description = self.description.take().unwrap_or_default();
            let separator = if description.is_empty() { "" } else { "\n\n" };
            self.description = Some(format!("{description}{separator}Deprecated: {note}"));
        }
    }

    #[doc(hidden)]
    pub fn success_status(&mut self, status: u16) {
        self.success_status = Some(status);
    }

    /// `#[query(le = 50)]` and friends: a keyword of the named parameter's schema.
    #[doc(hidden)]
    pub fn param_bound(&mut self, name: &str, keyword: &str, value: Value) {
        if let Some(parameter) = self.parameters.iter_mut().rev().find(|p| p["name"] == name) {
            constrain(&mut parameter["schema"], keyword, value);
        }
    }

    /// `#[query(default = 10)]`: the parameter may be left out.
    #[doc(hidden)]
    pub fn param_default(&mut self, name: &str, value: Value) {
        if let Some(parameter) = self.parameters.iter_mut().rev().find(|p| p["name"] == name) {
            parameter["required"] = Value::Bool(false);
            constrain(&mut parameter["schema"], "default", value);
        }
    }

    /// `#[openapi(response(status = 404, description = "..", body = T))]`.
    /// The schema of an `#[openapi(response(body = T))]`: as serialized.
    #[doc(hidden)]
    pub fn reply_schema<T: JsonSchema + ?Sized>(&mut self) -> Value {
        self.output.subschema_for::<T>().to_value()
    }

    #[doc(hidden)]
    pub fn response_override(&mut self, status: u16, description: &str, body: Option<Value>) {
        let status = status.to_string();
        let content = body.map(|schema| ("application/json", schema));
        self.responses.insert(status.clone(), response_object(description, content));
        self.overridden.push(status);
    }

    /// A reply whose type the document cannot name (`impl IntoReply`).
    #[doc(hidden)]
    pub fn opaque_reply(&mut self) {
        self.response("default", "The handler's reply.", None);
    }
}

fn response_object(description: &str, content: Option<(&str, Value)>) -> Value {
    let mut response = json!({ "description": description });
    if let Some((media_type, schema)) = content {
        response["content"] = json!({ media_type: { "schema": schema } });
    }
    response
}

/// Adds `keyword` to a schema; a `$ref` is wrapped first (siblings of `$ref` are allowed in 3.1,
/// but tools read `allOf` more consistently).
fn constrain(schema: &mut Value, keyword: &str, value: Value) {
    if schema.get("$ref").is_some() {
        *schema = json!({ "allOf": [schema.take()] });
    }
    if let Some(object) = schema.as_object_mut() {
        object.insert(keyword.to_owned(), value);
    }
}
