//! Declarative validation: `garde`-validated bodies and bounds on scalar parameters, with
//! Lauren's 422 shapes; an invalid `pattern` is a startup error.

use garde::Validate;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, Validate)]
struct NewItem {
    #[garde(length(min = 1, max = 20))]
    name: String,
    #[garde(range(min = 1, max = 99))]
    qty: u32,
}

#[derive(Deserialize, Validate)]
struct Paging {
    #[garde(range(max = 100))]
    per_page: u32,
}

#[derive(Default)]
struct BoundsController;

#[controller("/b")]
impl BoundsController {
    #[post("/items")]
    async fn create(&self, item: Json<NewItem>) -> String {
        format!("{} x{}", item.name, item.qty)
    }

    #[get("/paged")]
    async fn paged(&self, paging: Query<Paging>) -> String {
        paging.per_page.to_string()
    }

    #[get("/list")]
    async fn list(
        &self,
        #[query(le = 50, default = 10)] size: u32,
        #[query(ge = -5, lt = 5)] offset: Option<i32>,
        #[query(gt = 0.5)] ratio: Option<f64>,
    ) -> String {
        format!("{size} {offset:?} {ratio:?}")
    }

    #[get("/search")]
    async fn search(
        &self,
        #[query(min_length = 2, max_length = 5, pattern = "[a-z]+")] q: String,
        #[query(default = "name")] sort: String,
    ) -> String {
        format!("{q} by {sort}")
    }

    #[get("/orders/{id}")]
    async fn order(&self, #[path(ge = 1)] id: u64) -> String {
        id.to_string()
    }
}

#[module(controllers = [BoundsController])]
struct BoundsModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(BoundsModule)).await
}

async fn error_of(client: &TestClient, uri: &str) -> Value {
    let response = client.get(uri).await;
    assert_eq!(response.status(), 422, "{uri}");
    response.json()
}

#[tokio::test]
async fn a_validated_json_body_lists_every_violation() {
    let client = client().await;
    let ok = client.post("/b/items").json(&json!({"name":"pen","qty":2})).await;
    assert_eq!(ok.text(), "pen x2");
    let bad = client.post("/b/items").json(&json!({"name":"","qty":500})).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        bad.json::<Value>(),
        json!({"error":{"code":"extractor_error","message":"Validation failed for field 'item'","detail":{"field":"item","errors":["name: length is lower than 1","qty: greater than 99"]}}})
    );
}

#[tokio::test]
async fn a_validated_query_struct_too() {
    let client = client().await;
    assert_eq!(client.get("/b/paged?per_page=20").await.text(), "20");
    assert_eq!(
        error_of(&client, "/b/paged?per_page=500").await,
        json!({"error":{"code":"extractor_error","message":"Validation failed for field 'paging'","detail":{"field":"paging","errors":["per_page: greater than 100"]}}})
    );
}

#[tokio::test]
async fn numeric_bounds_and_defaults() {
    let client = client().await;
    assert_eq!(client.get("/b/list").await.text(), "10 None None");
    assert_eq!(
        client.get("/b/list?size=50&offset=-5&ratio=0.75").await.text(),
        "50 Some(-5) Some(0.75)"
    );
    let cases = [
        ("/b/list?size=51", "size must be <= 50", "size", "le"),
        ("/b/list?offset=-6", "offset must be >= -5", "offset", "ge"),
        ("/b/list?offset=5", "offset must be < 5", "offset", "lt"),
        ("/b/list?ratio=0.5", "ratio must be > 0.5", "ratio", "gt"),
    ];
    for (uri, message, field, constraint) in cases {
        assert_eq!(
            error_of(&client, uri).await,
            json!({"error":{"code":"extractor_field_error","message":message,"detail":{"field":field,"constraint":constraint}}}),
            "{uri}"
        );
    }
    // A present but unparsable value is still a parse error, not the default.
    let invalid = error_of(&client, "/b/list?size=big").await;
    assert_eq!(
        invalid["error"]["message"],
        "invalid query parameter 'size': invalid digit found in string"
    );
}

#[tokio::test]
async fn length_and_pattern_bounds() {
    let client = client().await;
    assert_eq!(client.get("/b/search?q=abc").await.text(), "abc by name");
    assert_eq!(client.get("/b/search?q=abc&sort=date").await.text(), "abc by date");
    assert_eq!(
        error_of(&client, "/b/search?q=a").await,
        json!({"error":{"code":"extractor_field_error","message":"q too short","detail":{"field":"q","constraint":"min_length"}}})
    );
    assert_eq!(error_of(&client, "/b/search?q=abcdef").await["error"]["message"], "q too long");
    // The pattern must match the whole value.
    assert_eq!(
        error_of(&client, "/b/search?q=ab1").await,
        json!({"error":{"code":"extractor_field_error","message":"q does not match pattern","detail":{"field":"q","pattern":"[a-z]+"}}})
    );
}

#[tokio::test]
async fn path_variables_take_bounds() {
    let client = client().await;
    assert_eq!(client.get("/b/orders/7").await.text(), "7");
    assert_eq!(
        error_of(&client, "/b/orders/0").await,
        json!({"error":{"code":"extractor_field_error","message":"id must be >= 1","detail":{"field":"id","constraint":"ge"}}})
    );
}

#[derive(Default)]
struct BrokenPatternController;

#[controller("/broken")]
impl BrokenPatternController {
    #[get]
    async fn show(&self, #[query(pattern = "([a-z]")] q: String) -> String {
        q
    }
}

#[module(controllers = [BrokenPatternController])]
struct BrokenPatternModule;

#[tokio::test]
async fn an_invalid_pattern_is_a_startup_error_naming_the_handler() {
    let err = LaurenFactory::create(BrokenPatternModule).build().await.expect_err("bad regex");
    assert_eq!(err.code(), "invalid_route");
    assert!(
        err.to_string().starts_with(
            "BrokenPatternController::show: pattern \"([a-z]\" is not usable: regex parse error"
        ),
        "{err}"
    );
}
