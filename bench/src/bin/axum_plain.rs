//! axum 0.8, plain.

fn main() {
    lauren_bench::runtime().block_on(async {
        let listener = tokio::net::TcpListener::bind(lauren_bench::addr()).await.expect("bind");
        axum::serve(listener, lauren_bench::axum_routes()).await.expect("serve");
    });
}
