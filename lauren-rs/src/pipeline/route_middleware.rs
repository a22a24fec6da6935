//! Route middleware: module -> controller -> route middleware around one routed request.

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;

use super::{
    ExecutionContext, PathParams, Route, gate_direct, log_server_error, panic_message, run_route,
};
use crate::app::AppInner;
use crate::body::Body;
use crate::descriptor::BoxFuture;
use crate::error::HttpError;
use crate::middleware::{Inner, MiddlewareRequest, MiddlewareResponse, Next};
use crate::router::{Lookup, normalize_request_path};

/// A routed request through its route's middleware; a panic in one is a 500.
///
/// The outermost middleware's future is made here and boxed by its own call: the future this
/// returns holds that pointer, not the request or the chain, so it is small enough for the
/// request's own future to hold without a box of its own.
pub(crate) fn serve_with_route_middleware<'a>(
    app: &'a AppInner,
    route: &'a Route,
    request: MiddlewareRequest,
) -> impl Future<Output = http::Response<Body>> + Send + 'a {
    let method = request.method().clone();
    // A `handle` may run code of its own before it returns its future: caught as well.
    let chain = std::panic::catch_unwind(AssertUnwindSafe(|| {
        Next::new(&route.middleware, Inner::Route(app, route)).run(request)
    }));
    async move {
        let outcome = match chain {
            Ok(chain) => AssertUnwindSafe(chain).catch_unwind().await,
            Err(payload) => Err(payload),
        };
        let outcome = outcome.unwrap_or_else(|payload| {
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
}

/// What the innermost route middleware's `next` runs: the route, from the request the
/// middleware leave. An error the route ends in passes through them as an `Err` and is
/// rendered after them.
///
/// Its context is built before the box, which then holds the context once (not the head, body
/// and parameters it is built from as well).
pub(crate) fn behind_route_middleware<'a>(
    app: &'a AppInner,
    route: &'a Route,
    req: MiddlewareRequest,
) -> BoxFuture<'a, Result<MiddlewareResponse, HttpError>> {
    let (head, body) = req.into_parts();
    let raw_path = head.uri.path();
    // A middleware may have changed the method or path: route the request as it is now.
    let path = normalize_request_path(raw_path);
    let params = match app.router.at(&head.method, path) {
        Lookup::Found { route: found, params } if std::ptr::eq(&app.routes[found], route) => {
            PathParams::for_route(path, &params, route.layout.as_ref(), route.param_names.len())
        }
        _ => {
            let err = HttpError::route_not_found(&head.method, raw_path);
            return Box::pin(std::future::ready(Err(err)));
        }
    };
    if let Err(err) = gate_direct(app, route, &head) {
        return Box::pin(std::future::ready(Err(err)));
    }
    let mut ctx =
        ExecutionContext::new(route, &app.container, head, params, body, app.options.body);
    ctx.adopt_metadata();
    Box::pin(async move { run_route(app, &mut ctx).await })
}
