//! Startup and serving errors: misconfiguration is reported when the app is built, never at the
//! first request.

use std::fmt;

/// What kind of problem stopped the app from starting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemCode {
    /// Two routes serve the same method and path, or use different parameter names at one
    /// position.
    RouteConflict,
    /// A route template matchit cannot accept (e.g. a wildcard that is not the last segment).
    InvalidRoute,
    /// A controller or module appears twice where it must appear once.
    DuplicateRegistration,
    /// A `#[set_metadata]` JSON literal does not parse.
    InvalidMetadata,
    /// Nothing provides a required dependency.
    MissingProvider,
    /// A provider exists, but is not exported to / imported by the consumer's module.
    ProviderNotVisible,
    /// Providers depend on each other in a circle.
    CircularDependency,
    /// Modules import each other in a circle.
    CircularImport,
    /// A dependent outlives its dependency (e.g. a singleton depends on a request-scoped one).
    ScopeViolation,
    /// A module exports what it neither declares nor imports.
    ExportViolation,
    /// One provider is declared in two modules.
    DuplicateBinding,
    /// A provider declared in a way that cannot work (e.g. `.inject(..)` naming keys that do
    /// not fit its factory's arguments).
    InvalidProvider,
    /// One key is bound to two different classes (or values, factories) without `.multi()`.
    AmbiguousBinding,
    /// A transient provider has a `pre_destruct` hook nobody could run.
    TransientTeardown,
    /// A constructor, factory or `post_construct` hook failed at startup.
    ProviderFailed,
    /// Settings name a pre-interceptor (or `LAUREN_SETTINGS` a settings type) that is not
    /// registered.
    UnknownName,
    /// A builder option out of its range (e.g. `max_header_bytes` below 8192).
    InvalidOption,
    /// A module lists stages (interceptors, guards, pre-interceptors, middleware) but has no
    /// controllers for them to apply to.
    InvalidModule,
}

impl ProblemCode {
    /// The stable snake-case code, e.g. `route_conflict`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RouteConflict => "route_conflict",
            Self::InvalidRoute => "invalid_route",
            Self::DuplicateRegistration => "duplicate_registration",
            Self::InvalidMetadata => "invalid_metadata",
            Self::MissingProvider => "missing_provider",
            Self::ProviderNotVisible => "provider_not_visible",
            Self::CircularDependency => "circular_dependency",
            Self::CircularImport => "circular_import",
            Self::ScopeViolation => "scope_violation",
            Self::ExportViolation => "export_violation",
            Self::DuplicateBinding => "duplicate_binding",
            Self::AmbiguousBinding => "ambiguous_binding",
            Self::InvalidProvider => "invalid_provider",
            Self::TransientTeardown => "transient_teardown",
            Self::ProviderFailed => "provider_failed",
            Self::UnknownName => "unknown_name",
            Self::InvalidOption => "invalid_option",
            Self::InvalidModule => "invalid_module",
        }
    }
}

/// One startup problem: what is wrong, and who is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    code: ProblemCode,
    message: String,
    culprit: String,
}

impl Problem {
    pub(crate) fn new(code: ProblemCode, message: String, culprit: impl Into<String>) -> Self {
        Self { code, message, culprit: culprit.into() }
    }

    /// The kind of problem.
    pub fn code(&self) -> ProblemCode {
        self.code
    }

    /// The full explanation.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The item at fault, e.g. `UsersController::by_name`.
    pub fn culprit(&self) -> &str {
        &self.culprit
    }
}

/// Why the app could not be built: every problem found, in registration order.
///
/// ```
/// # use lauren::prelude::*;
/// # #[derive(Default)] struct A;
/// # #[controller("/x")] impl A { #[get] async fn one(&self) {} }
/// # #[derive(Default)] struct B;
/// # #[controller("/x")] impl B { #[get] async fn two(&self) {} }
/// #[module(controllers = [A, B])]
/// struct AppModule;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let err = LaurenFactory::create(AppModule).build().await.unwrap_err();
/// assert_eq!(err.code(), "route_conflict");
/// assert!(err.to_string().contains("A::one and B::two"));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartupError {
    problems: Vec<Problem>,
}

impl StartupError {
    pub(crate) fn new(problems: Vec<Problem>) -> Self {
        Self { problems }
    }

    /// The first problem's code, e.g. `route_conflict`.
    pub fn code(&self) -> &'static str {
        self.problems.first().map_or("startup_error", |p| p.code.as_str())
    }

    /// Every problem found.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for StartupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => f.write_str(&one.message),
            many => {
                write!(f, "{} startup problems:", many.len())?;
                many.iter().try_for_each(|p| write!(f, "\n  - {}", p.message))
            }
        }
    }
}

impl std::error::Error for StartupError {}

/// Why `listen` returned with an error.
///
/// Its `Debug` is its `Display`, so `fn main() -> Result<(), ServeError>` prints a sentence
/// (`Error: address 127.0.0.1:3000 is already in use`), not a structure.
#[non_exhaustive]
pub enum ServeError {
    /// The app could not be built.
    Startup(StartupError),
    /// The address could not be bound (or another socket error happened before serving).
    Bind {
        /// The address that failed; `None` when the name did not resolve.
        addr: Option<std::net::SocketAddr>,
        /// The socket error.
        source: std::io::Error,
    },
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Startup(err) => write!(f, "startup failed: {err}"),
            Self::Bind { addr: Some(addr), source }
                if source.kind() == std::io::ErrorKind::AddrInUse =>
            {
                write!(f, "address {addr} is already in use")
            }
            Self::Bind { addr: Some(addr), source } => write!(f, "could not bind {addr}: {source}"),
            Self::Bind { addr: None, source } => {
                write!(f, "could not resolve the address to bind: {source}")
            }
        }
    }
}

impl fmt::Debug for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Startup(err) => Some(err),
            Self::Bind { source, .. } => Some(source),
        }
    }
}

impl From<StartupError> for ServeError {
    fn from(err: StartupError) -> Self {
        Self::Startup(err)
    }
}
