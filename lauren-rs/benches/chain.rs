//! Cost of each kind of stage: the same route with 0, 1 and 3 pass-through around interceptors
//! (typed, or leaving the value alone), 1 and 3 pre-interceptors, a lifecycle group of 3 (typed,
//! or leaving the value alone), 1 and 3 guards, 1 and 3 route middleware; and of request scope
//! (a request-scoped controller; one sharing request-scoped state with its interceptor). Each
//! route is served by an app of its own at the same path, called in-process through the app's
//! `tower::Service` (the full pipeline minus sockets).
//!
//! `cargo bench -p lauren --bench chain` prints ns and heap allocations per request; it
//! measures, it asserts nothing. With `CHAIN_ROUTE=/one CHAIN_ITERATIONS=N` it serves that route
//! N times and prints nothing: `bench/chain_instructions.sh` runs it under callgrind for
//! instructions per request and per hop.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use lauren::prelude::*;
use tower_service::Service;

/// Counts allocations so the report can say what a request allocates, and keeps one large
/// block for reuse.
///
/// The tower call this bench goes through boxes the request's whole future (about 2.6 KiB, past
/// glibc's per-thread cache of blocks up to 1 KiB), which the server does not: glibc's slow path
/// for that block costs 100-300 instructions depending on the heap's layout, which moved rows by
/// up to 180 between two builds of the same code. A block of [`KEPT_FROM`] bytes or more is
/// therefore kept when freed and handed out again for the same layout, at a constant cost;
/// every smaller block, a stage's boxes among them, goes to glibc as in a server.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The smallest block kept for reuse.
const KEPT_FROM: usize = 2048;

/// The block kept, with its size and alignment written at its start; null when none is.
static KEPT: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());

// The one `unsafe` of the workspace: an allocator is only possible this way.
#[allow(unsafe_code)]
// SAFETY: every block handed out comes from the system allocator with the layout asked for: a
// kept block is handed out again only for the layout it was allocated with (written in it while
// it is kept, and nobody else holds it then: `swap` gives it to one caller), and freed with that
// layout otherwise.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        if layout.size() >= KEPT_FROM {
            let kept = KEPT.swap(std::ptr::null_mut(), Ordering::Acquire);
            if !kept.is_null() {
                // SAFETY: a kept block starts with its own layout (it is at least 2 KiB).
                let was = unsafe { kept_layout(kept) };
                if was == layout {
                    return kept;
                }
                // SAFETY: allocated by the system allocator with `was`.
                unsafe { System.dealloc(kept, was) };
            }
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() >= KEPT_FROM {
            // SAFETY: the block is ours again and at least 2 KiB.
            unsafe {
                ptr.cast::<usize>().write_unaligned(layout.size());
                ptr.cast::<usize>().add(1).write_unaligned(layout.align());
            }
            let previous = KEPT.swap(ptr, Ordering::AcqRel);
            if !previous.is_null() {
                // SAFETY: a kept block starts with the layout it was allocated with.
                unsafe { System.dealloc(previous, kept_layout(previous)) };
            }
            return;
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The layout written at the start of a kept block.
///
/// # Safety
/// `block` is a kept block.
#[allow(unsafe_code)]
unsafe fn kept_layout(block: *mut u8) -> Layout {
    // SAFETY: the caller's; the layout was valid when written.
    unsafe {
        let size = block.cast::<usize>().read_unaligned();
        let align = block.cast::<usize>().add(1).read_unaligned();
        Layout::from_size_align_unchecked(size, align)
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
    ($($name:ident sort $sort:literal inspects $inspects:literal),*) => {$(
        #[derive(Default)]
        struct $name;

        /// A `before` check, as Auths / Sign / Permission have; the other hooks are the defaults.
        impl LifecycleInterceptor for $name {
            const INSPECTS_VALUE: bool = $inspects;

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

// As a user's own, which may look at the value (the default); as the built-ins, which do not.
lifecycle!(L1 sort 1 inspects true, L2 sort 100 inspects true, L3 sort 999 inspects true);
lifecycle!(LR1 sort 1 inspects false, LR2 sort 100 inspects false, LR3 sort 999 inspects false);

/// One controller serving `GET /bench` with the given stage attributes, in a module of its own:
/// each route is measured in an app of its own, so routing costs every route the same (in one
/// shared tree a route's cost depended on its place among its siblings: about 12 instructions
/// a place).
macro_rules! bench_route {
    ($controller:ident, $module:ident $(, #[$($attr:tt)*])*) => {
        #[derive(Default)]
        struct $controller;

        #[controller]
        impl $controller {
            $(#[$($attr)*])*
            #[get("/bench")]
            async fn bench(&self) -> &'static str {
                "Hello, World!"
            }
        }

        #[module(controllers = [$controller])]
        struct $module;
    };
}

bench_route!(NoStage, NoStageModule);
bench_route!(OneAround, OneAroundModule, #[use_interceptors(A)]);
bench_route!(ThreeAround, ThreeAroundModule, #[use_interceptors(A, B, C)]);
bench_route!(OneRendered, OneRenderedModule, #[use_interceptors(R1)]);
bench_route!(ThreeRendered, ThreeRenderedModule, #[use_interceptors(R1, R2, R3)]);
bench_route!(Headers, HeadersModule, #[use_interceptors(Decorate)]);
bench_route!(OnePre, OnePreModule, #[use_pre_interceptors(Pass)]);
bench_route!(ThreePre, ThreePreModule, #[use_pre_interceptors(Pass, Pass2, Pass3)]);
bench_route!(Lifecycle, LifecycleModule, #[use_interceptors(L1, L2, L3)]);
bench_route!(LifecycleRendered, LifecycleRenderedModule, #[use_interceptors(LR1, LR2, LR3)]);
bench_route!(OneGuard, OneGuardModule, #[use_guards(Allow)]);
bench_route!(ThreeGuards, ThreeGuardsModule, #[use_guards(Allow, Allow2, Allow3)]);
bench_route!(OneMiddleware, OneMiddlewareModule, #[use_middleware(Through)]);
bench_route!(ThreeMiddleware, ThreeMiddlewareModule, #[use_middleware(Through, Through2, Through3)]);

/// The same handler on a request-scoped controller: the cost of request scope.
#[derive(Default)]
#[injectable(scope = Request)]
struct PerRequest;

#[controller]
impl PerRequest {
    #[get("/bench")]
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

#[controller]
impl SharesState {
    #[use_interceptors(SeesState)]
    #[get("/bench")]
    async fn shared(&self) -> &'static str {
        "Hello, World!"
    }
}

#[module(controllers = [PerRequest])]
struct ScopedModule;

#[module(controllers = [SharesState], providers = [RequestState])]
struct SharedModule;

const ITERATIONS: u32 = 200_000;

/// Where every bench app serves its route.
const PATH: &str = "/bench";

/// The app serving `route` (`/none`, `/guard3`, ...).
async fn app_for(route: &str) -> lauren::App {
    macro_rules! build {
        ($($name:literal => $module:expr),* $(,)?) => {
            match route {
                $($name => LaurenFactory::create($module).build().await,)*
                other => panic!("no bench route {other}"),
            }
        };
    }
    let app = build! {
        "/none" => NoStageModule,
        "/one" => OneAroundModule,
        "/three" => ThreeAroundModule,
        "/one-rendered" => OneRenderedModule,
        "/three-rendered" => ThreeRenderedModule,
        "/headers" => HeadersModule,
        "/pre" => OnePreModule,
        "/pre3" => ThreePreModule,
        "/lifecycle" => LifecycleModule,
        "/lifecycle-rendered" => LifecycleRenderedModule,
        "/guard" => OneGuardModule,
        "/guard3" => ThreeGuardsModule,
        "/middleware" => OneMiddlewareModule,
        "/middleware3" => ThreeMiddlewareModule,
        "/scoped" => ScopedModule,
        "/shared" => SharedModule,
    };
    app.unwrap_or_else(|err| panic!("the bench app of {route} builds: {err}"))
}

fn measure(rt: &tokio::runtime::Runtime, app: &lauren::App) -> (Duration, f64) {
    let path = PATH;
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
fn serve_only(rt: &tokio::runtime::Runtime, app: &lauren::App, iterations: u32) {
    let path = PATH;
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
    if let Ok(route) = std::env::var("CHAIN_ROUTE") {
        let iterations = std::env::var("CHAIN_ITERATIONS").ok().and_then(|n| n.parse().ok());
        let app = rt.block_on(app_for(&route));
        serve_only(&rt, &app, iterations.unwrap_or(10_000));
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
        ("/lifecycle-rendered", 1),
        ("/guard", 1),
        ("/guard3", 3),
        ("/middleware", 1),
        ("/middleware3", 3),
        ("/scoped", 0),
        ("/shared", 1),
    ];
    // Rounds interleave the routes so drift on a shared machine hits them alike; best round wins.
    let apps: Vec<lauren::App> =
        routes.iter().map(|(route, _)| rt.block_on(app_for(route))).collect();
    let mut best = vec![(Duration::MAX, 0.0); routes.len()];
    for _ in 0..7 {
        for (i, app) in apps.iter().enumerate() {
            let (time, allocs) = measure(&rt, app);
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
