//! Handler parameters: path, query, header, cookie, bodies, request head, custom extractors, and
//! the exact 415 / 422 envelopes when they fail.

use lauren::extract::{Field, FromRequest};
use lauren::prelude::*;
use lauren::testing::TestClient;
use lauren::{HeaderMap, Method, RequestHead, Uri};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Deserialize, Serialize)]
struct Item {
    name: String,
    qty: u32,
}

#[derive(Deserialize)]
struct Ids {
    org: String,
    repo: u32,
}

#[derive(Deserialize)]
struct Paging {
    page: u32,
    per_page: Option<u32>,
}

#[derive(Deserialize)]
struct Login {
    user: String,
    remember: bool,
}

/// A user-defined extractor through the public extension point.
struct Tenant(String);

impl FromRequest for Tenant {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        field: &'static Field,
    ) -> Result<Self, HttpError> {
        match ctx.headers().get("x-tenant").and_then(|v| v.to_str().ok()) {
            Some(tenant) => Ok(Tenant(tenant.to_owned())),
            None => {
                Err(HttpError::unauthorized(format!("{} needs an x-tenant header", field.name())))
            }
        }
    }
}

#[derive(Default)]
struct ExtractController;

#[controller("/x")]
impl ExtractController {
    #[get("/path/{id}")]
    async fn path_scalar(&self, id: u32) -> String {
        format!("id={id}")
    }

    #[get("/text/{word}")]
    async fn path_text(&self, word: String) -> String {
        word
    }

    #[get("/query")]
    async fn query_scalars(&self, q: String, n: Option<i32>, on: Option<bool>) -> String {
        format!("q={q} n={n:?} on={on:?}")
    }

    #[get("/orgs/{org}/repos/{repo}")]
    async fn path_struct(&self, ids: Path<Ids>) -> String {
        format!("{}#{}", ids.org, ids.repo)
    }

    // Named like one of the variables, it still takes them all.
    #[get("/named/{org}/{repo}")]
    async fn path_struct_named_like_a_variable(&self, org: Path<Ids>) -> String {
        format!("{}#{}", org.org, org.repo)
    }

    #[get("/paged")]
    async fn query_struct(&self, paging: Query<Paging>) -> String {
        format!("page={} per_page={:?}", paging.page, paging.per_page)
    }

    #[get("/header")]
    async fn header(&self, x_api_key: Header<String>, x_count: Option<Header<u32>>) -> String {
        format!("key={} count={:?}", x_api_key.0, x_count.map(|h| h.0))
    }

    #[get("/cookie")]
    async fn cookie(&self, sid: Cookie<String>) -> String {
        format!("sid={}", sid.0)
    }

    #[post("/json")]
    async fn json(&self, item: Json<Item>) -> Json<Item> {
        item
    }

    #[post("/form")]
    async fn form(&self, login: Form<Login>) -> String {
        format!("user={} remember={}", login.user, login.remember)
    }

    #[post("/bytes")]
    async fn bytes(&self, body: Bytes) -> String {
        format!("{} bytes", body.len())
    }

    #[post("/text")]
    async fn text(&self, body: RawBody<String>) -> String {
        body.0.to_uppercase()
    }

    #[post("/raw-vec")]
    async fn raw_vec(&self, body: RawBody<Vec<u8>>) -> Vec<u8> {
        body.0.into_iter().rev().collect()
    }

    #[get("/head")]
    async fn head(
        &self,
        request: &RequestHead,
        headers: HeaderMap,
        method: Method,
        uri: Uri,
    ) -> String {
        format!(
            "{} {} {} x-probe={:?}",
            request.method,
            method,
            uri.path(),
            headers.get("x-probe").and_then(|v| v.to_str().ok())
        )
    }

    #[get("/tenant")]
    async fn tenant(&self, who: Tenant) -> String {
        who.0
    }

    #[get("/ctx/{item}")]
    async fn context(&self, item: String, ctx: &ExecutionContext<'_>) -> String {
        format!(
            "{item} {}::{} {} {}",
            ctx.handler_class(),
            ctx.handler_func(),
            ctx.route_template(),
            ctx.method()
        )
    }
}

#[module(controllers = [ExtractController])]
struct ExtractModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ExtractModule)).await
}

async fn small_client() -> TestClient {
    TestClient::new(LaurenFactory::create(ExtractModule).body_limit(256)).await
}

async fn error_of(response: lauren::testing::TestResponse) -> (u16, Value) {
    assert_eq!(response.header("content-type"), Some("application/json"));
    (response.status().as_u16(), response.json())
}

#[tokio::test]
async fn bare_parameter_named_like_a_placeholder_is_the_path_value() {
    assert_eq!(client().await.get("/x/path/7").await.text(), "id=7");
}

#[tokio::test]
async fn path_values_are_percent_decoded() {
    assert_eq!(client().await.get("/x/text/hello%20w%C3%B6rld").await.text(), "hello wörld");
}

#[tokio::test]
async fn unparsable_path_value_is_422_without_a_field() {
    // Present but invalid: the message says what and why; only a missing value names a field.
    let (status, body) = error_of(client().await.get("/x/path/seven").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_field_error","message":"invalid path parameter 'id': invalid digit found in string","detail":{}}})
    );
}

#[tokio::test]
async fn invalid_percent_encoding_in_path_is_422_not_a_panic() {
    let (status, body) = error_of(client().await.get("/x/text/%FF%FE").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["message"],
        "invalid path parameter 'word': not valid UTF-8 after percent-decoding"
    );
}

#[tokio::test]
async fn bare_scalars_are_query_parameters() {
    let client = client().await;
    assert_eq!(
        client.get("/x/query?q=rust&n=-3&on=true").await.text(),
        "q=rust n=Some(-3) on=Some(true)"
    );
    assert_eq!(client.get("/x/query?q=a+b%21").await.text(), "q=a b! n=None on=None");
    let response = client.get("/x/query").query(&[("q", "x y"), ("n", "5")]).await;
    assert_eq!(response.text(), "q=x y n=Some(5) on=None");
}

#[tokio::test]
async fn missing_query_parameter_is_422_with_exact_envelope() {
    let (status, body) = error_of(client().await.get("/x/query").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_field_error","message":"missing query parameter 'q'","detail":{"field":"q"}}})
    );
}

#[tokio::test]
async fn invalid_optional_query_parameter_is_still_422() {
    let (status, body) = error_of(client().await.get("/x/query?q=a&n=many").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body["error"]["message"],
        "invalid query parameter 'n': invalid digit found in string"
    );
    assert_eq!(body["error"]["detail"], json!({}));
}

#[tokio::test]
async fn path_struct_gets_every_variable() {
    assert_eq!(client().await.get("/x/orgs/rust-lang/repos/42").await.text(), "rust-lang#42");
    assert_eq!(client().await.get("/x/named/rust-lang/42").await.text(), "rust-lang#42");
    let (status, body) = error_of(client().await.get("/x/orgs/rust-lang/repos/x").await).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "extractor_error");
}

#[tokio::test]
async fn query_struct_deserializes_the_query_string() {
    assert_eq!(client().await.get("/x/paged?page=2").await.text(), "page=2 per_page=None");
    let (status, body) = error_of(client().await.get("/x/paged?per_page=3").await).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_error","message":"Validation failed for field 'paging'","detail":{"field":"paging","errors":["missing field `page`"]}}})
        )
    );
}

#[tokio::test]
async fn header_parameter_maps_underscores_to_dashes() {
    let client = client().await;
    let response = client.get("/x/header").header("x-api-key", "k1").header("x-count", "3").await;
    assert_eq!(response.text(), "key=k1 count=Some(3)");
    let (status, body) = error_of(client.get("/x/header").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_field_error","message":"missing header 'x-api-key'","detail":{"field":"x-api-key"}}})
    );
    let (_, body) =
        error_of(client.get("/x/header").header("x-api-key", "k").header("x-count", "lots").await)
            .await;
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_field_error","message":"invalid header 'x-count': invalid digit found in string","detail":{}}})
    );
}

#[tokio::test]
async fn cookie_parameter_reads_the_named_cookie() {
    let client = client().await;
    let response = client.get("/x/cookie").header("cookie", "theme=dark; sid=abc123").await;
    assert_eq!(response.text(), "sid=abc123");
    let (status, body) =
        error_of(client.get("/x/cookie").header("cookie", "theme=dark").await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_field_error","message":"missing cookie 'sid'","detail":{"field":"sid"}}})
    );
}

#[tokio::test]
async fn path_struct_rejects_invalid_utf8_like_a_bare_parameter() {
    let (status, body) = error_of(client().await.get("/x/orgs/%FF/repos/1").await).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_field_error","message":"invalid path parameter 'org': not valid UTF-8 after percent-decoding","detail":{}}})
        )
    );
}

#[tokio::test]
async fn json_body_round_trips() {
    let response = client().await.post("/x/json").json(&json!({"name":"pen","qty":2})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text(), r#"{"name":"pen","qty":2}"#);
}

#[tokio::test]
async fn malformed_json_is_422_extractor_error() {
    let response = client()
        .await
        .post("/x/json")
        .header("content-type", "application/json")
        .body(r#"{"name":"pen","#)
        .await;
    let (status, body) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_error","message":"invalid JSON: EOF while parsing a value at line 1 column 14","detail":{"field":"item"}}})
    );
}

#[tokio::test]
async fn json_of_the_wrong_shape_is_a_validation_failure() {
    let client = client().await;
    let (status, body) = error_of(client.post("/x/json").json(&json!({"name":"pen"})).await).await;
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"error":{"code":"extractor_error","message":"Validation failed for field 'item'","detail":{"field":"item","errors":["missing field `qty`"]}}})
    );
    let wrong_type = json!({"name":"pen","qty":"two"});
    let (_, body) = error_of(client.post("/x/json").json(&wrong_type).await).await;
    assert_eq!(
        body["error"]["detail"]["errors"],
        json!(["invalid type: string \"two\", expected u32"])
    );
}

#[tokio::test]
async fn json_route_rejects_other_content_types_with_415() {
    let response =
        client().await.post("/x/json").header("content-type", "text/plain").body("{}").await;
    let (status, body) = error_of(response).await;
    assert_eq!(status, 415);
    assert_eq!(
        body,
        json!({"error":{"code":"unsupported_media_type","message":"POST /x/json expects a JSON body (application/json), got text/plain","detail":{"content_type":"text/plain","supported":["application/json","application/*+json"]}}})
    );
}

#[tokio::test]
async fn json_body_over_the_limit_is_422_naming_the_parameter() {
    let big = json!({"name": "x".repeat(300), "qty": 1});
    let (status, body) = error_of(small_client().await.post("/x/json").json(&big).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["code"], "extractor_error");
    assert_eq!(body["error"]["message"], "failed to extract 'item': body exceeds 256 bytes");
    assert_eq!(body["error"]["detail"], json!({"field":"item","source":"json"}));
}

#[tokio::test]
async fn empty_json_body_is_a_missing_field() {
    let response = client().await.post("/x/json").header("content-type", "application/json").await;
    let (status, body) = error_of(response).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["message"], "missing JSON body");
}

#[tokio::test]
async fn form_body_deserializes() {
    let response = client()
        .await
        .post("/x/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=ada+l&remember=true")
        .await;
    assert_eq!(response.text(), "user=ada l remember=true");
    let response = client()
        .await
        .post("/x/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=ada")
        .await;
    let (status, body) = error_of(response).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_error","message":"Validation failed for field 'login'","detail":{"field":"login","errors":["missing field `remember`"]}}})
        )
    );
}

#[tokio::test]
async fn form_route_rejects_other_content_types_with_415() {
    let response =
        client().await.post("/x/form").header("content-type", "application/json").body("{}").await;
    let (status, body) = error_of(response).await;
    assert_eq!(status, 415);
    assert_eq!(
        body,
        json!({"error":{"code":"unsupported_media_type","message":"POST /x/form expects a form body (application/x-www-form-urlencoded), got application/json","detail":{"content_type":"application/json","supported":["application/x-www-form-urlencoded"]}}})
    );
}

#[tokio::test]
async fn raw_bodies() {
    let client = client().await;
    assert_eq!(client.post("/x/bytes").body(vec![0u8, 159, 146, 150]).await.text(), "4 bytes");
    assert_eq!(client.post("/x/text").body("shout").await.text(), "SHOUT");
    assert_eq!(client.post("/x/raw-vec").body(vec![1u8, 2, 3]).await.bytes().as_ref(), [3, 2, 1]);
    let (status, body) = error_of(client.post("/x/text").body(vec![0xffu8, 0xfe]).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["message"], "failed to extract 'body': body is not valid UTF-8");
    let (status, body) =
        error_of(small_client().await.post("/x/bytes").body(vec![0u8; 257]).await).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["message"], "failed to extract 'body': body exceeds 256 bytes");
    assert_eq!(body["error"]["detail"], json!({"field":"body","source":"bytes"}));
    let (_, body) =
        error_of(small_client().await.post("/x/text").body("x".repeat(257)).await).await;
    assert_eq!(body["error"]["detail"], json!({"field":"body","source":"text"}));
    let form = small_client()
        .await
        .post("/x/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("user={}&remember=true", "x".repeat(257)))
        .await;
    let (_, body) = error_of(form).await;
    assert_eq!(body["error"]["detail"], json!({"field":"login","source":"form"}));
}

#[tokio::test]
async fn request_head_parameters() {
    let response = client().await.get("/x/head?z=1").header("x-probe", "yes").await;
    assert_eq!(response.text(), r#"GET GET /x/head x-probe=Some("yes")"#);
}

#[tokio::test]
async fn custom_extractors_plug_in_and_may_reject() {
    let client = client().await;
    assert_eq!(client.get("/x/tenant").header("x-tenant", "acme").await.text(), "acme");
    let (status, body) = error_of(client.get("/x/tenant").await).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        json!({"error":{"code":"unauthorized","message":"who needs an x-tenant header","detail":{}}})
    );
}

#[tokio::test]
async fn execution_context_describes_the_route() {
    let response = client().await.get("/x/ctx/pen").await;
    assert_eq!(response.text(), "pen ExtractController::context /x/ctx/{item} GET");
}

#[tokio::test]
async fn the_content_type_gate_can_warn_or_be_off() {
    for policy in [lauren::ContentTypePolicy::Warn, lauren::ContentTypePolicy::Off] {
        let client =
            TestClient::new(LaurenFactory::create(ExtractModule).strict_content_type(policy)).await;
        // Another content type reaches the extractor, which reads the JSON it was sent.
        let response = client
            .post("/x/json")
            .header("content-type", "text/plain")
            .body(r#"{"name":"pen","qty":1}"#)
            .await;
        assert_eq!(
            (response.status().as_u16(), response.text()),
            (200, r#"{"name":"pen","qty":1}"#.to_owned()),
            "{policy:?}"
        );
        let response =
            client.post("/x/json").header("content-type", "text/plain").body("pen").await;
        let (status, body) = error_of(response).await;
        assert_eq!(
            (status, body["error"]["code"].clone()),
            (422, json!("extractor_error")),
            "{policy:?}"
        );
    }
}

#[tokio::test]
async fn query_and_form_values_that_are_not_utf8_are_rejected_not_replaced() {
    let client = client().await;
    let (status, body) = error_of(client.get("/x/query?q=ab%FFcd").await).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_field_error","message":"invalid query parameter 'q': not valid UTF-8 after percent-decoding","detail":{}}})
        )
    );
    let (status, body) = error_of(client.get("/x/paged?page=1&per_page=%FF").await).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_error","message":"invalid query string: 'per_page' is not valid UTF-8 after percent-decoding","detail":{"field":"paging"}}})
        )
    );
    let form = client
        .post("/x/form")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("user=%FF&remember=true")
        .await;
    let (status, body) = error_of(form).await;
    assert_eq!(
        (status, body["error"]["message"].clone()),
        (422, json!("invalid form body: 'user' is not valid UTF-8 after percent-decoding"))
    );
}

#[tokio::test]
async fn a_cookie_with_bytes_that_are_not_ascii_does_not_hide_the_others() {
    let client = client().await;
    let response =
        client.get("/x/cookie").header("cookie", b"name=Jos\xc3\xa9; sid=abc".as_slice()).await;
    assert_eq!(response.text(), "sid=abc");
    let (status, body) =
        error_of(client.get("/x/cookie").header("cookie", b"sid=\xff\xfe".as_slice()).await).await;
    assert_eq!(
        (status, body),
        (
            422,
            json!({"error":{"code":"extractor_field_error","message":"invalid cookie 'sid': not valid UTF-8","detail":{}}})
        )
    );
}
