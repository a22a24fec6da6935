//! Tower layers around the whole app (`.layer(CorsLayer::permissive())`): tower-http's CORS,
//! compression, tracing, request ids, timeouts, served by `bind` / `listen` with the slowloris
//! defence and the graceful drain intact.

use std::sync::Arc;

use bytes::Bytes;
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_layer::Layer;
use tower_service::Service;

use super::App;
use crate::body::{BoxError, RequestBody, ResponseBody};
use crate::error::HttpError;

/// The app behind its layers, as one cloneable service.
pub(crate) type Layered =
    BoxCloneSyncService<http::Request<RequestBody>, http::Response<ResponseBody>, BoxError>;

/// What the builder keeps of one `.layer(..)`: how to wrap the service built so far.
pub(crate) type Wrap = Arc<dyn Fn(Layered) -> Layered + Send + Sync>;

/// Wraps `L` so it can be applied to the boxed service: any response body becomes a boxed one,
/// and a layer's error (a timeout, an overload) becomes a 503 envelope instead of a dropped
/// connection.
pub(crate) fn wrap<L, S, B>(layer: L) -> Wrap
where
    L: Layer<Layered, Service = S> + Send + Sync + 'static,
    S: Service<http::Request<RequestBody>, Response = http::Response<B>>
        + Clone
        + Send
        + Sync
        + 'static,
    BoxError: From<S::Error>,
    S::Future: Send + 'static,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    Arc::new(move |inner: Layered| {
        let service = layer.layer(inner);
        BoxCloneSyncService::new(service.map_result(
            |result: Result<http::Response<B>, S::Error>| -> Result<_, BoxError> {
                Ok(match result {
                    Ok(response) => {
                        response.map(|body| crate::body::Body::boxed(body.map_err(Into::into)))
                    }
                    Err(err) => {
                        let err = BoxError::from(err);
                        tracing::warn!(error = %err, "a layer failed the request");
                        HttpError::service_unavailable("the request could not be served")
                            .with_detail("type", "LayerError")
                            .into_response()
                    }
                })
            },
        ))
    })
}

/// The app (without its layers) as the innermost service.
pub(crate) fn base(app: App) -> Layered {
    BoxCloneSyncService::new(tower::service_fn(move |request: http::Request<RequestBody>| {
        let app = app.clone();
        async move {
            let response = crate::pipeline::dispatch(&app.inner, request).await;
            Ok::<_, BoxError>(response)
        }
    }))
}

/// The builder's layers, outermost first.
#[derive(Clone, Default)]
pub(crate) struct Layers(pub(crate) Vec<Wrap>);

impl Layers {
    /// The app behind every layer, or `None` without layers (the server then calls the
    /// pipeline directly).
    pub(crate) fn apply(&self, app: &App) -> Option<Layered> {
        if self.0.is_empty() {
            return None;
        }
        let mut service = base(app.clone());
        // The first layer added is the outermost: wrap from the innermost out.
        for wrap in self.0.iter().rev() {
            service = wrap(service);
        }
        Some(service)
    }
}

impl std::fmt::Debug for Layers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Layers({})", self.0.len())
    }
}
