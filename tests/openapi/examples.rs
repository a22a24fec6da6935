//! Every example's document: snapshot-tested (a change is a reviewed diff) and validated
//! against the OpenAPI 3.1 schema by `openapi-spec-validator`, a real validator from PyPI.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p lauren-tests --test openapi` rewrites the snapshots.
//! The validator is `LAUREN_OPENAPI_VALIDATOR`, else `openapi-spec-validator` on the `PATH`;
//! without either the check is skipped with a notice, unless `LAUREN_REQUIRE_TOOLS=1` (as
//! `.ci/run` sets) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

macro_rules! examples {
    ($($name:ident = $file:literal),* $(,)?) => {
        $(
            #[allow(dead_code, clippy::all)]
            #[path = $file]
            pub(crate) mod $name;
        )*

        /// `(name, document)` of every example.
        async fn documents() -> Vec<(&'static str, Value)> {
            let mut documents = Vec::new();
            $(
                let app = $name::app().build().await.expect(concat!(stringify!($name), " builds"));
                let document = app.openapi_document().expect("the example enables OpenAPI").clone();
                documents.push((stringify!($name), document));
            )*
            documents
        }
    };
}

examples!(
    hello = "../../examples/hello.rs",
    di = "../../examples/di.rs",
    interceptors = "../../examples/interceptors.rs",
    guards = "../../examples/guards.rs",
    esmerald_style = "../../examples/esmerald_style.rs",
    lifecycle = "../../examples/lifecycle.rs",
    openapi = "../../examples/openapi.rs",
    streaming = "../../examples/streaming.rs",
    chat = "../../examples/chat.rs",
);

fn snapshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/snapshots").join(format!("{name}.json"))
}

#[tokio::test]
async fn every_example_document_matches_its_snapshot() {
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut changed = Vec::new();
    for (name, document) in documents().await {
        let rendered = serde_json::to_string_pretty(&document).expect("a document renders") + "\n";
        let path = snapshot_path(name);
        if update {
            std::fs::write(&path, &rendered).expect("write the snapshot");
            continue;
        }
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        if stored != rendered {
            changed.push(name);
        }
    }
    assert!(
        changed.is_empty(),
        "the documents of {changed:?} changed: run `UPDATE_SNAPSHOTS=1 cargo test -p lauren-tests --test openapi` and review the diff"
    );
}

#[tokio::test]
async fn every_example_document_is_valid_openapi_3_1() {
    let validator = std::env::var("LAUREN_OPENAPI_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".to_owned());
    let dir = std::env::temp_dir().join(format!("lauren-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let mut files = Vec::new();
    for (name, document) in documents().await {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, document.to_string()).expect("write the document");
        files.push(path);
    }
    let output = match Command::new(&validator).arg("--schema").arg("3.1").args(&files).output() {
        Ok(output) => output,
        Err(err) if std::env::var_os("LAUREN_REQUIRE_TOOLS").is_none() => {
            eprintln!(
                "skipped: `{validator}` did not run ({err}); `pip install openapi-spec-validator` to check the documents"
            );
            return;
        }
        Err(err) => panic!("`{validator}` did not run: {err}"),
    };
    let report = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{report}");
    assert_eq!(report.matches(": OK").count(), files.len(), "{report}");
    let _ = std::fs::remove_dir_all(&dir);
}
