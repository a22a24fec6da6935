//! `TestClient`: in-process requests through the same pipeline the server runs, no socket.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use bytes::Bytes;
use http::header::{
    CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue, TRANSFER_ENCODING,
};
use http::{Method, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::app::error::StartupError;
use crate::app::{App, IntoApp};
use crate::body::RequestBody;

/// Sends requests to an app in-process.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::testing::TestClient;
///
/// #[derive(Default)]
/// struct Ping;
///
/// #[controller("/ping")]
/// impl Ping {
///     #[get]
///     async fn ping(&self) -> &'static str { "pong" }
/// }
///
/// #[module(controllers = [Ping])]
/// struct AppModule;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let client = TestClient::new(LaurenFactory::create(AppModule)).await;
/// let response = client.get("/ping").await;
/// assert_eq!(response.status(), 200);
/// assert_eq!(response.text(), "pong");
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestClient {
    app: App,
}

impl TestClient {
    /// Builds the app; panics with the startup error if it does not build (this is a test helper:
    /// use [`try_new`](Self::try_new) to assert on startup errors).
    pub async fn new(app: impl IntoApp) -> Self {
        match Self::try_new(app).await {
            Ok(client) => client,
            Err(err) => panic!("the app under test failed to start: {err}"),
        }
    }

    /// Builds the app, returning its startup error.
    pub async fn try_new(app: impl IntoApp) -> Result<Self, StartupError> {
        Ok(Self { app: app.into_app().await? })
    }

    /// Runs the app's shutdown hooks (singletons' `pre_destruct`), as the server does on stop.
    pub async fn shutdown(&self) {
        self.app.shutdown().await;
    }

    /// The app under test.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// A request with any method.
    pub fn request(&self, method: Method, uri: impl Into<String>) -> TestRequest {
        TestRequest {
            app: self.app.clone(),
            method,
            uri: uri.into(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A `GET` request.
    pub fn get(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::GET, uri)
    }

    /// A `POST` request.
    pub fn post(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::POST, uri)
    }

    /// A `PUT` request.
    pub fn put(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::PUT, uri)
    }

    /// A `PATCH` request.
    pub fn patch(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::PATCH, uri)
    }

    /// A `DELETE` request.
    pub fn delete(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::DELETE, uri)
    }

    /// A `HEAD` request.
    pub fn head(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::HEAD, uri)
    }

    /// An `OPTIONS` request.
    pub fn options(&self, uri: impl Into<String>) -> TestRequest {
        self.request(Method::OPTIONS, uri)
    }
}

/// A request being built; `.await` it to send.
#[derive(Debug)]
#[must_use = "a TestRequest is sent only when awaited"]
pub struct TestRequest {
    app: App,
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

impl TestRequest {
    /// Adds a header (panics on an invalid name or value: a bug in the test).
    #[track_caller]
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name =
            HeaderName::try_from(name).unwrap_or_else(|_| panic!("invalid header name {name:?}"));
        let value = HeaderValue::from_bytes(value.as_ref())
            .unwrap_or_else(|_| panic!("invalid value for header {name}"));
        self.headers.append(name, value);
        self
    }

    /// Sets a JSON body and `content-type: application/json`.
    #[track_caller]
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = match serde_json::to_vec(value) {
            Ok(body) => Bytes::from(body),
            Err(err) => panic!("test body does not serialize: {err}"),
        };
        self.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        self
    }

    /// Sets a raw body (no content-type is added).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Appends url-encoded query parameters to the URI.
    pub fn query<K: AsRef<str>, V: AsRef<str>>(mut self, pairs: &[(K, V)]) -> Self {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            query.append_pair(key.as_ref(), value.as_ref());
        }
        let separator = if self.uri.contains('?') { '&' } else { '?' };
        self.uri.push(separator);
        self.uri.push_str(&query.finish());
        self
    }

    /// Sends the request (same as `.await`).
    pub async fn send(self) -> TestResponse {
        // Build the request as hyper hands an HTTP/1.1 request to the service: origin-form URI,
        // a Host header, and a Content-Length for a body (what a client library sends).
        let mut headers = self.headers;
        if !headers.contains_key(HOST) {
            headers.insert(HOST, HeaderValue::from_static("localhost"));
        }
        if !self.body.is_empty()
            && !headers.contains_key(CONTENT_LENGTH)
            && !headers.contains_key(TRANSFER_ENCODING)
        {
            headers.insert(CONTENT_LENGTH, HeaderValue::from(self.body.len()));
        }
        let mut builder = http::Request::builder()
            .method(self.method)
            .uri(&self.uri)
            .version(http::Version::HTTP_11);
        if let Some(slot) = builder.headers_mut() {
            *slot = headers;
        }
        let request = match builder.body(RequestBody::from(self.body)) {
            Ok(request) => request,
            Err(err) => panic!("invalid test request URI {:?}: {err}", self.uri),
        };
        let (parts, body) = match &self.app.layered {
            Some(layered) => crate::app::call_layered(layered, request).await.into_parts(),
            None => crate::pipeline::dispatch(&self.app.inner, request).await.into_parts(),
        };
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) => panic!("the response body failed: {err}"),
        };
        TestResponse { status: parts.status, headers: parts.headers, body }
    }
}

impl IntoFuture for TestRequest {
    type Output = TestResponse;
    type IntoFuture = Pin<Box<dyn Future<Output = TestResponse> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A response received by the [`TestClient`].
#[derive(Debug, Clone)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// All headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of a header, if it is present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Every value of a header, in order.
    pub fn headers_all(&self, name: &str) -> Vec<&str> {
        self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body bytes.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body parsed as JSON (panics with the body if it is not: a failed test).
    #[track_caller]
    pub fn json<T: DeserializeOwned>(&self) -> T {
        match serde_json::from_slice(&self.body) {
            Ok(value) => value,
            Err(err) => panic!("response body is not the expected JSON ({err}): {}", self.text()),
        }
    }
}
