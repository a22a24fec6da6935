//! # lauren
//!
//! A NestJS / Lauren-style web framework: controllers, modules and (soon) DI and interceptors,
//! declared with attribute macros, resolved at compile time and startup, and served by hyper.
//!
//! ```no_run
//! use lauren::prelude::*;
//!
//! #[derive(serde::Deserialize, serde::Serialize)]
//! struct Order { id: u64, item: String }
//!
//! #[derive(Default)]
//! struct OrdersController;
//!
//! #[controller("/orders")]
//! impl OrdersController {
//!     #[get("/{id}")]
//!     async fn get_order(&self, id: u64, verbose: Option<bool>) -> Json<Order> {
//!         let item = if verbose.unwrap_or(false) { "a very fine book" } else { "book" };
//!         Json(Order { id, item: item.into() })
//!     }
//!
//!     #[post]
//!     async fn create(&self, order: Json<Order>) -> (StatusCode, Json<Order>) {
//!         (StatusCode::CREATED, order)
//!     }
//! }
//!
//! #[module(controllers = [OrdersController])]
//! struct AppModule;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), lauren::ServeError> {
//!     LaurenFactory::create(AppModule).listen("127.0.0.1:3000").await
//! }
//! ```
//!
//! The request path reads in five files: `server/mod.rs` -> `router.rs` -> `pipeline/mod.rs` ->
//! the generated handler entry -> `reply/mod.rs`.

#![forbid(unsafe_code)]

mod app;
mod body;
pub mod builtin;
pub mod descriptor;
pub mod di;
mod error;
mod exceptions;
pub mod extract;
#[cfg(feature = "fs")]
#[cfg_attr(docsrs, doc(cfg(feature = "fs")))]
pub mod files;
mod guards;
mod interceptors;
pub mod middleware;
#[cfg(feature = "openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "openapi")))]
pub mod openapi;
mod pipeline;
mod pre_interceptors;
mod reply;
mod router;
mod server;
pub mod testing;
mod type_name;
mod value_lists;
#[cfg(feature = "ws")]
#[cfg_attr(docsrs, doc(cfg(feature = "ws")))]
pub mod ws;

pub use bytes::Bytes;
pub use http;
pub use http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
pub use lauren_macros::{
    apply, bundle, controller, delete, exception_handler, get, head, http_error, injectable,
    interceptor, module, options, patch, post, pre_interceptor, put, set_metadata, settings,
    use_exception_handlers, use_guards, use_interceptors, use_middleware, use_pre_interceptors,
};
// Always exported: without the `ws` feature a `#[ws]` method fails with a message saying so.
pub use lauren_macros::{on_disconnect, on_message, ws};

pub use crate::app::error::{Problem, ProblemCode, ServeError, StartupError};
pub use crate::app::options::ContentTypePolicy;
pub use crate::app::{App, AppBuilder, IntoApp, LaurenFactory, RouteInfo};
pub use crate::body::{Body, BoxError, RequestBody, ResponseBody};
pub use crate::descriptor::{
    Bundle, BundleDescriptor, Controller, Module, Scope, registered_controllers,
};
pub use crate::di::Inject;
pub use crate::error::kinds;
pub use crate::error::{ErrorSource, HttpError, IntoHttpError, MappedError};
pub use crate::exceptions::{
    Catches, ExceptionHandler, ExceptionHandlerDescriptor, ExceptionHandlerInstance,
};
pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
pub use crate::guards::{Guard, GuardDescriptor, GuardInstance, IntoGuards, SecurityScheme};
pub use crate::interceptors::{
    CallHandler, Interceptor, InterceptorDescriptor, InterceptorInstance, InterceptorType,
    IntoInterceptors, LifecycleInterceptor, RouteDocs, RouteSetup, registered_interceptors,
};
#[allow(deprecated)]
pub use crate::pipeline::Request;
pub use crate::pipeline::{
    ErrorFormat, ExecutionContext, FromMetadata, MetaEntry, MetaLiteral, MetaValue, OriginalUri,
    RequestHead,
};
pub use crate::pre_interceptors::{
    IntoPreInterceptors, PreInterceptor, PreInterceptorDescriptor, PreInterceptorInstance,
    Settings, SettingsDescriptor, SettingsEntry, registered_pre_interceptors,
};
pub use crate::reply::{
    Event, HandlerOutput, IntoHeaders, IntoReply, JsonStream, Ndjson, Reply, Response, SameSite,
    SetCookie, Sse,
};
pub use crate::server::Server;

/// `Result<T, HttpError>`: what handlers return when they can fail.
pub type Result<T, E = HttpError> = std::result::Result<T, E>;

/// Everything a controller file usually needs.
pub mod prelude {
    #[allow(deprecated)]
    pub use crate::Request;
    pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
    #[cfg(feature = "ws")]
    pub use crate::ws::{Rooms, WsMessage, WsSender};
    pub use crate::{
        Bytes, CallHandler, ExceptionHandler, ExecutionContext, Guard, HttpError, Inject,
        Interceptor, IntoReply, LaurenFactory, LifecycleInterceptor, PreInterceptor, Reply,
        RequestHead, Response, Scope, StatusCode, apply, bundle, controller, delete,
        exception_handler, get, head, injectable, interceptor, module, options, patch, post,
        pre_interceptor, put, set_metadata, settings, use_exception_handlers, use_guards,
        use_interceptors, use_middleware, use_pre_interceptors,
    };
    pub use crate::{on_disconnect, on_message, ws};
}

/// What a route's generated OpenAPI function becomes: `Some(fn)` with the `openapi` feature,
/// `None` (and nothing of it compiled) without. Not public API.
#[cfg(feature = "openapi")]
#[doc(hidden)]
#[macro_export]
macro_rules! __lauren_openapi {
    (text $text:literal) => {
        ::core::option::Option::Some($text)
    };
    ($op:ident => $($body:tt)*) => {
        ::core::option::Option::Some({
            #[allow(unused_imports, unused_variables, deprecated)]
            fn __lauren_document($op: &mut $crate::openapi::OperationBuilder<'_>) {
                use $crate::openapi::{
                    ViaExtractor as _, ViaParam as _, ViaParamString as _, ViaPathSchema as _,
                    ViaPathString as _, ViaReply as _, ViaUndocumentedParam as _,
                    ViaUndocumentedReply as _,
                };
                $($body)*
            }
            __lauren_document as $crate::__private::DocumentFn
        })
    };
}

/// Without the `openapi` feature, routes document nothing. Not public API.
#[cfg(not(feature = "openapi"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __lauren_openapi {
    (text $text:literal) => {
        ::core::option::Option::None
    };
    ($op:ident => $($body:tt)*) => {
        ::core::option::Option::None
    };
}

// Not public API: what generated code refers to. Changes here are not breaking changes.
#[doc(hidden)]
pub mod __private {
    pub use http;
    pub use inventory;

    pub use crate::body::BoxError;
    pub use crate::descriptor::DocumentFn;
    pub use crate::descriptor::RouteKind;
    pub use crate::descriptor::{
        BoxFuture, BoxedHandlerFn, Bundle, BundleDescriptor, BundleRef, ComponentDescriptor,
        Controller, ControllerDescriptor, ControllerRegistration, ExceptionHandlerRef, GuardRef,
        HandlerFn, InlineFuture, Instance, InterceptorRef, MiddlewareRef, Module, ModuleDescriptor,
        RouteDescriptor, Scope, inline_future,
    };
    pub use crate::di::{
        DepKind, Dependency, FactoryOutput, Inject, Injectable, Key, Provider, ProviderDescriptor,
        Resolvable, Resolver,
    };
    pub use crate::error::mapping::{ErrorMapping, MapFn, map_as};
    pub use crate::exceptions::{Catches, ExceptionHandlerDescriptor};
    pub use crate::extract::scalar::path_var;
    pub use crate::extract::validate::{
        Bounded, Pattern, TextLength, ValidateProbe, ViaNoValidate, ViaValidate, bad_length,
        out_of_bounds,
    };
    pub use crate::extract::{BodyKind, Field, FromContext, FromRequest};
    pub use crate::guards::{GuardDescriptor, no_security, security_of};
    pub use crate::interceptors::{
        Interceptor, InterceptorDescriptor, InterceptorInstance, InterceptorRegistration,
        InterceptorType, LifecycleMember,
    };
    pub use crate::middleware::MiddlewareDescriptor;
    pub use crate::pipeline::{ControllerHandle, MetaEntry, MetaLiteral};
    pub use crate::pre_interceptors::{
        FreshFn, PreInterceptorDescriptor, PreInterceptorRef, PreInterceptorRegistration, Settings,
        SettingsDescriptor, SettingsEntry, SettingsRegistration,
    };
    pub use crate::reply::{HandlerOutput, IntoReply, Reply};
    pub use crate::{Body, ExecutionContext, HttpError, Method, RequestHead};

    /// What a `#[ws]` handler's entry calls.
    #[cfg(feature = "ws")]
    pub mod ws {
        pub use crate::ws::handshake::{Handshake, accept};
    }

    /// Without the `ws` feature, a `#[ws]` handler fails to compile here, saying so.
    #[cfg(not(feature = "ws"))]
    pub mod ws {
        use crate::{ExecutionContext, HttpError, Reply};

        /// Implemented by the request context only when lauren's `ws` feature is on.
        #[diagnostic::on_unimplemented(
            message = "WebSocket gateways (`#[ws]`) need lauren's `ws` feature",
            label = "this controller has a `#[ws]` method",
            note = "enable it: `lauren = {{ version = \"0.1\", features = [\"ws\"] }}`"
        )]
        pub trait WsFeature {}

        /// Stands in for the handshake; nothing can call it.
        pub struct Handshake;

        impl Handshake {
            /// Never compiles: `WsFeature` has no impl without the feature.
            pub fn check<C: WsFeature>(_ctx: &mut C) -> Result<Self, HttpError> {
                Err(HttpError::internal("ws"))
            }
        }

        /// Only reached after `Handshake::check`, which never compiles without the feature.
        pub fn accept<C, T>(
            _ctx: &mut C,
            _handshake: Handshake,
            _value: T,
        ) -> Result<Reply, HttpError> {
            Err(HttpError::internal("ws"))
        }

        #[allow(dead_code)]
        fn assert_context_is_not_one(_: &ExecutionContext<'_>) {}
    }
    pub use serde_json;

    use std::any::Any;
    use std::marker::PhantomData;

    /// The controller behind a route's erased instance.
    pub fn downcast<'a, T: Any>(instance: &'a ControllerHandle<'_>) -> Result<&'a T, HttpError> {
        instance
            .get()
            .downcast_ref::<Inject<T>>()
            .map(|inject| &**inject)
            .ok_or_else(|| HttpError::internal("ControllerMismatch"))
    }

    /// Stores a built value as an instance.
    pub fn instance<T: Send + Sync + 'static>(value: T) -> Instance {
        crate::di::instance(Inject::new(value))
    }

    /// `Key::of::<T>`, as a fn pointer for descriptors.
    pub fn key_of<T: ?Sized + 'static>() -> Key {
        Key::of::<T>()
    }

    /// `TypeId::of::<T>`, as a fn pointer for descriptors.
    pub fn type_id_of<T: Any>() -> std::any::TypeId {
        std::any::TypeId::of::<T>()
    }

    /// `adapt_interceptor` for a `#[interceptor]` type: bounded by the trait the attribute
    /// implements, so a missing `impl Interceptor` is reported once, there.
    pub fn adapt_registered<T: InterceptorType>(
        instance: &Instance,
    ) -> Option<InterceptorInstance> {
        InterceptorInstance::adapt::<T>(instance)
    }

    /// Views a built `Inject<T>` as an exception handler.
    pub fn adapt_exception_handler<T: crate::ExceptionHandler>(
        instance: &Instance,
    ) -> Option<crate::ExceptionHandlerInstance> {
        crate::ExceptionHandlerInstance::adapt::<T>(instance)
    }

    /// Views a built `Inject<T>` as a middleware.
    pub fn adapt_middleware<T: crate::middleware::Middleware>(
        instance: &Instance,
    ) -> Option<crate::middleware::MiddlewareInstance> {
        crate::middleware::MiddlewareInstance::adapt::<T>(instance)
    }

    /// Views a built `Inject<T>` as a guard.
    pub fn adapt_guard<T: crate::Guard>(instance: &Instance) -> Option<crate::GuardInstance> {
        crate::GuardInstance::adapt::<T>(instance)
    }

    /// Views a built `Inject<T>` as an interceptor.
    pub fn adapt_interceptor<T: Interceptor>(instance: &Instance) -> Option<InterceptorInstance> {
        InterceptorInstance::adapt::<T>(instance)
    }

    /// Turns a hook's return value (`()` or `Result<(), E>`) into the container's result.
    pub fn hook_result<T: FactoryOutput<()>>(output: T) -> Result<(), BoxError> {
        output.into_value()
    }

    /// A lifecycle hook's return value, on its way to being awaited (an `async fn` hook) or
    /// taken as it is (a plain `fn` hook): `(&&HookCall::new(out)).settle().await`.
    pub struct HookCall<T>(std::cell::Cell<Option<T>>);

    impl<T> HookCall<T> {
        /// Wraps a hook's return value.
        pub fn new(output: T) -> Self {
            Self(std::cell::Cell::new(Some(output)))
        }
    }

    /// The `async fn` arm of the hook probe: await the future.
    pub trait ViaAsyncHook {
        /// What settling yields.
        type Settled: std::future::Future;
        /// The future to await.
        fn settle(&self) -> Self::Settled;
    }

    impl<F: std::future::Future> ViaAsyncHook for &HookCall<F> {
        type Settled = futures_util::future::OptionFuture<F>;
        fn settle(&self) -> Self::Settled {
            self.0.take().into()
        }
    }

    /// The plain `fn` arm of the hook probe: the value is already there.
    pub trait ViaSyncHook {
        /// What settling yields.
        type Settled: std::future::Future;
        /// A future ready with the value.
        fn settle(&self) -> Self::Settled;
    }

    impl<T> ViaSyncHook for HookCall<T> {
        type Settled = std::future::Ready<Option<T>>;
        fn settle(&self) -> Self::Settled {
            std::future::ready(self.0.take())
        }
    }

    /// The `T` of an instance, for lifecycle hooks.
    pub fn hook_target<T: Send + Sync + 'static>(instance: &Instance) -> Result<&T, BoxError> {
        instance
            .downcast_ref::<Inject<T>>()
            .map(|inject| &**inject)
            .ok_or_else(|| "hook target mismatch".into())
    }

    /// Probes, at compile time, whether `T` is `#[injectable]` (use its descriptor) or only
    /// `Default` (a singleton built with `Default`): `(&&Probe::<T>::new()).provider()` picks
    /// the first that applies (autoref specialization).
    pub struct Probe<T>(PhantomData<fn() -> T>);

    impl<T> Probe<T> {
        /// A probe for `T`.
        #[allow(clippy::new_without_default)]
        pub fn new() -> Self {
            Self(PhantomData)
        }
    }

    /// The `#[injectable]` arm of the probe.
    pub trait ViaInjectable<T> {
        /// The descriptor.
        fn provider(&self) -> &'static ProviderDescriptor;
        /// A pre-interceptor's per-request build: none, the container builds it.
        fn fresh(&self) -> Option<FreshFn>;
        /// A pre-interceptor's provider: its `#[injectable]` descriptor.
        fn pre_provider(&self) -> &'static ProviderDescriptor;
        /// Views a built pre-interceptor.
        fn pre_adapt(&self) -> fn(&Instance) -> Option<crate::PreInterceptorInstance>
        where
            T: crate::PreInterceptor;
    }

    impl<T: Injectable> ViaInjectable<T> for &Probe<T> {
        fn provider(&self) -> &'static ProviderDescriptor {
            T::provider()
        }
        fn fresh(&self) -> Option<FreshFn> {
            None
        }
        fn pre_provider(&self) -> &'static ProviderDescriptor {
            T::provider()
        }
        fn pre_adapt(&self) -> fn(&Instance) -> Option<crate::PreInterceptorInstance>
        where
            T: crate::PreInterceptor,
        {
            crate::PreInterceptorInstance::adapt::<T>
        }
    }

    /// The `Default` arm of the probe. It applies to every type, and asks for `Default` in the
    /// method's bound, so a type that is neither gets one error naming the fix rather than a
    /// list of unsatisfied probe arms.
    pub trait ViaDefault<T> {
        /// The descriptor.
        fn provider(&self) -> &'static ProviderDescriptor
        where
            T: BuildByDefault;
        /// A pre-interceptor built per request with `Default`.
        fn fresh(&self) -> Option<FreshFn>
        where
            T: BuildByDefault + crate::PreInterceptor;
        /// A pre-interceptor's provider (unused: it is built per request).
        fn pre_provider(&self) -> &'static ProviderDescriptor;
        /// Views a built pre-interceptor (unused: it is built per request).
        fn pre_adapt(&self) -> fn(&Instance) -> Option<crate::PreInterceptorInstance>;
    }

    impl<T> ViaDefault<T> for Probe<T> {
        fn provider(&self) -> &'static ProviderDescriptor
        where
            T: BuildByDefault,
        {
            &<T as DefaultProvider>::DESCRIPTOR
        }
        fn fresh(&self) -> Option<FreshFn>
        where
            T: BuildByDefault + crate::PreInterceptor,
        {
            Some(crate::pre_interceptors::run_fresh::<T>)
        }
        // Unused for a type built fresh per request; no bounds, so a mistake is reported once,
        // by `fresh`.
        fn pre_provider(&self) -> &'static ProviderDescriptor {
            &<() as DefaultProvider>::DESCRIPTOR
        }
        fn pre_adapt(&self) -> fn(&Instance) -> Option<crate::PreInterceptorInstance> {
            |_| None
        }
    }

    /// A type the container can build with `Default`.
    #[diagnostic::on_unimplemented(
        message = "the container cannot build `{Self}`",
        label = "neither `Default` nor `#[injectable]`",
        note = "derive or implement `Default` for it, or mark it `#[injectable]` to inject its fields"
    )]
    pub trait BuildByDefault: Default + Send + Sync + 'static {}

    impl<T: Default + Send + Sync + 'static> BuildByDefault for T {}

    /// A `Default` type's singleton descriptor, one constant per type.
    pub trait DefaultProvider {
        /// The descriptor.
        const DESCRIPTOR: ProviderDescriptor;
    }

    impl<T: Default + Send + Sync + 'static> DefaultProvider for T {
        const DESCRIPTOR: ProviderDescriptor = ProviderDescriptor {
            key: key_of::<T>,
            scope: Scope::Singleton,
            deps: &[],
            construct: construct_default::<T>,
            construct_now: Some(construct_now_default::<T>),
            post_construct: None,
            pre_destruct: None,
        };
    }

    fn construct_default<'a, T: Default + Send + Sync + 'static>(
        _: &'a Resolver<'a>,
    ) -> BoxFuture<'a, Result<Instance, BoxError>> {
        Box::pin(async { construct_now_default::<T>() })
    }

    fn construct_now_default<T: Default + Send + Sync + 'static>() -> Result<Instance, BoxError> {
        Ok(instance(T::default()))
    }

    /// The first body kind of a handler's extractors (`FromRequest::BODY`), for its descriptor.
    pub const fn first_body(kinds: &[Option<BodyKind>]) -> Option<BodyKind> {
        let mut i = 0;
        while i < kinds.len() {
            if kinds[i].is_some() {
                return kinds[i];
            }
            i += 1;
        }
        None
    }

    /// Turns a handler's return value into the chain's result; renders at once when the route
    /// has no interceptor to look at it.
    pub fn reply<T: HandlerOutput>(
        ctx: &ExecutionContext<'_>,
        value: T,
    ) -> Result<Reply, HttpError> {
        value.into_reply(ctx.request(), ctx.renders_directly())
    }
}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/interceptors.md")]
struct InterceptorGuideDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/dependency-injection.md")]
struct DependencyInjectionGuideDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/pipeline.md")]
struct PipelineGuideDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/interceptor-models.md")]
struct InterceptorModelsGuideDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/realtime.md")]
struct RealtimeGuideDoctests;

#[cfg(all(doctest, feature = "ws"))]
#[doc = include_str!("../../docs/websockets.md")]
struct WebSocketGuideDoctests;

#[cfg(all(doctest, feature = "fs"))]
#[doc = include_str!("../../docs/files.md")]
struct FilesGuideDoctests;

#[cfg(all(doctest, feature = "openapi"))]
#[doc = include_str!("../../docs/openapi.md")]
struct OpenApiGuideDoctests;
