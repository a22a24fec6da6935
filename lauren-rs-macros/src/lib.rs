//! Attribute macros of the `lauren` web framework. Use them through `lauren`, which re-exports
//! them; generated code refers only to `::lauren::__private`.

#![forbid(unsafe_code)]

mod bounds;
mod bundle;
mod controller;
mod errors;
mod exception_handler;
mod http_error;
mod injectable;
mod interceptor;
mod metadata;
mod module;
mod openapi;
mod route;
mod settings;
mod stacked;
mod template;

use proc_macro::TokenStream;

/// Turns an `impl` block into a controller: `#[controller("/prefix")]`.
///
/// Methods marked with a verb attribute (`#[get]`, `#[post("/{id}")]`, ..) become routes; see
/// the `lauren` crate docs for how parameters are extracted.
#[proc_macro_attribute]
pub fn controller(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, controller::expand)
}

/// Declares a module: `#[module(controllers = [OrdersController])] struct AppModule;`.
#[proc_macro_attribute]
pub fn module(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, module::expand)
}

/// Makes a type buildable by the container: `#[injectable]`, `#[injectable(scope = Request)]`,
/// `#[injectable(scope = Transient, post_construct = init, pre_destruct = close)]`.
///
/// On a struct, `Inject<T>` / `Option<Inject<T>>` / `Vec<Inject<T>>` fields are injected
/// (`#[inject(TOKEN)]` names a token) and other fields use `Default`. On an impl block, the
/// `#[constructor]` fn builds it from injected arguments.
#[proc_macro_attribute]
pub fn injectable(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, injectable::expand)
}

/// Declares an interceptor: `#[interceptor] struct Logging;` plus `impl Interceptor for Logging`.
///
/// The type is registered (by name, through `inventory`) and built once per app with `Default`.
#[proc_macro_attribute]
pub fn interceptor(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, interceptor::expand)
}

/// Attaches interceptors to a controller (on its impl) or a route (on its method):
/// `#[use_interceptors(Logging, Timing)]`, the first listed outermost.
#[proc_macro_attribute]
pub fn use_interceptors(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("use_interceptors", a, i))
}

/// Declares a pre-interceptor (Esmerald's model) and registers it by name, so settings may list
/// it as `"RequireTenant"`: `#[pre_interceptor] struct RequireTenant;` plus
/// `impl PreInterceptor for RequireTenant`.
#[proc_macro_attribute]
pub fn pre_interceptor(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, interceptor::expand_pre)
}

/// Attaches pre-interceptors to a controller (on its impl) or a route (on its method):
/// `#[use_pre_interceptors(RequireTenant)]`, run in order after the module's, before guards.
#[proc_macro_attribute]
pub fn use_pre_interceptors(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("use_pre_interceptors", a, i))
}

/// Declares a settings type: the pre-interceptors of an app (`.settings(AppSettings)` or
/// `LAUREN_SETTINGS=AppSettings`) or of a module mounted as a child app (`settings = ..`), by
/// type or by registered name: `#[settings(pre_interceptors = [RequireTenant, "AuditLog"])]`.
#[proc_macro_attribute]
pub fn settings(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, settings::expand)
}

/// Attaches guards to a controller (on its impl) or a route (on its method):
/// `#[use_guards(ApiKey, Roles)]`, run in that order after module and global guards.
#[proc_macro_attribute]
pub fn use_guards(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("use_guards", a, i))
}

/// Declares the errors an exception handler catches: `#[exception_handler(DbError, Forbidden)]`
/// on the struct that implements `ExceptionHandler`.
#[proc_macro_attribute]
pub fn exception_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, exception_handler::expand)
}

/// Attaches exception handlers to a controller (on its impl) or a route (on its method):
/// `#[use_exception_handlers(DbDown, NotFoundPage)]`, asked in that order.
#[proc_macro_attribute]
pub fn use_exception_handlers(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| {
        stacked::expand_standalone("use_exception_handlers", a, i)
    })
}

/// Attaches middleware to a controller (on its impl) or a route (on its method):
/// `#[use_middleware(Audit)]`, outermost first, inside module middleware.
#[proc_macro_attribute]
pub fn use_middleware(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("use_middleware", a, i))
}

/// Declares a reusable bundle of guards, interceptors and metadata on a unit struct, with the
/// bundled attributes below it: `#[bundle] #[use_guards(Admin)] struct AdminOnly;`.
#[proc_macro_attribute]
pub fn bundle(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, bundle::expand)
}

/// Applies bundles to a controller (on its impl) or a route (on its method): their guards and
/// interceptors run before the target's own, their metadata yields to the target's keys.
#[proc_macro_attribute]
pub fn apply(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("apply", a, i))
}

/// Registers `impl IntoHttpError for MyError { .. }` so `?` renders `MyError` with the status,
/// code and detail it chooses instead of a 500.
#[proc_macro_attribute]
pub fn http_error(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, http_error::expand)
}

/// Attaches metadata to a controller or a route: `#[set_metadata("audit_action", "list")]`,
/// read by interceptors with `ctx.metadata::<&str>("audit_action")`.
#[proc_macro_attribute]
pub fn set_metadata(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| stacked::expand_standalone("set_metadata", a, i))
}

/// Routes `GET` requests to a controller method: `#[get]`, `#[get("/{id}")]`.
#[proc_macro_attribute]
pub fn get(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("get", a, i))
}

/// Routes `POST` requests to a controller method.
#[proc_macro_attribute]
pub fn post(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("post", a, i))
}

/// Routes `PUT` requests to a controller method.
#[proc_macro_attribute]
pub fn put(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("put", a, i))
}

/// Routes `PATCH` requests to a controller method.
#[proc_macro_attribute]
pub fn patch(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("patch", a, i))
}

/// Routes `DELETE` requests to a controller method.
#[proc_macro_attribute]
pub fn delete(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("delete", a, i))
}

/// Routes `HEAD` requests to a controller method (`GET` does not imply `HEAD`).
#[proc_macro_attribute]
pub fn head(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("head", a, i))
}

/// Routes `OPTIONS` requests to a controller method.
#[proc_macro_attribute]
pub fn options(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("options", a, i))
}

/// Upgrades `GET` requests of a path to a WebSocket and runs the method as the connect handler:
/// `#[ws("/ws")]`. Guards and pre-interceptors run on the upgrade request; the handler's
/// parameters come from it (query, path, headers, `WsSender`); an `Err` answers the request
/// with the error envelope instead of upgrading. Needs lauren's `ws` feature.
#[proc_macro_attribute]
pub fn ws(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("ws", a, i))
}

/// A message handler of the controller's WebSocket gateway: `#[on_message]` for every message,
/// `#[on_message("chat")]` for JSON frames `{"event": "chat", "data": ..}` (the body is `data`).
/// Interceptors wrap each call; a returned value is sent back as a frame.
#[proc_macro_attribute]
pub fn on_message(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("on_message", a, i))
}

/// Runs once when the controller's WebSocket gateway socket has closed.
#[proc_macro_attribute]
pub fn on_disconnect(args: TokenStream, item: TokenStream) -> TokenStream {
    errors::expand_attr(args, item, |a, i| route::outside_controller("on_disconnect", a, i))
}
