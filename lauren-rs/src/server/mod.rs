//! The accept loop: hyper-util's `auto` connection (HTTP/1.1 keep-alive and HTTP/2 prior
//! knowledge), `TCP_NODELAY`, and the table of live [`connections`] that closes stalled ones and
//! drains the rest gracefully, within a bound, at shutdown.

mod activity;
mod connections;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

use http::Version;
use http::header::HOST;

use crate::app::App;
use crate::body::{RequestBody, ResponseBody};
use crate::error::HttpError;
use activity::{Activity, Tracked};
use connections::Connections;

/// A bound, not yet serving, app.
///
/// ```no_run
/// # use lauren::prelude::*;
/// # #[module(controllers = [])] struct AppModule;
/// # async fn run() -> Result<(), lauren::ServeError> {
/// let server = LaurenFactory::create(AppModule).bind("127.0.0.1:0").await?;
/// println!("listening on http://{}", server.local_addr());
/// server.run().await;
/// # Ok(()) }
/// ```
pub struct Server {
    app: App,
    listener: TcpListener,
    local_addr: SocketAddr,
    builder: auto::Builder<TokioExecutor>,
}

impl Server {
    pub(crate) fn new(app: App, listener: TcpListener) -> std::io::Result<Self> {
        let local_addr = listener.local_addr()?;
        // No hyper timer: the connection table's sweep replaces hyper's per-request header read
        // timeout.
        let mut builder = auto::Builder::new(TokioExecutor::new());
        let options = &app.inner.options;
        if let Some(bytes) = options.max_header_bytes {
            // Checked at build: hyper panics below 8192.
            builder.http1().max_buf_size(bytes);
            builder.http2().max_header_list_size(u32::try_from(bytes).unwrap_or(u32::MAX));
        }
        if let Some(count) = options.max_headers {
            builder.http1().max_headers(count);
        }
        Ok(Self { app, listener, local_addr, builder })
    }

    /// The address actually bound (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Serves until ctrl-c or (on Unix) SIGTERM, then drains in-flight requests.
    pub async fn run(self) {
        self.run_until(shutdown_signal()).await;
    }

    /// Serves until `signal` completes, then stops accepting and lets in-flight requests finish
    /// (up to the builder's `shutdown_timeout`).
    pub async fn run_until(self, signal: impl Future<Output = ()> + Send) {
        let Self { app, listener, builder, .. } = self;
        let options = &app.inner.options;
        let mut connections =
            Connections::new(options.header_read_timeout, options.keep_alive_timeout);
        let max_connections = options.max_connections.unwrap_or(usize::MAX);
        tracing::info!(target: "lauren::server", addr = %self.local_addr, "listening");
        let mut signal = std::pin::pin!(signal);
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let (stream, _peer) = match accepted {
                        Ok(accepted) => accepted,
                        Err(err) => {
                            // Usually EMFILE: give the process a moment to free descriptors.
                            tracing::warn!(error = %err, "accept failed");
                            tokio::time::sleep(Duration::from_millis(50)).await;
                            continue;
                        }
                    };
                    if connections.open() >= max_connections {
                        // Closed before reading anything: the ones already open keep their share.
                        tracing::debug!(max_connections, "connection refused: at max_connections");
                        drop(stream);
                        continue;
                    }
                    if let Err(err) = stream.set_nodelay(true) {
                        tracing::debug!(error = %err, "could not set TCP_NODELAY");
                    }
                    let activity = Activity::new();
                    let io = TokioIo::new(Tracked::new(stream, Arc::clone(&activity)));
                    let service = service(app.clone(), Arc::clone(&activity));
                    let conn = builder.serve_connection_with_upgrades(io, service).into_owned();
                    connections.spawn(conn, activity);
                }
                () = connections.tick() => connections.sweep(),
                () = &mut signal => break,
            }
        }
        drop(listener);
        tracing::info!(
            target: "lauren::server",
            open_connections = connections.open(),
            open_websockets = app.open_websockets(),
            "shutting down: draining connections"
        );
        let timeout = app.inner.options.shutdown_timeout;
        // Open WebSockets are told to close (1001) while requests drain, within the same bound.
        #[cfg(feature = "ws")]
        tokio::join!(connections.drain(timeout), app.inner.sockets.close_all(timeout));
        #[cfg(not(feature = "ws"))]
        connections.drain(timeout).await;
        app.shutdown().await;
        tracing::info!(target: "lauren::server", "shut down");
    }
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("local_addr", &self.local_addr).finish()
    }
}

/// Why an HTTP/1.1 request's `Host` must be answered 400 (RFC 9112 section 3.2): missing, sent
/// twice, or not a host name with an optional port.
#[inline(always)]
fn host_problem<B>(request: &http::Request<B>) -> Option<&'static str> {
    if request.version() != Version::HTTP_11 {
        return None;
    }
    let mut hosts = request.headers().get_all(HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) => Some("an HTTP/1.1 request must carry a Host header"),
        (Some(_), Some(_)) => Some("an HTTP/1.1 request must carry one Host header, not several"),
        (Some(host), None) if !valid_host(host.as_bytes()) => {
            Some("the Host header is not a host name with an optional port")
        }
        (Some(_), None) => None,
    }
}

/// `uri-host [ ":" port ]`: no whitespace, path, query, fragment or userinfo characters.
fn valid_host(host: &[u8]) -> bool {
    // One table load per byte and no branch: this runs for every HTTP/1.1 request.
    host.iter().fold(true, |ok, &b| ok & HOST_BYTES[usize::from(b)])
}

/// The bytes a `Host` value may hold: a reg-name, an IP literal, a port (RFC 3986).
static HOST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'%'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'['
                    | b']'
            );
        b += 1;
    }
    table
};

/// What a connection's requests share: the app, and the connection's progress marks.
struct Connection {
    app: App,
    activity: Arc<Activity>,
}

impl AsRef<Activity> for Connection {
    fn as_ref(&self) -> &Activity {
        &self.activity
    }
}

/// The per-connection hyper service. Its future is the pipeline's own, unboxed.
fn service(
    app: App,
    activity: Arc<Activity>,
) -> impl hyper::service::Service<
    http::Request<Incoming>,
    Response = http::Response<ResponseBody>,
    Error = Infallible,
    Future = impl Future<Output = Result<http::Response<ResponseBody>, Infallible>> + Send,
> + Clone {
    // One reference count per request for both: the app and the connection's activity. The
    // request is in flight from the call (an HTTP/2 stream's future is polled later, in a task
    // of its own) until its future is done or dropped.
    let connection = Arc::new(Connection { app, activity });
    hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let in_flight = Activity::request(Arc::clone(&connection));
        async move {
            let app = &in_flight.connection().app;
            // Nearly free when nobody listens at DEBUG for `lauren::request` (a level check);
            // the span is built only on the traced path.
            let response = if tracing::enabled!(target: "lauren::request", tracing::Level::DEBUG) {
                Box::pin(traced(app, request)).await
            } else {
                respond!(app, request)
            };
            drop(in_flight);
            Ok(response)
        }
    })
}

/// The response to one request off the wire: the `Host` check, then the layered app or the
/// pipeline. A macro so that the server's future expands it in place (see `serve_in_place!`).
macro_rules! respond {
    ($app:expr, $request:ident) => {{
        let app: &App = $app;
        // The request is used where it is, not bound again: a binding would be one more copy
        // of it within the future.
        if let Some(problem) = host_problem::<Incoming>(&$request) {
            // RFC 9112 section 3.2: checked here, on the wire, so in-process tower calls need
            // not invent a Host.
            HttpError::bad_request(problem).into_response()
        } else {
            let request = $request.map(RequestBody::incoming);
            match &app.layered {
                Some(layered) => crate::app::call_layered(layered, request).await,
                // Without HEAD or global middleware to wrap it, the request is served in this
                // future: one level less on the hot path.
                None if crate::pipeline::is_plain(&app.inner, &request) => {
                    // Without mounts this is a length check; with them, one prefix check each.
                    match app.inner.mounts.find(request.uri()) {
                        Some(mount) => Box::pin(mount.serve(request)).await,
                        None => crate::pipeline::serve_in_place!(&app.inner, request),
                    }
                }
                None => crate::pipeline::dispatch(&app.inner, request).await,
            }
        }
    }};
}
use respond;

/// A request served inside its `lauren::request` span, with one `DEBUG` event when it is
/// answered: the route template, the status and the latency. The request id is the client's
/// `x-request-id`, or a number unique to this process.
async fn traced(app: &App, request: http::Request<Incoming>) -> http::Response<ResponseBody> {
    let span = tracing::debug_span!(
        target: "lauren::request",
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = tracing::field::Empty,
    );
    static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let started = std::time::Instant::now();
    // The client's id when it is a short token; never an unbounded client value in every event.
    let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).filter(|id| {
        !id.is_empty()
            && id.len() <= 128
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/+=".contains(&b))
    });
    match id {
        Some(id) => span.record("request_id", id),
        None => {
            span.record("request_id", NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        }
    };
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response =
        tracing::Instrument::instrument(async { respond!(app, request) }, span.clone()).await;
    let route = match app.inner.router.at(&method, crate::router::normalize_request_path(&path)) {
        crate::router::Lookup::Found { route, .. } => app.inner.routes[route].template.as_ref(),
        _ => "",
    };
    span.in_scope(|| {
        tracing::debug!(
            target: "lauren::request",
            route,
            status = response.status().as_u16(),
            latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            "response"
        );
    });
    response
}

/// Ctrl-C, or SIGTERM on Unix (what Docker, Kubernetes and systemd send to stop a service). A
/// signal whose handler cannot be installed is not waited for.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
