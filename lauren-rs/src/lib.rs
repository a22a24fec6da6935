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

mod app;
mod body;
pub mod descriptor;
mod error;
pub mod extract;
mod pipeline;
mod reply;
mod router;
mod server;
pub mod testing;

pub use bytes::Bytes;
pub use http::{HeaderMap, Method, StatusCode, Uri};
pub use lauren_macros::{controller, delete, get, head, module, options, patch, post, put};

pub use crate::app::error::{Problem, ProblemCode, ServeError, StartupError};
pub use crate::app::{App, AppBuilder, IntoApp, LaurenFactory, RouteInfo};
pub use crate::body::Body;
pub use crate::descriptor::{Controller, Module, Scope, registered_controllers};
pub use crate::error::HttpError;
pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
pub use crate::pipeline::{ExecutionContext, Request};
pub use crate::reply::{IntoHeaders, IntoReply, Response, SameSite, SetCookie};
pub use crate::server::Server;

/// `Result<T, HttpError>`: what handlers return when they can fail.
pub type Result<T, E = HttpError> = std::result::Result<T, E>;

/// Everything a controller file usually needs.
pub mod prelude {
    pub use crate::extract::{Cookie, Form, Header, Json, Path, Query, RawBody};
    pub use crate::{
        Bytes, ExecutionContext, HttpError, IntoReply, LaurenFactory, Request, Response,
        StatusCode, controller, delete, get, head, module, options, patch, post, put,
    };
}

// Not public API: what generated code refers to. Changes here are not breaking changes.
#[doc(hidden)]
pub mod __private {
    pub use http;
    pub use inventory;

    pub use crate::descriptor::{
        BoxFuture, Controller, ControllerDescriptor, ControllerRegistration, HandlerFn, Instance,
        Module, ModuleDescriptor, ProviderDescriptor, RouteDescriptor, Scope,
    };
    pub use crate::extract::scalar::{path_var, query_param, query_param_opt};
    pub use crate::extract::{Field, FromRequest};
    pub use crate::reply::IntoReply;
    pub use crate::{Body, ExecutionContext, HttpError, Method, Request};

    use std::any::Any;
    use std::sync::Arc;

    /// The controller behind a route's erased instance.
    pub fn downcast<T: Any>(instance: &(dyn Any + Send + Sync)) -> Result<&T, HttpError> {
        instance
            .downcast_ref::<T>()
            .ok_or_else(|| HttpError::internal("ControllerMismatch"))
    }

    /// A provider built with `Default`, erased.
    pub fn construct_default<T: Default + Send + Sync + 'static>() -> Instance {
        Arc::new(T::default())
    }

    /// `TypeId::of::<T>`, as a fn pointer for descriptors.
    pub fn type_id_of<T: Any>() -> std::any::TypeId {
        std::any::TypeId::of::<T>()
    }

    /// Names the trait so `on_unimplemented` lands on the user's type.
    pub const fn assert_controller<T: Controller>() {}

    /// Extracts one handler parameter.
    pub async fn extract<T: FromRequest>(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<T, HttpError> {
        T::from_request(ctx, field).await
    }

    /// Renders a handler's return value.
    pub fn reply<T: IntoReply>(value: T) -> http::Response<crate::Body> {
        value.into_response()
    }
}

#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;
