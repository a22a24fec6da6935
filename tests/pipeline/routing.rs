//! Routing exactly as Lauren: static > param > wildcard, trailing slash, 404 / 405 + Allow.

use lauren::Method;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::json;

#[derive(Default)]
struct PlainController;

#[controller("/p")]
impl PlainController {
    #[get]
    async fn root(&self) -> &'static str {
        "prefix itself"
    }

    #[get("/plain")]
    async fn get_plain(&self) -> &'static str {
        "get plain"
    }

    #[post("/plain")]
    async fn post_plain(&self) -> &'static str {
        "post plain"
    }

    #[get("/users/{id}")]
    async fn user(&self, id: u64) -> String {
        format!("user {id}")
    }

    #[get("/users/me")]
    async fn me(&self) -> &'static str {
        "me"
    }

    #[get("/files/{*rest}")]
    async fn files(&self, rest: String) -> String {
        format!("rest=[{rest}]")
    }

    #[get("/files/special")]
    async fn special(&self) -> &'static str {
        "special"
    }

    #[get("/Case")]
    async fn case(&self) -> &'static str {
        "Case"
    }

    // Served as curl sends it (raw, or `%c3%a9`) and as a browser does (`%C3%A9`).
    #[get("/café/{id}")]
    async fn encoded(&self, id: u32) -> String {
        format!("café {id}")
    }

    #[get("/multi")]
    #[put("/multi")]
    #[delete("/multi-too")]
    async fn multi(&self, method: Method) -> String {
        format!("multi via {method}")
    }

    #[get("/no-receiver")]
    async fn no_receiver() -> &'static str {
        "no receiver"
    }

    #[head("/h")]
    async fn head_only(&self) {}

    #[options("/h")]
    async fn options_only(&self) -> &'static str {
        "options"
    }

    #[patch("/h")]
    async fn patch_only(&self) -> &'static str {
        "patched"
    }
}

#[module(controllers = [PlainController])]
struct RoutingModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(RoutingModule)).await
}

#[tokio::test]
async fn each_verb_reaches_its_handler() {
    let client = client().await;
    assert_eq!(client.get("/p/plain").await.text(), "get plain");
    assert_eq!(client.post("/p/plain").await.text(), "post plain");
    assert_eq!(client.patch("/p/h").await.text(), "patched");
    assert_eq!(client.options("/p/h").await.text(), "options");
    assert_eq!(client.head("/p/h").await.status(), 204);
}

#[tokio::test]
async fn bare_verb_serves_the_prefix_itself() {
    let response = client().await.get("/p").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "prefix itself");
}

#[tokio::test]
async fn stacked_verbs_share_one_handler() {
    let client = client().await;
    assert_eq!(client.get("/p/multi").await.text(), "multi via GET");
    assert_eq!(client.put("/p/multi").await.text(), "multi via PUT");
    assert_eq!(client.delete("/p/multi-too").await.text(), "multi via DELETE");
}

#[tokio::test]
async fn handlers_without_receiver_work() {
    assert_eq!(client().await.get("/p/no-receiver").await.text(), "no receiver");
}

#[tokio::test]
async fn static_beats_param_beats_wildcard() {
    let client = client().await;
    assert_eq!(client.get("/p/users/me").await.text(), "me");
    assert_eq!(client.get("/p/users/42").await.text(), "user 42");
    assert_eq!(client.get("/p/files/special").await.text(), "special");
    assert_eq!(client.get("/p/files/a/b/c.txt").await.text(), "rest=[a/b/c.txt]");
}

#[tokio::test]
async fn wildcard_may_match_empty() {
    let client = client().await;
    assert_eq!(client.get("/p/files").await.text(), "rest=[]");
    assert_eq!(client.get("/p/files/").await.text(), "rest=[]");
}

#[tokio::test]
async fn trailing_slash_is_normalised() {
    let response = client().await.get("/p/plain/").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), "get plain");
}

#[tokio::test]
async fn routing_is_case_sensitive() {
    let client = client().await;
    assert_eq!(client.get("/p/Case").await.status(), 200);
    assert_eq!(client.get("/p/case").await.status(), 404);
}

#[tokio::test]
async fn a_route_with_non_ascii_text_is_served_under_each_spelling_clients_send() {
    let client = client().await;
    for path in ["/p/caf%C3%A9/7", "/p/caf%c3%a9/7"] {
        assert_eq!(client.get(path).await.text(), "café 7", "{path}");
    }
    assert_eq!(client.get("/p/caf%C3%A9/x").await.status(), 422);
    assert_eq!(client.post("/p/caf%c3%a9/7").await.status(), 405);
}

#[tokio::test]
async fn unknown_path_is_404_route_not_found() {
    let response = client().await.get("/nope").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(
        response.json::<serde_json::Value>(),
        json!({"error":{"code":"route_not_found","message":"No route matches GET /nope","detail":{}}})
    );
}

#[tokio::test]
async fn known_path_other_method_is_405_with_sorted_allow() {
    let response = client().await.delete("/p/plain").await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.header("allow"), Some("GET, HEAD, POST"));
    assert_eq!(
        response.json::<serde_json::Value>(),
        json!({"error":{"code":"method_not_allowed","message":"DELETE not allowed for /p/plain","detail":{"allow":["GET","HEAD","POST"]}}})
    );
}

#[tokio::test]
async fn get_implies_head_without_a_body_but_not_options() {
    let client = client().await;
    let get = client.get("/p/plain").await;
    let head = client.head("/p/plain").await;
    assert_eq!(head.status(), get.status());
    assert_eq!(head.header("content-type"), get.header("content-type"));
    assert_eq!(head.header("content-length"), Some(get.text().len().to_string().as_str()));
    assert!(head.bytes().is_empty(), "a HEAD response has no body");
    // A HEAD to an unknown path gets the 404's status and headers, no body either.
    let missing = client.head("/nope").await;
    assert_eq!((missing.status().as_u16(), missing.bytes().len()), (404, 0));
    let options = client.options("/p/plain").await;
    assert_eq!(
        (options.status().as_u16(), options.header("allow")),
        (405, Some("GET, HEAD, POST"))
    );
    assert_eq!(client.get("/p/h").await.header("allow"), Some("HEAD, OPTIONS, PATCH"));
    // Every verb a route can declare is named in `Allow`.
    let multi = client.post("/p/multi").await;
    assert_eq!((multi.status().as_u16(), multi.header("allow")), (405, Some("GET, HEAD, PUT")));
    let multi_too = client.get("/p/multi-too").await;
    assert_eq!(multi_too.header("allow"), Some("DELETE"));
}

#[tokio::test]
async fn app_lists_its_routes() {
    let app = LaurenFactory::create(RoutingModule).build().await.expect("routing app builds");
    let routes = app.routes();
    assert!(routes.iter().any(|r| r.method == Method::GET
        && r.path == "/p/users/{id}"
        && r.handler == "PlainController::user"));
    assert_eq!(routes.iter().filter(|r| r.handler == "PlainController::multi").count(), 3);
}

#[test]
fn controllers_are_registered_through_inventory() {
    let found = lauren::registered_controllers().find(|c| c.type_name == "PlainController");
    let controller = found.expect("PlainController is in the inventory registry");
    assert_eq!(controller.prefix, "/p");
    assert_eq!(controller.routes.len(), 16);
}
