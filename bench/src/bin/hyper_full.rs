//! `hyper_raw` doing by hand what `axum_layers`' layers and `lauren_full`'s interceptors do: the
//! request id into extensions, the inner call timed into `x-elapsed-us`, `x-powered-by`. The
//! ceiling of this stack for that work, so the cost of the work itself can be told apart from a
//! framework's.

use std::convert::Infallible;
use std::time::Instant;

use bytes::Bytes;
use http::header::HeaderName;
use http::{HeaderValue, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;

#[derive(Clone)]
struct RequestId(#[allow(dead_code)] HeaderValue);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_ELAPSED_US: HeaderName = HeaderName::from_static("x-elapsed-us");
static X_POWERED_BY: HeaderName = HeaderName::from_static("x-powered-by");

async fn handle(mut request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if let Some(id) = request.headers().get(&X_REQUEST_ID).cloned() {
        request.extensions_mut().insert(RequestId(id));
    }
    let started = Instant::now();
    let Ok(mut response) = lauren_bench::hyper_handle(request).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::try_from(started.elapsed().as_micros().to_string()) {
        headers.insert(X_ELAPSED_US.clone(), value);
    }
    headers.insert(X_POWERED_BY.clone(), HeaderValue::from_static("hyper"));
    Ok(response)
}

fn main() {
    lauren_bench::serve_hyper(handle);
}
