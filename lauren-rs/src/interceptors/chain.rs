//! `CallHandler`: the rest of a pre-built chain, walked by slicing.

use std::marker::PhantomData;

use super::ChainEntry;
use crate::descriptor::{BoxFuture, InlineFuture, OuterFuture};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;
use crate::reply::Reply;

/// The rest of the chain after the current interceptor: more interceptors, then extraction and
/// the handler.
///
/// It is `Copy`: [`handle`](Self::handle) may be called again (the handler then runs again).
#[derive(Clone, Copy)]
pub struct CallHandler<'a> {
    /// The position of the next step in the route's chain. The chain itself is reached through
    /// the context (`ctx.route()`), so the futures `handle` returns borrow only `ctx`: a plain
    /// `fn intercept(..) -> impl Future + Send { next.handle(ctx) }` then needs no lifetime
    /// beyond the one of `ctx`.
    /// `u32`, as `len`: the handle is in every interceptor's future, and a chain is far shorter.
    next: u32,
    /// The chain's length, for `remaining`.
    len: u32,
    _chain: PhantomData<&'a [ChainEntry]>,
}

impl CallHandler<'_> {
    /// The whole chain of the request's route, from its first step.
    pub(crate) fn start(chain: &[ChainEntry]) -> Self {
        let len = u32::try_from(chain.len()).unwrap_or(u32::MAX);
        Self { next: 0, len, _chain: PhantomData }
    }

    /// Runs the rest of the chain and returns its reply (or its error).
    ///
    /// The future is the next interceptor's own (or the handler's): each step of a chain costs
    /// one boxed future, the one its type is erased in, and no wrapper around it. Its type names
    /// only the borrow of `ctx`, so a plain `fn intercept(..) -> impl Future<..> + Send` may
    /// return it as it is.
    pub fn handle<'c>(
        self,
        ctx: &'c mut ExecutionContext<'_>,
    ) -> BoxFuture<'c, Result<Reply, HttpError>> {
        let rest = CallHandler { next: self.next + 1, len: self.len, _chain: PhantomData };
        match ctx.route().chain.get(self.next as usize) {
            Some(ChainEntry::Shared(first)) => first.inner.intercept_dyn(ctx, rest),
            Some(ChainEntry::Scoped { .. }) => {
                // Built before the chain started (`build_interceptors`); the instance is shared
                // with the context, so the step owns a handle to it.
                let built = ctx.built_interceptor(self.next as usize).cloned();
                Box::pin(async move {
                    let interceptor =
                        built.ok_or_else(|| HttpError::internal("InterceptorNotBuilt"))?;
                    interceptor.inner.intercept_dyn(ctx, rest).await
                })
            }
            // Interceptors hold the handler's future behind a pointer, as they do each other's.
            None => (ctx.route().descriptor.handler_boxed)(ctx),
        }
    }

    /// The same, with the first step's future kept inline when it fits: for the request's own
    /// future, so that a route pays no allocation for its handler or its outermost interceptor.
    pub(crate) fn handle_inline<'c>(
        self,
        ctx: &'c mut ExecutionContext<'_>,
    ) -> InlineFuture<'c, Result<Reply, HttpError>> {
        let rest = CallHandler { next: self.next + 1, len: self.len, _chain: PhantomData };
        match ctx.route().chain.get(self.next as usize) {
            Some(ChainEntry::Shared(first)) => first.inner.intercept_inline(ctx, rest),
            Some(ChainEntry::Scoped { .. }) => crate::descriptor::inline_future(self.handle(ctx)),
            None => (ctx.route().descriptor.handler)(ctx),
        }
    }

    /// The first interceptor's future in the request's own future, in the larger room of the
    /// outermost hop: for a route with interceptors that serves in place (the caller calls the
    /// handler's entry point itself when the chain is empty).
    pub(crate) fn handle_outer<'c>(
        self,
        ctx: &'c mut ExecutionContext<'_>,
    ) -> OuterFuture<'c, Result<Reply, HttpError>> {
        let rest = CallHandler { next: self.next + 1, len: self.len, _chain: PhantomData };
        match ctx.route().chain.get(self.next as usize) {
            Some(ChainEntry::Shared(first)) => first.inner.intercept_outer(ctx, rest),
            _ => OuterFuture::from_or_box(self.handle_inline(ctx)),
        }
    }

    /// How many interceptors are still ahead.
    pub fn remaining(&self) -> usize {
        self.len.saturating_sub(self.next) as usize
    }
}

impl std::fmt::Debug for CallHandler<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallHandler").field("next", &self.next).finish()
    }
}
