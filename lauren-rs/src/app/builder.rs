//! `AppBuilder`: everything an app can be configured with before it is frozen.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::ToSocketAddrs;

use super::error::{ServeError, StartupError};
use super::mounts::{MountSpec, Target};
use super::options::{ContentTypePolicy, Options};
use super::shutdown::ShutdownHooks;
use super::startup::{self, GlobalInterceptor};
use super::{App, layers};
use crate::body::{BoxError, RequestBody};
use crate::descriptor::{Module, ModuleDescriptor};
use crate::di::Provider;
use crate::exceptions::{ExceptionHandler, ExceptionHandlerInstance};
use crate::guards::{GuardInstance, IntoGuards};
use crate::interceptors::{InterceptorType, IntoInterceptors};
use crate::middleware::{IntoMiddleware, MiddlewareInstance};
use crate::pre_interceptors::{
    IntoPreInterceptors, PreInterceptorInstance, Settings, SettingsDescriptor,
};
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
            global_guards: Vec::new(),
            global_exception_handlers: Vec::new(),
            middleware: Vec::new(),
            layers: layers::Layers::default(),
            global_providers: Vec::new(),
            overrides: Vec::new(),
            pre_interceptors: Vec::new(),
            settings: None,
            on_shutdown: ShutdownHooks::default(),
            mounts: Vec::new(),
            #[cfg(feature = "openapi")]
            openapi: None,
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
    global_interceptors: Vec<GlobalInterceptor>,
    global_guards: Vec<GuardInstance>,
    global_exception_handlers: Vec<ExceptionHandlerInstance>,
    middleware: Vec<MiddlewareInstance>,
    layers: layers::Layers,
    global_providers: Vec<Provider>,
    overrides: Vec<Provider>,
    pre_interceptors: Vec<PreInterceptorInstance>,
    settings: Option<&'static SettingsDescriptor>,
    on_shutdown: ShutdownHooks,
    mounts: Vec<MountSpec>,
    #[cfg(feature = "openapi")]
    openapi: Option<crate::openapi::OpenApi>,
}

impl AppBuilder {
    /// Runs `callback` at shutdown: after the server drained its connections and every
    /// request-scoped teardown finished, before the singletons' `pre_destruct` hooks (so what
    /// it uses is still alive). Callbacks run in reverse registration order, once.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// let app = LaurenFactory::create(AppModule).on_shutdown(|| async {
    ///     tracing::info!("flushing metrics");
    /// });
    /// ```
    pub fn on_shutdown<F, Fut>(mut self, callback: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_shutdown.push(callback);
        self
    }

    /// The largest request body a body extractor reads, in bytes (default 1 MiB). A longer body
    /// answers 422 `extractor_error`: `failed to extract 'item': body exceeds N bytes`.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.options.body.max_bytes = bytes;
        self
    }

    /// How long reading a request body may take, from the first read to the last byte
    /// (default 30 s). A client that announces a body and stops sending, or trickles it too
    /// slowly, gets 408 `request_timeout` and the connection is closed. `None` waits forever.
    ///
    /// With the default body limit (1 MiB) the default asks a client for about 35 KB/s; raise
    /// it for large uploads over slow links.
    ///
    /// The slowloris defence ([`AppBuilder::header_read_timeout`]) does not cover this wait: a
    /// handler is running, which counts as progress.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use std::time::Duration;
    ///
    /// let app = LaurenFactory::create(AppModule).body_read_timeout(Duration::from_secs(5));
    /// ```
    pub fn body_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.options.body.timeout = timeout.into();
        self
    }

    /// How long a connection may go without progress once a request head has started to
    /// arrive (default 30 s): the slowloris defence.
    ///
    /// A connection is closed when, for a whole timeout, no request head was completed, no
    /// handler was running and no response byte was written, while a head was arriving (or
    /// none had yet on a new connection): a client trickling a head byte by byte, or
    /// connecting and sending nothing, is cut off between one and one and a quarter timeouts
    /// after its last progress. A handler that runs longer than the timeout is not. Applies to
    /// HTTP/1.1 and HTTP/2. Once a response is produced the connection counts as idle: an idle
    /// keep-alive connection, and a client that stopped reading its response, are bounded by
    /// [`AppBuilder::keep_alive_timeout`].
    ///
    /// `None` turns it off, e.g. behind a proxy that enforces its own. The check is a sweep of
    /// the accept loop over all connections, four times per timeout; on the request path it
    /// costs two uncontended atomic updates, not a timer (see `docs/performance.md`).
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use std::time::Duration;
    ///
    /// let app = LaurenFactory::create(AppModule).header_read_timeout(Duration::from_secs(10));
    /// let behind_a_proxy = LaurenFactory::create(AppModule).header_read_timeout(None);
    /// ```
    pub fn header_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.options.header_read_timeout = timeout.into();
        self
    }

    /// How long a keep-alive connection may stay idle between requests, with no byte of a next
    /// request sent (default 75 s, above the 60 s idle timeout of common load balancers, so
    /// they close first). `None` keeps idle connections open until the client closes them.
    pub fn keep_alive_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.options.keep_alive_timeout = timeout.into();
        self
    }

    /// The most connections served at once (default 10 000). A connection accepted beyond it
    /// is closed at once, before reading anything (the client sees the connection reset or
    /// closed and may retry); the ones already open are not disturbed. `None`: no bound but the
    /// process's file descriptors.
    pub fn max_connections(mut self, max: impl Into<Option<usize>>) -> Self {
        self.options.max_connections = max.into();
        self
    }

    /// The largest request head (request line and headers) in bytes; hyper's default (about
    /// 400 KB) when not set. A larger head answers 431 and closes the connection. At least
    /// 8192 (a smaller value is a startup error): it is also HTTP/1's read buffer. For HTTP/2 it
    /// bounds the header list.
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.options.max_header_bytes = Some(bytes);
        self
    }

    /// The most headers an HTTP/1 request may carry (hyper's default: 100). More answers 431.
    /// Setting it moves hyper's header parsing buffer to the heap (about 5% slower, hyper
    /// says), so leave it unset unless you need another bound.
    pub fn max_headers(mut self, count: usize) -> Self {
        self.options.max_headers = Some(count);
        self
    }

    /// How long a route may take, from its pre-interceptors and guards to its reply (default:
    /// no bound); a route overrides it with `#[set_metadata("request_timeout_ms", 500)]`. When it
    /// passes, the handler's future is dropped (it stops at its next `.await`) and the client
    /// gets 503 `request_timeout`; route middleware and exception handlers still see that
    /// error. Routes without a timeout pay nothing for the feature.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use std::time::Duration;
    ///
    /// let app = LaurenFactory::create(AppModule).request_timeout(Duration::from_secs(10));
    /// ```
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.options.request_timeout = timeout.into();
        self
    }

    /// What a `Json<T>` / `Form<T>` route does with a request of another content type:
    /// [`ContentTypePolicy::Strict`] (default, 415), `Warn` (log and serve), `Off` (no check).
    pub fn strict_content_type(mut self, policy: ContentTypePolicy) -> Self {
        self.options.content_type = policy;
        self
    }

    /// The shape of every error body: Lauren's envelope (default) or RFC 7807 problem details
    /// (`application/problem+json`), framework and user errors alike.
    pub fn error_format(mut self, format: crate::pipeline::ErrorFormat) -> Self {
        self.options.error_format = format;
        self
    }

    /// How long a graceful shutdown waits for in-flight requests (default 10 s).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.options.shutdown_timeout = timeout;
        self
    }

    /// Validates everything, builds the singletons (awaiting async constructors and
    /// `post_construct` hooks in dependency order) and freezes the app. Every misconfiguration
    /// is reported here, never at the first request.
    pub async fn build(self) -> Result<App, StartupError> {
        let plan = startup::Plan {
            root: self.root,
            global_interceptors: &self.global_interceptors,
            global_guards: &self.global_guards,
            global_exception_handlers: &self.global_exception_handlers,
            global_providers: &self.global_providers,
            overrides: &self.overrides,
            pre_interceptors: &self.pre_interceptors,
            settings: self.settings,
            options: self.options,
            mounts: &self.mounts,
            #[cfg(feature = "openapi")]
            openapi: self.openapi.as_ref(),
        };
        let on_shutdown = self.on_shutdown;
        let middleware = self.middleware.into_boxed_slice();
        let layers = self.layers;
        startup::freeze(plan).await.map(|mut inner| {
            inner.on_shutdown = on_shutdown;
            inner.middleware = middleware;
            let mut app = App { inner: Arc::new(inner), layered: None };
            #[cfg(feature = "ws")]
            app.inner.container.set_app(&app.inner);
            app.layered = layers.apply(&app);
            app
        })
    }

    /// Builds the OpenAPI 3.1 document at startup and serves it at `GET /openapi.json`, with a
    /// Swagger UI page at `GET /docs` (feature `openapi`; paths set on [`OpenApi`]). The
    /// document comes from the route tables, the handlers' doc comments and signatures; see
    /// [`lauren::openapi`](crate::openapi). Those routes run no guards or interceptors; global
    /// middleware, layers and app-level pre-interceptors still apply.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use lauren::openapi::OpenApi;
    ///
    /// let builder = LaurenFactory::create(AppModule)
    ///     .openapi(OpenApi::new("Orders API", "1.0.0").docs_path("/api-docs"));
    /// ```
    ///
    /// [`OpenApi`]: crate::openapi::OpenApi
    #[cfg(feature = "openapi")]
    pub fn openapi(mut self, openapi: crate::openapi::OpenApi) -> Self {
        self.openapi = Some(openapi);
        self
    }

    /// Serves `service` (any `tower::Service`: an axum `Router`, a tower-http service) for
    /// every request whose path is `prefix` or under it, with the prefix stripped from the path
    /// it sees (`/legacy/users` reaches it as `/users`; the full target is in the request's
    /// [`OriginalUri`](crate::OriginalUri) extension). The longest matching prefix wins.
    ///
    /// Global middleware and tower layers apply to mounted services; guards, interceptors and
    /// pre-interceptors are for lauren's routes and do not. A route under a mount's prefix, two
    /// mounts at one prefix, or a prefix that is not a literal path fail at startup. Requests
    /// outside every mount pay one prefix comparison per mount.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use std::convert::Infallible;
    ///
    /// let legacy = tower::service_fn(|request: lauren::http::Request<lauren::RequestBody>| async move {
    ///     Ok::<_, Infallible>(lauren::http::Response::new(format!("legacy saw {}", request.uri().path())))
    /// });
    /// let app = LaurenFactory::create(AppModule).mount("/legacy", legacy);
    /// ```
    pub fn mount<S, B>(mut self, prefix: &str, service: S) -> Self
    where
        S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        S::Error: Into<BoxError>,
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        let target = Target::Service(super::mounts::erase(service));
        self.mounts.push(MountSpec { prefix: prefix.to_owned(), target });
        self
    }

    /// Serves the files of a directory under `prefix` (feature `fs`): `GET /static/css/site.css`
    /// reads `<dir>/css/site.css`. Dotfiles are hidden and nothing outside the directory can be
    /// reached (see [`StaticDir`](crate::files::StaticDir) for the rules and options). A
    /// directory that does not exist fails at startup.
    ///
    /// ```no_run
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// let app = LaurenFactory::create(AppModule).serve_dir("/static", "./public");
    /// ```
    #[cfg(feature = "fs")]
    pub fn serve_dir(mut self, prefix: &str, dir: impl Into<crate::files::StaticDir>) -> Self {
        self.mounts.push(MountSpec { prefix: prefix.to_owned(), target: Target::Dir(dir.into()) });
        self
    }

    /// The limits of the app's WebSockets (feature `ws`): message and frame sizes, idle
    /// timeout, send queue. See [`WsConfig`](crate::ws::WsConfig) for the defaults.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use lauren::ws::WsConfig;
    ///
    /// let app = LaurenFactory::create(AppModule).websocket(WsConfig::new().max_message_bytes(4096));
    /// ```
    #[cfg(feature = "ws")]
    pub fn websocket(mut self, config: crate::ws::WsConfig) -> Self {
        self.options.websocket = config;
        self
    }

    /// App-level pre-interceptors (Esmerald's model), given as values, in the order they run:
    /// before routing, for every request (unknown paths included); a path they rewrite is the
    /// one routed. A non-empty list replaces the settings' list. Calls accumulate in order.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// #[derive(Default)]
    /// struct RequireTenant;
    ///
    /// impl PreInterceptor for RequireTenant {
    ///     async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
    ///         ctx.headers().get("x-tenant").map(|_| ()).ok_or_else(|| HttpError::unauthorized("x-tenant required"))
    ///     }
    /// }
    /// # #[module(controllers = [])] struct AppModule;
    /// let builder = LaurenFactory::create(AppModule).pre_interceptors(RequireTenant);
    /// ```
    pub fn pre_interceptors(mut self, interceptors: impl IntoPreInterceptors) -> Self {
        self.pre_interceptors.extend(interceptors.into_pre_interceptors());
        self
    }

    /// The settings the app takes its pre-interceptors from (when the builder lists none).
    /// Without it, the settings type the `LAUREN_SETTINGS` environment variable names, if set.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[derive(Default)] #[pre_interceptor] struct RequireTenant;
    /// # impl PreInterceptor for RequireTenant {
    /// #     async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> { Ok(()) }
    /// # }
    /// #[settings(pre_interceptors = [RequireTenant])]
    /// struct AppSettings;
    /// # #[module(controllers = [])] struct AppModule;
    ///
    /// let builder = LaurenFactory::create(AppModule).settings(AppSettings);
    /// ```
    pub fn settings<S: Settings>(mut self, settings: S) -> Self {
        let _ = settings;
        self.settings = Some(S::descriptor());
        self
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
    /// let builder = LaurenFactory::create(AppModule).global_interceptors((Logging, Timing));
    /// ```
    pub fn global_interceptors(mut self, interceptors: impl IntoInterceptors) -> Self {
        self.global_interceptors
            .extend(interceptors.into_interceptors().into_iter().map(GlobalInterceptor::Value));
        self
    }

    /// Guards before every route, given as values, in the order they run (before module,
    /// controller and route guards): one guard, an array, or a tuple `(ApiKey, Roles)`.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// #[derive(Default)]
    /// struct Open;
    ///
    /// impl Guard for Open {
    ///     async fn can_activate(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
    ///         Ok(true)
    ///     }
    /// }
    ///
    /// let app = LaurenFactory::create(AppModule).global_guards(Open);
    /// ```
    pub fn global_guards(mut self, guards: impl IntoGuards) -> Self {
        self.global_guards.extend(guards.into_guards());
        self
    }

    /// Wraps the whole app in a tower layer: tower-http's CORS, compression, trace, request-id,
    /// timeout and the like work unchanged, and `bind` / `listen` (and `TestClient`) serve the
    /// layered app with the slowloris defence and the graceful drain. The first layer added is
    /// the outermost. A layer's error becomes a 503 envelope.
    ///
    /// ```ignore
    /// use tower_http::cors::CorsLayer;
    /// use tower_http::compression::CompressionLayer;
    ///
    /// LaurenFactory::create(AppModule)
    ///     .layer(CorsLayer::permissive())
    ///     .layer(CompressionLayer::new())
    ///     .listen("0.0.0.0:8080")
    ///     .await
    /// ```
    pub fn layer<L, S, B>(mut self, layer: L) -> Self
    where
        L: tower_layer::Layer<layers::Layered, Service = S> + Send + Sync + 'static,
        S: tower_service::Service<http::Request<RequestBody>, Response = http::Response<B>>
            + Clone
            + Send
            + Sync
            + 'static,
        BoxError: From<S::Error>,
        S::Future: Send + 'static,
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.layers.0.push(layers::wrap(layer));
        self
    }

    /// Global middleware, outermost first (declaration order), around routing: it sees every
    /// request, 404 and 405 included, and every rendered response. A middleware value, an
    /// array, a tuple, or `middleware::from_fn(an_async_fn)`; call again to add more inside.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # #[module(controllers = [])] struct AppModule;
    /// use lauren::middleware::{from_fn, MiddlewareRequest, MiddlewareResponse, Next};
    ///
    /// async fn server_header(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
    ///     let mut response = next.run(req).await?;
    ///     response.headers_mut().insert("server", lauren::http::HeaderValue::from_static("lauren"));
    ///     Ok(response)
    /// }
    ///
    /// let app = LaurenFactory::create(AppModule).middleware(from_fn(server_header));
    /// ```
    pub fn middleware(mut self, middleware: impl IntoMiddleware) -> Self {
        self.middleware.extend(middleware.into_middleware());
        self
    }

    /// An exception handler asked for every route's errors, after the route's and the
    /// controller's own (call again to add more; they are asked in the order added).
    pub fn global_exception_handler<T: ExceptionHandler>(mut self, handler: T) -> Self {
        self.global_exception_handlers.push(ExceptionHandlerInstance::new(handler));
        self
    }

    /// Adds one `#[interceptor]` type around every route, built by the container (so it may
    /// inject dependencies and be request-scoped).
    pub fn global_interceptor<T: InterceptorType>(mut self) -> Self {
        self.global_interceptors.push(GlobalInterceptor::Type(T::descriptor()));
        self
    }

    /// Providers visible from every module (Lauren's `global_providers`).
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// use lauren::di::{provide, Provider};
    /// # #[derive(Default)] #[injectable] struct Clock;
    /// # #[module(controllers = [])] struct AppModule;
    /// let builder = LaurenFactory::create(AppModule)
    ///     .global_providers([Provider::of::<Clock>(), provide::<u32>().use_value(3)]);
    /// ```
    pub fn global_providers(mut self, providers: impl IntoIterator<Item = Provider>) -> Self {
        self.global_providers.extend(providers);
        self
    }

    /// Replaces whatever provides `T` with `value` before the app is frozen (tests' fakes).
    pub fn override_provider<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        self.overrides.push(crate::di::provide::<T>().use_value(value));
        self
    }

    /// Replaces a binding with any provider (a trait object, a named token, a factory..).
    pub fn override_with(mut self, provider: Provider) -> Self {
        self.overrides.push(provider);
        self
    }

    /// Builds the app and binds `addr`, without serving yet (see [`Server::local_addr`]).
    pub async fn bind(self, addr: impl ToSocketAddrs) -> Result<Server, ServeError> {
        self.build().await?.bind(addr).await
    }

    /// Builds, binds and serves until ctrl-c or SIGTERM, then shuts down gracefully.
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
