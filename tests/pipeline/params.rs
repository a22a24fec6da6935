//! Parameter kinds are decided by traits, not by how a type is spelled: aliases, newtypes and
//! user scalars behave like the types they stand for; `Vec<T>` takes a repeated query key.

use lauren::extract::FromParam;
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde::Deserialize;
use serde_json::json;

type UserId = u64;
type Limit = Option<u8>;

/// A user scalar: opted in with an empty `FromParam` impl.
struct Sku(String);

impl std::str::FromStr for Sku {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() == 4 { Ok(Sku(s.to_owned())) } else { Err(format!("'{s}' is not 4 characters")) }
    }
}

impl FromParam for Sku {}

/// A user type that happens to be called `Path`: a scalar like any other.
mod units {
    pub(crate) struct Path<T>(pub(crate) T);

    impl<T: std::str::FromStr> std::str::FromStr for Path<T> {
        type Err = T::Err;
        fn from_str(s: &str) -> Result<Self, Self::Err> {
            s.parse().map(Path)
        }
    }

    impl lauren::extract::FromParam for Path<u64> {}
}

#[derive(Deserialize)]
struct Note {
    text: String,
}

type NoteBody = Json<Note>;

#[derive(Default)]
struct ParamsController;

#[controller("/p")]
impl ParamsController {
    #[get("/alias")]
    async fn alias(&self, user: UserId, limit: Limit) -> String {
        format!("user={user} limit={limit:?}")
    }

    #[get("/sku")]
    async fn sku(&self, sku: Sku) -> String {
        sku.0
    }

    #[get("/steps/{id}")]
    async fn steps(&self, id: units::Path<u64>) -> String {
        format!("step {}", id.0)
    }

    #[get("/tags")]
    async fn tags(&self, tag: Vec<String>, n: Vec<u16>) -> String {
        format!("{tag:?} {n:?}")
    }

    #[post("/note")]
    async fn note(&self, note: NoteBody) -> String {
        note.0.text
    }

    #[get("/all/{a}/{b}")]
    async fn all(&self, a: String, b: String, ctx: &ExecutionContext<'_>) -> String {
        let params: Vec<String> = ctx.path_params().map(|(k, v)| format!("{k}={v}")).collect();
        let xs: Vec<String> = ctx.query_all("x").map(|v| v.into_owned()).collect();
        format!("{a}{b} {params:?} {xs:?}")
    }
}

#[module(controllers = [ParamsController])]
struct ParamsModule;

async fn client() -> TestClient {
    TestClient::new(LaurenFactory::create(ParamsModule)).await
}

#[tokio::test]
async fn a_users_type_named_path_is_a_path_variable_like_any_scalar() {
    assert_eq!(client().await.get("/p/steps/12").await.text(), "step 12");
}

#[tokio::test]
async fn a_type_alias_of_a_scalar_is_a_query_parameter() {
    let client = client().await;
    assert_eq!(client.get("/p/alias?user=7&limit=3").await.text(), "user=7 limit=Some(3)");
    assert_eq!(client.get("/p/alias?user=7").await.text(), "user=7 limit=None");
    let missing = client.get("/p/alias").await;
    assert_eq!(missing.status(), 422);
    assert_eq!(
        missing.json::<serde_json::Value>(),
        json!({"error":{"code":"extractor_field_error","message":"missing query parameter 'user'","detail":{"field":"user"}}})
    );
}

#[tokio::test]
async fn a_user_scalar_parses_with_its_own_from_str() {
    let client = client().await;
    assert_eq!(client.get("/p/sku?sku=AB12").await.text(), "AB12");
    let invalid = client.get("/p/sku?sku=AB1").await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(
        invalid.json::<serde_json::Value>(),
        json!({"error":{"code":"extractor_field_error","message":"invalid query parameter 'sku': 'AB1' is not 4 characters","detail":{}}})
    );
}

#[tokio::test]
async fn vec_takes_every_value_of_a_repeated_key() {
    let client = client().await;
    assert_eq!(client.get("/p/tags?tag=a&n=1&tag=b+c&n=2").await.text(), r#"["a", "b c"] [1, 2]"#);
    assert_eq!(client.get("/p/tags").await.text(), "[] []");
    let invalid = client.get("/p/tags?n=1&n=x").await;
    assert_eq!(invalid.status(), 422);
    assert_eq!(
        invalid.json::<serde_json::Value>()["error"]["message"],
        "invalid query parameter 'n': invalid digit found in string"
    );
}

#[tokio::test]
async fn an_alias_of_json_keeps_the_content_type_gate() {
    let client = client().await;
    let ok = client.post("/p/note").json(&json!({"text":"hi"})).await;
    assert_eq!(ok.text(), "hi");
    let wrong = client.post("/p/note").header("content-type", "text/plain").body("hi").await;
    assert_eq!(wrong.status(), 415);
    assert_eq!(
        wrong.json::<serde_json::Value>()["error"]["message"],
        "POST /p/note expects a JSON body (application/json), got text/plain"
    );
}

#[tokio::test]
async fn the_context_lists_path_parameters_and_repeated_query_values() {
    let response = client().await.get("/p/all/one/t%C3%BCr?x=1&y=2&x=3").await;
    assert_eq!(response.text(), r#"onetür ["a=one", "b=tür"] ["1", "3"]"#);
}
