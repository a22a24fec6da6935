//! Dependency injection: `#[injectable]` types, `Inject<T>` handles, scopes, modules with
//! imports and exports, custom providers and lifecycle hooks. Built once when the app is built;
//! immutable and lock-free on the request path (singletons are plain pointers in your fields).

pub(crate) mod container;
pub(crate) mod graph;
mod inject;
mod key;
mod provider;
mod resolver;

pub use self::inject::Inject;
pub use self::key::{Key, Token};
pub(crate) use self::provider::instance;
pub use self::provider::{
    AsyncFactory, ConstructFn, ConstructNowFn, DepKind, Dependency, Factory, FactoryOutput, HookFn,
    Injectable, Provide, Provider, ProviderDescriptor, provide, provide_token,
};
pub use self::resolver::{Resolvable, Resolver};
pub use crate::descriptor::Scope;
