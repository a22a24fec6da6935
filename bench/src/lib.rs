//! Shared pieces of the benchmark servers: the runtime every server uses, the payloads, the axum
//! route table, and the hand-written hyper servers' handler and accept loop.

use std::convert::Infallible;
use std::future::Future;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde::Serialize;

/// The address from the first argument, or a default.
pub fn addr() -> String {
    std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8080".to_owned())
}

/// One tokio worker, as the harness pins each server to one core.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// `GET /json`.
#[derive(Serialize)]
pub struct Message {
    pub message: &'static str,
}

/// `GET /users/{id}`.
#[derive(Serialize)]
pub struct User {
    pub id: u64,
    pub name: String,
}

/// The axum route table both axum servers serve (`axum_layers` adds its layers on top).
pub fn axum_routes() -> axum::Router {
    use axum::Json;
    use axum::extract::Path;
    use axum::routing::{get, post};

    axum::Router::new()
        .route("/plaintext", get(|| async { "Hello, World!" }))
        .route("/json", get(|| async { Json(Message { message: "Hello, World!" }) }))
        .route(
            "/users/{id}",
            get(|Path(id): Path<u64>| async move { Json(User { id, name: format!("user-{id}") }) }),
        )
        .route("/echo", post(|Json(value): Json<serde_json::Value>| async move { Json(value) }))
}

pub fn json<T: serde::Serialize>(value: &T) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    response
}

/// Serves `handle` on hyper-util's `auto` connection, one task per connection: the hand-written
/// servers' accept loop.
pub fn serve_hyper<F, Fut>(handle: F)
where
    F: Fn(Request<Incoming>) -> Fut + Copy + Send + 'static,
    Fut: Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send + 'static,
{
    runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(addr()).await.expect("bind");
        let builder = auto::Builder::new(TokioExecutor::new());
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let builder = builder.clone();
            tokio::spawn(async move {
                let _ = builder
                    .serve_connection(TokioIo::new(stream), hyper::service::service_fn(handle))
                    .await;
            });
        }
    });
}

/// The four endpoints, hand-written on hyper: what `hyper_raw` serves and `hyper_full` wraps.
pub async fn hyper_handle(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path();
    Ok(match (request.method(), path) {
        (&Method::GET, "/plaintext") => {
            let mut response = Response::new(Full::new(Bytes::from_static(b"Hello, World!")));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
        (&Method::GET, "/json") => json(&Message { message: "Hello, World!" }),
        (&Method::GET, p) if p.starts_with("/users/") => {
            match p["/users/".len()..].parse::<u64>() {
                Ok(id) => json(&User { id, name: format!("user-{id}") }),
                Err(_) => status(StatusCode::UNPROCESSABLE_ENTITY),
            }
        }
        (&Method::POST, "/echo") => match request.into_body().collect().await {
            Ok(body) => match serde_json::from_slice::<serde_json::Value>(&body.to_bytes()) {
                Ok(value) => json(&value),
                Err(_) => status(StatusCode::UNPROCESSABLE_ENTITY),
            },
            Err(_) => status(StatusCode::BAD_REQUEST),
        },
        _ => status(StatusCode::NOT_FOUND),
    })
}

/// The four endpoints of the routed hand-written servers.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint {
    Plaintext,
    Json,
    User,
    Echo,
}

/// The route table `hyper_matchit` and `hyper_full` look requests up in, built once.
pub fn router() -> &'static matchit::Router<Endpoint> {
    static ROUTER: std::sync::OnceLock<matchit::Router<Endpoint>> = std::sync::OnceLock::new();
    ROUTER.get_or_init(|| {
        let mut router = matchit::Router::new();
        for (path, endpoint) in [
            ("/plaintext", Endpoint::Plaintext),
            ("/json", Endpoint::Json),
            ("/users/{id}", Endpoint::User),
            ("/echo", Endpoint::Echo),
        ] {
            router.insert(path, endpoint).expect("distinct routes");
        }
        router
    })
}

/// What a routed request asks for, its path parameter parsed; `Err` is the status to answer.
pub fn route(request: &Request<Incoming>) -> Result<(Endpoint, u64), StatusCode> {
    let found = router().at(request.uri().path()).map_err(|_| StatusCode::NOT_FOUND)?;
    let method = match found.value {
        Endpoint::Echo => Method::POST,
        _ => Method::GET,
    };
    if request.method() != method {
        return Err(StatusCode::METHOD_NOT_ALLOWED);
    }
    let id = match found.value {
        Endpoint::User => found
            .params
            .get("id")
            .and_then(|id| id.parse().ok())
            .ok_or(StatusCode::UNPROCESSABLE_ENTITY)?,
        _ => 0,
    };
    Ok((*found.value, id))
}

/// `hyper_handle`'s endpoints, routed by matchit as a real router would: `hyper_matchit`.
pub async fn matchit_handle(
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(match route(&request) {
        Err(code) => status(code),
        Ok((Endpoint::Plaintext, _)) => plaintext(),
        Ok((Endpoint::Json, _)) => json(&Message { message: "Hello, World!" }),
        Ok((Endpoint::User, id)) => json(&User { id, name: format!("user-{id}") }),
        Ok((Endpoint::Echo, _)) => echo(request).await,
    })
}

pub fn plaintext() -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(b"Hello, World!")));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

pub async fn echo(request: Request<Incoming>) -> Response<Full<Bytes>> {
    match request.into_body().collect().await {
        Ok(body) => match serde_json::from_slice::<serde_json::Value>(&body.to_bytes()) {
            Ok(value) => json(&value),
            Err(_) => status(StatusCode::UNPROCESSABLE_ENTITY),
        },
        Err(_) => status(StatusCode::BAD_REQUEST),
    }
}

pub fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::default());
    *response.status_mut() = status;
    response
}
