//! `Resolver`: hands a provider its dependencies, by position, from bindings resolved at startup.

use super::container::{Container, RequestScope, Target};
use super::inject::Inject;
use super::key::Key;
use super::provider::DepKind;
use crate::body::BoxError;
use crate::descriptor::{BoxFuture, Instance};

/// Gives a constructor or factory its dependencies. Positions index the provider's declared
/// dependencies; which binding each one is was decided at startup, so nothing is looked up by
/// key here.
pub struct Resolver<'a> {
    container: &'a Container,
    targets: &'a [Target],
    scope: Option<&'a RequestScope>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn new(
        container: &'a Container,
        targets: &'a [Target],
        scope: Option<&'a RequestScope>,
    ) -> Self {
        Self { container, targets, scope }
    }

    async fn one(&self, index: usize) -> Result<Instance, BoxError> {
        self.container.instance(index, self.scope).await
    }

    /// The dependency at `position`, which must be provided.
    pub async fn get<T: ?Sized + Send + Sync + 'static>(
        &self,
        position: usize,
    ) -> Result<Inject<T>, BoxError> {
        match self.targets.get(position) {
            Some(Target::One(index)) => downcast(&self.one(*index).await?),
            _ => {
                Err(format!("dependency #{position} of this provider was not resolved at startup")
                    .into())
            }
        }
    }

    /// The dependency at `position`, if something provides it.
    pub async fn optional<T: ?Sized + Send + Sync + 'static>(
        &self,
        position: usize,
    ) -> Result<Option<Inject<T>>, BoxError> {
        match self.targets.get(position) {
            Some(Target::One(index)) => downcast(&self.one(*index).await?).map(Some),
            _ => Ok(None),
        }
    }

    /// Every `.multi()` binding of the dependency at `position`, in registration order.
    pub async fn all<T: ?Sized + Send + Sync + 'static>(
        &self,
        position: usize,
    ) -> Result<Vec<Inject<T>>, BoxError> {
        match self.targets.get(position) {
            Some(Target::Many(indices)) => {
                let mut all = Vec::with_capacity(indices.len());
                for index in indices {
                    all.push(downcast(&self.one(*index).await?)?);
                }
                Ok(all)
            }
            Some(Target::One(index)) => Ok(vec![downcast(&self.one(*index).await?)?]),
            _ => Ok(Vec::new()),
        }
    }
}

fn downcast<T: ?Sized + Send + Sync + 'static>(instance: &Instance) -> Result<Inject<T>, BoxError> {
    instance.downcast_ref::<Inject<T>>().cloned().ok_or_else(|| {
        format!("a binding does not hold a {}", crate::type_name::TypeName::of::<T>()).into()
    })
}

/// A type a constructor or factory argument may have: `Inject<T>`, `Option<Inject<T>>` or
/// `Vec<Inject<T>>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be injected",
    note = "injected fields and factory arguments are `Inject<T>`, `Option<Inject<T>>` (optional) or `Vec<Inject<T>>` (every `.multi()` binding)"
)]
pub trait Resolvable: Sized {
    /// The key asked for.
    fn key() -> Key;
    /// How it is asked for.
    const KIND: DepKind;
    /// `(key, kind)` together.
    fn dependency() -> (Key, DepKind) {
        (Self::key(), Self::KIND)
    }
    /// Resolves the value at `position`.
    fn resolve<'a>(
        resolver: &'a Resolver<'a>,
        position: usize,
    ) -> BoxFuture<'a, Result<Self, BoxError>>;
}

impl<T: ?Sized + Send + Sync + 'static> Resolvable for Inject<T> {
    fn key() -> Key {
        Key::of::<T>()
    }
    const KIND: DepKind = DepKind::Required;
    fn resolve<'a>(
        resolver: &'a Resolver<'a>,
        position: usize,
    ) -> BoxFuture<'a, Result<Self, BoxError>> {
        Box::pin(resolver.get(position))
    }
}

impl<T: ?Sized + Send + Sync + 'static> Resolvable for Option<Inject<T>> {
    fn key() -> Key {
        Key::of::<T>()
    }
    const KIND: DepKind = DepKind::Optional;
    fn resolve<'a>(
        resolver: &'a Resolver<'a>,
        position: usize,
    ) -> BoxFuture<'a, Result<Self, BoxError>> {
        Box::pin(resolver.optional(position))
    }
}

impl<T: ?Sized + Send + Sync + 'static> Resolvable for Vec<Inject<T>> {
    fn key() -> Key {
        Key::of::<T>()
    }
    const KIND: DepKind = DepKind::All;
    fn resolve<'a>(
        resolver: &'a Resolver<'a>,
        position: usize,
    ) -> BoxFuture<'a, Result<Self, BoxError>> {
        Box::pin(resolver.all(position))
    }
}
