//! lauren-rs, plain: the app of `examples/bench_server.rs`, on the harness' single pinned worker.

use lauren::prelude::*;

// The example's own `main` (a default runtime) is not used here.
#[allow(dead_code)]
#[path = "../../../examples/bench_server.rs"]
mod app;

fn main() {
    lauren_bench::runtime().block_on(async {
        let server =
            LaurenFactory::create(app::BenchModule).bind(lauren_bench::addr()).await.expect("bind");
        server.run().await;
    });
}
