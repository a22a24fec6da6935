//! axum 0.8 with three `from_fn` layers on every route: request id into extensions, timing
//! into `x-elapsed-us`, and `x-powered-by`.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::{Next, from_fn};
use axum::response::Response;
use http::HeaderValue;
use http::header::HeaderName;

#[derive(Clone)]
struct RequestId(#[allow(dead_code)] HeaderValue);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_ELAPSED_US: HeaderName = HeaderName::from_static("x-elapsed-us");
static X_POWERED_BY: HeaderName = HeaderName::from_static("x-powered-by");

async fn request_id(mut request: Request, next: Next) -> Response {
    if let Some(id) = request.headers().get(&X_REQUEST_ID).cloned() {
        request.extensions_mut().insert(RequestId(id));
    }
    next.run(request).await
}

async fn timing(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::try_from(started.elapsed().as_micros().to_string()) {
        response.headers_mut().insert(X_ELAPSED_US.clone(), value);
    }
    response
}

async fn powered_by(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(X_POWERED_BY.clone(), HeaderValue::from_static("axum"));
    response
}

fn main() {
    let routes = lauren_bench::axum_routes()
        // The last layer added is the outermost: request id, then timing, then powered-by.
        .layer(from_fn(powered_by))
        .layer(from_fn(timing))
        .layer(from_fn(request_id));
    lauren_bench::runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(lauren_bench::addr()).await.expect("bind");
        axum::serve(listener, routes).await.expect("serve");
    });
}
