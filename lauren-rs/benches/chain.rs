//! Cost of each kind of stage: the same route with 0, 1 and 3 pass-through around interceptors
//! (typed, or leaving the value alone), 1 and 3 pre-interceptors, a lifecycle group of 3, 1 and
//! 3 guards, 1 and 3 route middleware; and of request scope (a request-scoped controller; one sharing
//! request-scoped state with its interceptor). Called in-process through the app's
//! `tower::Service` (the full pipeline minus sockets).
//!
//! `cargo bench -p lauren --bench chain` prints ns and heap allocations per request; it
//! measures, it asserts nothing. With `CHAIN_ROUTE=/one CHAIN_ITERATIONS=N` it serves that route
//! N times and prints nothing: `bench/chain_instructions.sh` runs it under callgrind for
//! instructions per request and per hop.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use lauren::prelude::*;
use tower_service::Service;

/// Counts allocations so the report can say what a request allocates.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// The one `unsafe` of the workspace: a counting allocator is only possible this way.
#[allow(unsafe_code)]
// SAFETY: forwards every call unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

macro_rules! pass_through {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        #[interceptor]
        struct $name;

        impl Interceptor for $name {
            async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
                next.handle(ctx).await
            }
        }
    )*};
}

pass_through!(A, B, C);

macro_rules! leaves_value {
    ($($name:ident),*) => {$(
        #[derive(Default)]
        #[interceptor]
        struct $name;

        impl Interceptor for $name {
            const INSPECTS_VALUE: bool = false;

            async fn intercept(&self, ctx: &mut ExecutionContext<'_>, next: CallHandler<'_>) -> lauren::Result<Reply> {
                next.handle(ctx).await
            }
        }
    )*};
}

leaves_value!(R1, R2, R3);

macro_rules! allow {
    ($($name:ident),*) => {$(
        /// A guard that lets everything through.
        #[derive(Default)]
        struct $name;

        impl Guard for $name {
            async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
                Ok(black_box(ctx.method()) != http::Method::DELETE)
            }
        }
    )*};
}

allow!(Allow, Allow2, Allow3);

macro_rules! through {
    ($($name:ident),*) => {$(
        /// Route middleware that passes the request on.
        #[derive(Default)]
        struct $name;

        impl lauren::middleware::Middleware for $name {
            async fn handle(
                &self,
                req: lauren::middleware::MiddlewareRequest,
                next: lauren::middleware::Next<'_>,
            ) -> lauren::Result<lauren::middleware::MiddlewareResponse> {
                next.run(req).await
            }
        }
    )*};
}

through!(Through, Through2, Through3);

/// Adds two headers to the reply, as a typical timing or branding interceptor does.
#[derive(Default)]
#[interceptor]
struct Decorate;

static X_ONE: http::HeaderName = http::HeaderName::from_static("x-one");
static X_TWO: http::HeaderName = http::HeaderName::from_static("x-two");

impl Interceptor for Decorate {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let reply = next.handle(ctx).await?;
        Ok(reply
            .with_header(X_ONE.clone(), http::HeaderValue::from_static("1"))
            .with_header(X_TWO.clone(), http::HeaderValue::from_static("2")))
    }
}

macro_rules! pass {
    ($($name:ident),*) => {$(
        /// A pre-interceptor that lets everything through: built per request (a unit struct:
        /// free).
        #[derive(Default)]
        struct $name;

        impl PreInterceptor for $name {
            async fn intercept(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<()> {
                Ok(())
            }
        }
    )*};
}

pass!(Pass, Pass2, Pass3);

macro_rules! lifecycle {
    ($($name:ident sort $sort:literal),*) => {$(
        #[derive(Default)]
        struct $name;

        /// A `before` check, as Auths / Sign / Permission have; the other hooks are the defaults.
        impl LifecycleInterceptor for $name {
            fn sort(&self) -> i32 {
                $sort
            }
            async fn before(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
                black_box(ctx.method());
                Ok(())
            }
        }
    )*};
}

lifecycle!(L1 sort 1, L2 sort 100, L3 sort 999);

#[derive(Default)]
struct Bench;

#[controller]
impl Bench {
    #[get("/a-none-------------")]
    async fn none(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(A)]
    #[get("/b-one--------------")]
    async fn one(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(A, B, C)]
    #[get("/c-three------------")]
    async fn three(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_pre_interceptors(Pass)]
    #[get("/g-pre--------------")]
    async fn pre(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_pre_interceptors(Pass, Pass2, Pass3)]
    #[get("/h-pre3-------------")]
    async fn pre3(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(L1, L2, L3)]
    #[get("/i-lifecycle--------")]
    async fn lifecycle(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(R1)]
    #[get("/d-one-rendered-----")]
    async fn one_rendered(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(R1, R2, R3)]
    #[get("/e-three-rendered---")]
    async fn three_rendered(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_guards(Allow)]
    #[get("/j-guard------------")]
    async fn guard(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_guards(Allow, Allow2, Allow3)]
    #[get("/k-guard3-----------")]
    async fn guard3(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_middleware(Through)]
    #[get("/l-middleware-------")]
    async fn middleware(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_middleware(Through, Through2, Through3)]
    #[get("/m-middleware3------")]
    async fn middleware3(&self) -> &'static str {
        "Hello, World!"
    }

    #[use_interceptors(Decorate)]
    #[get("/f-headers----------")]
    async fn headers(&self) -> &'static str {
        "Hello, World!"
    }
}

/// The same handler on a request-scoped controller: the cost of request scope.
#[derive(Default)]
#[injectable(scope = Request)]
struct PerRequest;

#[controller("/n-scoped-----------")]
impl PerRequest {
    #[get]
    async fn scoped(&self) -> &'static str {
        "Hello, World!"
    }
}

/// Request-scoped state that an interceptor and the controller both use: built once per
/// request, then found again.
#[derive(Default)]
#[injectable(scope = Request)]
struct RequestState;

#[interceptor]
#[injectable(scope = Request)]
struct SeesState {
    _state: Inject<RequestState>,
}

impl Interceptor for SeesState {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        next.handle(ctx).await
    }
}

#[injectable(scope = Request)]
struct SharesState {
    _state: Inject<RequestState>,
}

#[controller("/o-shared-----------")]
impl SharesState {
    #[use_interceptors(SeesState)]
    #[get]
    async fn shared(&self) -> &'static str {
        "Hello, World!"
    }
}

#[module(controllers = [Bench, PerRequest, SharesState], providers = [RequestState])]
struct BenchModule;

const ITERATIONS: u32 = 200_000;

/// Each route's letter: its path is `/{letter}-{name}` padded with `-` to 20 bytes, as every
/// route above is declared. Parsing and matching a path cost about 13 instructions a byte, so
/// paths of one length keep a longer name from counting as a stage's cost; and since each path
/// differs from the others at its first byte, matchit's tree is one node under `/` for each,
/// and every route is found through the same two nodes (with shared prefixes, adding a route
/// moved other rows by up to 180 instructions).
const LETTERS: [(&str, char); 15] = [
    ("/none", 'a'),
    ("/one", 'b'),
    ("/three", 'c'),
    ("/one-rendered", 'd'),
    ("/three-rendered", 'e'),
    ("/headers", 'f'),
    ("/pre", 'g'),
    ("/pre3", 'h'),
    ("/lifecycle", 'i'),
    ("/guard", 'j'),
    ("/guard3", 'k'),
    ("/middleware", 'l'),
    ("/middleware3", 'm'),
    ("/scoped", 'n'),
    ("/shared", 'o'),
];

/// The path `route` (`/none`, `/guard3`, ...) is declared at.
fn padded(route: &str) -> String {
    let letter = LETTERS.iter().find(|(name, _)| *name == route).map_or('?', |(_, letter)| *letter);
    format!("{:-<20}", format!("/{letter}-{}", &route[1..]))
}

fn measure(rt: &tokio::runtime::Runtime, app: &lauren::App, route: &str) -> (Duration, f64) {
    let path = padded(route);
    let path = path.as_str();
    let mut app = app.clone();
    let request =
        || http::Request::get(path).body(Full::<Bytes>::default()).expect("valid request");
    rt.block_on(async {
        expect_served(&mut app, path).await;
        // Warm up.
        for _ in 0..10_000 {
            black_box(app.call(request()).await.expect("infallible"));
        }
        // Allocations of building the request itself, to subtract.
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..1_000 {
            black_box(request());
        }
        let request_allocs = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / 1_000.0;

        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let started = Instant::now();
        for _ in 0..ITERATIONS {
            black_box(app.call(request()).await.expect("infallible"));
        }
        let elapsed = started.elapsed() / ITERATIONS;
        let allocs = (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / f64::from(ITERATIONS);
        (elapsed, allocs - request_allocs)
    })
}

/// A misspelt route would measure a 404: the first request must succeed.
async fn expect_served(app: &mut lauren::App, path: &str) {
    let request = http::Request::get(path).body(Full::<Bytes>::default()).expect("valid request");
    let response = app.call(request).await.expect("infallible");
    assert!(response.status().is_success(), "{path} answered {}", response.status());
}

/// Serves `path` `iterations` times and nothing else (for callgrind: the difference of two
/// runs is the cost of the extra requests alone).
fn serve_only(rt: &tokio::runtime::Runtime, app: &lauren::App, route: &str, iterations: u32) {
    let path = padded(route);
    let path = path.as_str();
    let mut app = app.clone();
    rt.block_on(async {
        expect_served(&mut app, path).await;
        for _ in 1..iterations {
            let request = http::Request::get(path).body(Full::<Bytes>::default());
            black_box(app.call(request.expect("valid request")).await.expect("infallible"));
        }
    });
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let app = rt.block_on(LaurenFactory::create(BenchModule).build()).expect("bench app builds");
    if let Ok(path) = std::env::var("CHAIN_ROUTE") {
        let iterations = std::env::var("CHAIN_ITERATIONS").ok().and_then(|n| n.parse().ok());
        serve_only(&rt, &app, &path, iterations.unwrap_or(10_000));
        return;
    }
    let routes = [
        ("/none", 0u32),
        ("/one", 1),
        ("/three", 3),
        ("/one-rendered", 1),
        ("/three-rendered", 3),
        ("/headers", 1),
        ("/pre", 1),
        ("/pre3", 3),
        ("/lifecycle", 1),
        ("/guard", 1),
        ("/guard3", 3),
        ("/middleware", 1),
        ("/middleware3", 3),
        ("/scoped", 0),
        ("/shared", 1),
    ];
    // Rounds interleave the routes so drift on a shared machine hits them alike; best round wins.
    let mut best = vec![(Duration::MAX, 0.0); routes.len()];
    for _ in 0..7 {
        for (i, (path, _)) in routes.iter().enumerate() {
            let (time, allocs) = measure(&rt, &app, path);
            if time < best[i].0 {
                best[i] = (time, allocs);
            }
        }
    }
    println!("| route | stages | ns / request | per hop (ns) | allocations / request |");
    println!("|---|---|---|---|---|");
    let base = best[0].0.as_nanos() as f64;
    for ((path, hops), (time, allocs)) in routes.iter().zip(best) {
        let ns = time.as_nanos() as f64;
        let per_hop = if *hops == 0 {
            "-".to_owned()
        } else {
            format!("{:.0}", (ns - base) / f64::from(*hops))
        };
        println!("| `{path}` | {hops} | {ns:.0} | {per_hop} | {allocs:.1} |");
    }
}
