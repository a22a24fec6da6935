//! Route middleware: module -> controller -> route middleware around one routed request.

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

use super::{
    ExecutionContext, PathParams, Route, gate_direct, log_server_error, panic_message, run_route,
};
use crate::app::AppInner;
use crate::body::{Body, RequestBody};
use crate::descriptor::BoxFuture;
use crate::error::HttpError;
use crate::middleware::{MiddlewareRequest, MiddlewareResponse, Next};
use crate::router::{Lookup, normalize_request_path};

/// A routed request through its route's middleware; a panic in one is a 500.
pub(super) async fn serve_with_route_middleware(
    app: &AppInner,
    route: &Route,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    let method = request.method().clone();
    let outcome = AssertUnwindSafe(with_route_middleware(app, route, request))
        .catch_unwind()
        .await
        .unwrap_or_else(|payload| {
            tracing::error!(
                route = %route.template,
                panic = panic_message(&*payload),
                "a route middleware panicked"
            );
            Err(HttpError::panic())
        });
    outcome.unwrap_or_else(|err| {
        // An error a middleware made itself has not been logged yet.
        if err.status().is_server_error() {
            log_server_error(route, &method, &err);
        }
        err.into_response()
    })
}

/// Module -> controller -> route middleware around the route. An error the route ends in
/// passes through them as an `Err` and is rendered after them.
async fn with_route_middleware(
    app: &AppInner,
    route: &Route,
    request: http::Request<RequestBody>,
) -> Result<http::Response<Body>, HttpError> {
    let inner = |req: MiddlewareRequest| -> BoxFuture<'_, Result<MiddlewareResponse, HttpError>> {
        Box::pin(async move {
            let (head, body) = req.into_parts();
            // A middleware may have changed the path: take this route's parameters from it.
            let raw_path = head.uri.path();
            let path = normalize_request_path(raw_path);
            let params = match app.router.at(&head.method, path) {
                Lookup::Found { route: found, params }
                    if std::ptr::eq(&app.routes[found], route) =>
                {
                    PathParams::for_route(
                        path,
                        &params,
                        route.layout.as_ref(),
                        route.param_names.len(),
                    )
                }
                _ => return Err(HttpError::route_not_found(&head.method, raw_path)),
            };
            gate_direct(app, route, &head)?;
            let mut ctx =
                ExecutionContext::new(route, &app.container, head, params, body, app.options.body);
            run_route(app, &mut ctx).await
        })
    };
    Next::new(&route.middleware, &inner).run(request).await
}
