//! What handlers return and how it is rendered: content types, statuses, headers, errors, panics.

use std::fmt;

use lauren::SetCookie;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

#[derive(Debug)]
struct LedgerClosed;

impl fmt::Display for LedgerClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the ledger is closed")
    }
}

impl std::error::Error for LedgerClosed {}

#[derive(Default)]
struct ReplyController;

#[controller("/r")]
impl ReplyController {
    #[get("/unit")]
    async fn unit(&self) {}

    #[get("/none")]
    async fn none(&self) -> Option<String> {
        None
    }

    #[get("/string")]
    async fn string(&self) -> String {
        "owned".to_owned()
    }

    #[get("/str")]
    async fn str(&self) -> &'static str {
        "static"
    }

    #[get("/bytes")]
    async fn bytes(&self) -> Bytes {
        Bytes::from_static(b"\x00\x01")
    }

    #[get("/vec")]
    async fn vec(&self) -> Vec<u8> {
        vec![7, 8, 9]
    }

    #[get("/json")]
    async fn json(&self) -> Json<Value> {
        Json(json!({"b": [1, 2], "a": "héllo ✓"}))
    }

    #[get("/value")]
    async fn value(&self) -> Value {
        json!({"ok": false})
    }

    #[get("/status")]
    async fn status(&self) -> (StatusCode, &'static str) {
        (StatusCode::ACCEPTED, "queued")
    }

    #[get("/status-headers")]
    async fn status_headers(&self) -> (StatusCode, [(&'static str, &'static str); 2], Json<Value>) {
        (StatusCode::CREATED, [("x-one", "1"), ("location", "/r/1")], Json(json!({"id": 1})))
    }

    #[get("/bad-header")]
    async fn bad_header(&self) -> (StatusCode, [(&'static str, &'static str); 1], &'static str) {
        (StatusCode::OK, [("x-bad", "line\nbreak")], "never sent")
    }

    #[get("/builder/{kind}")]
    async fn builder(&self, kind: String) -> Response {
        match kind.as_str() {
            "json" => Response::json(&json!({"k": "v"})),
            "text" => Response::text("plain"),
            "html" => Response::html("<b>hi</b>"),
            "bytes" => Response::bytes(vec![1u8, 2]),
            "empty" => Response::empty(),
            "created" => Response::created("/r/items/9"),
            "redirect" => Response::redirect("/elsewhere"),
            "replace" => Response::text("x").with_header("x-v", "1").with_header("X-V", "2"),
            "without" => Response::text("x").with_header("x-gone", "1").without_header("x-gone"),
            "cookie" => Response::text("x")
                .with_status(StatusCode::ACCEPTED)
                .with_cookie(
                    SetCookie::new("sid", "abc")
                        .max_age(60)
                        .http_only()
                        .same_site(lauren::SameSite::Lax),
                )
                .with_cookie(SetCookie::new("theme", "dark"))
                .delete_cookie("old"),
            "created-json" => Response::created_json("/r/items/9", &json!({"id": 9})),
            "created-then-json" => Response::created("/r/items/9").with_json(&json!({"id": 9})),
            "headers" => {
                Response::text("x").with_headers([("x-a", "1"), ("x-b", "2"), ("x-a", "3")])
            }
            "with-text" => {
                Response::json(&json!({})).with_status(StatusCode::ACCEPTED).with_text("t")
            }
            _ => Response::text("unknown").with_status(StatusCode::BAD_REQUEST),
        }
    }

    #[get("/result/{ok}")]
    async fn result(&self, ok: bool) -> lauren::Result<&'static str> {
        if ok { Ok("fine") } else { Err(HttpError::conflict("already there").with_detail("id", 3)) }
    }

    #[get("/base-error")]
    async fn base_error(&self) -> lauren::Result<()> {
        Err(HttpError::from_message("the ledger is closed for the night"))
    }

    #[get("/unauthorized")]
    async fn unauthorized(&self) -> lauren::Result<()> {
        Err(HttpError::unauthorized("login required"))
    }

    #[get("/forbidden")]
    async fn forbidden(&self) -> lauren::Result<()> {
        Err(HttpError::forbidden("no"))
    }

    #[get("/not-found")]
    async fn not_found(&self) -> lauren::Result<()> {
        Err(HttpError::not_found("order 7 does not exist"))
    }

    #[get("/foreign-error")]
    async fn foreign_error(&self) -> lauren::Result<String> {
        let number: u32 = "not a number".parse()?;
        Ok(number.to_string())
    }

    #[get("/custom-error")]
    async fn custom_error(&self) -> Result<String, LedgerClosed> {
        Err(LedgerClosed)
    }

    #[get("/panic")]
    async fn panic(&self) -> &'static str {
        panic!("handler exploded")
    }
}

#[module(controllers = [ReplyController])]
struct ReplyModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ReplyModule)).await
}

#[tokio::test]
async fn unit_and_none_are_204_without_content_type() {
    for path in ["/r/unit", "/r/none"] {
        let response = client().await.get(path).await;
        assert_eq!(response.status(), 204, "{path}");
        assert_eq!(response.header("content-type"), None, "{path}");
        assert!(response.bytes().is_empty());
    }
}

#[tokio::test]
async fn text_replies_are_utf8_plain_text() {
    for (path, text) in [("/r/string", "owned"), ("/r/str", "static")] {
        let response = client().await.get(path).await;
        assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(response.text(), text);
    }
}

#[tokio::test]
async fn byte_replies_are_octet_streams() {
    let client = client().await;
    let response = client.get("/r/bytes").await;
    assert_eq!(response.header("content-type"), Some("application/octet-stream"));
    assert_eq!(response.bytes().as_ref(), b"\x00\x01");
    assert_eq!(client.get("/r/vec").await.bytes().as_ref(), [7, 8, 9]);
}

#[tokio::test]
async fn json_is_compact_with_raw_utf8() {
    let response = client().await.get("/r/json").await;
    assert_eq!(response.header("content-type"), Some("application/json"));
    assert_eq!(response.text(), r#"{"a":"héllo ✓","b":[1,2]}"#);
    assert_eq!(client().await.get("/r/value").await.text(), r#"{"ok":false}"#);
}

#[tokio::test]
async fn status_tuples_set_status_and_headers() {
    let client = client().await;
    let response = client.get("/r/status").await;
    assert_eq!(response.status(), 202);
    assert_eq!(response.text(), "queued");
    let response = client.get("/r/status-headers").await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.header("x-one"), Some("1"));
    assert_eq!(response.header("location"), Some("/r/1"));
    assert_eq!(response.text(), r#"{"id":1}"#);
}

#[tokio::test]
async fn an_invalid_header_value_is_a_500_not_a_panic() {
    let response = client().await.get("/r/bad-header").await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.json::<Value>()["error"]["detail"]["type"], "InvalidHeaderValue");
}

#[tokio::test]
async fn response_builders() {
    let client = client().await;
    let cases = [
        ("json", 200, Some("application/json"), r#"{"k":"v"}"#),
        ("text", 200, Some("text/plain; charset=utf-8"), "plain"),
        ("html", 200, Some("text/html; charset=utf-8"), "<b>hi</b>"),
        ("bytes", 200, Some("application/octet-stream"), "\u{1}\u{2}"),
        ("empty", 204, None, ""),
        ("created", 201, None, ""),
        ("redirect", 307, None, ""),
    ];
    for (kind, status, content_type, body) in cases {
        let response = client.get(format!("/r/builder/{kind}")).await;
        assert_eq!(response.status(), status, "{kind}");
        assert_eq!(response.header("content-type"), content_type, "{kind}");
        assert_eq!(response.text(), body, "{kind}");
    }
    assert_eq!(client.get("/r/builder/created").await.header("location"), Some("/r/items/9"));
    assert_eq!(client.get("/r/builder/redirect").await.header("location"), Some("/elsewhere"));
    for kind in ["created-json", "created-then-json"] {
        let response = client.get(format!("/r/builder/{kind}")).await;
        assert_eq!(
            (
                response.status().as_u16(),
                response.header("location"),
                response.header("content-type")
            ),
            (201, Some("/r/items/9"), Some("application/json")),
            "{kind}"
        );
        assert_eq!(response.text(), r#"{"id":9}"#, "{kind}");
    }
    let response = client.get("/r/builder/headers").await;
    assert_eq!((response.header("x-a"), response.header("x-b")), (Some("3"), Some("2")));
    let response = client.get("/r/builder/with-text").await;
    assert_eq!(
        (response.status().as_u16(), response.header("content-type"), response.text()),
        (202, Some("text/plain; charset=utf-8"), "t".to_owned())
    );
}

#[tokio::test]
async fn the_base_http_error_is_a_500_http_error_with_its_message() {
    let response = client().await.get("/r/base-error").await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"http_error","message":"the ledger is closed for the night","detail":{}}})
    );
}

#[tokio::test]
async fn with_header_replaces_and_without_header_removes() {
    let client = client().await;
    assert_eq!(client.get("/r/builder/replace").await.headers_all("x-v"), ["2"]);
    assert_eq!(client.get("/r/builder/without").await.header("x-gone"), None);
}

#[tokio::test]
async fn cookies_accumulate() {
    let response = client().await.get("/r/builder/cookie").await;
    assert_eq!(response.status(), 202);
    assert_eq!(
        response.headers_all("set-cookie"),
        [
            "sid=abc; Max-Age=60; Path=/; HttpOnly; SameSite=Lax",
            "theme=dark; Path=/",
            "old=; Max-Age=0; Path=/"
        ]
    );
}

#[tokio::test]
async fn result_renders_ok_or_the_error_envelope() {
    let client = client().await;
    assert_eq!(client.get("/r/result/true").await.text(), "fine");
    let response = client.get("/r/result/false").await;
    assert_eq!(response.status(), 409);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"conflict","message":"already there","detail":{"id":3}}})
    );
}

#[tokio::test]
async fn http_error_constructors() {
    let client = client().await;
    let response = client.get("/r/unauthorized").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"unauthorized","message":"login required","detail":{}}})
    );
    let response = client.get("/r/forbidden").await;
    assert_eq!(
        (response.status().as_u16(), response.json::<Value>()["error"]["code"].clone()),
        (403, json!("forbidden"))
    );
    let response = client.get("/r/not-found").await;
    assert_eq!(
        (response.status().as_u16(), response.json::<Value>()["error"]["code"].clone()),
        (404, json!("not_found"))
    );
}

#[tokio::test]
async fn other_errors_are_500_naming_their_type() {
    let client = client().await;
    for (path, kind) in [("/r/foreign-error", "ParseIntError"), ("/r/custom-error", "LedgerClosed")]
    {
        let response = client.get(path).await;
        assert_eq!(response.status(), 500, "{path}");
        assert_eq!(
            response.json::<Value>(),
            json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":kind}}}),
            "{path}"
        );
    }
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_and_the_app_keeps_serving() {
    let client = client().await;
    let response = client.get("/r/panic").await;
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.json::<Value>(),
        json!({"error":{"code":"internal_error","message":"internal server error","detail":{"type":"panic"}}})
    );
    assert_eq!(client.get("/r/str").await.text(), "static");
}

/// Keeps 2 KiB across an await: a future far larger than the inline space, so it is boxed.
#[derive(Default)]
struct Ballast;

impl Interceptor for Ballast {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        let ballast = std::hint::black_box([7u8; 2048]);
        let reply = next.handle(ctx).await?;
        let sum: usize = ballast.iter().map(|&b| usize::from(b)).sum();
        Ok(reply.with_header("x-ballast", sum.to_string()))
    }
}

#[derive(Default)]
struct FutureSizeController;

#[controller("/sizes")]
impl FutureSizeController {
    #[get("/small/{n}")]
    async fn small(&self, n: u32) -> String {
        tokio::task::yield_now().await;
        (n * 2).to_string()
    }

    #[get("/large/{n}")]
    async fn large(&self, n: u32) -> String {
        let ballast = std::hint::black_box([1u8; 4096]);
        tokio::task::yield_now().await;
        let sum: u32 = ballast.iter().map(|&b| u32::from(b)).sum();
        (sum + n).to_string()
    }

    #[use_interceptors(Ballast)]
    #[get("/large-hop/{n}")]
    async fn large_hop(&self, n: u32) -> String {
        let ballast = std::hint::black_box([1u8; 4096]);
        tokio::task::yield_now().await;
        let sum: u32 = ballast.iter().map(|&b| u32::from(b)).sum();
        (sum + n).to_string()
    }

    #[get("/panics-later")]
    async fn panics_later(&self) -> String {
        tokio::task::yield_now().await;
        panic!("after an await")
    }
}

#[module(controllers = [FutureSizeController])]
struct FutureSizeModule;

#[tokio::test]
async fn handlers_of_any_future_size_run_inline_or_boxed_and_stay_panic_safe() {
    // Small futures are kept inline, large ones boxed; both suspend and resume.
    let client = TestClient::new(LaurenFactory::create(FutureSizeModule)).await;
    assert_eq!(client.get("/sizes/small/21").await.text(), "42");
    assert_eq!(client.get("/sizes/large/1").await.text(), "4097");
    let hop = client.get("/sizes/large-hop/2").await;
    assert_eq!(hop.text(), "4098");
    assert_eq!(hop.header("x-ballast"), Some("14336"));
    let panicked = client.get("/sizes/panics-later").await;
    assert_eq!(panicked.status(), 500);
    assert_eq!(panicked.json::<Value>()["error"]["detail"], json!({"type": "panic"}));
    // The panic left the app serving.
    assert_eq!(client.get("/sizes/small/1").await.text(), "2");
}
