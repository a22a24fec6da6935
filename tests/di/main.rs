//! Dependency injection end to end: scopes, provider kinds, module visibility, lifecycle hooks,
//! overrides and every startup error with its exact message.

mod errors;
mod lifecycle;
mod modules;
mod params;
mod providers;
mod scopes;
