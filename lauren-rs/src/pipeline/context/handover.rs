//! What a request carries across routing: from app-level pre-interceptors to its route's
//! context, and through route middleware to the route behind them.

use std::borrow::Cow;

use http::Uri;

use super::{BodyState, ExecutionContext, RequestHead};
use crate::app::options::BodyLimits;
use crate::body::RequestBody;
use crate::di::container::{Container, RequestScope};
use crate::pipeline::metadata::MetaValue;
use crate::pipeline::params::PathParams;
use crate::pipeline::route::Route;

/// The request target as the client sent it, when an app-level pre-interceptor rewrote it
/// (found in the request's extensions: `ctx.extensions().get::<OriginalUri>()`). `Sign` checks
/// signatures against it, since the client signed what it sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginalUri(pub Uri);

/// Path parameters set before routing, by app-level pre-interceptors.
#[derive(Clone, Default)]
pub(super) struct EarlyParams(pub(super) Vec<(Box<str>, Box<str>)>);

impl EarlyParams {
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| &**n == name).map(|(_, v)| &**v)
    }
}

/// Metadata written before routing, on its way through route middleware to the route.
#[derive(Clone)]
struct CarriedMetadata(Vec<(Cow<'static, str>, MetaValue)>);

/// What a request carries from before routing into its route's context.
pub(crate) struct Carried {
    pub(crate) head: RequestHead,
    body: BodyState,
    overlay: Vec<(Cow<'static, str>, MetaValue)>,
    scope: Option<RequestScope>,
}

impl<'r> ExecutionContext<'r> {
    /// Ends a before-routing context, keeping what its pre-interceptors did to the request.
    pub(crate) fn into_carried(self) -> Carried {
        Carried { head: self.head, body: self.body, overlay: self.overlay, scope: self.scope }
    }

    /// The request as route middleware takes it: the head, and the body unread or as a
    /// pre-interceptor left it. `Err(self)` when reading the body already failed (the caller
    /// answers that error). Metadata written so far travels in the extensions, for the route
    /// behind the middleware to take back ([`adopt_metadata`](Self::adopt_metadata)).
    pub(crate) fn into_request(mut self) -> Result<(RequestHead, RequestBody), Box<Self>> {
        let body = match std::mem::replace(&mut self.body, BodyState::Unread(RequestBody::empty()))
        {
            BodyState::Unread(body) => body,
            BodyState::Buffered(bytes) => RequestBody::from(bytes),
            failed @ BodyState::Failed(_) => {
                self.body = failed;
                return Err(Box::new(self));
            }
        };
        if !self.overlay.is_empty() {
            let overlay = std::mem::take(&mut self.overlay);
            self.head.extensions.insert(CarriedMetadata(overlay));
        }
        Ok((self.head, body))
    }

    /// Takes back the metadata writes [`into_request`](Self::into_request) sent through route
    /// middleware.
    pub(crate) fn adopt_metadata(&mut self) {
        if let Some(CarriedMetadata(overlay)) = self.head.extensions.remove::<CarriedMetadata>() {
            self.overlay = overlay;
        }
    }

    /// The routed context of a request that went through app-level pre-interceptors: the
    /// request as they left it, their metadata writes, and the one request scope.
    pub(crate) fn resume(
        route: &'r Route,
        container: &'r Container,
        carried: Carried,
        params: PathParams,
        limits: BodyLimits,
    ) -> Self {
        let scope =
            carried.scope.or_else(|| route.needs_scope.then(|| RequestScope::new(container)));
        Self {
            route,
            container,
            scope,
            head: carried.head,
            params,
            body: carried.body,
            limits,
            overlay: carried.overlay,
            built: None,
        }
    }
}
