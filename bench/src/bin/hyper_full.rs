//! `hyper_matchit` doing by hand, inline, exactly what `lauren_full` does through its
//! interceptors, metadata and DI: the request id into extensions; the handler's call (a
//! shared service's lookup and the serialization: lauren_full's interceptors leave the value
//! alone, so it renders inside the chain) timed into `x-elapsed-us`; `x-powered-by` from the
//! route's metadata. The ceiling of this stack for that work, so the cost of the work
//! itself can be told apart from a framework's.

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use bytes::Bytes;
use http::header::HeaderName;
use http::{HeaderValue, Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use lauren_bench::{Endpoint, Message, User};

#[derive(Clone)]
struct RequestId(#[allow(dead_code)] HeaderValue);

static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static X_ELAPSED_US: HeaderName = HeaderName::from_static("x-elapsed-us");
static X_POWERED_BY: HeaderName = HeaderName::from_static("x-powered-by");

/// The shared service the user endpoint asks, as lauren_full's injected `Users`.
struct Users;

impl Users {
    fn find(&self, id: u64) -> User {
        User { id, name: format!("user-{id}") }
    }
}

fn users() -> &'static Arc<Users> {
    static USERS: OnceLock<Arc<Users>> = OnceLock::new();
    USERS.get_or_init(|| Arc::new(Users))
}

/// Each route's metadata, read per request like lauren_full's `#[set_metadata]`.
fn metadata(endpoint: Endpoint, key: &str) -> Option<&'static str> {
    static ROUTE_METADATA: [(&str, &str); 1] = [("powered_by", "lauren")];
    let _ = endpoint;
    ROUTE_METADATA.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

async fn handle(mut request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (endpoint, id) = match lauren_bench::route(&request) {
        Ok(found) => found,
        Err(code) => return Ok(lauren_bench::status(code)),
    };
    if let Some(id) = request.headers().get(&X_REQUEST_ID).cloned() {
        request.extensions_mut().insert(RequestId(id));
    }
    let powered_by = match metadata(endpoint, "powered_by").unwrap_or("lauren") {
        "lauren" => HeaderValue::from_static("lauren"),
        _ => HeaderValue::from_static("unknown"),
    };
    let started = Instant::now();
    let response = match endpoint {
        Endpoint::Plaintext => lauren_bench::plaintext(),
        Endpoint::Json => lauren_bench::json(&Message { message: "Hello, World!" }),
        Endpoint::User => lauren_bench::json(&users().find(id)),
        Endpoint::Echo => lauren_bench::echo(request).await,
    };
    Ok(finish(response, started.elapsed().as_micros(), powered_by))
}

fn finish(
    mut response: Response<Full<Bytes>>,
    elapsed_us: u128,
    powered_by: HeaderValue,
) -> Response<Full<Bytes>> {
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::try_from(elapsed_us.to_string()) {
        headers.insert(X_ELAPSED_US.clone(), value);
    }
    headers.insert(X_POWERED_BY.clone(), powered_by);
    response
}

fn main() {
    lauren_bench::serve_hyper(handle);
}
