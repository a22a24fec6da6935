//! A log shared by the test interceptors, keyed by the request's `x-test-id`, and the taggers.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use lauren::prelude::*;

static LOGS: Mutex<Option<HashMap<String, Vec<String>>>> = Mutex::new(None);

/// Appends `entry` to the log of the request's `x-test-id`.
pub(crate) fn record(ctx: &ExecutionContext<'_>, entry: impl Into<String>) {
    let id = ctx.headers().get("x-test-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let mut logs = LOGS.lock().unwrap_or_else(PoisonError::into_inner);
    logs.get_or_insert_with(HashMap::new).entry(id).or_default().push(entry.into());
}

/// Takes the log of one test id.
pub(crate) fn take(id: &str) -> Vec<String> {
    let mut logs = LOGS.lock().unwrap_or_else(PoisonError::into_inner);
    logs.get_or_insert_with(HashMap::new).remove(id).unwrap_or_default()
}

/// Declares interceptors that log `NAME:before` and `NAME:after` around the rest of the chain.
macro_rules! taggers {
    ($($name:ident),* $(,)?) => {$(
        #[derive(Default)]
        #[lauren::interceptor]
        pub(crate) struct $name;

        impl lauren::Interceptor for $name {
            async fn intercept(
                &self,
                ctx: &mut lauren::ExecutionContext<'_>,
                next: lauren::CallHandler<'_>,
            ) -> lauren::Result<lauren::Reply> {
                $crate::support::record(ctx, concat!(stringify!($name), ":before"));
                let reply = next.handle(ctx).await?;
                $crate::support::record(ctx, concat!(stringify!($name), ":after"));
                Ok(reply)
            }
        }
    )*};
}

taggers!(G1, G2, M1, C1, C2, C3, R1, R2, R3);
