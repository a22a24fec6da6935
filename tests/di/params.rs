//! `Inject<T>` as a handler parameter: resolved at startup, from the request's scope at request
//! time (the same instance request-scoped interceptors see), without a request-scoped
//! controller; optional when nothing provides it; a startup error naming the handler when a
//! required one is missing.

use std::sync::atomic::{AtomicUsize, Ordering};

use lauren::di::Inject;
use lauren::prelude::*;
use lauren::testing::TestClient;

static SERIAL: AtomicUsize = AtomicUsize::new(1);

/// One per request.
struct RequestId {
    serial: usize,
}

#[injectable(scope = Request)]
impl RequestId {
    #[constructor]
    fn new() -> Self {
        RequestId { serial: SERIAL.fetch_add(1, Ordering::SeqCst) }
    }
}

#[derive(Default)]
#[injectable]
struct Greeting;

/// Request-scoped, so it sees the request's `RequestId`; writes it in a header.
#[injectable(scope = Request)]
struct TagRequest {
    id: Inject<RequestId>,
}

impl Interceptor for TagRequest {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header("x-interceptor-saw", self.id.serial.to_string()))
    }
}

struct Unprovided;

/// A singleton controller: the request-scoped value comes in as a parameter.
#[derive(Default)]
struct ParamsController;

#[controller("/params")]
impl ParamsController {
    #[use_interceptors(TagRequest)]
    #[get]
    async fn show(
        &self,
        id: Inject<RequestId>,
        greeting: Inject<Greeting>,
        absent: Option<Inject<Unprovided>>,
    ) -> String {
        let _ = greeting;
        format!("handler saw {} absent={}", id.serial, absent.is_none())
    }
}

#[module(controllers = [ParamsController], providers = [RequestId, Greeting, TagRequest])]
struct ParamsModule;

#[tokio::test]
async fn handler_parameters_share_the_requests_instances() {
    let client = TestClient::new(LaurenFactory::create(ParamsModule)).await;
    let mut seen = Vec::new();
    for _ in 0..2 {
        let response = client.get("/params").await;
        let text = response.text();
        let serial = text.split(' ').nth(2).expect("serial").to_owned();
        assert_eq!(text, format!("handler saw {serial} absent=true"));
        assert_eq!(response.header("x-interceptor-saw"), Some(serial.as_str()), "one instance");
        seen.push(serial);
    }
    assert_ne!(seen[0], seen[1], "a new instance per request");
}

#[derive(Default)]
struct NeedsController;

#[controller("/needs")]
impl NeedsController {
    #[get]
    async fn show(&self, missing: Inject<Unprovided>) -> &'static str {
        let _ = missing;
        "never"
    }
}

#[module(controllers = [NeedsController])]
struct NeedsModule;

#[tokio::test]
async fn a_missing_injected_parameter_is_a_startup_error_naming_the_handler() {
    let err = LaurenFactory::create(NeedsModule).build().await.expect_err("missing provider");
    assert_eq!(err.code(), "missing_provider");
    assert_eq!(err.to_string(), "No provider for Unprovided (NeedsController::show -> Unprovided)");
}
