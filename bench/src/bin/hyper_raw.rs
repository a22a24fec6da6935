//! hyper 1 + hyper-util `auto` with a hand-written path match: the limit of this stack.

use std::convert::Infallible;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use lauren_bench::{Message, User};

fn json<T: serde::Serialize>(value: &T) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    response
}

async fn handle(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
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

fn status(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::default());
    *response.status_mut() = status;
    response
}

fn main() {
    lauren_bench::runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(lauren_bench::addr()).await.expect("bind");
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
