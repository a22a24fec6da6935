//! `Logger`: one `tracing` event per request.

use std::time::Instant;

use http::StatusCode;

use crate::error::HttpError;
use crate::interceptors::LifecycleInterceptor;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;

/// Sort 9980: one `INFO` event per request on the `lauren::request` target, with `method`,
/// `route` (the template), `status`, `error` (the error code, empty on success) and
/// `latency_us`. Its `after` runs first among the group's (descending sort), so the latency
/// covers the handler and the other members' outcome hooks, and the status is the one they
/// left (a member's outcome hook that panicked included); an `after` of a lower sort that
/// panics still turns the response into a 500 that this event does not show. When an earlier `before` failed
/// (e.g. `Auths` answered 401), Logger's own `before` did not run: the event has no
/// `latency_us` then.
#[derive(Debug, Default, Clone, Copy)]
pub struct Logger;

/// When the group started, and how the request ended.
#[derive(Clone, Default)]
struct Timing {
    started: Option<Instant>,
    status: Option<StatusCode>,
    error: Option<String>,
}

impl LifecycleInterceptor for Logger {
    // `on_success` reads the status only: the value may be rendered at once.
    const INSPECTS_VALUE: bool = false;

    fn sort(&self) -> i32 {
        9980
    }

    async fn before(&self, ctx: &mut ExecutionContext<'_>) -> Result<(), HttpError> {
        ctx.extensions_mut().insert(Timing { started: Some(Instant::now()), ..Timing::default() });
        Ok(())
    }

    async fn on_success(&self, ctx: &mut ExecutionContext<'_>, reply: &mut Reply) {
        ctx.extensions_mut().get_or_insert_default::<Timing>().status = Some(reply.status());
    }

    async fn on_exception(&self, ctx: &mut ExecutionContext<'_>, err: HttpError) -> HttpError {
        let timing = ctx.extensions_mut().get_or_insert_default::<Timing>();
        timing.status = Some(err.status());
        timing.error = Some(err.code().to_owned());
        err
    }

    async fn after(&self, ctx: &mut ExecutionContext<'_>) {
        let timing = ctx.extensions_mut().remove::<Timing>().unwrap_or_default();
        let status = timing.status.map_or(0, |s| s.as_u16());
        let error = timing.error.as_deref().unwrap_or("");
        let message = if error.is_empty() { "request" } else { "request failed" };
        match timing.started {
            Some(started) => {
                let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
                tracing::info!(
                    target: "lauren::request",
                    method = %ctx.method(),
                    route = ctx.route_template(),
                    status,
                    error,
                    latency_us,
                    "{message}"
                );
            }
            None => tracing::info!(
                target: "lauren::request",
                method = %ctx.method(),
                route = ctx.route_template(),
                status,
                error,
                "{message}"
            ),
        }
    }
}
