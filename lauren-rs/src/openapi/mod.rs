//! OpenAPI 3.1 documents generated from the route tables (feature `openapi`).
//!
//! The macros already know every route's method, path, parameters, body and reply type; with
//! the feature on they also emit a function that documents the route, and
//! [`AppBuilder::openapi`](crate::AppBuilder::openapi) builds the document once at startup and
//! serves it as bytes (`GET /openapi.json`, with a Swagger UI page at `GET /docs`).
//!
//! Schemas come from [`schemars`]: derive `schemars::JsonSchema` next to `Serialize` /
//! `Deserialize` (its `#[serde(..)]` and `#[garde(..)]` attributes are honoured). A type
//! without a schema does not stop the build: it is documented as an open schema and listed in
//! one startup warning (target `lauren::openapi`). See `docs/openapi.md`.
//!
//! ```
//! use lauren::openapi::OpenApi;
//! use lauren::prelude::*;
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, JsonSchema)]
//! struct Order { id: u64, item: String }
//!
//! #[derive(Default)]
//! struct OrdersController;
//!
//! /// Orders placed by customers.
//! #[controller("/orders")]
//! impl OrdersController {
//!     /// Finds an order.
//!     #[get("/{id}")]
//!     async fn find(&self, id: u64) -> Json<Order> {
//!         Json(Order { id, item: "book".into() })
//!     }
//! }
//!
//! #[module(controllers = [OrdersController])]
//! struct AppModule;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), lauren::StartupError> {
//! let app = LaurenFactory::create(AppModule).openapi(OpenApi::new("Orders API", "1.0.0")).build().await?;
//! let document = app.openapi_document().expect("enabled above");
//! assert_eq!(document["paths"]["/orders/{id}"]["get"]["summary"], "Finds an order.");
//! assert_eq!(document["paths"]["/orders/{id}"]["get"]["operationId"], "OrdersController.find");
//! # Ok(())
//! # }
//! ```

mod config;
mod document;
mod operation;
mod page;
mod params;
mod probe;
mod replies;

use std::sync::Arc;

pub use schemars::{self, JsonSchema};

pub use self::config::OpenApi;
pub use self::operation::{OperationBuilder, ParamLocation};
#[doc(hidden)]
pub use self::probe::{
    DocProbe, ViaExtractor, ViaParam, ViaParamString, ViaPathSchema, ViaPathString, ViaReply,
    ViaUndocumentedParam, ViaUndocumentedReply,
};
use crate::extract::Field;
use crate::guards::SecurityScheme;
use crate::pipeline::{ErrorFormat, Route};

/// What a handler parameter's type adds to its route's operation: a parameter, a request body,
/// or nothing (an injected service). Implemented for every built-in extractor; implement it for
/// your own [`FromRequest`](crate::extract::FromRequest) types (an empty impl documents
/// nothing, and silences the startup warning).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be documented as a handler parameter",
    note = "derive `schemars::JsonSchema` for the types it carries, or add `impl lauren::openapi::OperationParam for {Self} {{}}`"
)]
pub trait OperationParam {
    /// Adds what this parameter reads to `op`; `field` is the handler parameter.
    fn document(op: &mut OperationBuilder<'_>, field: &Field) {
        let _ = (op, field);
    }
}

/// What a handler's return type adds to its route's responses.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be documented as a reply",
    note = "derive `schemars::JsonSchema` for the types it carries, or implement `lauren::openapi::OperationReply` for `{Self}`"
)]
pub trait OperationReply {
    /// Adds the responses this reply can be to `op` (use
    /// [`OperationBuilder::success`] for the successful one).
    fn document(op: &mut OperationBuilder<'_>);
}

/// Builds the document from the frozen routes, logs what it could not document, and adds the
/// routes that serve it. Returns the document; a path that cannot be served is a problem.
pub(crate) fn serve(
    config: &OpenApi,
    routes: &mut Vec<Route>,
    format: ErrorFormat,
    placeholder: &crate::descriptor::Instance,
    problems: &mut Vec<crate::Problem>,
) -> Arc<serde_json::Value> {
    let built = document::build(config, routes, format);
    if !built.undocumented.is_empty() {
        tracing::warn!(
            target: "lauren::openapi",
            count = built.undocumented.len(),
            "some types have no schema and are documented as open: {}",
            built.undocumented.join("; ")
        );
    }
    // Served paths are normalised like route paths (`docs/` and `/docs` are `/docs`).
    let json_path = served_path("json_path", &config.json_path, problems);
    let docs_path =
        config.docs_path.as_deref().map(|path| served_path("docs_path", path, problems));
    if docs_path.as_deref() == Some(json_path.as_str()) {
        problems.push(crate::Problem::new(
            crate::ProblemCode::InvalidOption,
            format!(
                "OpenApi: json_path and docs_path are both {json_path}: give them different paths"
            ),
            "OpenApi",
        ));
    }
    let fixed = |body: bytes::Bytes, content_type: &'static str, cache_control: &'static str| {
        crate::pipeline::StaticBody {
            body,
            content_type: http::HeaderValue::from_static(content_type),
            cache_control: http::HeaderValue::from_static(cache_control),
        }
    };
    // The document and the page change with the app: revalidate. The assets change with
    // lauren's version only.
    let json = fixed(built.value.to_string().into(), "application/json", "no-cache");
    routes.push(crate::pipeline::fixed_route(&json_path, json, Arc::clone(placeholder)));
    if let Some(docs_path) = docs_path {
        for file in page::files(&config.title, &docs_path, &json_path) {
            let cache = if file.is_page { "no-cache" } else { "public, max-age=86400" };
            let body = fixed(file.body, file.content_type, cache);
            routes.push(crate::pipeline::fixed_route(&file.path, body, Arc::clone(placeholder)));
        }
    }
    Arc::new(built.value)
}

/// `path` as the router will match it; a path it cannot serve is a problem naming the option.
fn served_path(option: &str, path: &str, problems: &mut Vec<crate::Problem>) -> String {
    let normalised = crate::router::join_template(&[path]);
    // What a client sends as is (RFC 3986 `pchar`, without `%`: the router compares the path
    // as sent, so an encoded one would have to be written encoded), and no `.` or `..` segment
    // (clients resolve them before sending).
    let unusable = normalised == "/"
        || !normalised
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/".contains(c))
        || normalised.split('/').any(|segment| segment == "." || segment == "..");
    if unusable {
        problems.push(crate::Problem::new(
            crate::ProblemCode::InvalidOption,
            format!("OpenApi: {option} {path:?} cannot be served: give a path below `/` of letters, digits and `-._~!$&'()*+,;=:@`, without `.` or `..` segments, like \"/openapi.json\""),
            "OpenApi",
        ));
    }
    normalised
}

/// The security schemes of a route's guards, in order, each once.
pub(crate) fn route_security(
    global: &[crate::GuardInstance],
    refs: impl Iterator<Item = &'static [crate::descriptor::GuardRef]>,
) -> Box<[SecurityScheme]> {
    let mut schemes: Vec<SecurityScheme> = Vec::new();
    let found = global
        .iter()
        .filter_map(crate::GuardInstance::security)
        .chain(refs.flat_map(|refs| refs.iter().filter_map(|get| (get().security)())));
    for scheme in found {
        if !schemes.contains(&scheme) {
            schemes.push(scheme);
        }
    }
    schemes.into_boxed_slice()
}
