//! The built-in lifecycle interceptors, accept and reject paths: Auths, Permission, Sign,
//! XmlParse and Logger, with exact statuses and bodies.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use lauren::Method;
use lauren::builtin::sign::SignedHeaders;
use lauren::builtin::{
    Auths, Builtins, Logger, Permission, Principal, Sign, TokenVerifier, XmlParse,
};
use lauren::prelude::*;
use lauren::testing::{TestClient, TestRequest};
use serde_json::{Value, json};

#[derive(Default)]
struct Tokens;

impl TokenVerifier for Tokens {
    async fn verify(&self, token: &str) -> lauren::Result<Principal> {
        match token {
            "ada-token" => Ok(Principal::new("ada").with_roles(["admin", "ops"])),
            "bob-token" => Ok(Principal::new("bob").with_roles(["viewer"])),
            _ => Err(HttpError::unauthorized("invalid token")),
        }
    }
}

#[derive(Default)]
struct ShopController;

#[controller("/shop")]
impl ShopController {
    #[get("/me")]
    async fn me(&self, who: Principal) -> String {
        who.subject
    }

    #[set_metadata("login_required", false)]
    #[get("/public")]
    async fn public(&self, who: Option<Principal>) -> String {
        match who {
            None => "open".to_owned(),
            Some(who) => format!("open, {}", who.subject),
        }
    }

    #[set_metadata("roles", ["admin", "auditor"])]
    #[get("/admin")]
    async fn admin(&self, who: Principal) -> String {
        format!("admin {}", who.subject)
    }

    #[post("/notes")]
    async fn note(&self, note: Json<Value>) -> Json<Value> {
        note
    }

    #[set_metadata("login_required", false)]
    #[set_metadata("roles", "admin")]
    #[get("/roles-without-login")]
    async fn roles_without_login(&self) -> &'static str {
        "unreachable without a principal"
    }
}

#[module(controllers = [ShopController])]
struct ShopModule;

async fn shop() -> TestClient {
    TestClient::new(
        LaurenFactory::create(ShopModule)
            .global_interceptors(Builtins::new().auths(Auths::new(Tokens))),
    )
    .await
}

#[tokio::test]
async fn auths_requires_a_bearer_token_the_verifier_accepts() {
    let shop = shop().await;
    for (authorization, message) in [
        (None, "login required"),
        (Some("Basic YWRhOng="), "login required"),
        (Some("Bearer"), "login required"),
    ] {
        let mut request = shop.get("/shop/me");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let res = request.send().await;
        assert_eq!(res.status(), 401, "{authorization:?}");
        assert_eq!(res.header("www-authenticate"), Some("Bearer"));
        assert_eq!(
            res.json::<Value>(),
            json!({"error": {"code": "unauthorized", "message": message, "detail": {}}})
        );
    }
    let res = shop.get("/shop/me").header("authorization", "Bearer forged").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>()["error"]["message"], "invalid token");

    let res = shop.get("/shop/me").header("authorization", "Bearer ada-token").send().await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "ada");
    // `login_required = false`: anonymous is fine, a token is still verified.
    let res = shop.get("/shop/public").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "open".to_owned()));
    let res = shop.get("/shop/public").header("authorization", "Bearer ada-token").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "open, ada".to_owned()));
    let res = shop.get("/shop/public").header("authorization", "Bearer forged").send().await;
    assert_eq!(res.status(), 401);
    // Two Authorization headers: which one counts would be a guess.
    let res = shop
        .get("/shop/me")
        .header("authorization", "Bearer bob-token")
        .header("authorization", "Bearer ada-token")
        .send()
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>()["error"]["message"],
        "send one Authorization header, not several"
    );
    // A header holding two tokens is no bearer token.
    let res = shop
        .get("/shop/me")
        .header("authorization", "Bearer ada-token, Bearer bob-token")
        .send()
        .await;
    assert_eq!(res.status(), 401);
}

#[derive(Default)]
struct BadRolesController;

#[controller("/bad")]
impl BadRolesController {
    #[set_metadata("roles", [1, 2])]
    #[get("/numbers")]
    async fn numbers(&self) {}

    #[set_metadata("roles", [])]
    #[get("/empty")]
    async fn empty(&self) {}
}

#[module(controllers = [BadRolesController])]
struct BadRolesModule;

#[tokio::test]
async fn roles_that_are_not_role_names_fail_at_startup() {
    let Err(err) =
        LaurenFactory::create(BadRolesModule).global_interceptors(Permission).build().await
    else {
        panic!("roles of the wrong shape must not start");
    };
    let text = err.to_string();
    assert_eq!(err.problems().len(), 2, "{text}");
    assert!(
        text.contains("BadRolesController::numbers: metadata `roles` must be a role name or a non-empty array of role names (for Permission), got [1,2]"),
        "{text}"
    );
    assert!(text.contains("BadRolesController::empty: metadata `roles`"), "{text}");
    assert!(err.problems().iter().all(|p| p.code().as_str() == "invalid_metadata"));
}

#[derive(Default)]
struct BadSwitchesController;

#[controller("/switches")]
impl BadSwitchesController {
    #[set_metadata("login_required", "no")]
    #[get("/login")]
    async fn login(&self) {}

    #[set_metadata("ignore_sign", 1)]
    #[get("/sign")]
    async fn sign(&self) {}
}

#[module(controllers = [BadSwitchesController])]
struct BadSwitchesModule;

#[tokio::test]
async fn switches_that_are_not_bools_and_a_zero_xml_depth_fail_at_startup() {
    let Err(err) = LaurenFactory::create(BadSwitchesModule)
        .global_interceptors((Auths::new(Tokens), Sign::new(KEY), XmlParse::default().max_depth(0)))
        .build()
        .await
    else {
        panic!("switches of the wrong type must not start");
    };
    let text = err.to_string();
    assert!(
        text.contains(r#"BadSwitchesController::login: metadata `login_required` must be `true` or `false` (for Auths), got "no""#),
        "{text}"
    );
    assert!(
        text.contains("BadSwitchesController::sign: metadata `ignore_sign` must be `true` or `false` (for Sign), got 1"),
        "{text}"
    );
    assert!(text.contains("XmlParse::max_depth(0) refuses every XML body"), "{text}");
    assert!(err.problems().iter().all(|p| p.code().as_str() == "invalid_metadata"));
}

#[tokio::test]
async fn only_a_group_with_xml_parse_lets_xml_through_the_gate() {
    // Builtins without XmlParse: a JSON route still refuses XML with 415.
    let shop = shop().await;
    let res = shop
        .post("/shop/notes")
        .header("authorization", "Bearer ada-token")
        .header("content-type", "application/xml")
        .body("<note>hi</note>")
        .send()
        .await;
    assert_eq!(res.status(), 415);
}

#[tokio::test]
async fn permission_needs_one_of_the_routes_roles() {
    let shop = shop().await;
    let res = shop.get("/shop/admin").header("authorization", "Bearer ada-token").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "admin ada".to_owned()));

    let res = shop.get("/shop/admin").header("authorization", "Bearer bob-token").send().await;
    assert_eq!(res.status(), 403);
    assert_eq!(
        res.json::<Value>(),
        json!({"error": {
            "code": "forbidden",
            "message": "bob lacks the role admin or auditor",
            "detail": {"missing_roles": ["admin", "auditor"]}
        }})
    );
    // Roles on a route without login: no principal to check, so 401.
    let res = shop.get("/shop/roles-without-login").send().await;
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>()["error"]["message"], "login required");
}

#[derive(Default)]
struct SignedController;

#[controller("/signed")]
impl SignedController {
    #[post("/orders")]
    async fn create(&self, order: Json<Value>) -> Json<Value> {
        order
    }

    #[set_metadata("ignore_sign", true)]
    #[get("/health")]
    async fn health(&self) -> &'static str {
        "ok"
    }
}

#[module(controllers = [SignedController])]
struct SignedModule;

const KEY: &str = "shared secret";

/// Serves the old `/v0/..` paths from `/signed/..`.
#[derive(Default)]
struct V0;

impl PreInterceptor for V0 {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        if let Some(rest) = ctx.uri().path().strip_prefix("/v0/") {
            ctx.request_mut().uri = format!("/signed/{rest}")
                .parse()
                .map_err(|_| HttpError::bad_request("bad path"))?;
        }
        Ok(())
    }
}

async fn signed() -> TestClient {
    TestClient::new(
        LaurenFactory::create(SignedModule)
            .global_interceptors(Sign::new(KEY))
            .pre_interceptors(V0),
    )
    .await
}

fn with_signature(request: TestRequest, headers: &SignedHeaders) -> TestRequest {
    request.header("x-timestamp", &headers.timestamp).header("x-signature", &headers.signature)
}

const BODY: &str = r#"{"item":"book"}"#;

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

async fn post_signed(
    client: &TestClient,
    uri: &str,
    body: &str,
    headers: &SignedHeaders,
) -> (u16, Value) {
    let request = client.post(uri).header("content-type", "application/json").body(body.to_owned());
    let res = with_signature(request, headers).send().await;
    (res.status().as_u16(), res.json())
}

fn invalid(message: &str) -> (u16, Value) {
    (401, json!({"error": {"code": "invalid_signature", "message": message, "detail": {}}}))
}

#[tokio::test]
async fn sign_accepts_a_correct_signature() {
    let client = signed().await;
    let headers = Sign::new(KEY).sign(&Method::POST, "/signed/orders?b=2&a=1", BODY.as_bytes());
    assert_eq!(
        post_signed(&client, "/signed/orders?b=2&a=1", BODY, &headers).await,
        (200, json!({"item": "book"}))
    );
    // The canonical query is sorted: the same parts in another order sign the same.
    assert_eq!(post_signed(&client, "/signed/orders?a=1&b=2", BODY, &headers).await.0, 200);
    // Signed as sent, before an app-level rewrite (`OriginalUri`).
    let headers = Sign::new(KEY).sign(&Method::POST, "/v0/orders", BODY.as_bytes());
    assert_eq!(
        post_signed(&client, "/v0/orders", BODY, &headers).await,
        (200, json!({"item": "book"}))
    );
    // `ignore_sign = true` skips it.
    let res = client.get("/signed/health").send().await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "ok".to_owned()));
}

/// Answers 418 for any 401 the framework raised, naming its code.
#[derive(Default)]
#[exception_handler(lauren::kinds::Unauthorized)]
struct UnauthorizedHandler;

impl ExceptionHandler for UnauthorizedHandler {
    async fn catch(&self, err: &HttpError, _: &mut ExecutionContext<'_>) -> lauren::Result<Reply> {
        Ok(Reply::new((StatusCode::IM_A_TEAPOT, format!("caught {}", err.code()))))
    }
}

#[tokio::test]
async fn a_signature_failure_is_caught_as_unauthorized() {
    let client = TestClient::new(
        LaurenFactory::create(SignedModule)
            .global_interceptors(Sign::new(KEY))
            .global_exception_handler(UnauthorizedHandler),
    )
    .await;
    let forged = Sign::new("guessed").sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    let request = client.post("/signed/orders").header("content-type", "application/json");
    let res = with_signature(request.body(BODY), &forged).send().await;
    assert_eq!((res.status().as_u16(), res.text()), (418, "caught invalid_signature".to_owned()));
}

#[tokio::test]
async fn sign_rejects_tampering_staleness_and_a_wrong_key() {
    let client = signed().await;
    let sign = Sign::new(KEY);
    let headers = sign.sign(&Method::POST, "/signed/orders?a=1&b=2", BODY.as_bytes());
    let mismatch = invalid("the signature does not match");
    // A tampered body.
    assert_eq!(
        post_signed(&client, "/signed/orders?a=1&b=2", r#"{"item":"car"}"#, &headers).await,
        mismatch
    );
    // Query values moved between keys.
    assert_eq!(post_signed(&client, "/signed/orders?a=2&b=1", BODY, &headers).await, mismatch);
    // Other bytes behind a percent sign (both would decode to U+FFFD).
    let ff = sign.sign(&Method::POST, "/signed/orders?a=%FF", BODY.as_bytes());
    assert_eq!(post_signed(&client, "/signed/orders?a=%FF", BODY, &ff).await.0, 200);
    assert_eq!(post_signed(&client, "/signed/orders?a=%FE", BODY, &ff).await, mismatch);
    // Another path, another method's signature.
    assert_eq!(post_signed(&client, "/signed/orders", BODY, &headers).await, mismatch);
    // A wrong key.
    let forged = Sign::new("guessed").sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    assert_eq!(post_signed(&client, "/signed/orders", BODY, &forged).await, mismatch);
    // A stale timestamp (replay), and one from the future.
    for at in [now() - 301, now() + 301] {
        let stale = sign.sign_at(&Method::POST, "/signed/orders", at, BODY.as_bytes());
        assert_eq!(
            post_signed(&client, "/signed/orders", BODY, &stale).await,
            invalid("the x-timestamp is outside the allowed window of 300 s")
        );
    }
    // Missing or malformed headers.
    let res = client
        .post("/signed/orders")
        .header("content-type", "application/json")
        .body(BODY)
        .send()
        .await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        invalid("the x-timestamp header is missing")
    );
    let not_hex = invalid("the x-signature header is not 64 lowercase hex digits");
    let good = sign.sign(&Method::POST, "/signed/orders", BODY.as_bytes());
    for signature in
        ["zz".to_owned(), good.signature.to_uppercase(), format!("+{}", &good.signature[1..])]
    {
        let bad = SignedHeaders { timestamp: good.timestamp.clone(), signature };
        assert_eq!(post_signed(&client, "/signed/orders", BODY, &bad).await, not_hex);
    }
    // A header sent twice.
    let request =
        client.post("/signed/orders").header("content-type", "application/json").body(BODY);
    let res = with_signature(request, &good).header("x-signature", &good.signature).send().await;
    assert_eq!(
        (res.status().as_u16(), res.json::<Value>()),
        invalid("the x-signature header is sent more than once")
    );
    let bad =
        SignedHeaders { timestamp: "+1796000000".to_owned(), signature: headers.signature.clone() };
    assert_eq!(
        post_signed(&client, "/signed/orders", BODY, &bad).await,
        invalid("the x-timestamp header is not a number of seconds")
    );
}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct OrderDoc {
    order: Order,
}

#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Order {
    #[serde(rename = "@id")]
    id: String,
    item: Vec<String>,
}

#[derive(Default)]
struct XmlController;

#[controller("/xml")]
impl XmlController {
    #[post("/orders")]
    async fn create(&self, doc: Json<OrderDoc>) -> Json<OrderDoc> {
        doc
    }

    #[post("/raw")]
    async fn raw(&self, body: Bytes) -> Bytes {
        body
    }

    #[get("/orders")]
    async fn list(&self) -> &'static str {
        "[]"
    }
}

#[module(controllers = [XmlController])]
struct XmlModule;

async fn xml_client() -> TestClient {
    TestClient::new(LaurenFactory::create(XmlModule).global_interceptors(XmlParse::default())).await
}

#[tokio::test]
async fn xml_parse_lets_json_handlers_read_xml_bodies() {
    let client = xml_client().await;
    let xml =
        r#"<?xml version="1.0"?><order id="7"><item>book</item><item>pen &amp; ink</item></order>"#;
    let res =
        client.post("/xml/orders").header("content-type", "application/xml").body(xml).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>(), json!({"order": {"@id": "7", "item": ["book", "pen & ink"]}}));
    // JSON still works; other types are still refused by the gate.
    let json_body = r#"{"order": {"@id": "8", "item": ["cup"]}}"#;
    let res = client
        .post("/xml/orders")
        .header("content-type", "application/json")
        .body(json_body)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    let res =
        client.post("/xml/orders").header("content-type", "text/plain").body("x").send().await;
    assert_eq!(res.status(), 415);
    // The 415 says XML would have done too.
    let error = &res.json::<Value>()["error"];
    assert_eq!(
        error["message"],
        "POST /xml/orders expects a JSON or XML body (application/json or application/xml), got text/plain"
    );
    assert_eq!(
        error["detail"]["supported"],
        json!(["application/json", "application/*+json", "application/xml", "text/xml"])
    );
    // A raw-body handler gets the XML as sent; a route that reads no body never parses it.
    let res = client
        .post("/xml/raw")
        .header("content-type", "application/xml")
        .body("<a><b>1</b></a>")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "<a><b>1</b></a>".to_owned()));
    let res = client
        .get("/xml/orders")
        .header("content-type", "application/xml")
        .body("<oops")
        .send()
        .await;
    assert_eq!((res.status().as_u16(), res.text()), (200, "[]".to_owned()));
}

#[tokio::test]
async fn xml_parse_routes_keep_the_warn_policy() {
    let client = TestClient::new(
        LaurenFactory::create(XmlModule)
            .global_interceptors(XmlParse::default())
            .strict_content_type(lauren::ContentTypePolicy::Warn),
    )
    .await;
    let body = r#"{"order": {"@id": "9", "item": ["pen"]}}"#;
    let res =
        client.post("/xml/orders").header("content-type", "text/plain").body(body).send().await;
    assert_eq!(res.status(), 200, "{}", res.text());
}

#[tokio::test]
async fn xml_parse_rejects_malformed_and_hostile_xml() {
    let client = xml_client().await;
    for (xml, message) in [
        ("<order><item>book</order>", "failed to extract 'body': malformed XML"),
        (
            r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>"#,
            "failed to extract 'body': XML with a DOCTYPE is not accepted",
        ),
        ("<order>&xxe;</order>", "failed to extract 'body': XML entity &xxe; is not supported"),
    ] {
        let res =
            client.post("/xml/orders").header("content-type", "text/xml").body(xml).send().await;
        assert_eq!(res.status(), 422, "{xml}");
        let body = res.json::<Value>();
        assert_eq!(body["error"]["code"], "extractor_error", "{xml}");
        assert!(body["error"]["message"].as_str().unwrap_or("").starts_with(message), "{body}");
        assert_eq!(body["error"]["detail"]["source"], "xml");
    }
}

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
