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
//! The request path reads in five files: `server.rs` -> `router.rs` -> `pipeline/mod.rs` ->
//! the generated handler entry -> `reply/mod.rs`.

#![forbid(unsafe_code)]

mod app;
mod body;
pub mod descriptor;
mod error;
pub mod extract;
mod interceptors;
mod pipeline;
mod reply;
mod router;
mod server;
pub mod testing;

pub use bytes::Bytes;
pub use http::{HeaderMap, Method, StatusCode, Uri};
pub use lauren_macros::{
    controller, delete, get, head, interceptor, module, options, patch, post, put, set_metadata,
    use_interceptors,
};

pub use crate::app::error::{Problem, ProblemCode, ServeError, StartupError};
pub use crate::app::{App, AppBuilder, IntoApp, LaurenFactory, RouteInfo};
pub use crate::body::Body;
pub use crate::descriptor::{Controller, Module, Scope, registered_controllers};
pub use crate::error::HttpError;
pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
pub use crate::interceptors::{
    CallHandler, Interceptor, InterceptorDescriptor, InterceptorInstance, InterceptorType,
    IntoInterceptors, registered_interceptors,
};
pub use crate::pipeline::{
    ExecutionContext, FromMetadata, MetaEntry, MetaLiteral, MetaValue, Request,
};
pub use crate::reply::{
    HandlerOutput, IntoHeaders, IntoReply, Reply, Response, SameSite, SetCookie,
};
pub use crate::server::Server;

/// `Result<T, HttpError>`: what handlers return when they can fail.
pub type Result<T, E = HttpError> = std::result::Result<T, E>;

/// Everything a controller file usually needs.
pub mod prelude {
    pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
    pub use crate::{
        Bytes, CallHandler, ExecutionContext, HttpError, Interceptor, IntoReply, LaurenFactory,
        Reply, Request, Response, StatusCode, controller, delete, get, head, interceptor, module,
        options, patch, post, put, set_metadata, use_interceptors,
    };
}

// Not public API: what generated code refers to. Changes here are not breaking changes.
#[doc(hidden)]
pub mod __private {
    pub use http;
    pub use inventory;

    pub use crate::descriptor::{
        BoxFuture, Controller, ControllerDescriptor, ControllerRegistration, HandlerFn, Instance,
        InterceptorRef, Module, ModuleDescriptor, ProviderDescriptor, RouteDescriptor, Scope,
    };
    pub use crate::extract::scalar::{path_var, query_param, query_param_opt};
    pub use crate::extract::{Field, FromRequest};
    pub use crate::interceptors::{
        Interceptor, InterceptorDescriptor, InterceptorInstance, InterceptorRegistration,
        InterceptorType,
    };
    pub use crate::pipeline::{MetaEntry, MetaLiteral};
    pub use crate::reply::{HandlerOutput, IntoReply, Reply};
    pub use crate::{Body, ExecutionContext, HttpError, Method, Request};

    use std::any::Any;
    use std::sync::Arc;

    /// The controller behind a route's erased instance.
    pub fn downcast<T: Any>(instance: &(dyn Any + Send + Sync)) -> Result<&T, HttpError> {
        instance.downcast_ref::<T>().ok_or_else(|| HttpError::internal("ControllerMismatch"))
    }

    /// A provider built with `Default`, erased.
    pub fn construct_default<T: Default + Send + Sync + 'static>() -> Instance {
        Arc::new(T::default())
    }

    /// A singleton interceptor built with `Default`. Bounded by `InterceptorType`, whose impl
    /// already reports a missing `Interceptor`, so a user sees that error once.
    pub fn construct_interceptor<T: InterceptorType + Default>() -> InterceptorInstance {
        InterceptorInstance::new(T::default())
    }

    /// `TypeId::of::<T>`, as a fn pointer for descriptors.
    pub fn type_id_of<T: Any>() -> std::any::TypeId {
        std::any::TypeId::of::<T>()
    }

    /// Turns a handler's return value into the chain's result; renders at once when the route
    /// has no interceptor to look at it.
    pub fn reply<T: HandlerOutput>(
        ctx: &ExecutionContext<'_>,
        value: T,
    ) -> Result<Reply, HttpError> {
        value.into_reply(ctx.renders_directly())
    }
}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/interceptors.md")]
struct InterceptorGuideDoctests;
