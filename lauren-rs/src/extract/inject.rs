//! `Inject<T>` as a handler parameter: a provider from the request's scope, resolved to its
//! binding at startup.

use super::{Field, FromRequest};
use crate::di::{DepKind, Dependency, Inject, Key};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

fn key_of<T: ?Sized + 'static>() -> Key {
    Key::of::<T>()
}

/// `id: u64, orders: Inject<OrderService>`: the instance the request's scope holds, the same
/// one its request-scoped interceptors and controller see. A handler may use request-scoped
/// providers this way without making its controller request-scoped.
impl<T: ?Sized + Send + Sync + 'static> FromRequest for Inject<T> {
    const DEPENDENCY: Option<Dependency> =
        Some(Dependency { key: key_of::<T>, kind: DepKind::Required });

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.injected::<T>(field).await?.ok_or_else(|| HttpError::internal("ProviderMissing"))
    }
}

/// `Option<Inject<T>>`: `None` when nothing visible provides `T`.
impl<T: ?Sized + Send + Sync + 'static> FromRequest for Option<Inject<T>> {
    const DEPENDENCY: Option<Dependency> =
        Some(Dependency { key: key_of::<T>, kind: DepKind::Optional });

    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        ctx.injected::<T>(field).await
    }
}
