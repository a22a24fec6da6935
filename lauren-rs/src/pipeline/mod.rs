//! One request, end to end: route, gate, extract, handle, reply.

mod content_type;
mod context;
mod metadata;
mod params;
mod route;

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use http::StatusCode;
use http::header::ALLOW;

pub use self::context::{ExecutionContext, Request};
pub(crate) use self::metadata::RouteMetadata;
pub use self::metadata::{FromMetadata, MetaEntry, MetaLiteral, MetaValue};
pub(crate) use self::params::PathParams;
pub use self::route::ControllerHandle;
pub(crate) use self::route::{ControllerRef, Route};
use crate::app::AppInner;
use crate::body::{Body, RequestBody};
use crate::error::HttpError;
use crate::interceptors::CallHandler;
use crate::router::{Lookup, PathEntry, normalize_request_path};

/// Serves one request. Never fails and never unwinds: every outcome is a response.
pub(crate) async fn dispatch(
    app: &AppInner,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    let (head, body) = request.into_parts();
    let raw_path = head.uri.path();
    let (route, params) = match app.router.at(&head.method, normalize_request_path(raw_path)) {
        Lookup::Found { route, params } => {
            let route = &app.routes[route];
            (route, PathParams::from_match(raw_path, &params, route.param_names.len()))
        }
        Lookup::MethodNotAllowed(entry) => {
            return method_not_allowed(&head.method, raw_path, entry);
        }
        Lookup::NotFound => {
            return HttpError::route_not_found(&head.method, raw_path).into_response();
        }
    };

    if let Some(kind) = route.descriptor.body {
        if let Err(err) = content_type::require(kind, &head, &route.template) {
            return err.into_response();
        }
    }

    let mut ctx =
        ExecutionContext::new(route, &app.container, head, params, body, app.options.body_limit);
    // Without interceptors this is the handler's own future (which renders at once).
    let outcome =
        AssertUnwindSafe(CallHandler::new(&route.chain).handle(&mut ctx)).catch_unwind().await;
    let response = match outcome {
        Ok(Ok(reply)) => reply.into_response(),
        Ok(Err(err)) => err.into_response(),
        Err(_) => HttpError::panic().into_response(),
    };
    if let Some(scope) = ctx.take_scope().filter(|scope| scope.has_teardown()) {
        // Teardown must not delay the response.
        tokio::spawn(scope.tear_down());
    }
    response
}

fn method_not_allowed(
    method: &http::Method,
    path: &str,
    entry: &PathEntry,
) -> http::Response<Body> {
    HttpError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} not allowed for {path}"),
    )
    .with_detail("allow", entry.allow_list())
    .with_header(ALLOW, entry.allow_header().clone())
    .into_response()
}
