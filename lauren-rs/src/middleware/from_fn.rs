//! `middleware::from_fn(|req, next| async move { .. })`: a middleware from a closure.

use std::future::Future;

use super::{Middleware, MiddlewareRequest, MiddlewareResponse, Next};
use crate::error::HttpError;

/// A middleware made from a function; see [`from_fn`].
#[derive(Clone, Copy)]
pub struct FromFn<F>(F);

/// A middleware from an `async fn` of the request and `next`:
///
/// ```
/// use lauren::middleware::{from_fn, MiddlewareRequest, MiddlewareResponse, Next};
///
/// async fn timing(req: MiddlewareRequest, next: Next<'_>) -> lauren::Result<MiddlewareResponse> {
///     let started = std::time::Instant::now();
///     let mut response = next.run(req).await?;
///     let micros = started.elapsed().as_micros().to_string();
///     if let Ok(value) = micros.parse() {
///         response.headers_mut().insert("x-elapsed-us", value);
///     }
///     Ok(response)
/// }
///
/// let middleware = from_fn(timing);
/// ```
pub fn from_fn<F>(f: F) -> FromFn<F>
where
    F: for<'a> FnHandler<'a> + Send + Sync + 'static,
{
    FromFn(f)
}

/// A function usable with [`from_fn`]: `Fn(MiddlewareRequest, Next<'a>) -> impl Future`.
pub trait FnHandler<'a>: Fn(MiddlewareRequest, Next<'a>) -> Self::Fut {
    /// The function's future.
    type Fut: Future<Output = Result<MiddlewareResponse, HttpError>> + Send + 'a;
}

impl<'a, F, Fut> FnHandler<'a> for F
where
    F: Fn(MiddlewareRequest, Next<'a>) -> Fut,
    Fut: Future<Output = Result<MiddlewareResponse, HttpError>> + Send + 'a,
{
    type Fut = Fut;
}

impl<F> Middleware for FromFn<F>
where
    F: for<'a> FnHandler<'a> + Send + Sync + 'static,
{
    fn handle(
        &self,
        req: MiddlewareRequest,
        next: Next<'_>,
    ) -> impl Future<Output = Result<MiddlewareResponse, HttpError>> + Send {
        (self.0)(req, next)
    }
}
