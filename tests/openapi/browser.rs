//! Pages of the examples in a real browser: Debian's Chromium, driven by playwright-core
//! (`tests/browser/*.mjs`), against the example served on a real socket: the docs page of the
//! `openapi` example, and the `chat` example's page in two tabs.
//!
//! Needs `/usr/bin/chromium` (`apt-get install chromium`; or `CHROMIUM=path`) and
//! `npm ci --prefix tests/browser`. Without them the tests are skipped with a notice, unless
//! `LAUREN_REQUIRE_TOOLS=1` (as `.ci/run` sets) makes that a failure. Screenshots are kept at
//! `target/tmp/docs-page.png` and `target/tmp/chat-page.png`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::serve;

fn missing_tool(what: &str) {
    assert!(
        std::env::var_os("LAUREN_REQUIRE_TOOLS").is_none(),
        "{what} is missing (LAUREN_REQUIRE_TOOLS is set)"
    );
    eprintln!("skipped: {what} is missing; see tests/openapi/browser.rs to run it");
}

/// Chromium's path and the scripts' directory, or `None` (after the notice) when one is
/// missing.
fn tools() -> Option<(String, PathBuf)> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let browser_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    if !Path::new(&chromium).exists() {
        missing_tool(&format!("Chromium ({chromium})"));
        return None;
    }
    if !browser_dir.join("node_modules/playwright-core").exists() {
        missing_tool("playwright-core (npm ci --prefix tests/browser)");
        return None;
    }
    Some((chromium, browser_dir))
}

/// Runs `script` (in `tests/browser`) with node against `base`, keeping a screenshot at
/// `target/tmp/<screenshot>`, then any `args`; the one JSON line it prints, once it succeeded.
async fn run_script(
    (chromium, browser_dir): (String, PathBuf),
    script: &str,
    base: String,
    screenshot: &str,
    args: Vec<String>,
) -> Value {
    let script = browser_dir.join(script);
    let screenshot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(screenshot);
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(&script)
            .arg(&base)
            .arg(&screenshot)
            .args(&args)
            .env("CHROMIUM", &chromium)
            .output()
    })
    .await
    .expect("the browser task does not panic")
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the page check failed:\n{stdout}\n{stderr}");
    serde_json::from_str(stdout.trim()).expect("one JSON line")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_chat_tabs_exchange_messages_in_chromium() {
    let Some(tools) = tools() else { return };
    let running = serve(crate::examples::chat::app()).await;
    let base = format!("http://{}", running.addr);
    let seen = run_script(tools, "chat_page.mjs", base, "chat-page.png", Vec::new()).await;
    running.shutdown().await;
    for tab in ["tab1", "tab2"] {
        let lines: Vec<&str> =
            seen[tab].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        assert_eq!(lines.len(), 2, "{seen:#}");
        assert!(lines[0].ends_with(": hello from tab 1"), "{seen:#}");
        assert!(lines[1].ends_with(": hi back from tab 2"), "{seen:#}");
    }
    // Each tab is its own client: the two messages come from two ids.
    let ids: Vec<&str> = seen["tab1"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str()?.split(':').next())
        .collect();
    assert_ne!(ids[0], ids[1], "{seen:#}");
    assert_eq!(seen["status"], serde_json::json!(["connected", "connected"]), "{seen:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docs_page_lists_every_operation_and_runs_one_in_chromium() {
    let Some(tools) = tools() else { return };

    let app = crate::examples::openapi::app().build().await.expect("the example builds");
    let document = app.openapi_document().expect("the example enables OpenAPI").clone();
    let mut expected = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in item.as_object().into_iter().flatten().map(|(m, _)| m) {
            expected.push(format!("{} {path}", method.to_ascii_uppercase()));
        }
    }
    assert!(expected.len() >= 5, "{expected:?}");
    let running = serve(app).await;
    let base = format!("http://{}", running.addr);
    let mut args = expected;
    args.extend(["--", "GET /orders/{id}", "id=7"].map(str::to_owned));
    let seen = run_script(tools, "docs_page.mjs", base, "docs-page.png", args).await;
    running.shutdown().await;
    assert_eq!(seen["missing"], serde_json::json!([]), "{seen:#}");
    assert_eq!(seen["offsite"], serde_json::json!([]), "the page loads nothing from elsewhere");
    assert_eq!(seen["executed"]["status"], "200", "{seen:#}");
    let body: Value = serde_json::from_str(seen["executed"]["body"].as_str().unwrap_or_default())
        .expect("the live response is JSON");
    assert_eq!(body["id"], 7, "{seen:#}");
    eprintln!(
        "docs page screenshot: {}",
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("docs-page.png").display()
    );
}
