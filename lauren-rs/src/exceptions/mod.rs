//! Exception handlers (NestJS `@Catch` filters, Lauren `@exception_handler`): turn an error the
//! request ended in into a reply, chosen by the error's type.

use std::future::Future;
use std::sync::Arc;

use crate::descriptor::{Attached, BoxFuture, ComponentDescriptor, Instance};
use crate::di::Inject;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;
use crate::type_name::TypeName;

/// Turns an error into a reply. Declare which errors it catches with
/// `#[exception_handler(DbError, Forbidden)]` on the type (any error type, or a framework kind
/// from [`crate::kinds`]), attach it with `#[use_exception_handlers(..)]` on a route or
/// controller, or `.global_exception_handlers(..)`.
///
/// After the whole interceptor chain has unwound (and for a guard's denial), the route's
/// handlers are asked first, then the controller's, then the global ones; the first that
/// catches the error's type answers. Never consulted for 404 / 405. A handler that fails is a
/// 500.
///
/// ```
/// use lauren::prelude::*;
///
/// #[derive(Debug)]
/// struct DbError;
/// # impl std::fmt::Display for DbError {
/// #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("db") }
/// # }
/// impl std::error::Error for DbError {}
///
/// #[derive(Default)]
/// #[exception_handler(DbError)]
/// struct DbDown;
///
/// impl ExceptionHandler for DbDown {
///     async fn catch(&self, _err: &HttpError, _ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
///         Ok(Reply::new((StatusCode::SERVICE_UNAVAILABLE, "the database is resting")))
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an exception handler",
    label = "not an exception handler",
    note = "add `#[exception_handler(SomeError)]` to `{Self}` and `impl ExceptionHandler for {Self} {{ async fn catch(&self, err: &HttpError, ctx: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {{ .. }} }}`"
)]
pub trait ExceptionHandler: Catches + Send + Sync + 'static {
    /// The reply for `err`, or a failure (answered 500).
    fn catch(
        &self,
        err: &HttpError,
        ctx: &mut ExecutionContext<'_>,
    ) -> impl Future<Output = Result<Reply, HttpError>> + Send;
}

/// Which errors a handler catches: implemented by `#[exception_handler(A, B)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` does not say which errors it catches",
    label = "no `#[exception_handler(..)]`",
    note = "put `#[exception_handler(ErrorType, ..)]` on `{Self}`, naming the error types (or `lauren::kinds::..`) it handles"
)]
pub trait Catches {
    /// True when `err`'s source is one of the declared types.
    fn catches(err: &HttpError) -> bool;
}

trait DynHandler: Send + Sync + 'static {
    fn catch_dyn<'a>(
        &'a self,
        err: &'a HttpError,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> BoxFuture<'a, Result<Reply, HttpError>>;
}

impl<T: ExceptionHandler> DynHandler for T {
    fn catch_dyn<'a>(
        &'a self,
        err: &'a HttpError,
        ctx: &'a mut ExecutionContext<'_>,
    ) -> BoxFuture<'a, Result<Reply, HttpError>> {
        Box::pin(self.catch(err, ctx))
    }
}

/// A shared exception handler instance.
#[derive(Clone)]
pub struct ExceptionHandlerInstance {
    inner: Arc<dyn DynHandler>,
    catches: fn(&HttpError) -> bool,
    type_name: TypeName,
}

impl ExceptionHandlerInstance {
    /// Wraps a built handler.
    pub fn new<T: ExceptionHandler>(handler: T) -> Self {
        Self::from_arc(Arc::new(handler))
    }

    /// Views a built `Inject<T>` instance as an exception handler.
    pub fn adapt<T: ExceptionHandler>(instance: &Instance) -> Option<Self> {
        instance
            .downcast_ref::<Inject<T>>()
            .map(|inject| Self::from_arc(Arc::clone(inject.as_arc())))
    }

    fn from_arc<T: ExceptionHandler>(handler: Arc<T>) -> Self {
        Self { inner: handler, catches: T::catches, type_name: TypeName::of::<T>() }
    }
}

impl std::fmt::Debug for ExceptionHandlerInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.type_name.short())
    }
}

/// An exception handler type named in an attribute or on the builder.
pub type ExceptionHandlerDescriptor = ComponentDescriptor<ExceptionHandlerInstance>;

/// A route's exception handler.
pub(crate) type HandlerEntry = Attached<ExceptionHandlerInstance>;

/// The reply of the first handler of the route (route -> controller -> global) that catches
/// `err`, or `err` itself when none does.
pub(crate) async fn handle(
    err: HttpError,
    ctx: &mut ExecutionContext<'_>,
) -> Result<Reply, HttpError> {
    let handlers = &ctx.route().exception_handlers;
    for entry in handlers.iter() {
        let handler = ctx.attached(entry, "ExceptionHandlerMismatch").await?;
        if (handler.catches)(&err) {
            return handler.inner.catch_dyn(&err, ctx).await.map_err(|failure| {
                tracing::error!(
                    handler = handler.type_name.short(),
                    error = %failure,
                    original = %err,
                    "an exception handler failed"
                );
                // The failure's own `detail.type` when it is a 500 made from an error, else its
                // code: what failed, never its private text.
                let named = failure
                    .detail()
                    .get("type")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(failure.code())
                    .to_owned();
                HttpError::internal(named)
            });
        }
    }
    Err(err)
}
