//! Pieces of the request head as owned values.

use http::{HeaderMap, Method, Uri};

use super::{Field, FromRequest};
use crate::error::HttpError;
use crate::pipeline::ExecutionContext;

impl FromRequest for HeaderMap {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(ctx.headers().clone())
    }
}

impl FromRequest for Method {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(ctx.method().clone())
    }
}

impl FromRequest for Uri {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> Result<Self, HttpError> {
        Ok(ctx.uri().clone())
    }
}
