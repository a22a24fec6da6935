//! The apps the document tests describe.

use lauren::SecurityScheme;
use lauren::extract::{Field, FromRequest};
use lauren::openapi::{OperationBuilder, OperationParam, ParamLocation};
use lauren::prelude::*;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An order as clients see it.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Order {
    pub(crate) id: u64,
    /// What was ordered.
    pub(crate) item: String,
    pub(crate) quantity: Option<u32>,
}

#[derive(Deserialize, JsonSchema)]
pub(crate) struct NewOrder {
    pub(crate) item: String,
}

#[derive(Deserialize, JsonSchema)]
#[allow(dead_code)] // Read through the schema only.
pub(crate) struct Page {
    pub(crate) offset: u32,
    pub(crate) limit: Option<u32>,
}

#[derive(Serialize, JsonSchema)]
pub(crate) struct NotFound {
    pub(crate) id: u64,
}

/// No schema on purpose: documented as open, and listed in the startup warning.
#[derive(Serialize, Deserialize)]
pub(crate) struct Opaque {
    pub(crate) anything: String,
}

#[derive(Default)]
pub(crate) struct BearerGuard;

impl Guard for BearerGuard {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(ctx.headers().contains_key("authorization"))
    }

    fn security() -> Option<SecurityScheme> {
        Some(SecurityScheme::bearer_jwt())
    }
}

/// A guard that documents no scheme.
#[derive(Default)]
pub(crate) struct Plain;

impl Guard for Plain {
    async fn can_activate(&self, _: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(true)
    }
}

/// A user extractor that documents itself.
pub(crate) struct Tenant(pub(crate) String);

impl FromRequest for Tenant {
    async fn from_request(
        ctx: &mut ExecutionContext<'_>,
        _: &'static Field,
    ) -> lauren::Result<Self> {
        let tenant = ctx.headers().get("x-tenant").and_then(|v| v.to_str().ok());
        tenant.map(|t| Tenant(t.to_owned())).ok_or_else(|| HttpError::bad_request("x-tenant"))
    }
}

impl OperationParam for Tenant {
    fn document(op: &mut OperationBuilder<'_>, _: &Field) {
        let schema = op.schema::<String>();
        op.parameter(ParamLocation::Header, "x-tenant", true, schema);
    }
}

/// A user extractor that does not.
pub(crate) struct Mystery;

impl FromRequest for Mystery {
    async fn from_request(_: &mut ExecutionContext<'_>, _: &'static Field) -> lauren::Result<Self> {
        Ok(Mystery)
    }
}

#[derive(Default)]
pub(crate) struct OrdersController;

/// Orders placed by customers.
///
/// Every order has an id.
#[controller("/orders")]
impl OrdersController {
    /// Finds an order.
    ///
    /// By its id; `verbose` adds the quantity.
    #[get("/{id}")]
    #[openapi(response(status = 404, description = "No such order.", body = NotFound))]
    async fn find(
        &self,
        #[path(ge = 1)] id: u64,
        verbose: Option<bool>,
    ) -> Result<Json<Order>, HttpError> {
        let quantity = verbose.unwrap_or(false).then_some(1);
        Ok(Json(Order { id, item: "book".into(), quantity }))
    }

    /// Lists orders.
    #[get]
    async fn list(
        &self,
        #[query(ge = 1, le = 50, default = 10)] limit: u32,
        #[query(pattern = "^[a-z]+$", min_length = 2)] item: Option<String>,
        tag: Vec<String>,
        tenant: Header<String>,
        session: Option<Cookie<String>>,
    ) -> Json<Vec<Order>> {
        let _ = (limit, item, tag, tenant, session);
        Json(Vec::new())
    }

    /// Pages through orders.
    #[get("/paged")]
    async fn paged(&self, page: Query<Page>) -> Json<Vec<Order>> {
        let _ = page;
        Json(Vec::new())
    }

    /// Reads `offset` twice: as `Query<Page>` requires it, and optionally.
    #[get("/paged-twice")]
    async fn paged_twice(&self, page: Query<Page>, offset: Option<u32>) -> Json<Vec<Order>> {
        let _ = (page, offset);
        Json(Vec::new())
    }

    /// Places an order.
    #[post]
    #[openapi(status = 201)]
    async fn create(&self, order: Json<NewOrder>) -> (StatusCode, Json<Order>) {
        (StatusCode::CREATED, Json(Order { id: 1, item: order.0.item, quantity: None }))
    }

    /// Replaces an order, status chosen at run time.
    #[put("/{id}")]
    async fn replace(&self, id: u64, order: Form<NewOrder>) -> (StatusCode, Json<Order>) {
        (StatusCode::OK, Json(Order { id, item: order.0.item, quantity: None }))
    }

    /// Cancels an order.
    #[delete("/{id}")]
    #[use_guards(BearerGuard)]
    async fn cancel(&self, id: u64) {
        let _ = id;
    }

    /// Old name of `find`.
    #[deprecated = "use find"]
    #[get("/by-id/{id}")]
    async fn by_id(&self, id: u64) -> String {
        id.to_string()
    }

    #[post("/{id}/attachment")]
    async fn attach(&self, id: u64, file: Bytes) -> Vec<u8> {
        let _ = id;
        file.to_vec()
    }

    #[post("/notes")]
    async fn note(&self, text: RawBody<String>, tenant: Tenant) -> String {
        format!("{}{}", tenant.0, text.0)
    }

    #[get("/internal")]
    #[openapi(skip)]
    async fn internal(&self) -> &'static str {
        "hidden"
    }

    #[post("/opaque")]
    async fn opaque(&self, body: Json<Opaque>, mystery: Mystery) -> Json<Opaque> {
        let _ = mystery;
        body
    }

    #[get("/files/{*rest}")]
    #[use_guards(Plain)]
    async fn file(rest: String) -> impl IntoReply {
        rest
    }
}

#[module(controllers = [OrdersController])]
pub(crate) struct OrdersModule;

/// A resource whose id the server sets: clients never send it.
#[derive(Serialize, Deserialize, JsonSchema)]
pub(crate) struct Note {
    #[serde(skip_deserializing)]
    pub(crate) id: u64,
    pub(crate) text: String,
    #[serde(default)]
    pub(crate) pinned: bool,
}

/// A second guard with a scheme of its own.
#[derive(Default)]
pub(crate) struct ApiKeyGuard;

impl Guard for ApiKeyGuard {
    async fn can_activate(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<bool> {
        Ok(ctx.headers().contains_key("x-api-key"))
    }

    fn security() -> Option<SecurityScheme> {
        Some(SecurityScheme::api_key_header("x-api-key"))
    }
}

#[derive(Default)]
pub(crate) struct NotesController;

#[controller("/notes")]
impl NotesController {
    /// Creates a note
    /// (the summary wraps over two lines).
    ///
    /// The body has no id; the reply has one.
    #[post]
    #[openapi(status = 201)]
    async fn create(&self, note: Json<Note>) -> (StatusCode, Json<Note>) {
        (StatusCode::CREATED, note)
    }

    /// One handler, three routes.
    #[get("/a")]
    #[get("/b")]
    #[get("/c")]
    async fn many(&self) -> Json<Note> {
        Json(Note { id: 1, text: "x".into(), pinned: false })
    }

    /// Two guards, both checked.
    #[delete("/{id}")]
    #[openapi(response(status = 404, description = "No such note."))]
    #[use_guards(BearerGuard, ApiKeyGuard)]
    async fn remove(&self, id: u64) {
        let _ = id;
    }

    /// Needs the bearer token `Auths` checks.
    #[get("/mine")]
    async fn mine(&self, who: lauren::builtin::Principal) -> String {
        who.subject
    }

    /// A status that a `Json<T>` reply never answers.
    #[get("/fixed")]
    #[openapi(status = 201)]
    async fn fixed(&self) -> Json<Note> {
        Json(Note { id: 1, text: "x".into(), pinned: false })
    }
}

/// A controller that is also a reply: `Self` in a signature is the controller type.
#[derive(Default, Clone, Serialize, JsonSchema)]
pub(crate) struct Settings {
    pub(crate) theme: String,
}

#[controller("/settings")]
impl Settings {
    #[get]
    async fn show(&self) -> Json<Self> {
        Json(self.clone())
    }
}

#[module(controllers = [NotesController, Settings])]
pub(crate) struct NotesModule;

/// Streamed replies with types the document can name.
#[derive(Default)]
pub(crate) struct Feeds;

type Items<T> = futures_util::stream::Iter<std::vec::IntoIter<T>>;

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct Tick {
    n: u32,
}

#[controller("/feeds")]
impl Feeds {
    #[get("/events")]
    async fn events(&self) -> lauren::Sse<Items<lauren::Event>> {
        lauren::Sse::new(futures_util::stream::iter(Vec::new()))
    }

    #[get("/lines")]
    async fn lines(&self) -> lauren::Ndjson<Items<Tick>> {
        lauren::Ndjson(futures_util::stream::iter(Vec::new()))
    }

    #[get("/either")]
    async fn either(&self) -> lauren::JsonStream<Items<Tick>> {
        lauren::JsonStream::new(futures_util::stream::iter(Vec::new()))
    }
}

#[module(controllers = [Feeds])]
pub(crate) struct FeedsModule;
