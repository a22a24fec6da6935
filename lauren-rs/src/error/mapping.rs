//! User error types that choose their own HTTP answer: `impl IntoHttpError` under
//! `#[http_error]`, found through `inventory` when the error converts (the error path only).

use std::any::{Any, TypeId};
use std::sync::OnceLock;

use super::HttpError;

/// How an error type of yours renders when `?` turns it into an [`HttpError`]: status, code,
/// message and detail of your choosing, instead of a 500. The error itself stays the source, so
/// `err.source_as::<OrderError>()` still finds it.
///
/// Put `#[http_error]` on the impl: it registers the type (a missing one is a compile error).
///
/// ```
/// use lauren::prelude::*;
/// use lauren::{http_error, IntoHttpError};
///
/// #[derive(Debug)]
/// enum OrderError { NotFound(u64), Closed }
///
/// impl std::fmt::Display for OrderError {
///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
///         match self {
///             OrderError::NotFound(id) => write!(f, "order {id} does not exist"),
///             OrderError::Closed => f.write_str("the shop is closed"),
///         }
///     }
/// }
///
/// impl std::error::Error for OrderError {}
///
/// #[http_error]
/// impl IntoHttpError for OrderError {
///     fn to_http_error(&self) -> HttpError {
///         match self {
///             OrderError::NotFound(id) => HttpError::not_found(self.to_string()).with_detail("id", *id),
///             OrderError::Closed => HttpError::service_unavailable(self.to_string()),
///         }
///     }
/// }
///
/// fn find(id: u64) -> Result<(), OrderError> { Err(OrderError::NotFound(id)) }
///
/// fn handler() -> lauren::Result<()> {
///     find(7)?; // 404 not_found, detail {"id":7}
///     Ok(())
/// }
/// # let err = handler().unwrap_err();
/// # assert_eq!(err.status(), 404);
/// # assert!(err.is::<OrderError>());
/// ```
pub trait IntoHttpError: std::error::Error + Send + Sync + 'static + MappedError {
    /// The error to answer with.
    fn to_http_error(&self) -> HttpError;
}

/// Implemented by `#[http_error]`: proof that an [`IntoHttpError`] impl is registered.
#[diagnostic::on_unimplemented(
    message = "`{Self}` implements `IntoHttpError` without `#[http_error]`",
    label = "not registered",
    note = "put `#[lauren::http_error]` on the `impl IntoHttpError for {Self}` block, so `?` finds it"
)]
pub trait MappedError {}

/// What `#[http_error]` submits.
#[doc(hidden)]
#[derive(Debug)]
pub struct ErrorMapping {
    /// The error type.
    pub type_id: fn() -> TypeId,
    /// Renders one of them (given as `&dyn Any`).
    pub map: MapFn,
}

/// A registered rendering, erased.
pub type MapFn = fn(&dyn Any) -> Option<HttpError>;

inventory::collect!(ErrorMapping);

/// `IntoHttpError::to_http_error` of a `T`, erased.
#[doc(hidden)]
pub fn map_as<T: IntoHttpError>(err: &dyn Any) -> Option<HttpError> {
    err.downcast_ref::<T>().map(IntoHttpError::to_http_error)
}

/// The registered rendering of `err`'s type, if any.
pub(super) fn map<E: Any>(err: &E) -> Option<HttpError> {
    static TABLE: OnceLock<Vec<(TypeId, MapFn)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        inventory::iter::<ErrorMapping>.into_iter().map(|m| ((m.type_id)(), m.map)).collect()
    });
    let id = TypeId::of::<E>();
    let (_, map) = table.iter().find(|(t, _)| *t == id)?;
    map(err)
}
