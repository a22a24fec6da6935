//! `Logger`'s events, and a lifecycle type attached as a value and again by type running once.

use std::sync::{Arc, Mutex, PoisonError};

use lauren::builtin::{Auths, Logger, Principal, TokenVerifier};
use lauren::prelude::*;
use lauren::testing::TestClient;

use super::Tokens;

/// Collects what every test of this binary logs (a global subscriber: tracing caches per
/// call site whether anyone listens, so a thread-local one would miss events other threads
/// saw first). Tests pick their own lines by route.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn global() -> &'static Captured {
        static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
        CAPTURED.get_or_init(|| {
            let captured = Captured::default();
            let writer = captured.clone();
            let subscriber = tracing_subscriber::fmt()
                .with_writer(move || writer.clone())
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .finish();
            tracing::subscriber::set_global_default(subscriber)
                .expect("no other global subscriber in the interceptor tests");
            captured
        })
    }

    fn lines(&self) -> Vec<String> {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).lines().map(str::to_owned).collect()
    }
}

#[derive(Default)]
struct LoggedController;

#[controller("/logged")]
impl LoggedController {
    #[get("/me")]
    async fn me(&self, who: Principal) -> String {
        who.subject
    }
}

#[module(controllers = [LoggedController])]
struct LoggedModule;

#[tokio::test]
async fn logger_writes_one_event_per_request_with_status_route_latency_and_error() {
    let captured = Captured::global();
    let client = TestClient::new(
        LaurenFactory::create(LoggedModule).global_interceptors((Auths::new(Tokens), Logger)),
    )
    .await;
    client.get("/logged/me").header("authorization", "Bearer ada-token").send().await;
    client.get("/logged/me").send().await;
    let lines: Vec<String> = captured
        .lines()
        .into_iter()
        .filter(|l| l.contains("lauren::request") && l.contains("/logged/me"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:#?}");
    assert!(
        lines[0]
            .contains(r#"request method=GET route="/logged/me" status=200 error="" latency_us="#),
        "{}",
        lines[0]
    );
    // Auths failed before Logger's own `before`: no latency, the error code.
    assert!(
        lines[1].contains(
            r#"request failed method=GET route="/logged/me" status=401 error="unauthorized""#
        ),
        "{}",
        lines[1]
    );
    assert!(!lines[1].contains("latency_us"), "{}", lines[1]);
}

/// Counts its verifications.
#[derive(Default)]
struct CountedTokens;

static VERIFIED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl TokenVerifier for CountedTokens {
    async fn verify(&self, token: &str) -> lauren::Result<Principal> {
        VERIFIED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Tokens.verify(token).await
    }
}

#[derive(Default)]
struct TwiceController;

// `Auths` again by type on a controller, with the value given globally below.
#[controller("/twice")]
#[use_interceptors(Auths<CountedTokens>, Logger)]
impl TwiceController {
    #[use_interceptors(Logger)]
    #[get("/me")]
    async fn me(&self, who: Principal) -> String {
        who.subject
    }
}

#[module(controllers = [TwiceController])]
struct TwiceModule;

#[tokio::test]
async fn a_lifecycle_type_attached_as_a_value_and_again_by_type_runs_once() {
    let captured = Captured::global();
    let client = TestClient::new(
        LaurenFactory::create(TwiceModule).global_interceptors((Auths::new(CountedTokens), Logger)),
    )
    .await;
    let before = VERIFIED.load(std::sync::atomic::Ordering::SeqCst);
    let res = client.get("/twice/me").header("authorization", "Bearer ada-token").send().await;
    assert_eq!((res.status().as_u16(), res.text().as_str()), (200, "ada"));
    assert_eq!(VERIFIED.load(std::sync::atomic::Ordering::SeqCst) - before, 1);
    let lines: Vec<String> = captured
        .lines()
        .into_iter()
        .filter(|l| l.contains("lauren::request") && l.contains("/twice/me"))
        .collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert!(lines[0].contains("status=200"), "{}", lines[0]);
}
