//! Every provider kind: injectable types, values, classes for traits, sync and async factories,
//! aliases, named tokens, multi-providers, optional dependencies and async constructors.

use std::sync::atomic::{AtomicUsize, Ordering};

use lauren::di::{Inject, Token, provide, provide_token};
use lauren::prelude::*;
use lauren::testing::TestClient;
use serde_json::{Value, json};

const DB_URL: Token<String> = Token::new("DB_URL");
const REPLICA_URL: Token<String> = Token::new("REPLICA_URL");
const PRIMARY_CONFIG: Token<Config> = Token::new("PRIMARY_CONFIG");

struct Config {
    region: &'static str,
}

trait Repository: Send + Sync {
    fn find(&self, id: u32) -> String;
}

#[injectable]
struct PgRepository {
    #[inject(DB_URL)]
    url: Inject<String>,
}

impl Repository for PgRepository {
    fn find(&self, id: u32) -> String {
        format!("row {id} from {}", *self.url)
    }
}

trait Plugin: Send + Sync {
    fn name(&self) -> &'static str;
}

#[derive(Default)]
#[injectable]
struct Metrics;

impl Plugin for Metrics {
    fn name(&self) -> &'static str {
        "metrics"
    }
}

#[derive(Default)]
#[injectable]
struct Tracing;

impl Plugin for Tracing {
    fn name(&self) -> &'static str {
        "tracing"
    }
}

struct Greeting(String);

static CLIENTS_BUILT: AtomicUsize = AtomicUsize::new(0);

/// Needs async work at startup: an async constructor returning `Result`.
struct HttpClient {
    base: String,
}

#[injectable]
impl HttpClient {
    #[constructor]
    async fn connect(config: Inject<Config>) -> Result<Self, std::io::Error> {
        tokio::task::yield_now().await;
        CLIENTS_BUILT.fetch_add(1, Ordering::SeqCst);
        Ok(HttpClient { base: format!("https://{}.example", config.region) })
    }
}

#[injectable]
struct ProvidersController {
    repository: Inject<dyn Repository>,
    plugins: Vec<Inject<dyn Plugin>>,
    greeting: Inject<Greeting>,
    /// One plain binding, asked for as a list: a list of one.
    greetings: Vec<Inject<Greeting>>,
    #[inject(REPLICA_URL)]
    replica: Inject<String>,
    client: Inject<HttpClient>,
    missing: Option<Inject<Tracing>>,
    /// Optional, and provided: there.
    present: Option<Inject<Config>>,
    config: Inject<Config>,
    #[inject(PRIMARY_CONFIG)]
    aliased: Inject<Config>,
    calls: AtomicUsize,
}

#[controller("/providers")]
impl ProvidersController {
    #[get]
    async fn show(&self) -> Json<Value> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Json(json!({
            "repository": self.repository.find(7),
            "plugins": self.plugins.iter().map(|p| p.name()).collect::<Vec<_>>(),
            "greeting": self.greeting.0,
            "replica": *self.replica,
            "client": self.client.base,
            "missing_is_none": self.missing.is_none(),
            "present_region": self.present.as_ref().map(|c| c.region),
            "config_is_alias": self.config.ptr_eq(&self.aliased),
            "plugins_are_distinct": !self.plugins[0].ptr_eq(&self.plugins[1]),
            "greetings": self.greetings.iter().map(|g| g.0.len()).collect::<Vec<_>>(),
            "greeting_is_shared": self.greetings[0].ptr_eq(&self.greeting),
        }))
    }
}

#[module(
    controllers = [ProvidersController],
    providers = [
        provide::<Config>().use_value(Config { region: "eu" }),
        provide_token(DB_URL).use_value("postgres://primary".to_owned()),
        provide_token(REPLICA_URL).use_existing_token(DB_URL),
        provide_token(PRIMARY_CONFIG).use_existing::<Config>(),
        provide::<dyn Repository>().use_class::<PgRepository>(|repo| repo),
        provide::<dyn Plugin>().use_class::<Metrics>(|p| p).multi(),
        provide::<dyn Plugin>().use_class::<Tracing>(|p| p).multi(),
        provide::<Greeting>().use_factory(|config: Inject<Config>, repository: Inject<dyn Repository>| {
            Greeting(format!("hello from {} via {}", config.region, repository.find(1)))
        }),
        HttpClient,
    ]
)]
struct ProvidersModule;

#[tokio::test]
async fn every_provider_kind_resolves() {
    let client = TestClient::new(LaurenFactory::create(ProvidersModule)).await;
    let body: Value = client.get("/providers").await.json();
    assert_eq!(
        body,
        json!({
            "repository": "row 7 from postgres://primary",
            "plugins": ["metrics", "tracing"],
            "greeting": "hello from eu via row 1 from postgres://primary",
            "replica": "postgres://primary",
            "client": "https://eu.example",
            "missing_is_none": true,
            "present_region": "eu",
            "config_is_alias": true,
            "plugins_are_distinct": true,
            "greetings": ["hello from eu via row 1 from postgres://primary".len()],
            "greeting_is_shared": true,
        })
    );
    assert_eq!(CLIENTS_BUILT.load(Ordering::SeqCst), 1);
}

/// A factory whose arguments are named tokens, one of them optional and unbound.
struct Endpoints {
    primary: String,
    fallback: Option<String>,
}

const MISSING_URL: Token<String> = Token::new("MISSING_URL");

#[injectable]
struct EndpointsController {
    endpoints: Inject<Endpoints>,
}

#[controller("/endpoints")]
impl EndpointsController {
    #[get]
    async fn show(&self) -> String {
        format!("{} {:?}", self.endpoints.primary, self.endpoints.fallback)
    }
}

#[module(
    controllers = [EndpointsController],
    providers = [
        provide_token(DB_URL).use_value("postgres://primary".to_owned()),
        provide::<String>().use_value("not a token".to_owned()),
        provide::<Endpoints>()
            .inject([DB_URL.into(), MISSING_URL.into()])
            .use_factory(|primary: Inject<String>, fallback: Option<Inject<String>>| Endpoints {
                primary: primary.to_string(),
                fallback: fallback.map(|f| f.to_string()),
            }),
    ]
)]
struct TokenFactoryModule;

#[tokio::test]
async fn factory_arguments_can_name_tokens_and_be_optional() {
    let client = TestClient::new(LaurenFactory::create(TokenFactoryModule)).await;
    assert_eq!(client.get("/endpoints").await.text(), "postgres://primary None");
}

#[module(providers = [
    provide::<Endpoints>()
        .inject([PRIMARY_CONFIG.into()])
        .use_factory(|primary: Inject<String>| Endpoints { primary: primary.to_string(), fallback: None }),
])]
struct MistypedInjectModule;

#[tokio::test]
async fn inject_keys_that_do_not_fit_the_factory_are_a_startup_error() {
    let err = LaurenFactory::create(MistypedInjectModule).build().await.expect_err("mistyped");
    assert_eq!(err.code(), "invalid_provider");
    assert_eq!(
        err.to_string(),
        "invalid provider for Endpoints: argument #1 of the factory of Endpoints takes String but `.inject(..)` names Token(\"PRIMARY_CONFIG\"), of another type"
    );
}
