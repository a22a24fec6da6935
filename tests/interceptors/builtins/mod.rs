//! The built-in lifecycle interceptors, accept and reject paths, with exact statuses and
//! bodies: Auths and Permission here, Sign, XmlParse and Logger in their own files.

mod logger;
mod sign;
mod xml;

use lauren::builtin::{Auths, Builtins, Permission, Principal, Sign, TokenVerifier, XmlParse};
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

use self::sign::KEY;

#[derive(Default)]
pub(super) struct Tokens;

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
