//! The frozen container: bindings with their dependencies resolved to indices, singletons built
//! at startup, request scopes built on demand, lifecycle hooks run in order.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use futures_util::future::{Either, Ready, ready};

use super::key::Key;
use super::provider::{HookFn, Source};
use super::resolver::Resolver;
use crate::app::shutdown::Teardowns;
use crate::body::BoxError;
use crate::descriptor::{BoxFuture, Instance, Scope};

/// What one dependency of a binding resolved to.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    One(usize),
    Missing,
    Many(Vec<usize>),
}

/// An instance: at once when it already exists, else the boxed build.
pub(crate) type InstanceFuture<'a> =
    Either<Ready<Result<Instance, BoxError>>, BoxFuture<'a, Result<Instance, BoxError>>>;

/// One binding of the app.
pub(crate) struct Binding {
    pub(crate) key: Key,
    pub(crate) scope: Scope,
    pub(crate) source: Source,
    pub(crate) multi: bool,
    /// The module that declared it (`None`: global or implicit).
    pub(crate) module: Option<usize>,
    pub(crate) targets: Vec<Target>,
    /// Its cell in a request scope, for request-scoped bindings.
    pub(crate) slot: Option<usize>,
}

impl Binding {
    pub(crate) fn hooks(&self) -> (Option<HookFn>, Option<HookFn>) {
        match &self.source {
            Source::Descriptor(d) | Source::Class { provider: d, .. } => {
                (d.post_construct, d.pre_destruct)
            }
            _ => (None, None),
        }
    }
}

/// Instances built for one request, and what to tear down after it.
///
/// Ending it (dropping it) hands the `pre_destruct` hooks of its instances to the background,
/// however the request ended: answered, or its future dropped (a client gone, a middleware's
/// own timeout).
///
/// One pointer: a context holds an `Option` of it, whose drop is then one null check on the
/// requests that have none.
pub(crate) struct RequestScope(Box<ScopeState>);

pub(crate) struct ScopeState {
    slots: Box<[OnceLock<Instance>]>,
    teardown: Mutex<Vec<(Instance, HookFn)>>,
    teardowns: Arc<Teardowns>,
}

impl std::ops::Deref for RequestScope {
    type Target = ScopeState;

    fn deref(&self) -> &ScopeState {
        &self.0
    }
}

impl RequestScope {
    pub(crate) fn new(container: &Container) -> Self {
        Self(Box::new(ScopeState {
            slots: (0..container.request_slots).map(|_| OnceLock::new()).collect(),
            teardown: Mutex::new(Vec::new()),
            teardowns: Arc::clone(&container.teardowns),
        }))
    }
}

impl Drop for RequestScope {
    fn drop(&mut self) {
        let hooks = self.0.teardown.get_mut().unwrap_or_else(PoisonError::into_inner);
        if !hooks.is_empty() {
            let hooks = std::mem::take(hooks);
            self.hand_over(hooks);
        }
    }
}

impl RequestScope {
    /// Runs the hooks on a task of their own.
    #[cold]
    fn hand_over(&self, hooks: Vec<(Instance, HookFn)>) {
        if tokio::runtime::Handle::try_current().is_err() {
            // Dropped outside the runtime (a test's context, a runtime shutting down): nothing
            // can run the hooks' futures.
            tracing::warn!(
                "a request scope ended outside the runtime: its pre_destruct hooks are skipped"
            );
            return;
        }
        // Off the request's path, last built first, counted for shutdown.
        self.teardowns.spawn(async move {
            for (instance, hook) in hooks.iter().rev() {
                if let Err(err) = hook(instance).await {
                    tracing::warn!(error = %err, "request-scoped pre_destruct failed");
                }
            }
        });
    }
}

/// The app's bindings and singletons.
pub(crate) struct Container {
    pub(crate) bindings: Vec<Binding>,
    singletons: Vec<OnceLock<Instance>>,
    pub(crate) request_slots: usize,
    singleton_teardown: Mutex<Vec<(Instance, HookFn)>>,
    /// Request scopes' teardowns in flight, which shutdown waits for.
    pub(crate) teardowns: Arc<Teardowns>,
    /// The app this container serves, for the tasks that outlive a request (WebSockets).
    #[cfg(feature = "ws")]
    app: OnceLock<std::sync::Weak<crate::app::AppInner>>,
}

impl Container {
    /// Points the container at the app that owns it (once, when the app is frozen).
    #[cfg(feature = "ws")]
    pub(crate) fn set_app(&self, app: &std::sync::Arc<crate::app::AppInner>) {
        let _ = self.app.set(std::sync::Arc::downgrade(app));
    }

    /// The app this container serves, while it is alive.
    #[cfg(feature = "ws")]
    pub(crate) fn app(&self) -> Option<std::sync::Arc<crate::app::AppInner>> {
        self.app.get()?.upgrade()
    }

    pub(crate) fn new(bindings: Vec<Binding>, request_slots: usize) -> Self {
        let singletons = bindings.iter().map(|_| OnceLock::new()).collect();
        Self {
            bindings,
            singletons,
            request_slots,
            singleton_teardown: Mutex::new(Vec::new()),
            teardowns: Arc::default(),
            #[cfg(feature = "ws")]
            app: OnceLock::new(),
        }
    }

    /// The instance of binding `index` for a request (or at startup when `scope` is `None`).
    ///
    /// An instance that already exists (a built singleton, a request-scoped one this request
    /// already built) is returned without allocating; only a build is boxed, because builds
    /// recurse through dependencies.
    pub(crate) fn instance<'a>(
        &'a self,
        index: usize,
        scope: Option<&'a RequestScope>,
    ) -> InstanceFuture<'a> {
        if let Some(built) = self.existing(index, scope) {
            return Either::Left(ready(Ok(built)));
        }
        if let Some(built) = self.build_now(index, scope) {
            return Either::Left(ready(built));
        }
        Either::Right(Box::pin(async move {
            let binding = &self.bindings[index];
            match binding.scope {
                Scope::Singleton => {
                    // Only during startup: singletons are built in dependency order then frozen.
                    let built = self.build(index, None).await?;
                    Ok(self.singletons[index].get_or_init(|| built).clone())
                }
                Scope::Request => {
                    let scope =
                        scope.ok_or("a request-scoped provider was asked for outside a request")?;
                    let slot = self.request_slot(index, scope).ok_or("request slot missing")?;
                    let built = self.build(index, Some(scope)).await?;
                    Ok(slot.get_or_init(|| built).clone())
                }
                Scope::Transient => self.build(index, scope).await,
            }
        }))
    }

    /// Builds a request-scoped or transient instance in place when nothing needs awaiting: its
    /// type has no dependencies, a synchronous constructor and no `post_construct`. `None`: it
    /// needs the async build. Singletons are built at startup and never come here.
    fn build_now(
        &self,
        index: usize,
        scope: Option<&RequestScope>,
    ) -> Option<Result<Instance, BoxError>> {
        let binding = &self.bindings[index];
        let Source::Descriptor(descriptor) = &binding.source else {
            return None;
        };
        let construct_now =
            descriptor.construct_now.filter(|_| descriptor.post_construct.is_none())?;
        let slot = match binding.scope {
            Scope::Singleton => return None,
            Scope::Request => Some(self.request_slot(index, scope?)?),
            Scope::Transient => None,
        };
        let built = match construct_now() {
            Ok(built) => built,
            Err(err) => return Some(Err(err)),
        };
        self.register_teardown(binding, scope, &built);
        Some(Ok(match slot {
            Some(slot) => slot.get_or_init(|| built).clone(),
            None => built,
        }))
    }

    /// Queues a built instance's `pre_destruct`: with its request, or with the singletons.
    fn register_teardown(
        &self,
        binding: &Binding,
        scope: Option<&RequestScope>,
        concrete: &Instance,
    ) {
        if let (_, Some(pre)) = binding.hooks() {
            let list = match (binding.scope, scope) {
                (Scope::Request, Some(scope)) => &scope.teardown,
                _ => &self.singleton_teardown,
            };
            list.lock().unwrap_or_else(PoisonError::into_inner).push((concrete.clone(), pre));
        }
    }

    /// The instance of binding `index` if it is already built for this scope.
    fn existing(&self, index: usize, scope: Option<&RequestScope>) -> Option<Instance> {
        let binding = &self.bindings[index];
        match binding.scope {
            Scope::Singleton => self.singletons[index].get().cloned(),
            Scope::Request => self.request_slot(index, scope?)?.get().cloned(),
            Scope::Transient => None,
        }
    }

    /// The cell of request-scoped binding `index` in `scope`.
    fn request_slot<'s>(
        &self,
        index: usize,
        scope: &'s RequestScope,
    ) -> Option<&'s OnceLock<Instance>> {
        scope.slots.get(self.bindings[index].slot?)
    }

    /// Builds a new instance of binding `index` and runs its `post_construct`.
    async fn build(
        &self,
        index: usize,
        scope: Option<&RequestScope>,
    ) -> Result<Instance, BoxError> {
        let binding = &self.bindings[index];
        let resolver = Resolver::new(self, &binding.targets, scope);
        let (built, hooked) = match &binding.source {
            Source::Value(value) => return Ok(value.clone()),
            Source::Alias(_) => match binding.targets.first() {
                Some(Target::One(target)) => return self.instance(*target, scope).await,
                _ => return Err("alias target was not resolved at startup".into()),
            },
            Source::Factory { build, .. } => (build(&resolver).await?, None),
            Source::Descriptor(descriptor) => {
                let built = (descriptor.construct)(&resolver).await?;
                (built.clone(), Some(built))
            }
            Source::Class { provider, cast } => {
                let concrete = (provider.construct)(&resolver).await?;
                let cast = cast(&concrete)
                    .ok_or_else(|| format!("{} does not fit {}", (provider.key)(), binding.key))?;
                (cast, Some(concrete))
            }
        };
        if let Some(concrete) = hooked {
            if let (Some(post), _) = binding.hooks() {
                post(&concrete).await.map_err(|err| {
                    HookFailed(format!("post_construct of {} failed: {err}", binding.key))
                })?;
            }
            self.register_teardown(binding, scope, &concrete);
        }
        Ok(built)
    }

    /// Runs the singletons' `pre_destruct` hooks in reverse construction order, once.
    pub(crate) async fn shut_down(&self) {
        let hooks = std::mem::take(
            &mut *self.singleton_teardown.lock().unwrap_or_else(PoisonError::into_inner),
        );
        for (instance, hook) in hooks.iter().rev() {
            if let Err(err) = hook(instance).await {
                tracing::warn!(error = %err, "pre_destruct failed during shutdown");
            }
        }
    }
}

/// The `provider_failed` message for `what`: the hook's own message when a `post_construct`
/// failed, else `building X failed: <why>`.
pub(crate) fn build_failure(
    what: impl std::fmt::Display,
    err: &(dyn std::error::Error + Send + Sync + 'static),
) -> String {
    match err.downcast_ref::<HookFailed>() {
        Some(hook) => hook.to_string(),
        None => format!("building {what} failed: {err}"),
    }
}

/// A `post_construct` hook's failure: its message already says what failed, so callers do not
/// wrap it in another "building X failed".
#[derive(Debug)]
pub(crate) struct HookFailed(pub(crate) String);

impl std::fmt::Display for HookFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HookFailed {}
