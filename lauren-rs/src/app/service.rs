//! The app as a `tower::Service`, so tower and tower-http layers wrap it, or another server
//! (axum, a hand-written hyper loop) serves it. This is the app without the builder's own
//! `.layer(..)` layers: those are served by `bind` / `listen` and `TestClient`.

use std::any::Any;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::BodyExt;

use super::App;
use crate::body::{Body, BoxError, RequestBody};

impl<B> tower_service::Service<http::Request<B>> for App
where
    B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let app = self.clone();
        let request = request.map(into_request_body);
        Box::pin(async move { Ok(crate::pipeline::dispatch(&app.inner, request).await) })
    }
}

/// Keeps hyper's own body unboxed; boxes anything else.
pub(crate) fn into_request_body<B>(body: B) -> RequestBody
where
    B: http_body::Body<Data = Bytes> + Send + Sync + 'static,
    B::Error: Into<BoxError>,
{
    let mut slot = Some(body);
    let any = &mut slot as &mut dyn Any;
    if let Some(incoming) =
        any.downcast_mut::<Option<hyper::body::Incoming>>().and_then(Option::take)
    {
        return RequestBody::incoming(incoming);
    }
    match slot {
        Some(body) => RequestBody::boxed(body.map_err(Into::into).boxed()),
        None => RequestBody::empty(),
    }
}
