//! `LaurenFactory::create(AppModule)`: from a root module to a running, frozen app.

mod builder;
pub(crate) mod error;
mod layers;
pub(crate) mod mounts;
pub(crate) mod options;
mod service;
pub(crate) mod shutdown;
mod startup;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, ToSocketAddrs};

pub use self::builder::{AppBuilder, LaurenFactory};
use self::error::{ServeError, StartupError};
use self::options::Options;
use self::shutdown::ShutdownHooks;
use crate::body::RequestBody;
use crate::di::container::Container;
use crate::middleware::MiddlewareInstance;
use crate::pipeline::Route;
use crate::router::Router;
use crate::server::Server;

/// A frozen app: cheap to clone (one `Arc`), immutable, and a `tower::Service`.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<AppInner>,
    /// The app behind the builder's tower layers; `None` without layers.
    pub(crate) layered: Option<layers::Layered>,
}

pub(crate) struct AppInner {
    pub(crate) router: Router,
    pub(crate) routes: Box<[Route]>,
    pub(crate) container: Container,
    pub(crate) options: Options,
    pub(crate) shut_down: AtomicBool,
    pub(crate) on_shutdown: ShutdownHooks,
    /// Global middleware, outermost first.
    pub(crate) middleware: Box<[MiddlewareInstance]>,
    /// The open WebSockets, closed with 1001 at shutdown.
    #[cfg(feature = "ws")]
    pub(crate) sockets: crate::ws::Sockets,
    /// Services and static directories under path prefixes, longest first.
    pub(crate) mounts: mounts::Mounts,
    /// Where errors of global middleware meet the global exception handlers.
    pub(crate) before_routing: crate::pipeline::Route,
    /// The OpenAPI document, when `.openapi(..)` enabled it.
    #[cfg(feature = "openapi")]
    pub(crate) openapi: Option<Arc<serde_json::Value>>,
}

/// One served route, for reflection and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteInfo {
    /// The HTTP method.
    pub method: http::Method,
    /// The full path template, e.g. `/orders/{id}`.
    pub path: String,
    /// `Controller::handler`.
    pub handler: String,
}

impl App {
    /// The OpenAPI document built at startup (feature `openapi`), when the builder enabled it
    /// with [`AppBuilder::openapi`]: for tests, or to write it to a file.
    #[cfg(feature = "openapi")]
    pub fn openapi_document(&self) -> Option<&serde_json::Value> {
        self.inner.openapi.as_deref()
    }

    /// How many WebSockets are open (0 without the `ws` feature).
    pub fn open_websockets(&self) -> usize {
        #[cfg(feature = "ws")]
        return self.inner.sockets.open();
        #[cfg(not(feature = "ws"))]
        0
    }

    /// Every route the app serves, in registration order.
    pub fn routes(&self) -> Vec<RouteInfo> {
        self.inner
            .routes
            .iter()
            .map(|route| RouteInfo {
                method: route.descriptor.method.clone(),
                path: route.template.to_string(),
                handler: format!(
                    "{}::{}",
                    route.controller.type_name, route.descriptor.handler_name
                ),
            })
            .collect()
    }

    /// Runs the singletons' `pre_destruct` hooks, in reverse dependency order, once. The server
    /// calls it after draining; call it yourself when you drive the app another way.
    pub async fn shutdown(&self) {
        if !self.inner.shut_down.swap(true, Ordering::SeqCst) {
            // Sockets first (1001): their disconnect handlers still need the singletons. The
            // server has done this already while draining; an app driven another way has not.
            #[cfg(feature = "ws")]
            self.inner.sockets.close_all(self.inner.options.shutdown_timeout).await;
            self.inner.container.teardowns.idle().await;
            self.inner.on_shutdown.run().await;
            self.inner.container.shut_down().await;
        }
    }

    /// Binds `addr`; call [`Server::run`] or [`Server::run_until`] to serve.
    ///
    /// A failure names the address: `address 127.0.0.1:3000 is already in use`.
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<Server, ServeError> {
        let addrs = tokio::net::lookup_host(addr)
            .await
            .map_err(|source| ServeError::Bind { addr: None, source })?;
        let mut last = None;
        for addr in addrs {
            match TcpListener::bind(addr).await {
                Ok(listener) => {
                    return Server::new(self, listener)
                        .map_err(|source| ServeError::Bind { addr: Some(addr), source });
                }
                Err(source) => last = Some(ServeError::Bind { addr: Some(addr), source }),
            }
        }
        Err(last.unwrap_or_else(|| ServeError::Bind {
            addr: None,
            source: std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the address resolved to nothing",
            ),
        }))
    }
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("routes", &self.inner.routes.len()).finish()
    }
}

/// Something that can become a frozen [`App`]: an `App`, or an [`AppBuilder`] (built on the spot).
pub trait IntoApp {
    /// Builds the app.
    fn into_app(self) -> impl Future<Output = Result<App, StartupError>> + Send;
}

impl IntoApp for App {
    async fn into_app(self) -> Result<App, StartupError> {
        Ok(self)
    }
}

impl IntoApp for AppBuilder {
    async fn into_app(self) -> Result<App, StartupError> {
        self.build().await
    }
}

/// One request through the app's tower layers; a layer's failure is a 503 envelope.
pub(crate) async fn call_layered(
    layered: &layers::Layered,
    request: http::Request<RequestBody>,
) -> http::Response<crate::body::ResponseBody> {
    use tower::ServiceExt as _;
    match layered.clone().oneshot(request).await {
        Ok(response) => response,
        Err(err) => {
            tracing::warn!(error = %err, "a layer failed the request");
            crate::error::HttpError::service_unavailable("the request could not be served")
                .with_detail("type", "LayerError")
                .into_response()
        }
    }
}
