//! Streaming replies: server-sent events and newline-delimited JSON.
//! `cargo run --example streaming`, then
//!
//! ```text
//! curl -N http://127.0.0.1:3000/events             # id: 1 .. id: 3, one every 200 ms, then ends
//! curl -N 'http://127.0.0.1:3000/numbers.ndjson?n=5' # {"n":1} .. {"n":5}, one per line
//! curl -N http://127.0.0.1:3000/feed               # NDJSON, or with -H 'Accept: text/event-stream'
//!                                                   # the same items as server-sent events
//! curl -i http://127.0.0.1:3000/static/events.html  # a file of examples/public/
//! ```
//!
//! In a browser, http://127.0.0.1:3000/static/events.html shows the events as they come. The
//! address comes from `LAUREN_ADDR` (default `127.0.0.1:3000`).

use std::time::Duration;

use futures_util::Stream;
use futures_util::stream::{self, StreamExt};
use lauren::prelude::*;
use lauren::{Event, JsonStream, Ndjson, Sse};
use serde::Serialize;

#[derive(Serialize, schemars::JsonSchema)]
struct Number {
    n: u32,
}

#[derive(Default)]
struct StreamsController;

#[controller]
impl StreamsController {
    /// Three server-sent events, 200 ms apart, then the stream ends.
    #[get("/events")]
    async fn events(&self) -> Sse<impl Stream<Item = Event> + Send + use<>> {
        let ticks = stream::unfold(1u32, |n| async move {
            if n > 3 {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
            Some((Event::data(format!("tick {n}")).id(n.to_string()), n + 1))
        });
        Sse::new(ticks)
    }

    /// `n` JSON lines, sent as the client reads them.
    #[get("/numbers.ndjson")]
    async fn numbers(
        &self,
        #[query(le = 100_000)] n: u32,
    ) -> Ndjson<impl Stream<Item = Number> + Send + use<>> {
        Ndjson(stream::iter(1..=n).map(|n| Number { n }))
    }

    /// Three numbers, as NDJSON lines or server-sent events: whichever `Accept` prefers.
    #[get("/feed")]
    async fn feed(&self) -> JsonStream<impl Stream<Item = Number> + Send + use<>> {
        JsonStream::new(stream::iter(1..=3).map(|n| Number { n }))
    }
}

#[module(controllers = [StreamsController])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule)
        .serve_dir("/static", lauren_examples::public_dir())
        .openapi(lauren::openapi::OpenApi::new("streaming", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    println!("lauren streaming example listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
