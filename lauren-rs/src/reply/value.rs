//! `Reply`: a handler's value on its way out, type-erased but not yet serialized.

use std::any::Any;

use bytes::Bytes;
use http::StatusCode;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use serde_json::Value;
use smallvec::SmallVec;

use super::IntoReply;
use super::parts::header_pair;
use crate::body::Body;
use crate::error::HttpError;

/// What a handler returned, as interceptors see it: inspect it, replace it, add headers or change
/// the status. It is rendered once: after the whole chain has unwound, or at once when no
/// interceptor of the route looks at the value
/// ([`Interceptor::INSPECTS_VALUE`](crate::Interceptor::INSPECTS_VALUE)).
///
/// ```
/// use lauren::{Json, Reply, StatusCode};
///
/// let mut reply = Reply::new(Json(vec![1, 2, 3]));
/// assert_eq!(reply.downcast_ref::<Json<Vec<i32>>>().map(|j| j.0.len()), Some(3));
/// if let Some(Json(items)) = reply.downcast_mut::<Json<Vec<i32>>>() {
///     items.push(4);
/// }
/// assert_eq!(reply.to_json(), Some(serde_json::json!([1, 2, 3, 4])));
/// let reply = reply.with_status(StatusCode::ACCEPTED).with_header("x-count", "4");
/// assert_eq!(reply.status(), StatusCode::ACCEPTED);
/// ```
pub struct Reply {
    // Kept about the size of a response: `Result<Reply, HttpError>` is returned through every
    // interceptor hop, so every byte here is copied once per hop.
    inner: Inner,
}

enum Inner {
    /// A route whose interceptors all leave the value alone (or that has none) renders at once:
    /// nobody looks at the value, so it is not boxed, and status or header changes go straight
    /// into the response.
    Rendered(http::Response<Body>),
    /// The value with the changes asked for so far, in the one allocation the value needs anyway.
    Value(Box<dyn ErasedValue>),
}

/// Changes made to a not yet rendered reply.
#[derive(Default)]
struct Changes {
    status: Option<StatusCode>,
    // Inline: interceptors typically add one or two headers.
    headers: SmallVec<[(HeaderName, HeaderValue); 2]>,
    error: Option<HttpError>,
}

/// A reply value and its changes, behind one pointer, still downcastable to the value's type.
struct Pending<T> {
    changes: Changes,
    value: T,
}

trait ErasedValue: Send {
    fn changes(&self) -> &Changes;
    fn changes_mut(&mut self) -> &mut Changes;
    fn value_any(&self) -> &dyn Any;
    fn value_any_mut(&mut self) -> &mut dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
    fn render(self: Box<Self>) -> http::Response<Body>;
    fn status(&self) -> StatusCode;
    fn to_json(&self) -> Option<Value>;
    fn content_type(&self) -> Option<&HeaderValue>;
    fn type_name(&self) -> &'static str;
}

impl<T: IntoReply + Send + 'static> ErasedValue for Pending<T> {
    fn changes(&self) -> &Changes {
        &self.changes
    }
    fn changes_mut(&mut self) -> &mut Changes {
        &mut self.changes
    }
    fn value_any(&self) -> &dyn Any {
        &self.value
    }
    fn value_any_mut(&mut self) -> &mut dyn Any {
        &mut self.value
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
    fn render(self: Box<Self>) -> http::Response<Body> {
        let Pending { changes, value } = *self;
        if let Some(err) = changes.error {
            return err.into_response();
        }
        let mut response = value.into_response();
        // A status set by an interceptor never hides an error the value rendered to.
        let failed = response.status().is_client_error() || response.status().is_server_error();
        if let Some(status) = changes.status.filter(|_| !failed) {
            *response.status_mut() = status;
        }
        let map = response.headers_mut();
        for (name, value) in changes.headers {
            map.insert(name, value);
        }
        response
    }
    fn status(&self) -> StatusCode {
        self.changes.status.unwrap_or_else(|| IntoReply::status(&self.value))
    }
    fn to_json(&self) -> Option<Value> {
        IntoReply::to_json(&self.value)
    }
    fn content_type(&self) -> Option<&HeaderValue> {
        IntoReply::content_type(&self.value)
    }
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
}

impl Reply {
    /// Wraps any reply value, keeping it inspectable.
    pub fn new<T: IntoReply + Send + 'static>(value: T) -> Self {
        Self { inner: Inner::Value(Box::new(Pending { changes: Changes::default(), value })) }
    }

    pub(crate) fn rendered(response: http::Response<Body>) -> Self {
        Self { inner: Inner::Rendered(response) }
    }

    /// The value, if it is a `T`.
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        match &self.inner {
            Inner::Value(pending) => pending.value_any().downcast_ref(),
            Inner::Rendered(_) => None,
        }
    }

    /// The value, mutably, if it is a `T`.
    pub fn downcast_mut<T: 'static>(&mut self) -> Option<&mut T> {
        match &mut self.inner {
            Inner::Value(pending) => pending.value_any_mut().downcast_mut(),
            Inner::Rendered(_) => None,
        }
    }

    /// Takes the value out if it is a `T`; otherwise gives the reply back unchanged.
    // Giving the reply back whole on a miss is the point, as `Box::downcast` does.
    #[allow(clippy::result_large_err)]
    pub fn into_inner<T: 'static>(self) -> Result<T, Self> {
        match self.inner {
            Inner::Value(pending) if pending.value_any().is::<T>() => {
                match pending.into_any().downcast::<Pending<T>>() {
                    Ok(pending) => Ok(pending.value),
                    Err(_) => unreachable!("`is::<T>()` was checked just above"),
                }
            }
            inner => Err(Self { inner }),
        }
    }

    /// Replaces the value, keeping the status and headers set on this reply (on a reply
    /// rendered at once, because every interceptor of the route leaves the value alone, the
    /// changes made so far are part of the old response: the new value starts without them).
    /// A status or header set after `replace` applies either way.
    pub fn replace<T: IntoReply + Send + 'static>(&mut self, value: T) {
        let changes = match &mut self.inner {
            Inner::Value(pending) => std::mem::take(pending.changes_mut()),
            Inner::Rendered(_) => Changes::default(),
        };
        self.inner = Inner::Value(Box::new(Pending { changes, value }));
    }

    /// The value as JSON, if it is JSON-like (`Json<T>`, `serde_json::Value`, text, or a status
    /// tuple around one).
    pub fn to_json(&self) -> Option<Value> {
        match &self.inner {
            Inner::Value(pending) => pending.to_json(),
            Inner::Rendered(response) => {
                // As the value's own `to_json` would answer: JSON bodies parsed, text as a JSON
                // string, anything else (and a value that rendered to an error) none.
                let status = response.status();
                if status.is_client_error() || status.is_server_error() {
                    return None;
                }
                let content_type = response.headers().get(CONTENT_TYPE)?.to_str().ok()?;
                let essence = content_type.split(';').next().unwrap_or("").trim();
                let bytes = crate::reply::rendered_bytes(response)?;
                if essence.eq_ignore_ascii_case("text/plain") {
                    String::from_utf8(bytes.into()).ok().map(Value::String)
                } else if essence.eq_ignore_ascii_case("application/json")
                    || essence.to_ascii_lowercase().ends_with("+json")
                {
                    serde_json::from_slice(&bytes).ok()
                } else {
                    None
                }
            }
        }
    }

    /// The status the reply will have: one set with [`with_status`](Self::with_status), else the
    /// value's own (204 for `()`, the tuple's for `(StatusCode, T)`, ..).
    pub fn status(&self) -> StatusCode {
        match &self.inner {
            Inner::Value(pending) => pending.status(),
            Inner::Rendered(response) => response.status(),
        }
    }

    /// A header the reply will carry: one added with [`with_header`](Self::with_header), else,
    /// for `content-type`, the one the value renders with (`application/json` for `Json<T>`,
    /// `text/plain; charset=utf-8` for text, ..), before anything is rendered.
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        match &self.inner {
            Inner::Value(pending) => pending
                .changes()
                .headers
                .iter()
                .find(|(n, _)| n.as_str().eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
                .or_else(|| {
                    name.eq_ignore_ascii_case(CONTENT_TYPE.as_str())
                        .then(|| pending.content_type())
                        .flatten()
                }),
            Inner::Rendered(response) => response.headers().get(name),
        }
    }

    /// The headers added to this reply (each replaces a same-named header of the rendered
    /// value); once rendered ([`body_bytes`](Self::body_bytes)), all of the response's headers.
    pub fn headers(&self) -> impl Iterator<Item = (&HeaderName, &HeaderValue)> {
        let (added, rendered): (&[(HeaderName, HeaderValue)], _) = match &self.inner {
            Inner::Value(pending) => (&pending.changes().headers, None),
            Inner::Rendered(response) => (&[], Some(response.headers())),
        };
        added.iter().map(|(n, v)| (n, v)).chain(rendered.into_iter().flatten())
    }

    /// The Rust type of the value the handler returned, e.g. `lauren::extract::json::Json<..>`
    /// (`http::Response<..>` once rendered).
    pub fn type_name(&self) -> &'static str {
        match &self.inner {
            Inner::Value(pending) => pending.type_name(),
            Inner::Rendered(_) => std::any::type_name::<http::Response<Body>>(),
        }
    }

    /// The body the reply will send, rendering it now (once: the result is kept and sent as
    /// is). Afterwards the value is no longer reachable with
    /// [`downcast_ref`](Self::downcast_ref); status and header changes still apply.
    pub fn body_bytes(&mut self) -> Bytes {
        if let Inner::Value(_) = self.inner {
            let placeholder = Inner::Rendered(http::Response::new(Body::default()));
            let Inner::Value(pending) = std::mem::replace(&mut self.inner, placeholder) else {
                unreachable!("matched just above");
            };
            self.inner = Inner::Rendered(pending.render());
        }
        match &self.inner {
            Inner::Rendered(response) => crate::reply::rendered_bytes(response).unwrap_or_default(),
            Inner::Value(_) => Bytes::new(),
        }
    }

    /// Overrides the status, unless the value rendered (or renders) to an error: a 4xx or 5xx
    /// of the value itself is never hidden.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        match &mut self.inner {
            Inner::Value(pending) => pending.changes_mut().status = Some(status),
            Inner::Rendered(response) => {
                let failed =
                    response.status().is_client_error() || response.status().is_server_error();
                if !failed {
                    *response.status_mut() = status;
                }
            }
        }
        self
    }

    /// Adds a header, replacing any of the same name (an invalid one renders as a 500).
    #[must_use]
    pub fn with_header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (header_pair(name, value), &mut self.inner) {
            (Ok((name, value)), Inner::Value(pending)) => {
                let headers = &mut pending.changes_mut().headers;
                match headers.iter_mut().find(|(n, _)| *n == name) {
                    Some(slot) => slot.1 = value,
                    None => headers.push((name, value)),
                }
            }
            (Ok((name, value)), Inner::Rendered(response)) => {
                response.headers_mut().insert(name, value);
            }
            (Err(err), Inner::Value(pending)) => {
                pending.changes_mut().error.get_or_insert(err);
            }
            (Err(err), Inner::Rendered(response)) => *response = err.into_response(),
        }
        self
    }

    /// Renders the reply: the one serialization of the request.
    pub fn into_response(self) -> http::Response<Body> {
        match self.inner {
            Inner::Rendered(response) => response,
            Inner::Value(pending) => pending.render(),
        }
    }
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status())
            .field("headers", &self.headers().count())
            .finish()
    }
}

impl IntoReply for Reply {
    fn into_response(self) -> http::Response<Body> {
        Reply::into_response(self)
    }

    fn status(&self) -> StatusCode {
        Reply::status(self)
    }

    fn to_json(&self) -> Option<Value> {
        Reply::to_json(self)
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Reply::header(self, "content-type")
    }
}
