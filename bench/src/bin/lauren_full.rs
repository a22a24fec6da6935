//! lauren-rs with three global interceptors doing what `axum_layers`' layers do, a
//! `#[set_metadata]` read, and an injected singleton service used by the handler. None of the
//! interceptors looks at the handler's value (`INSPECTS_VALUE = false`), so it renders at once
//! and `x-elapsed-us` times the handler with its serialization, as axum's layer does.

use std::time::Instant;

use lauren::prelude::*;
use lauren_bench::{Message, User};

#[derive(Clone)]
struct RequestId(#[allow(dead_code)] http::HeaderValue);

static X_REQUEST_ID: http::HeaderName = http::HeaderName::from_static("x-request-id");
static X_ELAPSED_US: http::HeaderName = http::HeaderName::from_static("x-elapsed-us");
static X_POWERED_BY: http::HeaderName = http::HeaderName::from_static("x-powered-by");

#[derive(Default)]
#[interceptor]
struct RequestIdInterceptor;

impl Interceptor for RequestIdInterceptor {
    // Headers only: the handler's value renders at once, inside the chain.
    const INSPECTS_VALUE: bool = false;

    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        if let Some(id) = ctx.headers().get(&X_REQUEST_ID).cloned() {
            ctx.extensions_mut().insert(RequestId(id));
        }
        next.handle(ctx).await
    }
}

#[derive(Default)]
#[interceptor]
struct TimingInterceptor;

impl Interceptor for TimingInterceptor {
    // Headers only: the handler's value renders at once, inside the chain.
    const INSPECTS_VALUE: bool = false;

    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let started = Instant::now();
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header(X_ELAPSED_US.clone(), started.elapsed().as_micros().to_string()))
    }
}

#[derive(Default)]
#[interceptor]
struct PoweredByInterceptor;

impl Interceptor for PoweredByInterceptor {
    // Headers only: the handler's value renders at once, inside the chain.
    const INSPECTS_VALUE: bool = false;

    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let powered_by = ctx.metadata::<&str>("powered_by").unwrap_or("lauren");
        // Literal arguments, so `from_static` is checked when compiled, as in axum_layers.
        let value = if powered_by == "lauren" {
            http::HeaderValue::from_static("lauren")
        } else {
            http::HeaderValue::from_static("unknown")
        };
        let reply = next.handle(ctx).await?;
        Ok(reply.with_header(X_POWERED_BY.clone(), value))
    }
}

/// The injected singleton the handler uses.
#[derive(Default)]
#[injectable]
struct Users;

impl Users {
    fn find(&self, id: u64) -> User {
        User { id, name: format!("user-{id}") }
    }
}

#[injectable]
struct BenchController {
    users: Inject<Users>,
}

#[controller]
#[set_metadata("powered_by", "lauren")]
impl BenchController {
    #[get("/plaintext")]
    async fn plaintext(&self) -> &'static str {
        "Hello, World!"
    }

    #[get("/json")]
    async fn json(&self) -> Json<Message> {
        Json(Message { message: "Hello, World!" })
    }

    #[get("/users/{id}")]
    async fn user(&self, id: u64) -> Json<User> {
        Json(self.users.find(id))
    }

    #[post("/echo")]
    async fn echo(&self, body: Json<serde_json::Value>) -> Json<serde_json::Value> {
        body
    }
}

#[module(controllers = [BenchController], providers = [Users])]
struct BenchModule;

fn main() {
    lauren_bench::runtime().block_on(async {
        let server = LaurenFactory::create(BenchModule)
            .global_interceptors((RequestIdInterceptor, TimingInterceptor, PoweredByInterceptor))
            .bind(lauren_bench::addr())
            .await
            .expect("bind");
        server.run().await;
    });
}
