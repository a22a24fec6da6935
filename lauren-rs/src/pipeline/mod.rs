//! One request, end to end: route, gate, extract, handle, reply.

mod content_type;
mod context;
mod metadata;
mod params;
mod problem;
mod route;
mod route_middleware;

use std::panic::AssertUnwindSafe;

use futures_util::FutureExt as _;
use http::Method;
use http::header::{CONTENT_LENGTH, HeaderValue};

#[cfg(feature = "xml")]
pub(crate) use self::content_type::is_xml;
pub(crate) use self::content_type::{gate, gate_direct};
#[allow(deprecated)]
pub use self::context::Request;
pub use self::context::{ExecutionContext, OriginalUri, RequestHead};
pub(crate) use self::metadata::RouteMetadata;
pub use self::metadata::{FromMetadata, MetaEntry, MetaLiteral, MetaValue};
pub(crate) use self::params::{Layout, PathParams};
pub use self::problem::ErrorFormat;
pub use self::route::ControllerHandle;
pub(crate) use self::route::{ControllerRef, Injected, Route, before_routing};
#[cfg(feature = "openapi")]
pub(crate) use self::route::{StaticBody, fixed as fixed_route};
pub(crate) use self::route_middleware::behind_route_middleware;
pub(crate) use self::route_middleware::serve_with_route_middleware;
use crate::app::AppInner;
use crate::body::{Body, RequestBody};
use crate::descriptor::BoxFuture;
use crate::error::HttpError;
use crate::interceptors::CallHandler;
use crate::middleware::{Inner, Next};
use crate::router::{Lookup, PathEntry, normalize_request_path};

/// True when a request needs none of `dispatch`'s wrapping (no HEAD, no global middleware), so
/// the server may call [`serve`] directly and save a level of futures on the hot path.
pub(crate) fn is_plain(app: &AppInner, request: &http::Request<RequestBody>) -> bool {
    app.middleware.is_empty()
        && app.before_routing.pre_interceptors.is_empty()
        && request.method() != Method::HEAD
        && app.options.error_format == ErrorFormat::Lauren
}

/// Serves one request. Never fails and never unwinds: every outcome is a response, and a
/// response to HEAD never carries a body (on either protocol).
pub(crate) async fn dispatch(
    app: &AppInner,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    let head_request = request.method() == Method::HEAD;
    // Only apps that chose RFC 7807 pay for keeping the path (the problem's `instance`).
    // A `Uri` clone shares its bytes: RFC 7807 apps pay no copy of the path per request.
    let instance =
        (app.options.error_format == ErrorFormat::Rfc7807).then(|| request.uri().clone());
    let mut response = if app.middleware.is_empty() {
        serve(app, request).await
    } else {
        // A middleware that panics is a 500 like a handler that does, never a lost connection.
        match AssertUnwindSafe(with_global_middleware(app, request)).catch_unwind().await {
            Ok(response) => response,
            Err(payload) => {
                tracing::error!(panic = panic_message(&*payload), "a global middleware panicked");
                HttpError::panic().into_response()
            }
        }
    };
    if let Some(instance) = instance {
        response = problem::to_problem(response, instance.path());
    }
    if head_request { without_body(response) } else { response }
}

/// Global middleware around routing: it sees every request and every rendered response. An
/// error a global middleware raises is offered to the global exception handlers only.
async fn with_global_middleware(
    app: &AppInner,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    // The middleware takes the request: keep what global exception handlers will see of it,
    // when there are any to offer an error to.
    let head = (!app.before_routing.exception_handlers.is_empty()).then(|| head_copy(&request));
    let err = match (Next::new(&app.middleware, Inner::Routing(app)).run(request).await, head) {
        (Ok(response), _) => return response,
        (Err(err), None) => err,
        (Err(err), Some(head)) => {
            let mut ctx = ExecutionContext::new(
                &app.before_routing,
                &app.container,
                head,
                PathParams::default(),
                RequestBody::empty(),
                app.options.body,
            );
            match recover(err, &mut ctx).await {
                Ok(reply) => return reply.into_response(),
                Err(err) => err,
            }
        }
    };
    if err.status().is_server_error() {
        tracing::error!(status = err.status().as_u16(), error = %err, "global middleware failed");
    }
    err.into_response()
}

/// Routing, then the route (through its middleware, if any): the body of [`serve`], as a macro
/// so that the server's own future can expand it in place. As a second caller of `serve` it
/// would keep the hot path a nested future the compiler does not inline (measured: about 200
/// instructions per request).
macro_rules! serve_in_place {
    ($app:expr, $request:expr) => {{
        let app: &$crate::app::AppInner = $app;
        let (head, body) = $request.into_parts();
        let raw_path = head.uri.path();
        let path = $crate::router::normalize_request_path(raw_path);
        match app.router.at(&head.method, path) {
            $crate::router::Lookup::Found { route, params } => {
                let route = &app.routes[route];
                let params = $crate::pipeline::PathParams::for_route(
                    path,
                    &params,
                    route.layout.as_ref(),
                    route.param_names.len(),
                );
                if route.boxed {
                    if !route.middleware.is_empty() {
                        // Their chain's futures are boxed by the middleware's own calls; what
                        // this future holds of them is a pointer.
                        let request = ::http::Request::from_parts(head, body);
                        $crate::pipeline::serve_with_route_middleware(app, route, request).await
                    } else {
                        // Boxed, so that the hot path's future stays small: a route with a
                        // timeout pays one allocation, the others nothing.
                        $crate::pipeline::serve_staged(app, route, head, body, params).await
                    }
                } else if let Err(err) = $crate::pipeline::gate_direct(app, route, &head) {
                    err.into_response()
                } else {
                    let mut ctx = $crate::pipeline::ExecutionContext::new(
                        route,
                        &app.container,
                        head,
                        params,
                        body,
                        app.options.body,
                    );
                    // Pinned where they are made: the wrappers then move a pointer, not the
                    // inline future.
                    let outcome = if route.direct && route.chain.is_empty() {
                        // The handler's own future (which renders at once).
                        let handler = ::std::pin::pin!((route.descriptor.handler)(&mut ctx));
                        ::futures_util::FutureExt::catch_unwind(::std::panic::AssertUnwindSafe(
                            handler,
                        ))
                        .await
                    } else if route.direct {
                        // The outermost interceptor's future, in the larger room only this
                        // future has (a lifecycle group's fits).
                        let hops = ::std::pin::pin!(
                            $crate::interceptors::CallHandler::start(&route.chain)
                                .handle_outer(&mut ctx)
                        );
                        ::futures_util::FutureExt::catch_unwind(::std::panic::AssertUnwindSafe(
                            hops,
                        ))
                        .await
                    } else {
                        // Guards, pre-interceptors, exception handlers: their steps' futures
                        // take turns in one room of this future, so they cost no allocation.
                        let staged = {
                            let stages =
                                ::std::pin::pin!($crate::pipeline::run_full(app, &mut ctx));
                            ::futures_util::FutureExt::catch_unwind(::std::panic::AssertUnwindSafe(
                                stages,
                            ))
                            .await
                        };
                        match staged {
                            Ok(Err(err)) => Ok($crate::pipeline::recover(err, &mut ctx).await),
                            other => other,
                        }
                    };
                    let response = $crate::pipeline::settle(route, ctx.method(), outcome, true);
                    $crate::pipeline::tear_down(&mut ctx);
                    response.unwrap_or_else($crate::error::HttpError::into_response)
                }
            }
            $crate::router::Lookup::MethodNotAllowed(entry) => {
                $crate::pipeline::method_not_allowed(&head.method, raw_path, entry)
            }
            $crate::router::Lookup::NotFound => {
                $crate::error::HttpError::route_not_found(&head.method, raw_path).into_response()
            }
        }
    }};
}
pub(crate) use serve_in_place;

/// A mounted service (when the path is under one), or app-level pre-interceptors (if any),
/// routing, then the route (through its middleware, if any).
pub(crate) async fn serve(
    app: &AppInner,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    if let Some(mount) = app.mounts.find(request.uri()) {
        // Boxed: the requests that are not for a mount keep a small future.
        return Box::pin(mount.serve(request)).await;
    }
    if !app.before_routing.pre_interceptors.is_empty() {
        return Box::pin(serve_after_pre_interceptors(app, request)).await;
    }
    serve_in_place!(app, request)
}

/// App-level pre-interceptors run before routing, on a context of their own; the request they
/// leave (path rewritten or not, parameters, metadata, body, request scope) is then routed.
async fn serve_after_pre_interceptors(
    app: &AppInner,
    request: http::Request<RequestBody>,
) -> http::Response<Body> {
    let (head, body) = request.into_parts();
    // A `Uri` clone shares its bytes: kept to tell a rewrite (`OriginalUri`).
    let received = head.uri.clone();
    let early = &app.before_routing;
    let mut ctx = ExecutionContext::new(
        early,
        &app.container,
        head,
        PathParams::default(),
        body,
        app.options.body,
    );
    let outcome = AssertUnwindSafe(crate::pre_interceptors::run(&early.pre_interceptors, &mut ctx))
        .catch_unwind()
        .await;
    let outcome = match outcome {
        Ok(Ok(())) => None,
        // Offered to the global exception handlers, like an error of a global middleware.
        Ok(Err(err)) => Some(Ok(recover(err, &mut ctx).await)),
        Err(payload) => Some(Err(payload)),
    };
    if let Some(outcome) = outcome {
        let response = settle(early, ctx.method(), outcome, true);
        tear_down(&mut ctx);
        return response.unwrap_or_else(HttpError::into_response);
    }
    let mut carried = ctx.into_carried();
    if carried.head.uri != received {
        carried.head.extensions.insert(OriginalUri(received));
    }
    let raw_path = carried.head.uri.path();
    let path = normalize_request_path(raw_path);
    match app.router.at(&carried.head.method, path) {
        Lookup::Found { route, params } => {
            let route = &app.routes[route];
            let params = PathParams::for_route(
                path,
                &params,
                route.layout.as_ref(),
                route.param_names.len(),
            );
            let mut ctx =
                ExecutionContext::resume(route, &app.container, carried, params, app.options.body);
            if !route.middleware.is_empty() {
                // Middleware takes the request as hyper would hand it over; the route behind
                // it gets a request scope of its own, so this one ends here.
                tear_down(&mut ctx);
                return match ctx.into_request() {
                    Ok((head, body)) => {
                        let request = http::Request::from_parts(head, body);
                        serve_with_route_middleware(app, route, request).await
                    }
                    Err(mut ctx) => match ctx.body_bytes("body").await {
                        Err(err) => err.into_response(),
                        Ok(_) => HttpError::internal("BodyState").into_response(),
                    },
                };
            }
            if let Err(err) = gate_direct(app, route, ctx.request()) {
                return err.into_response();
            }
            run_route(app, &mut ctx).await.unwrap_or_else(HttpError::into_response)
        }
        // The request scope the pre-interceptors used ends with `carried`.
        Lookup::MethodNotAllowed(entry) => {
            method_not_allowed(&carried.head.method, raw_path, entry)
        }
        Lookup::NotFound => {
            HttpError::route_not_found(&carried.head.method, raw_path).into_response()
        }
    }
}

/// A route with a timeout, in one boxed future. The context is built before the
/// future, which holds it once (an `async fn` would hold the head, body and parameters it is
/// built from as well): the box's size is what moving the future into it copies.
pub(crate) fn serve_staged<'a>(
    app: &'a AppInner,
    route: &'a Route,
    head: RequestHead,
    body: RequestBody,
    params: PathParams,
) -> BoxFuture<'a, http::Response<Body>> {
    if let Err(err) = gate_direct(app, route, &head) {
        return Box::pin(std::future::ready(err.into_response()));
    }
    let mut ctx =
        ExecutionContext::new(route, &app.container, head, params, body, app.options.body);
    Box::pin(async move { run_route(app, &mut ctx).await.unwrap_or_else(HttpError::into_response) })
}

/// The route from its context (its gate already passed unless it runs the full pipeline):
/// guards, interceptors and handler, exception handlers, teardown. `Err` is an error no
/// exception handler took (already logged when it is a 5xx, unless route middleware will see
/// it first).
async fn run_route(
    app: &AppInner,
    ctx: &mut ExecutionContext<'_>,
) -> Result<http::Response<Body>, HttpError> {
    let route = ctx.route();
    let outcome = match route.timeout {
        None => guarded(app, &mut *ctx).await,
        // The work's future is dropped when the time is up; the context outlives it, so the
        // request scope is still torn down below. Boxed: the routes without a timeout keep a
        // future that holds the work once.
        Some(limit) => Box::pin(tokio::time::timeout(limit, guarded(app, &mut *ctx)))
            .await
            .unwrap_or_else(|_| Ok(Err(HttpError::route_timed_out(limit)))),
    };
    let outcome = match outcome {
        Ok(Err(err)) => Ok(recover(err, &mut *ctx).await),
        other => other,
    };
    // Behind route middleware an error is logged once they are done with it (they may also
    // fail on their own).
    let result = settle(route, ctx.method(), outcome, route.middleware.is_empty());
    tear_down(ctx);
    result
}

/// A route's stages and chain, a panic caught.
async fn guarded(
    app: &AppInner,
    ctx: &mut ExecutionContext<'_>,
) -> std::thread::Result<Result<crate::reply::Reply, HttpError>> {
    let route = ctx.route();
    if route.full_pipeline {
        AssertUnwindSafe(run_full(app, ctx)).catch_unwind().await
    } else {
        // Pinned where it is made, as in `serve_in_place!`.
        let handler = std::pin::pin!(CallHandler::start(&route.chain).handle_inline(ctx));
        AssertUnwindSafe(handler).catch_unwind().await
    }
}

/// The reply, error or panic a route ended in, as a response or an error to render, logged
/// when it is a server error.
#[inline(always)]
pub(crate) fn settle(
    route: &Route,
    method: &Method,
    outcome: std::thread::Result<Result<crate::reply::Reply, HttpError>>,
    log_errors: bool,
) -> Result<http::Response<Body>, HttpError> {
    match outcome {
        Ok(Ok(reply)) => {
            let response = reply.into_response();
            if response.status().is_server_error() {
                // The reply failed to render (the renderer logged why): say where.
                tracing::error!(
                    route = %route.template,
                    method = %method,
                    status = response.status().as_u16(),
                    "the reply rendered as a server error"
                );
            }
            Ok(response)
        }
        Ok(Err(err)) => {
            if log_errors && err.status().is_server_error() {
                log_server_error(route, method, &err);
            }
            Err(err)
        }
        Err(payload) => {
            tracing::error!(
                route = %route.template,
                method = %method,
                panic = panic_message(&*payload),
                "the handler panicked"
            );
            Err(HttpError::panic())
        }
    }
}

/// Hands the request scope's teardown to the background: it must not delay the response.
#[inline(always)]
pub(crate) fn tear_down(ctx: &mut ExecutionContext<'_>) {
    drop(ctx.take_scope());
}

/// The request head without its extensions (which cannot be cloned).
fn head_copy(request: &http::Request<RequestBody>) -> RequestHead {
    head_from(request.method(), request.uri(), request.version(), request.headers())
}

/// A copy of a request head without its extensions (a WebSocket message's head).
#[cfg(feature = "ws")]
pub(crate) fn head_copy_of(head: &RequestHead) -> RequestHead {
    head_from(&head.method, &head.uri, head.version, &head.headers)
}

fn head_from(
    method: &Method,
    uri: &http::Uri,
    version: http::Version,
    headers: &http::HeaderMap,
) -> RequestHead {
    let mut copy = http::Request::new(());
    *copy.method_mut() = method.clone();
    *copy.uri_mut() = uri.clone();
    *copy.version_mut() = version;
    *copy.headers_mut() = headers.clone();
    copy.into_parts().0
}

/// A WebSocket gateway's message or disconnect handler, on a context of its own: its
/// interceptors and the handler, then its exception handlers. Guards and pre-interceptors ran
/// on the upgrade request; the connection's request scope is the context's and outlives it.
#[cfg(feature = "ws")]
pub(crate) async fn run_socket_handler(
    ctx: &mut ExecutionContext<'_>,
) -> Result<http::Response<Body>, HttpError> {
    let route = ctx.route();
    let work = async {
        if route.scoped_interceptors {
            ctx.build_interceptors().await?;
        }
        CallHandler::start(&route.chain).handle_inline(&mut *ctx).await
    };
    let outcome = AssertUnwindSafe(work).catch_unwind().await;
    let outcome = match outcome {
        Ok(Err(err)) => Ok(recover(err, &mut *ctx).await),
        other => other,
    };
    settle(route, ctx.method(), outcome, true)
}

/// Offers an error to the route's exception handlers (route -> controller -> global), if it
/// has any; a handler that panics is a 500 like anything else.
pub(crate) async fn recover(
    err: HttpError,
    ctx: &mut ExecutionContext<'_>,
) -> Result<crate::reply::Reply, HttpError> {
    if ctx.route().exception_handlers.is_empty() {
        return Err(err);
    }
    match AssertUnwindSafe(crate::exceptions::handle(err, ctx)).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(_) => Err(HttpError::panic()),
    }
}

/// Pre-interceptors, guards, the content-type gate, the per-request interceptors' builds, then
/// the chain: Lauren's order (with Esmerald's pre-interceptors first) for a route that has any
/// of them.
pub(crate) async fn run_full(
    app: &AppInner,
    ctx: &mut ExecutionContext<'_>,
) -> Result<crate::reply::Reply, HttpError> {
    // Each step's future is pinned where it is made: awaiting it then moves a pointer, not the
    // future (a copy call each, measured).
    let route = ctx.route();
    if !route.pre_interceptors.is_empty() {
        std::pin::pin!(crate::pre_interceptors::run(&route.pre_interceptors, ctx)).await?;
    }
    if !route.guards.is_empty() {
        std::pin::pin!(crate::guards::check(ctx)).await?;
    }
    gate(app, route, ctx.request())?;
    if route.scoped_interceptors {
        ctx.build_interceptors().await?;
    }
    std::pin::pin!(CallHandler::start(&route.chain).handle_inline(ctx)).await
}

/// Logs a 5xx with what the client never sees: the source error and its chain.
fn log_server_error(route: &Route, method: &Method, err: &HttpError) {
    let mut chain = String::new();
    let mut next = err.source().and_then(|source| source.source());
    while let Some(cause) = next {
        chain.push_str(if chain.is_empty() { "" } else { ": " });
        chain.push_str(&cause.to_string());
        next = cause.source();
    }
    match err.source() {
        Some(source) => tracing::error!(
            route = %route.template,
            method = %method,
            status = err.status().as_u16(),
            code = err.code(),
            error = %source,
            caused_by = chain,
            "request failed"
        ),
        None => tracing::error!(
            route = %route.template,
            method = %method,
            status = err.status().as_u16(),
            code = err.code(),
            error = err.message(),
            "request failed"
        ),
    }
}

/// What a panic said, when it said it with a string.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(a non-string panic payload)")
}

/// A HEAD response: the GET response's status and headers, `content-length` kept as the GET body
/// would have had it, no body.
fn without_body(mut response: http::Response<Body>) -> http::Response<Body> {
    let len = http_body::Body::size_hint(response.body()).exact();
    if let Some(len) = len.filter(|&len| len > 0) {
        if !response.headers().contains_key(CONTENT_LENGTH) {
            response.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from(len));
        }
    }
    *response.body_mut() = Body::default();
    response
}

pub(crate) fn method_not_allowed(
    method: &http::Method,
    path: &str,
    entry: &PathEntry,
) -> http::Response<Body> {
    HttpError::method_not_allowed(
        format!("{method} not allowed for {path}"),
        entry.allow_header().clone(),
    )
    .with_detail("allow", entry.allow_list())
    .into_response()
}
