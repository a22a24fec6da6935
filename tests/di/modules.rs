//! Module visibility: exports and imports, global providers, prefixes, async factories.

use std::sync::atomic::{AtomicUsize, Ordering};

use lauren::di::{Inject, Provider, provide};
use lauren::prelude::*;
use lauren::testing::TestClient;

#[derive(Default)]
#[injectable]
struct UserRepository {
    reads: AtomicUsize,
}

#[derive(Default)]
#[injectable]
struct Clock;

impl Clock {
    fn now(&self) -> u64 {
        1_700_000_000
    }
}

/// Built by an async factory with an injected argument.
struct Pool {
    size: usize,
}

#[module(
    providers = [
        UserRepository,
        provide::<Pool>().use_async_factory(|clock: Inject<Clock>| async move {
            tokio::task::yield_now().await;
            Ok::<_, std::io::Error>(Pool { size: (clock.now() % 7) as usize })
        }),
    ],
    exports = [UserRepository, Pool]
)]
struct DataModule;

#[injectable]
struct UsersController {
    repository: Inject<UserRepository>,
    pool: Inject<Pool>,
    clock: Inject<Clock>,
}

#[controller("/users")]
impl UsersController {
    #[get("/{id}")]
    async fn show(&self, id: u32) -> String {
        let reads = self.repository.reads.fetch_add(1, Ordering::SeqCst) + 1;
        format!("user {id} read {reads} pool {} at {}", self.pool.size, self.clock.now())
    }
}

#[module(imports = [DataModule], controllers = [UsersController], prefix = "/api")]
struct UsersModule;

#[module(imports = [UsersModule])]
struct AppModule;

#[tokio::test]
async fn exported_providers_reach_importers_and_prefixes_join() {
    let app = LaurenFactory::create(AppModule).global_providers([Provider::of::<Clock>()]);
    let client = TestClient::new(app).await;
    let response = client.get("/api/users/4").await;
    assert_eq!(response.status(), 200, "{}", response.text());
    assert_eq!(response.text(), "user 4 read 1 pool 6 at 1700000000");
    assert_eq!(client.get("/api/users/4").await.text(), "user 4 read 2 pool 6 at 1700000000");
    assert_eq!(client.get("/users/4").await.status(), 404, "the module prefix is part of the path");
}
