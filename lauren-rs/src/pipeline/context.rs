//! `ExecutionContext`: the one per-request object that extractors, interceptors and handlers share.

mod handover;

use std::borrow::Cow;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{CONNECTION, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri};

use self::handover::EarlyParams;
pub use self::handover::OriginalUri;
use super::metadata::{FromMetadata, MetaValue};
use super::params::{PathParams, RawOrDecoded};
use super::route::{ControllerHandle, ControllerRef, Injected, Route};
use crate::app::options::BodyLimits;
use crate::body::{ReadError, RequestBody};
use crate::descriptor::Attached;
use crate::descriptor::Instance;
use crate::di::container::{Container, RequestScope};
use crate::di::{Inject, Key, Token};
use crate::error::HttpError;
use crate::extract::Field;
use crate::extract::urlencoded::{self, NotUtf8};
use crate::interceptors::{ChainEntry, InterceptorInstance};

/// The head of the request being served: method, URI, version, headers and extensions.
///
/// The body is not part of it: body extractors (`Json`, `Form`, `Bytes`, `Body`) read it.
pub type RequestHead = http::request::Parts;

/// The old name of [`RequestHead`].
#[deprecated(
    since = "0.1.0",
    note = "renamed `RequestHead`: it is the request's head, the body is read by extractors"
)]
pub type Request = RequestHead;

/// Everything known about the request being served, and the route serving it.
///
/// One exists per request. Extractors read from it; a handler may take `&ExecutionContext` as a
/// parameter to see the route it runs under.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Default)]
/// struct Info;
///
/// #[controller("/info")]
/// impl Info {
///     #[get("/{name}")]
///     async fn describe(&self, name: String, ctx: &ExecutionContext<'_>) -> String {
///         format!("{name} served by {}::{} at {}", ctx.handler_class(), ctx.handler_func(), ctx.route_template())
///     }
/// }
/// ```
pub struct ExecutionContext<'r> {
    route: &'r Route,
    container: &'r Container,
    /// Request-scoped instances; `None` (no allocation) for routes that build nothing per request.
    scope: Option<RequestScope>,
    head: RequestHead,
    params: PathParams,
    body: BodyState,
    limits: BodyLimits,
    /// Per-request metadata writes; empty (unallocated) unless someone writes.
    overlay: Vec<(Cow<'static, str>, MetaValue)>,
    /// The chain's interceptors built for this request, by chain position; `None` (nothing to
    /// drop) on routes whose interceptors are all singletons.
    built: Option<Box<[Option<InterceptorInstance>]>>,
}

enum BodyState {
    Unread(RequestBody),
    Buffered(Bytes),
    Failed(ReadFailure),
}

#[derive(Clone, Copy)]
enum ReadFailure {
    TooLarge(usize),
    Transport,
    TimedOut(std::time::Duration),
}

impl<'r> ExecutionContext<'r> {
    #[inline(always)]
    pub(crate) fn new(
        route: &'r Route,
        container: &'r Container,
        head: RequestHead,
        params: PathParams,
        body: RequestBody,
        limits: BodyLimits,
    ) -> Self {
        let scope = route.needs_scope.then(|| RequestScope::new(container));
        Self {
            route,
            container,
            scope,
            head,
            params,
            body: BodyState::Unread(body),
            limits,
            overlay: Vec::new(),
            built: None,
        }
    }

    /// The controller type's name, e.g. `OrdersController`.
    pub fn handler_class(&self) -> &'static str {
        self.route.controller.type_name
    }

    /// The handler method's name, e.g. `get_order`.
    pub fn handler_func(&self) -> &'static str {
        self.route.descriptor.handler_name
    }

    /// The matched route's template, prefixes joined, e.g. `/orders/{id}`.
    pub fn route_template(&self) -> &str {
        &self.route.template
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The request URI as received (path still percent-encoded).
    pub fn uri(&self) -> &Uri {
        &self.head.uri
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.head.headers
    }

    /// The request head.
    pub fn request(&self) -> &RequestHead {
        &self.head
    }

    /// The request head, mutably: later extractors and the handler see the change.
    pub fn request_mut(&mut self) -> &mut RequestHead {
        // Path params point into the URI by offset; make them independent before it can change.
        self.params.detach(
            self.head.uri.path(),
            self.route.layout.as_ref(),
            self.route.param_names.len(),
        );
        &mut self.head
    }

    /// A path parameter by name, percent-decoded (invalid UTF-8 is replaced; see
    /// [`ExecutionContext::path_param_strict`] to reject it).
    ///
    /// Parameters an app-level pre-interceptor set before routing are found here too, unless
    /// the matched route has a variable of the same name (the match wins).
    pub fn path_param(&self, name: &str) -> Option<Cow<'_, str>> {
        let Some(slot) = self.route.slot_of(name) else {
            return self.head.extensions.get::<EarlyParams>()?.get(name).map(Cow::Borrowed);
        };
        match self.param(slot)? {
            RawOrDecoded::Raw(raw) => Some(super::params::decode_lossy(raw)),
            RawOrDecoded::Decoded(text) => Some(Cow::Borrowed(text)),
        }
    }

    /// A path parameter by name, percent-decoded; `Some(Err(_))` when the bytes it encodes are
    /// not UTF-8 (what the extractors answer 422 for).
    pub fn path_param_strict(
        &self,
        name: &str,
    ) -> Option<Result<Cow<'_, str>, std::str::Utf8Error>> {
        let slot = self.route.slot_of(name)?;
        Some(self.param(slot)?.decode())
    }

    /// Every path parameter of the route, `(name, value)` in template order, decoded like
    /// [`ExecutionContext::path_param`].
    pub fn path_params(&self) -> impl Iterator<Item = (&str, Cow<'_, str>)> + '_ {
        let early = self.head.extensions.get::<EarlyParams>().map(|e| &e.0[..]).unwrap_or(&[]);
        self.route
            .param_names
            .iter()
            .filter_map(|name| Some((&**name, self.path_param(name)?)))
            .chain(
                early
                    .iter()
                    .filter(|(name, _)| self.route.slot_of(name).is_none())
                    .map(|(name, value)| (&**name, Cow::Borrowed(&**value))),
            )
    }

    /// Replaces a path parameter's value for the extractors and handler that run after this call.
    ///
    /// Returns `false` (and changes nothing) if the route has no variable of that name. Before
    /// routing (an app-level pre-interceptor) any name is kept: the handler's context sees it
    /// unless the matched route has a variable of that name.
    pub fn set_path_param(&mut self, name: &str, value: impl Into<String>) -> bool {
        match self.route.slot_of(name) {
            Some(slot) => {
                self.params.set(
                    slot,
                    value.into().into_boxed_str(),
                    self.head.uri.path(),
                    self.route.layout.as_ref(),
                    self.route.param_names.len(),
                );
                true
            }
            None if self.route.is_before_routing() => {
                let early = self.head.extensions.get_or_insert_default::<EarlyParams>();
                early.0.retain(|(n, _)| &**n != name);
                early.0.push((name.into(), value.into().into_boxed_str()));
                true
            }
            None => false,
        }
    }

    /// Replaces the request body for the extractors and handler that run after this call (the
    /// body is then as if it had been read: its limit no longer applies).
    pub fn set_body(&mut self, body: impl Into<Bytes>) {
        self.body = BodyState::Buffered(body.into());
    }

    /// The first value of a query parameter, decoded (`+` is a space; bytes that are not UTF-8
    /// are replaced with U+FFFD: the extractors reject them instead).
    pub fn query_param(&self, name: &str) -> Option<Cow<'_, str>> {
        let query = self.head.uri.query()?;
        form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == name).map(|(_, v)| v)
    }

    /// Every value of a repeated query parameter, in order (`?tag=a&tag=b`), decoded (a value
    /// that is not UTF-8 after percent-decoding is replaced, as in `query_param`).
    pub fn query_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        let query = self.head.uri.query().unwrap_or("");
        form_urlencoded::parse(query.as_bytes()).filter(move |(key, _)| key == name).map(|(_, v)| v)
    }

    /// Every value of a query parameter, decoded strictly: `Err` for one that is not UTF-8.
    pub(crate) fn query_values<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = Result<Cow<'a, str>, NotUtf8>> + 'a {
        urlencoded::values(self.head.uri.query().unwrap_or("").as_bytes(), name)
    }

    /// The request's cookie of that name, as sent (`None` also when its value is not UTF-8).
    pub fn cookie(&self, name: &str) -> Option<&str> {
        std::str::from_utf8(self.cookie_bytes(name)?).ok()
    }

    /// The raw value of the cookie `name`. Cookie headers are split as bytes, so one cookie
    /// with bytes that are not ASCII does not hide the others.
    pub(crate) fn cookie_bytes(&self, name: &str) -> Option<&[u8]> {
        self.head
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .flat_map(|header| header.as_bytes().split(|&b| b == b';'))
            .find_map(|pair| {
                let at = pair.iter().position(|&b| b == b'=')?;
                let (key, value) = (pair[..at].trim_ascii(), pair[at + 1..].trim_ascii());
                (key == name.as_bytes()).then(|| {
                    value.strip_prefix(b"\"").and_then(|v| v.strip_suffix(b"\"")).unwrap_or(value)
                })
            })
    }

    /// Metadata by key, read as `T`: values written for this request first, then the route's
    /// `#[set_metadata]`, then the controller's. `None` if absent or of another shape.
    ///
    /// ```
    /// # use lauren::prelude::*;
    /// # fn f(ctx: &ExecutionContext<'_>) {
    /// let action = ctx.metadata::<&str>("audit_action").unwrap_or("unknown");
    /// let limit = ctx.metadata::<u32>("rate_limit");
    /// # }
    /// ```
    pub fn metadata<'a, T: FromMetadata<'a>>(&'a self, key: &str) -> Option<T> {
        self.metadata_value(key).and_then(T::from_metadata)
    }

    /// The raw metadata value of a key.
    pub fn metadata_value(&self, key: &str) -> Option<&MetaValue> {
        self.overlay
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .or_else(|| self.route.metadata.get(key))
    }

    /// Sets a metadata value for the rest of this request only: later interceptors, extractors
    /// and the handler read it; the next request does not.
    pub fn set_metadata(&mut self, key: impl Into<Cow<'static, str>>, value: impl Into<MetaValue>) {
        self.overlay.push((key.into(), value.into()));
    }

    /// Every effective metadata key and value (this request's writes first).
    pub fn metadata_entries(&self) -> Vec<(&str, &MetaValue)> {
        let mut entries: Vec<(&str, &MetaValue)> = Vec::new();
        for (key, value) in self.overlay.iter().rev() {
            if !entries.iter().any(|(k, _)| *k == key) {
                entries.push((key, value));
            }
        }
        for (key, value) in self.route.metadata.iter() {
            if !entries.iter().any(|(k, _)| *k == key) {
                entries.push((key, value));
            }
        }
        entries
    }

    /// Typed per-request values (the request's extensions): share data between interceptors
    /// and handlers of one request.
    pub fn extensions(&self) -> &http::Extensions {
        &self.head.extensions
    }

    /// Typed per-request values, mutably.
    pub fn extensions_mut(&mut self) -> &mut http::Extensions {
        &mut self.head.extensions
    }

    /// The configured body limit in bytes.
    pub fn body_limit(&self) -> usize {
        self.limits.max_bytes
    }

    /// The whole request body, read once (bounded by the body limit) and shared afterwards.
    ///
    /// `field` names the handler parameter for the error message.
    pub async fn body_bytes(&mut self, field: &str) -> Result<Bytes, HttpError> {
        self.read_body(field, "body").await
    }

    /// The body for a built-in extractor; `source` names its kind in a body-over-the-limit error.
    pub(crate) async fn read_body(
        &mut self,
        field: &str,
        source: &'static str,
    ) -> Result<Bytes, HttpError> {
        if let BodyState::Unread(_) = self.body {
            // If this read is cancelled (a request timeout), the body stays a failure, never
            // an empty body someone could mistake for the request's.
            let BodyState::Unread(body) =
                std::mem::replace(&mut self.body, BodyState::Failed(ReadFailure::Transport))
            else {
                unreachable!("checked just above");
            };
            self.body = match body.read_to_bytes(self.limits).await {
                Ok(bytes) => BodyState::Buffered(bytes),
                Err(ReadError::TooLarge(limit)) => BodyState::Failed(ReadFailure::TooLarge(limit)),
                Err(ReadError::Transport) => BodyState::Failed(ReadFailure::Transport),
                Err(ReadError::TimedOut(after)) => BodyState::Failed(ReadFailure::TimedOut(after)),
            };
        }
        match &self.body {
            BodyState::Buffered(bytes) => Ok(bytes.clone()),
            BodyState::Failed(ReadFailure::TooLarge(limit)) => Err(HttpError::extractor(format!(
                "failed to extract '{field}': body exceeds {limit} bytes"
            ))
            .with_detail("field", field)
            .with_detail("source", source)
            // The rest of the body was not read: the connection cannot carry another request.
            .with_header(CONNECTION, HeaderValue::from_static("close"))),
            BodyState::Failed(ReadFailure::Transport) => Err(HttpError::bad_request(format!(
                "failed to extract '{field}': the request body could not be read"
            ))
            .with_detail("field", field)),
            BodyState::Failed(ReadFailure::TimedOut(after)) => Err(HttpError::new(
                StatusCode::REQUEST_TIMEOUT,
                "request_timeout",
                format!(
                    "failed to extract '{field}': the request body did not arrive within {} ms",
                    after.as_millis()
                ),
            )
            .with_detail("field", field)
            .with_source(crate::error::kinds::RequestTimeout)
            // The rest of the body may still arrive: the connection cannot be reused.
            .with_header(CONNECTION, HeaderValue::from_static("close"))),
            BodyState::Unread(_) => Err(HttpError::internal("BodyState")),
        }
    }

    /// The value of a path variable's slot, raw or as set.
    fn param(&self, slot: usize) -> Option<RawOrDecoded<'_>> {
        self.params.get(self.head.uri.path(), self.route.layout.as_ref(), slot)
    }

    /// The handler's `i`-th bound path variable, decoded; used by generated code.
    pub(crate) fn path_var(&self, i: usize) -> Option<Result<Cow<'_, str>, std::str::Utf8Error>> {
        let slot = *self.route.var_slots.get(i)?;
        Some(self.param(slot)?.decode())
    }

    pub(crate) fn route(&self) -> &'r Route {
        self.route
    }

    /// The instance of a binding for this request (built on first use for request scope; new
    /// each time for transient).
    pub(crate) async fn provided(&self, binding: usize) -> Result<Instance, HttpError> {
        self.container.instance(binding, self.scope.as_ref()).await.map_err(|err| {
            tracing::error!(error = %err, "building a request-scoped provider failed");
            HttpError::internal("ProviderError")
        })
    }

    /// The instance a handler parameter `Inject<T>` gets: the binding resolved at startup for
    /// the parameter `field` names; `None` for an optional one nothing provides.
    pub(crate) async fn injected<T: ?Sized + Send + Sync + 'static>(
        &self,
        field: &Field,
    ) -> Result<Option<Inject<T>>, HttpError> {
        let instance = match self.route.injected.get(field.index()) {
            Some(Injected::Shared(instance)) => Arc::clone(instance),
            Some(Injected::Scoped(binding)) => self.provided(*binding).await?,
            Some(Injected::Nothing) | None => return Ok(None),
        };
        instance
            .downcast_ref::<Inject<T>>()
            .cloned()
            .map(Some)
            .ok_or_else(|| HttpError::internal("ProviderMismatch"))
    }

    /// A provider's instance by type, for custom extractors and interceptors: the singleton,
    /// or the request's instance of a request-scoped one (built on first use), or a new
    /// transient one. It looks the binding up by key on each call; a handler parameter
    /// `Inject<T>` is resolved once at startup instead.
    ///
    /// ```
    /// use lauren::prelude::*;
    /// use lauren::extract::{Field, FromRequest};
    ///
    /// #[derive(Default)]
    /// #[injectable]
    /// struct Tenants;
    ///
    /// struct Tenant(String);
    ///
    /// impl FromRequest for Tenant {
    ///     async fn from_request(ctx: &mut ExecutionContext<'_>, _: &'static Field) -> Result<Self, HttpError> {
    ///         let _tenants: Inject<Tenants> = ctx.resolve::<Tenants>().await?;
    ///         Ok(Tenant("acme".into()))
    ///     }
    /// }
    /// ```
    pub async fn resolve<T: ?Sized + Send + Sync + 'static>(&self) -> Result<Inject<T>, HttpError> {
        self.resolve_key(Key::of::<T>()).await
    }

    /// [`ExecutionContext::resolve`] for a token.
    pub async fn resolve_token<T: ?Sized + Send + Sync + 'static>(
        &self,
        token: Token<T>,
    ) -> Result<Inject<T>, HttpError> {
        self.resolve_key(token.key()).await
    }

    async fn resolve_key<T: ?Sized + Send + Sync + 'static>(
        &self,
        key: Key,
    ) -> Result<Inject<T>, HttpError> {
        let binding =
            self.container.bindings.iter().position(|b| b.key == key).ok_or_else(|| {
                HttpError::internal("ProviderMissing").with_detail("provider", key.to_string())
            })?;
        self.provided(binding)
            .await?
            .downcast_ref::<Inject<T>>()
            .cloned()
            .ok_or_else(|| HttpError::internal("ProviderMismatch"))
    }

    /// The route's singleton controller, without a future to poll (the common case); `None`
    /// for a controller built per request, which `controller().await` builds. Used by
    /// generated code.
    #[doc(hidden)]
    #[inline]
    pub fn shared_controller(&self) -> Option<ControllerHandle<'r>> {
        match &self.route.instance {
            ControllerRef::Singleton(instance) => Some(ControllerHandle::Shared(&**instance)),
            ControllerRef::Scoped(_) => None,
        }
    }

    /// The controller this route's handler runs on: the singleton, or one built for this
    /// request. Used by generated code.
    #[doc(hidden)]
    pub async fn controller(&self) -> Result<ControllerHandle<'r>, HttpError> {
        match &self.route.instance {
            ControllerRef::Singleton(instance) => Ok(ControllerHandle::Shared(&**instance)),
            ControllerRef::Scoped(binding) => {
                self.provided(*binding).await.map(ControllerHandle::Built)
            }
        }
    }

    /// An attached component (guard, interceptor, exception handler) for this request: the
    /// shared instance where the route holds it (no reference count per request), or one built
    /// from its binding; `mismatch` names a binding that holds something else.
    pub(crate) async fn attached<'e, A: Clone>(
        &self,
        entry: &'e Attached<A>,
        mismatch: &'static str,
    ) -> Result<Cow<'e, A>, HttpError> {
        match entry {
            Attached::Shared(component) => Ok(Cow::Borrowed(component)),
            Attached::Scoped { binding, adapt } => {
                let built = self.provided(*binding).await?;
                adapt(&built).map(Cow::Owned).ok_or_else(|| HttpError::internal(mismatch))
            }
        }
    }

    /// Builds the route's request-scoped and transient interceptors, innermost first (a
    /// transient one attached at controller and route level: the route's is built first), so
    /// the chain then runs outer -> inner without waiting on a build.
    pub(crate) async fn build_interceptors(&mut self) -> Result<(), HttpError> {
        let chain = &self.route.chain;
        let mut built = vec![None; chain.len()];
        for (i, entry) in chain.iter().enumerate().rev() {
            if let ChainEntry::Scoped { .. } = entry {
                built[i] = Some(self.attached(entry, "InterceptorMismatch").await?.into_owned());
            }
        }
        self.built = Some(built.into_boxed_slice());
        Ok(())
    }

    /// The interceptor built for this request at chain position `i`.
    pub(crate) fn built_interceptor(&self, i: usize) -> Option<&InterceptorInstance> {
        self.built.as_deref()?.get(i)?.as_ref()
    }

    /// The request scope, to tear down once the response exists.
    pub(crate) fn take_scope(&mut self) -> Option<RequestScope> {
        self.scope.take()
    }

    /// Hands this context a scope that outlives it (a WebSocket connection's), or a new one
    /// when it has none and the route builds something per request.
    #[cfg(feature = "ws")]
    pub(crate) fn put_scope(&mut self, scope: Option<RequestScope>) {
        self.scope =
            scope.or_else(|| self.route.needs_scope.then(|| RequestScope::new(self.container)));
    }

    /// The container the request resolves from.
    #[cfg(feature = "ws")]
    pub(crate) fn container(&self) -> &'r Container {
        self.container
    }

    /// The matched path parameters, for another context of the same URI.
    #[cfg(feature = "ws")]
    pub(crate) fn params(&self) -> PathParams {
        let mut params = self.params.clone();
        // Cut by this route's layout: the other context's route may not share it.
        params.cut(self.head.uri.path(), self.route.layout.as_ref(), self.route.param_names.len());
        params
    }

    /// True when no interceptor will look at the handler's value, so it may be rendered at once.
    #[doc(hidden)]
    pub fn renders_directly(&self) -> bool {
        self.route.renders_directly
    }
}
