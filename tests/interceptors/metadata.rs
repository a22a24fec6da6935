//! `#[set_metadata]`: typed values, controller merged with route (route wins), upper attribute
//! wins on one target, JSON literals validated at startup.

use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

/// Copies every effective metadata entry into the reply, for the tests to read.
#[derive(Default)]
#[interceptor]
struct Audit;

impl Interceptor for Audit {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let mut seen = serde_json::Map::new();
        for (key, value) in ctx.metadata_entries() {
            seen.insert(key.to_owned(), value.to_json());
        }
        let typed = json!({
            "action": ctx.metadata::<&str>("audit_action"),
            "limit": ctx.metadata::<u32>("limit"),
            "ratio": ctx.metadata::<f64>("ratio"),
            "public": ctx.metadata::<bool>("public"),
            "roles": ctx.metadata::<&Value>("roles"),
            "limit_as_text": ctx.metadata::<&str>("limit"),
        });
        next.handle(ctx).await?;
        Ok(Reply::new(Json(json!({"entries": seen, "typed": typed}))))
    }
}

#[derive(Default)]
struct AuditedController;

#[set_metadata("audit_action", "controller-default")]
#[controller("/m")]
#[set_metadata("limit", 10)]
#[set_metadata("public", false)]
#[use_interceptors(Audit)]
impl AuditedController {
    #[set_metadata("audit_action", "list-orders")]
    #[set_metadata("ratio", 0.25)]
    #[set_metadata("roles", ["admin", {"team": "ops", "level": -2}])]
    #[get("/list")]
    async fn list(&self) {}

    #[set_metadata("limit", 1)]
    #[set_metadata("limit", 2)]
    #[set_metadata("public", true)]
    #[get("/upper")]
    async fn upper(&self) {}

    #[get("/inherited")]
    async fn inherited(&self) {}
}

#[derive(Default)]
struct BrokenMetadata;

#[controller("/broken")]
impl BrokenMetadata {
    #[set_metadata("roles", ["admin",])]
    #[get]
    async fn broken(&self) {}
}

#[module(controllers = [AuditedController])]
struct AuditModule;

#[module(controllers = [BrokenMetadata])]
struct BrokenModule;

async fn seen(path: &str) -> Value {
    let response = TestClient::new(LaurenFactory::create(AuditModule)).await.get(path).await;
    assert_eq!(response.status(), 200);
    response.json()
}

#[tokio::test]
async fn route_metadata_is_merged_over_controller_metadata() {
    let body = seen("/m/list").await;
    assert_eq!(
        body["entries"],
        json!({
            "audit_action": "list-orders",
            "ratio": 0.25,
            "roles": ["admin", {"team": "ops", "level": -2}],
            "limit": 10,
            "public": false,
        })
    );
    assert_eq!(
        body["typed"],
        json!({
            "action": "list-orders",
            "limit": 10,
            "ratio": 0.25,
            "public": false,
            "roles": ["admin", {"team": "ops", "level": -2}],
            "limit_as_text": null,
        })
    );
}

#[tokio::test]
async fn the_upper_of_two_attributes_with_one_key_wins() {
    let body = seen("/m/upper").await;
    assert_eq!(body["typed"]["limit"], 1);
    assert_eq!(body["typed"]["public"], true);
}

#[tokio::test]
async fn routes_without_metadata_see_the_controller_metadata() {
    let body = seen("/m/inherited").await;
    assert_eq!(
        body["entries"],
        json!({"audit_action": "controller-default", "limit": 10, "public": false})
    );
}

#[tokio::test]
async fn invalid_json_metadata_fails_at_startup_naming_the_route() {
    let err = LaurenFactory::create(BrokenModule).build().await.expect_err("invalid JSON literal");
    assert_eq!(err.code(), "invalid_metadata");
    assert!(
        err.to_string()
            .starts_with("metadata `roles` of BrokenMetadata::broken is not valid JSON: "),
        "{err}"
    );
}
