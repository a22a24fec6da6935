//! `LaurenFactory::create(AppModule)`: from a root module to a running, frozen app.

pub(crate) mod error;
mod options;
mod service;
mod startup;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::{TcpListener, ToSocketAddrs};

use self::error::{ServeError, StartupError};
use self::options::Options;
use crate::descriptor::{Module, ModuleDescriptor};
use crate::interceptors::{InterceptorInstance, InterceptorType, IntoInterceptors};
use crate::pipeline::Route;
use crate::router::Router;
use crate::server::Server;

/// The entry point: `LaurenFactory::create(AppModule)`.
#[derive(Debug, Clone, Copy)]
pub struct LaurenFactory;

impl LaurenFactory {
    /// Starts building an app from its root module.
    ///
    /// ```no_run
    /// use lauren::prelude::*;
    ///
    /// #[derive(Default)]
    /// struct Hello;
    ///
    /// #[controller("/")]
    /// impl Hello {
    ///     #[get]
    ///     async fn hello(&self) -> &'static str { "Hello, World!" }
    /// }
    ///
    /// #[module(controllers = [Hello])]
    /// struct AppModule;
    ///
    /// #[tokio::main]
    /// async fn main() -> Result<(), lauren::ServeError> {
    ///     LaurenFactory::create(AppModule).listen("127.0.0.1:3000").await
    /// }
    /// ```
    pub fn create<M: Module>(root: M) -> AppBuilder {
        let _ = root;
        AppBuilder {
            root: M::descriptor(),
            options: Options::default(),
            global_interceptors: Vec::new(),
        }
    }
}

/// An app being configured; freeze it with [`build`](Self::build) or serve it with
/// [`listen`](Self::listen).
#[derive(Debug, Clone)]
#[must_use = "an AppBuilder does nothing until it is built or listened on"]
pub struct AppBuilder {
    root: &'static ModuleDescriptor,
    options: Options,
    global_interceptors: Vec<InterceptorInstance>,
}

impl AppBuilder {
    /// The largest request body a body extractor reads, in bytes (default 1 MiB). A longer body
    /// answers 422 `extractor_error`: `failed to extract 'item': body exceeds N bytes`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.options.body_limit = bytes;
        self
    }

    /// How long a client may take to send a request head (default 30 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.options.header_read_timeout = timeout;
        self
    }

    /// How long a graceful shutdown waits for in-flight requests (default 10 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.options.shutdown_timeout = timeout;
        self
    }

    /// Validates everything and freezes the app. Every misconfiguration is reported here.
    pub fn build(self) -> Result<App, StartupError> {
        startup::freeze(self.root, &self.global_interceptors, self.options)
            .map(|inner| App { inner: Arc::new(inner) })
    }

    /// Interceptors around every route, outermost first, given as values: one interceptor, an
    /// array, or a tuple of different types. Calls accumulate in order.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[derive(Default)] #[interceptor] struct Logging;
    /// # impl Interceptor for Logging {
    /// #     async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> { next.handle(ctx).await }
    /// # }
    /// # #[derive(Default)] #[interceptor] struct Timing;
    /// # impl Interceptor for Timing {
    /// #     async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> { next.handle(ctx).await }
    /// # }
    /// # #[module(controllers = [])] struct AppModule;
    /// let app = LaurenFactory::create(AppModule).global_interceptors((Logging, Timing)).build();
    /// ```
    pub fn global_interceptors(mut self, interceptors: impl IntoInterceptors) -> Self {
        self.global_interceptors.extend(interceptors.into_interceptors());
        self
    }

    /// Adds one registered (`#[interceptor]`) type around every route, built like any attached
    /// interceptor.
    pub fn global_interceptor<T: InterceptorType>(mut self) -> Self {
        self.global_interceptors.push((T::descriptor().construct)());
        self
    }

    /// Builds the app and binds `addr`, without serving yet (see [`Server::local_addr`]).
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<Server, ServeError> {
        self.build()?.bind(addr).await
    }

    /// Builds, binds and serves until ctrl-c, then shuts down gracefully.
    pub async fn listen(self, addr: impl ToSocketAddrs) -> Result<(), ServeError> {
        self.bind(addr).await?.run().await;
        Ok(())
    }

    /// Builds, binds and serves until `signal` completes, then shuts down gracefully.
    pub async fn listen_with_shutdown(
        self,
        addr: impl ToSocketAddrs,
        signal: impl Future<Output = ()> + Send,
    ) -> Result<(), ServeError> {
        self.bind(addr).await?.run_until(signal).await;
        Ok(())
    }
}

/// A frozen app: cheap to clone (one `Arc`), immutable, and a `tower::Service`.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<AppInner>,
}

pub(crate) struct AppInner {
    pub(crate) router: Router,
    pub(crate) routes: Box<[Route]>,
    pub(crate) options: Options,
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

    /// Binds `addr`; call [`Server::run`] or [`Server::run_until`] to serve.
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<Server, ServeError> {
        let listener = TcpListener::bind(addr).await.map_err(ServeError::Bind)?;
        Server::new(self, listener).map_err(ServeError::Bind)
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
    fn into_app(self) -> Result<App, StartupError>;
}

impl IntoApp for App {
    fn into_app(self) -> Result<App, StartupError> {
        Ok(self)
    }
}

impl IntoApp for AppBuilder {
    fn into_app(self) -> Result<App, StartupError> {
        self.build()
    }
}
