//! The request pipeline end to end through `TestClient`: routing, extraction, replies, errors.

mod bounds;
mod exceptions;
mod extract;
mod guards;
mod log;
mod middleware;
mod order;
mod params;
mod reply;
mod routing;
mod startup;
