//! `CallHandler`: the rest of a pre-built chain, walked by slicing.

use std::future::Future;

use super::ChainEntry;
use crate::descriptor::BoxFuture;
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;

/// The rest of the chain after the current interceptor: more interceptors, then extraction and
/// the handler.
///
/// It is `Copy`: [`handle`](Self::handle) may be called again (the handler then runs again).
#[derive(Clone, Copy)]
pub struct CallHandler<'a> {
    rest: &'a [ChainEntry],
}

impl<'a> CallHandler<'a> {
    pub(crate) fn new(rest: &'a [ChainEntry]) -> Self {
        Self { rest }
    }

    /// Runs the rest of the chain and returns its reply (or its error).
    ///
    /// The future is the next interceptor's own (or the handler's): each step of a chain costs
    /// one boxed future, the one its type is erased in, and no wrapper around it.
    pub fn handle<'c>(
        self,
        ctx: &'c mut ExecutionContext<'_>,
    ) -> impl Future<Output = Result<Reply, HttpError>> + Send + 'c
    where
        'a: 'c,
    {
        let step: BoxFuture<'c, _> = match self.rest.split_first() {
            Some((ChainEntry::Shared(first), rest)) => {
                first.inner.intercept_dyn(ctx, CallHandler { rest })
            }
            Some((ChainEntry::Scoped { binding, adapt }, rest)) => Box::pin(async move {
                let built = ctx.provided(*binding).await?;
                let interceptor =
                    adapt(&built).ok_or_else(|| HttpError::internal("InterceptorMismatch"))?;
                interceptor.inner.intercept_dyn(ctx, CallHandler { rest }).await
            }),
            None => (ctx.route().descriptor.handler)(ctx),
        };
        step
    }

    /// How many interceptors are still ahead.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }
}

impl std::fmt::Debug for CallHandler<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallHandler").field("remaining", &self.rest.len()).finish()
    }
}
