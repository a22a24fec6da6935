//! Streaming replies: server-sent events ([`Sse`]) and newline-delimited JSON ([`Ndjson`]).
//!
//! Both are replies like any other (interceptors may change their status and headers before the
//! first byte) whose body is produced as the client reads it: hyper polls the stream only when
//! the socket can take more, so a slow reader pauses the producer instead of growing memory, and
//! a client that leaves drops the stream.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::{Fuse, StreamExt};
use http::StatusCode;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};
use http_body::Frame;
use serde::Serialize;

use super::IntoReply;
use crate::body::{Body, BoxError};
use crate::error::HttpError;

static EVENT_STREAM: HeaderValue = HeaderValue::from_static("text/event-stream");
static NDJSON: HeaderValue = HeaderValue::from_static("application/x-ndjson");

/// One server-sent event: `data` (several lines allowed), and optionally an `id`, an `event`
/// name and a `retry` delay for the client's reconnection.
///
/// ```
/// use lauren::Event;
///
/// let event = Event::data("hello\nworld").id("1").event("greeting");
/// assert_eq!(event.to_string(), "id: 1\nevent: greeting\ndata: hello\ndata: world\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    id: Option<String>,
    event: Option<String>,
    data: Option<String>,
    retry: Option<Duration>,
    comment: Option<String>,
}

impl Event {
    /// An event carrying `data`; each line becomes a `data:` line.
    pub fn data(data: impl Into<String>) -> Self {
        Self { data: Some(data.into()), ..Self::default() }
    }

    /// An event carrying `value` as compact JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Self, HttpError> {
        let json = super::json_bytes(value)?;
        Ok(Self::data(String::from_utf8_lossy(&json).into_owned()))
    }

    /// A comment line (`: text`), which clients ignore: keeps a connection alive.
    pub fn comment(text: impl Into<String>) -> Self {
        Self { comment: Some(text.into()), ..Self::default() }
    }

    /// The event's id; the client sends the last one back as `Last-Event-ID` when it reconnects.
    /// Line breaks are removed (a field is one line).
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(one_line(id.into()));
        self
    }

    /// The event's type (`addEventListener(name, ..)` in a browser). Line breaks are removed.
    pub fn event(mut self, name: impl Into<String>) -> Self {
        self.event = Some(one_line(name.into()));
        self
    }

    /// How long the client waits before reconnecting.
    pub fn retry(mut self, after: Duration) -> Self {
        self.retry = Some(after);
        self
    }
}

/// The lines of `text` as the SSE parser will split them: at `\r\n`, `\r` or `\n` (a lone
/// `\r` is a line break too, so it must not smuggle a field into the event).
fn sse_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
}

fn one_line(text: String) -> String {
    if text.contains(['\r', '\n']) { text.replace(['\r', '\n'], "") } else { text }
}

/// The event as it goes on the wire, blank line included.
impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(comment) = &self.comment {
            for line in sse_lines(comment) {
                writeln!(f, ": {line}")?;
            }
        }
        if let Some(id) = &self.id {
            writeln!(f, "id: {id}")?;
        }
        if let Some(event) = &self.event {
            writeln!(f, "event: {event}")?;
        }
        if let Some(retry) = self.retry {
            writeln!(f, "retry: {}", retry.as_millis())?;
        }
        if let Some(data) = &self.data {
            for line in sse_lines(data) {
                writeln!(f, "data: {line}")?;
            }
        }
        writeln!(f)
    }
}

/// A server-sent events reply (`text/event-stream`): each item of the stream is sent as it
/// comes, with a comment every 15 s while the stream is quiet so proxies keep the connection
/// open. The response ends when the stream does; a client that leaves drops the stream.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::{Event, Sse};
///
/// #[derive(Default)]
/// struct Ticks;
///
/// #[controller("/ticks")]
/// impl Ticks {
///     #[get]
///     async fn ticks(&self) -> Sse<impl futures_util::Stream<Item = Event> + Send + use<>> {
///         Sse::new(futures_util::stream::iter((1..=3).map(|n| Event::data(n.to_string()).id(n.to_string()))))
///     }
/// }
/// ```
pub struct Sse<S> {
    events: S,
    keep_alive: Option<Duration>,
}

impl<S: Stream<Item = Event> + Send + 'static> Sse<S> {
    /// Streams `events`, with the default keep-alive (a comment after 15 s of quiet).
    pub fn new(events: S) -> Self {
        Self { events, keep_alive: Some(Duration::from_secs(15)) }
    }

    /// The quiet time after which a keep-alive comment is sent; `None` sends none.
    pub fn keep_alive(mut self, every: impl Into<Option<Duration>>) -> Self {
        self.keep_alive = every.into();
        self
    }
}

impl<S: Stream<Item = Event> + Send + 'static> IntoReply for Sse<S> {
    fn into_response(self) -> http::Response<Body> {
        let body = SseBody {
            events: Box::pin(self.events.fuse()),
            keep_alive: self.keep_alive.map(|every| (every, Box::pin(tokio::time::sleep(every)))),
        };
        let mut response = http::Response::new(Body::boxed(body));
        response.headers_mut().insert(CONTENT_TYPE, EVENT_STREAM.clone());
        // Proxies must not buffer or cache a live stream.
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }

    fn status(&self) -> StatusCode {
        StatusCode::OK
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&EVENT_STREAM)
    }
}

type Sleep = Pin<Box<tokio::time::Sleep>>;

/// Items already waiting are sent together, up to this many bytes per frame: a fast stream
/// makes a few large frames rather than many tiny ones, which HTTP/2 would buffer per frame.
const FRAME_BYTES: usize = 16 * 1024;

/// Polls `items` for what is ready now, rendering each into one buffer until it holds
/// `FRAME_BYTES`; `Ready(None)` once the stream has ended and nothing is left.
fn poll_batch<S: Stream>(
    items: &mut Pin<Box<S>>,
    cx: &mut Context<'_>,
    mut render: impl FnMut(S::Item, &mut Vec<u8>) -> Result<(), BoxError>,
) -> Poll<Option<Result<Bytes, BoxError>>> {
    let mut buffer = Vec::new();
    while buffer.len() < FRAME_BYTES {
        match items.as_mut().poll_next(cx) {
            Poll::Ready(Some(item)) => {
                if let Err(err) = render(item, &mut buffer) {
                    return Poll::Ready(Some(Err(err)));
                }
            }
            Poll::Ready(None) if buffer.is_empty() => return Poll::Ready(None),
            Poll::Pending if buffer.is_empty() => return Poll::Pending,
            // Ended or not ready: send what is there; the next poll asks again.
            Poll::Ready(None) | Poll::Pending => break,
        }
    }
    Poll::Ready(Some(Ok(Bytes::from(buffer))))
}

/// The stream is fused: a batch may see its end and still have items to send, and many streams
/// (`unfold`, ..) panic when polled again after that.
struct SseBody<S> {
    events: Pin<Box<Fuse<S>>>,
    keep_alive: Option<(Duration, Sleep)>,
}

impl<S: Stream<Item = Event> + Send> http_body::Body for SseBody<S> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        let batch = poll_batch(&mut this.events, cx, |event, buffer| {
            use std::io::Write as _;
            write!(buffer, "{event}").map_err(BoxError::from)
        });
        match batch {
            Poll::Ready(Some(Ok(bytes))) => {
                if let Some((every, sleep)) = &mut this.keep_alive {
                    sleep.as_mut().reset(tokio::time::Instant::now() + *every);
                }
                Poll::Ready(Some(Ok(Frame::data(bytes))))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let Some((every, sleep)) = &mut this.keep_alive else { return Poll::Pending };
                if sleep.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                sleep.as_mut().reset(tokio::time::Instant::now() + *every);
                Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(b":\n\n")))))
            }
        }
    }
}

/// A newline-delimited JSON reply (`application/x-ndjson`): each item of the stream is sent as
/// one line of compact JSON as it comes. An item that fails to serialize ends the response
/// abruptly (the status is long sent) and is logged.
///
/// ```
/// use lauren::prelude::*;
/// use lauren::Ndjson;
///
/// #[derive(Default)]
/// struct Numbers;
///
/// #[controller("/numbers")]
/// impl Numbers {
///     #[get]
///     async fn numbers(&self, n: u32) -> Ndjson<impl futures_util::Stream<Item = u32> + Send + use<>> {
///         Ndjson(futures_util::stream::iter(1..=n))
///     }
/// }
/// ```
pub struct Ndjson<S>(pub S);

impl<S, T> IntoReply for Ndjson<S>
where
    S: Stream<Item = T> + Send + 'static,
    T: Serialize,
{
    fn into_response(self) -> http::Response<Body> {
        let mut response = http::Response::new(Body::boxed(NdjsonBody(Box::pin(self.0.fuse()))));
        response.headers_mut().insert(CONTENT_TYPE, NDJSON.clone());
        response
    }

    fn status(&self) -> StatusCode {
        StatusCode::OK
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(&NDJSON)
    }
}

struct NdjsonBody<S>(Pin<Box<Fuse<S>>>);

impl<S: Stream<Item = T> + Send, T: Serialize> http_body::Body for NdjsonBody<S> {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let batch = poll_batch(&mut self.get_mut().0, cx, |item, buffer| {
            if let Err(err) = serde_json::to_writer(&mut *buffer, &item) {
                tracing::error!(
                    target: "lauren::request",
                    error = %err,
                    "an NDJSON item failed to serialize; the response is cut short"
                );
                return Err(err.into());
            }
            buffer.push(b'\n');
            Ok(())
        });
        batch.map(|frame| frame.map(|bytes| bytes.map(Frame::data)))
    }
}

/// A stream of JSON items, sent as the client asks in `Accept`: server-sent events (one
/// `data:` event per item) when it prefers `text/event-stream`, else NDJSON lines. The same
/// handler then serves `EventSource` in a browser and `curl` alike, as Lauren's streaming
/// response does. An item that fails to serialize ends the stream (and is logged).
///
/// ```
/// use lauren::prelude::*;
/// use lauren::JsonStream;
///
/// #[derive(Default)]
/// struct Prices;
///
/// #[controller("/prices")]
/// impl Prices {
///     #[get]
///     async fn prices(&self) -> JsonStream<impl futures_util::Stream<Item = f64> + Send + use<>> {
///         JsonStream::new(futures_util::stream::iter([1.5, 1.25]))
///     }
/// }
/// ```
pub struct JsonStream<S> {
    items: S,
    sse: bool,
}

impl<S, T> JsonStream<S>
where
    S: Stream<Item = T> + Send + 'static,
    T: Serialize,
{
    /// Streams `items`; NDJSON unless the request prefers server-sent events.
    pub fn new(items: S) -> Self {
        Self { items, sse: false }
    }
}

impl<S, T> IntoReply for JsonStream<S>
where
    S: Stream<Item = T> + Send + 'static,
    T: Serialize,
{
    fn into_response(self) -> http::Response<Body> {
        let mut response = if self.sse {
            let events = self
                .items
                .map(|item| Event::json(&item))
                .take_while(|event| std::future::ready(event.is_ok()))
                .filter_map(|event| std::future::ready(event.ok()));
            Sse::new(events).into_response()
        } else {
            Ndjson(self.items).into_response()
        };
        // The body's format depends on `Accept`: caches must key on it.
        response.headers_mut().insert(http::header::VARY, HeaderValue::from_static("accept"));
        response
    }

    fn content_type(&self) -> Option<&HeaderValue> {
        Some(if self.sse { &EVENT_STREAM } else { &NDJSON })
    }

    fn prepare(&mut self, request: &crate::pipeline::RequestHead) {
        self.sse = prefers_event_stream(&request.headers);
    }
}

/// True when `Accept` ranks `text/event-stream` above `application/x-ndjson` (each at the
/// quality of its most specific matching range; absent means 0).
fn prefers_event_stream(headers: &http::HeaderMap) -> bool {
    let mut best = [(0u8, 0.0f32); 2];
    let targets = [("text", "event-stream"), ("application", "x-ndjson")];
    for range in headers
        .get_all(http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
    {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim();
        let quality = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let (kind, sub) = media.split_once('/').unwrap_or((media, ""));
        for (i, (target_kind, target_sub)) in targets.iter().enumerate() {
            let specificity = match (kind, sub) {
                (k, s)
                    if k.eq_ignore_ascii_case(target_kind)
                        && s.eq_ignore_ascii_case(target_sub) =>
                {
                    3
                }
                (k, "*") if k.eq_ignore_ascii_case(target_kind) => 2,
                ("*", "*") => 1,
                _ => 0,
            };
            if specificity > best[i].0 {
                best[i] = (specificity, quality);
            }
        }
    }
    best[0].1 > best[1].1
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn accept_chooses_between_events_and_lines() {
        let prefers = |accept: &str| {
            let mut headers = http::HeaderMap::new();
            headers
                .insert(http::header::ACCEPT, http::HeaderValue::from_str(accept).expect("header"));
            super::prefers_event_stream(&headers)
        };
        assert!(prefers("text/event-stream"));
        assert!(prefers("text/*"));
        assert!(prefers("application/x-ndjson;q=0.5, text/event-stream"));
        assert!(!prefers("*/*"));
        assert!(!prefers("application/x-ndjson, text/event-stream"));
        assert!(!prefers("text/event-stream;q=0.2, */*;q=0.8"));
        assert!(!prefers("application/json"));
        assert!(!super::prefers_event_stream(&http::HeaderMap::new()));
    }

    #[test]
    fn a_carriage_return_cannot_smuggle_a_field_or_an_event() {
        let event = Event::data("chat msg\revent: admin\rid: 999");
        assert_eq!(event.to_string(), "data: chat msg\ndata: event: admin\ndata: id: 999\n\n");
        let event = Event::data("x\r\rdata: forged");
        assert_eq!(event.to_string(), "data: x\ndata: \ndata: data: forged\n\n");
        let comment = Event::comment("note\r\rdata: forged");
        assert_eq!(comment.to_string(), ": note\n: \n: data: forged\n\n");
        // CRLF is one break; a trailing newline keeps its empty line.
        assert_eq!(Event::data("a\r\nb\n").to_string(), "data: a\ndata: b\ndata: \n\n");
    }
}
