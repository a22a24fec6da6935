"""Generates equivalent 50-controller / 200-route apps for lauren-rs and axum, for build-time
comparisons: `python3 bench/gen_app.py OUT_DIR` writes OUT_DIR/lauren_app and OUT_DIR/axum_app.
`LAUREN_FEATURES=openapi` builds lauren with that feature, its types deriving `JsonSchema`, and
the app serving its document."""

import os
import sys
from pathlib import Path

CONTROLLERS = 50
ROOT = Path(__file__).resolve().parent.parent

CARGO = """[package]
name = "{name}"
version = "0.0.0"
edition = "2024"
publish = false

[workspace]

[dependencies]
{deps}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"
tokio = {{ version = "1", features = ["rt-multi-thread", "net", "macros"] }}
"""

LAUREN_CONTROLLER = """use lauren::prelude::*;
use serde::{{Deserialize, Serialize}};

#[derive(Deserialize, Serialize{schema})]
pub struct Item{n} {{
    pub id: u64,
    pub name: String,
}}

#[derive(Default)]
pub struct Controller{n};

#[controller("/c{n}/items")]
impl Controller{n} {{
    #[get]
    async fn list(&self, page: Option<u32>) -> Json<Vec<Item{n}>> {{
        let _ = page;
        Json(Vec::new())
    }}

    #[get("/{{id}}")]
    async fn show(&self, id: u64) -> Json<Item{n}> {{
        Json(Item{n} {{ id, name: format!("item-{{id}}") }})
    }}

    #[post]
    async fn create(&self, item: Json<Item{n}>) -> (StatusCode, Json<Item{n}>) {{
        (StatusCode::CREATED, item)
    }}

    #[delete("/{{id}}")]
    async fn remove(&self, id: u64) {{
        let _ = id;
    }}
}}
"""

AXUM_CONTROLLER = """use axum::extract::{{Path, Query}};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{{Json, Router}};
use serde::{{Deserialize, Serialize}};

#[derive(Deserialize, Serialize)]
pub struct Item{n} {{
    pub id: u64,
    pub name: String,
}}

#[derive(Deserialize)]
pub struct Paging{n} {{
    pub page: Option<u32>,
}}

async fn list(Query(paging): Query<Paging{n}>) -> Json<Vec<Item{n}>> {{
    let _ = paging.page;
    Json(Vec::new())
}}

async fn show(Path(id): Path<u64>) -> Json<Item{n}> {{
    Json(Item{n} {{ id, name: format!("item-{{id}}") }})
}}

async fn create(Json(item): Json<Item{n}>) -> (StatusCode, Json<Item{n}>) {{
    (StatusCode::CREATED, Json(item))
}}

async fn remove(Path(id): Path<u64>) -> StatusCode {{
    let _ = id;
    StatusCode::NO_CONTENT
}}

pub fn router() -> Router {{
    Router::new()
        .route("/c{n}/items", get(list).post(create))
        .route("/c{n}/items/{{id}}", get(show).delete(remove))
}}
"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main() -> None:
    out = Path(sys.argv[1])
    numbers = range(CONTROLLERS)

    lauren = out / "lauren_app"
    lauren_features = os.environ.get("LAUREN_FEATURES", "").split()
    openapi = "openapi" in lauren_features
    listed_features = ", ".join(f'"{feature}"' for feature in lauren_features)
    lauren_dep = f'lauren = {{ path = "{ROOT / "lauren-rs"}", features = [{listed_features}] }}'
    if openapi:
        lauren_dep += '\nschemars = "1"'
    write(lauren / "Cargo.toml", CARGO.format(name="lauren_app", deps=lauren_dep))
    schema = ", schemars::JsonSchema" if openapi else ""
    for n in numbers:
        write(lauren / f"src/controllers/c{n}.rs", LAUREN_CONTROLLER.format(n=n, schema=schema))
    mods = "".join(f"pub mod c{n};\n" for n in numbers)
    write(lauren / "src/controllers/mod.rs", mods)
    listed = ", ".join(f"controllers::c{n}::Controller{n}" for n in numbers)
    write(
        lauren / "src/main.rs",
        "mod controllers;\n\nuse lauren::prelude::*;\n\n"
        f"#[module(controllers = [{listed}])]\nstruct AppModule;\n\n"
        "#[tokio::main]\nasync fn main() -> Result<(), lauren::ServeError> {\n"
        + (
            '    LaurenFactory::create(AppModule)\n'
            '        .openapi(lauren::openapi::OpenApi::new("bench", "1"))\n'
            '        .listen("127.0.0.1:3000")\n        .await\n}\n'
            if openapi
            else '    LaurenFactory::create(AppModule).listen("127.0.0.1:3000").await\n}\n'
        ),
    )

    axum = out / "axum_app"
    # AXUM_FEATURES=http2 gives axum the HTTP/2 support lauren's server always has.
    features = os.environ.get("AXUM_FEATURES", "").split()
    axum_dep = 'axum = "0.8"'
    if features:
        listed = ", ".join(f'"{feature}"' for feature in features)
        axum_dep = f'axum = {{ version = "0.8", features = [{listed}] }}'
    write(axum / "Cargo.toml", CARGO.format(name="axum_app", deps=axum_dep))
    for n in numbers:
        write(axum / f"src/controllers/c{n}.rs", AXUM_CONTROLLER.format(n=n))
    write(axum / "src/controllers/mod.rs", mods)
    merged = "".join(f"        .merge(controllers::c{n}::router())\n" for n in numbers)
    write(
        axum / "src/main.rs",
        "mod controllers;\n\n#[tokio::main]\nasync fn main() {\n"
        f"    let app = axum::Router::new()\n{merged};\n"
        '    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await.expect("bind");\n'
        "    axum::serve(listener, app).await.expect(\"serve\");\n}\n",
    )


if __name__ == "__main__":
    main()
