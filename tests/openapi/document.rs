//! What the document says about each route, read from `App::openapi_document`.

use lauren::openapi::OpenApi;
use lauren::prelude::*;
use serde_json::{Value, json};

use crate::apps::OrdersModule;

async fn document(builder: lauren::AppBuilder) -> Value {
    let app = builder.build().await.expect("the app builds");
    app.openapi_document().expect("OpenAPI is enabled").clone()
}

async fn orders() -> Value {
    document(LaurenFactory::create(OrdersModule).openapi(OpenApi::new("Orders", "1.2.3"))).await
}

fn op<'a>(doc: &'a Value, path: &str, method: &str) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "no {method} {path} in {:#}", doc["paths"]);
    op
}

fn param<'a>(op: &'a Value, name: &str) -> &'a Value {
    op["parameters"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} in {op:#}"))
}

#[tokio::test]
async fn info_tags_and_operation_ids_come_from_the_code() {
    let doc = orders().await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"], json!({ "title": "Orders", "version": "1.2.3" }));
    assert_eq!(
        doc["tags"],
        json!([{
            "name": "OrdersController",
            "description": "Orders placed by customers.\n\nEvery order has an id."
        }])
    );
    let find = op(&doc, "/orders/{id}", "get");
    assert_eq!(find["operationId"], "OrdersController.find");
    assert_eq!(find["tags"], json!(["OrdersController"]));
    assert_eq!(find["summary"], "Finds an order.");
    assert_eq!(find["description"], "By its id; `verbose` adds the quantity.");
    // No doc comment: neither summary nor description.
    let attach = op(&doc, "/orders/{id}/attachment", "post");
    assert!(attach.get("summary").is_none() && attach.get("description").is_none());
}

#[tokio::test]
async fn path_query_header_and_cookie_parameters_with_their_schemas() {
    let doc = orders().await;
    let find = op(&doc, "/orders/{id}", "get");
    assert_eq!(
        param(find, "id"),
        &json!({
            "name": "id", "in": "path", "required": true,
            "schema": { "type": "integer", "format": "uint64", "minimum": 1 }
        })
    );
    assert_eq!(
        param(find, "verbose"),
        &json!({ "name": "verbose", "in": "query", "required": false, "schema": { "type": "boolean" } })
    );

    let list = op(&doc, "/orders", "get");
    assert_eq!(
        param(list, "limit"),
        &json!({
            "name": "limit", "in": "query", "required": false,
            "schema": { "type": "integer", "format": "uint32", "minimum": 1, "maximum": 50, "default": 10 }
        })
    );
    assert_eq!(
        param(list, "item")["schema"],
        json!({ "type": "string", "pattern": "^(?:^[a-z]+$)$", "minLength": 2 })
    );
    assert_eq!(param(list, "item")["required"], false);
    assert_eq!(
        param(list, "tag"),
        &json!({
            "name": "tag", "in": "query", "required": false,
            "schema": { "type": "array", "items": { "type": "string" } }
        })
    );
    assert_eq!(
        param(list, "tenant"),
        &json!({ "name": "tenant", "in": "header", "required": true, "schema": { "type": "string" } })
    );
    assert_eq!(
        param(list, "session"),
        &json!({ "name": "session", "in": "cookie", "required": false, "schema": { "type": "string" } })
    );

    // `Query<T>` spreads the struct's fields.
    let paged = op(&doc, "/orders/paged", "get");
    assert_eq!(param(paged, "offset")["required"], true);
    assert_eq!(param(paged, "limit")["required"], false);
    assert_eq!(param(paged, "offset")["in"], "query");
    // Read twice, required by one of them: required.
    let twice = op(&doc, "/orders/paged-twice", "get");
    assert_eq!(param(twice, "offset")["required"], true);
    assert_eq!(twice["parameters"].as_array().map(Vec::len), Some(2), "{twice:#}");

    // A catch-all is a path parameter like any other.
    let file = op(&doc, "/orders/files/{rest}", "get");
    assert_eq!(param(file, "rest")["in"], "path");
    // A user extractor that documents itself.
    let note = op(&doc, "/orders/notes", "post");
    assert_eq!(
        param(note, "x-tenant"),
        &json!({ "name": "x-tenant", "in": "header", "required": true, "schema": { "type": "string" } })
    );
}

#[tokio::test]
async fn request_bodies_by_extractor() {
    let doc = orders().await;
    let body = |path: &str, method: &str| op(&doc, path, method)["requestBody"].clone();
    assert_eq!(
        body("/orders", "post"),
        json!({
            "required": true,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NewOrder" } } }
        })
    );
    assert_eq!(
        body("/orders/{id}", "put")["content"]["application/x-www-form-urlencoded"]["schema"],
        json!({ "$ref": "#/components/schemas/NewOrder" })
    );
    assert!(
        body("/orders/{id}/attachment", "post")["content"]["application/octet-stream"].is_object()
    );
    assert_eq!(
        body("/orders/notes", "post")["content"]["text/plain"]["schema"],
        json!({ "type": "string" })
    );
    assert!(body("/orders/{id}", "get").is_null(), "a GET without a body extractor has no body");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["NewOrder"]["required"], json!(["item"]));
    assert_eq!(schemas["Order"]["properties"]["item"]["description"], "What was ordered.");
}

#[tokio::test]
async fn responses_from_the_return_type_and_overrides() {
    let doc = orders().await;
    let responses = |path: &str, method: &str| op(&doc, path, method)["responses"].clone();
    let order = json!({ "$ref": "#/components/schemas/Order" });

    let find = responses("/orders/{id}", "get");
    assert_eq!(find["200"]["content"]["application/json"]["schema"], order);
    assert_eq!(
        find["404"],
        json!({
            "description": "No such order.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/NotFound" } } }
        })
    );
    // `#[openapi(status = 201)]` names the status of a `(StatusCode, T)` reply...
    let create = responses("/orders", "post");
    assert_eq!(create["201"]["content"]["application/json"]["schema"], order);
    assert!(create.get("200").is_none() && create.get("default").is_none());
    // ...without it, the status is chosen at run time: `default`.
    let replace = responses("/orders/{id}", "put");
    assert_eq!(replace["default"]["content"]["application/json"]["schema"], order);
    // `()` is 204 with no content; `String` is text; `Vec<u8>` is bytes.
    let cancel = responses("/orders/{id}", "delete");
    assert_eq!(cancel["204"], json!({ "description": "No Content." }));
    assert_eq!(
        responses("/orders/by-id/{id}", "get")["200"]["content"]["text/plain"]["schema"],
        json!({ "type": "string" })
    );
    assert!(
        responses("/orders/{id}/attachment", "post")["200"]["content"]["application/octet-stream"]
            .is_object()
    );
    // `impl IntoReply` cannot be named: an open `default` response.
    assert_eq!(
        responses("/orders/files/{rest}", "get")["default"],
        json!({ "description": "The handler's reply." })
    );
}

#[tokio::test]
async fn error_responses_follow_what_the_route_can_fail_with() {
    let doc = orders().await;
    let error =
        json!({ "application/json": { "schema": { "$ref": "#/components/schemas/LaurenError" } } });
    let statuses = |path: &str, method: &str| -> Vec<String> {
        let responses =
            op(&doc, path, method)["responses"].as_object().cloned().unwrap_or_default();
        responses.keys().cloned().collect()
    };
    // Extractors (a body over the limit included): 422; a JSON body: 415; always 500.
    assert_eq!(statuses("/orders", "post"), ["201", "415", "422", "500"]);
    // Raw bytes: no content-type gate, so no 415.
    assert_eq!(statuses("/orders/{id}/attachment", "post"), ["200", "422", "500"]);
    // Guards: 401 and 403.
    assert_eq!(statuses("/orders/{id}", "delete"), ["204", "401", "403", "422", "500"]);
    let find = &op(&doc, "/orders/{id}", "get")["responses"];
    assert_eq!(find["422"]["content"], error);
    assert_eq!(find["500"]["content"], error);
    let envelope = &doc["components"]["schemas"]["LaurenError"];
    assert_eq!(envelope["required"], json!(["error"]));
    assert_eq!(envelope["properties"]["error"]["required"], json!(["code", "message"]));
}

#[tokio::test]
async fn rfc7807_apps_document_problem_details() {
    let doc = document(
        LaurenFactory::create(OrdersModule)
            .error_format(lauren::ErrorFormat::Rfc7807)
            .openapi(OpenApi::new("Orders", "1")),
    )
    .await;
    let find = &op(&doc, "/orders/{id}", "get")["responses"]["422"];
    assert_eq!(
        find["content"],
        json!({ "application/problem+json": { "schema": { "$ref": "#/components/schemas/LaurenProblem" } } })
    );
    let problem = &doc["components"]["schemas"]["LaurenProblem"];
    assert_eq!(problem["required"], json!(["type", "title", "status"]));
    assert!(doc["components"]["schemas"].get("LaurenError").is_none());
}

#[tokio::test]
async fn deprecated_skip_and_security() {
    let doc = orders().await;
    assert_eq!(op(&doc, "/orders/by-id/{id}", "get")["deprecated"], true);
    assert!(op(&doc, "/orders/{id}", "get").get("deprecated").is_none());
    assert!(doc["paths"].get("/orders/internal").is_none(), "#[openapi(skip)] hides the route");

    let cancel = op(&doc, "/orders/{id}", "delete");
    assert_eq!(cancel["security"], json!([{ "bearerJWT": [] }]));
    assert_eq!(
        doc["components"]["securitySchemes"],
        json!({ "bearerJWT": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } })
    );
    // A guard without a scheme documents its 401/403 but no security.
    let file = op(&doc, "/orders/files/{rest}", "get");
    assert!(file.get("security").is_none());
    assert!(file["responses"]["403"].is_object());
}

#[tokio::test]
async fn global_guards_add_their_scheme_to_every_route() {
    let doc = document(
        LaurenFactory::create(OrdersModule)
            .global_guards(crate::apps::BearerGuard)
            .openapi(OpenApi::new("Orders", "1")),
    )
    .await;
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            assert_eq!(op["security"], json!([{ "bearerJWT": [] }]), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn types_without_a_schema_are_documented_open() {
    let doc = orders().await;
    let opaque = op(&doc, "/orders/opaque", "post");
    // The body's type has no schema: an open JSON body, still a 415 and 422; the reply is open.
    assert_eq!(
        opaque["requestBody"],
        json!({ "required": true, "content": { "application/json": { "schema": {} } } })
    );
    assert!(opaque["responses"]["415"].is_object() && opaque["responses"]["422"].is_object());
    assert_eq!(opaque["responses"]["default"], json!({ "description": "The handler's reply." }));
}

#[tokio::test]
async fn without_openapi_there_is_no_document_and_no_route() {
    let app = LaurenFactory::create(OrdersModule).build().await.expect("builds");
    assert!(app.openapi_document().is_none());
    let client = lauren::testing::TestClient::new(app).await;
    assert_eq!(client.get("/openapi.json").send().await.status(), StatusCode::NOT_FOUND);
    assert_eq!(client.get("/docs").send().await.status(), StatusCode::NOT_FOUND);
}

async fn notes() -> Value {
    document(LaurenFactory::create(crate::apps::NotesModule).openapi(OpenApi::new("Notes", "1")))
        .await
}

#[tokio::test]
async fn request_and_reply_schemas_follow_serde_each_way() {
    let doc = notes().await;
    let create = op(&doc, "/notes", "post");
    assert_eq!(
        create["requestBody"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/Note" })
    );
    assert_eq!(
        create["responses"]["201"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/NoteResponse" })
    );
    let schemas = &doc["components"]["schemas"];
    // Clients never send the id, and may leave `pinned` out...
    assert!(schemas["Note"]["properties"].get("id").is_none(), "{:#}", schemas["Note"]);
    assert_eq!(schemas["Note"]["required"], json!(["text"]));
    // ...the server always answers both.
    assert_eq!(schemas["NoteResponse"]["required"], json!(["id", "text", "pinned"]));
    // A type the same both ways keeps one name.
    assert!(schemas.get("SettingsResponse").is_none() && schemas.get("Settings").is_some());
}

#[tokio::test]
async fn summaries_ids_security_and_authentication() {
    let doc = notes().await;
    assert_eq!(
        op(&doc, "/notes", "post")["summary"],
        "Creates a note (the summary wraps over two lines)."
    );
    assert_eq!(op(&doc, "/notes", "post")["description"], "The body has no id; the reply has one.");
    // One handler on three paths: three distinct operation ids.
    let ids: Vec<&Value> = ["/notes/a", "/notes/b", "/notes/c"]
        .iter()
        .map(|p| &op(&doc, p, "get")["operationId"])
        .collect();
    assert_eq!(
        ids,
        [
            &json!("NotesController.many"),
            &json!("NotesController.many.get"),
            &json!("NotesController.many.get3")
        ]
    );
    // Every guard must pass: one requirement naming both schemes.
    assert_eq!(
        op(&doc, "/notes/{id}", "delete")["security"],
        json!([{ "bearerJWT": [], "apiKeyHeader_x-api-key": [] }])
    );
    // A `Principal` parameter: a 401 and the bearer scheme of `Auths`.
    let mine = op(&doc, "/notes/mine", "get");
    assert_eq!(mine["security"], json!([{ "bearerAuth": [] }]));
    assert!(mine["responses"]["401"].is_object() && mine["responses"].get("403").is_none());
    // `Self` in a signature is the controller.
    assert_eq!(
        op(&doc, "/settings", "get")["responses"]["200"]["content"]["application/json"]["schema"],
        json!({ "$ref": "#/components/schemas/Settings" })
    );
    // `#[openapi(status)]` on a reply whose status is fixed: the real status is documented.
    let fixed = &op(&doc, "/notes/fixed", "get")["responses"];
    assert!(fixed["200"].is_object() && fixed.get("201").is_none(), "{fixed:#}");
}

#[tokio::test]
async fn patterns_are_anchored_like_the_check() {
    let doc = orders().await;
    let list = op(&doc, "/orders", "get");
    assert_eq!(param(list, "item")["schema"]["pattern"], "^(?:^[a-z]+$)$");
}

#[tokio::test]
async fn descriptions_error_bodies_and_deprecation_notes() {
    let doc = orders().await;
    assert_eq!(op(&doc, "/orders", "post")["responses"]["201"]["description"], "Created.");
    assert_eq!(op(&doc, "/orders/{id}", "get")["responses"]["200"]["description"], "OK.");
    assert_eq!(
        op(&doc, "/orders/{id}", "put")["responses"]["default"]["description"],
        "The reply; its status is chosen at run time."
    );
    // `#[deprecated = "use find"]`: the note joins the description.
    assert_eq!(op(&doc, "/orders/by-id/{id}", "get")["description"], "Deprecated: use find");
    let notes = notes().await;
    // A response override without a body is an error: the error envelope.
    assert_eq!(
        op(&notes, "/notes/{id}", "delete")["responses"]["404"],
        json!({
            "description": "No such note.",
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LaurenError" } } }
        })
    );
}

#[tokio::test]
async fn streamed_replies_name_their_media_types() {
    let doc = document(
        LaurenFactory::create(crate::apps::FeedsModule).openapi(OpenApi::new("Feeds", "1")),
    )
    .await;
    let content = |path: &str| op(&doc, path, "get")["responses"]["200"]["content"].clone();
    assert_eq!(
        content("/feeds/events"),
        json!({ "text/event-stream": { "schema": { "type": "string" } } })
    );
    let tick = json!({ "$ref": "#/components/schemas/Tick" });
    assert_eq!(content("/feeds/lines"), json!({ "application/x-ndjson": { "schema": tick } }));
    assert_eq!(
        content("/feeds/either"),
        json!({
            "application/x-ndjson": { "schema": tick },
            "text/event-stream": { "schema": { "type": "string" } }
        })
    );
}

mod builtins {
    use lauren::builtin::{Auths, Permission, Principal, Sign, TokenVerifier};
    use lauren::openapi::OpenApi;
    use lauren::prelude::*;
    use serde_json::json;

    use super::{document, op, param};

    #[derive(Default)]
    struct Tokens;

    impl TokenVerifier for Tokens {
        async fn verify(&self, _: &str) -> lauren::Result<Principal> {
            Err(HttpError::unauthorized("no tokens here"))
        }
    }

    #[derive(Default)]
    struct Guarded;

    #[controller("/guarded")]
    impl Guarded {
        #[get("/login")]
        async fn login(&self) {}

        #[set_metadata("login_required", false)]
        #[set_metadata("ignore_sign", true)]
        #[get("/open")]
        async fn open(&self) {}

        #[set_metadata("roles", "admin")]
        #[get("/admin")]
        async fn admin(&self) {}

        // An optional login, but roles: a principal is needed after all.
        #[set_metadata("login_required", false)]
        #[set_metadata("roles", "admin")]
        #[get("/optional-admin")]
        async fn optional_admin(&self) {}

        // The handler reads the signature too, as optional: Sign still requires it.
        #[get("/reads-signature")]
        async fn reads_signature(&self, x_signature: Option<Header<String>>) {
            let _ = x_signature;
        }
    }

    #[module(controllers = [Guarded])]
    struct GuardedModule;

    #[tokio::test]
    async fn lifecycle_built_ins_document_their_security_errors_and_headers() {
        let doc = document(
            LaurenFactory::create(GuardedModule)
                .global_interceptors((Auths::new(Tokens), Sign::new("key"), Permission))
                .openapi(OpenApi::new("Guarded", "1")),
        )
        .await;
        let statuses = |path: &str| -> Vec<String> {
            let responses = op(&doc, path, "get")["responses"].as_object().cloned();
            responses.unwrap_or_default().keys().cloned().collect()
        };
        // Auths: a required bearer token and its 401; Sign: its two headers.
        let login = op(&doc, "/guarded/login", "get");
        assert_eq!(login["security"], json!([{ "bearerAuth": [] }]));
        assert_eq!(statuses("/guarded/login"), ["204", "401", "500"]);
        for header in ["x-timestamp", "x-signature"] {
            assert_eq!(param(login, header)["in"], "header", "{header}");
            assert_eq!(param(login, header)["required"], true, "{header}");
        }
        assert_eq!(doc["components"]["securitySchemes"]["bearerAuth"]["scheme"], "bearer");
        // The login optional (a token or none), the signature off: no headers.
        let open = op(&doc, "/guarded/open", "get");
        assert_eq!(open["security"], json!([{ "bearerAuth": [] }, {}]));
        assert!(open.get("parameters").is_none(), "{open:#}");
        // Permission with roles: its 403.
        assert_eq!(statuses("/guarded/admin"), ["204", "401", "403", "500"]);
        // Auths and Sign both answer 401: both say why.
        let unauthorized = login["responses"]["401"]["description"].as_str().unwrap_or_default();
        assert!(unauthorized.contains("no bearer token"), "{unauthorized}");
        assert!(unauthorized.contains("signature"), "{unauthorized}");
        // Roles need the principal: the optional login is required there.
        let optional_admin = op(&doc, "/guarded/optional-admin", "get");
        assert_eq!(optional_admin["security"], json!([{ "bearerAuth": [] }]));
        // A header the handler reads as optional stays required while Sign refuses without it.
        let reads = op(&doc, "/guarded/reads-signature", "get");
        assert_eq!(param(reads, "x-signature")["required"], true);
    }
}

mod versions {
    use lauren::openapi::OpenApi;
    use lauren::prelude::*;

    use super::{document, op};

    pub(crate) mod v1 {
        use lauren::prelude::*;

        #[derive(Default)]
        pub(crate) struct Items;

        /// Items, first version.
        #[controller("/v1/items")]
        impl Items {
            #[get]
            async fn list(&self) -> &'static str {
                "v1"
            }
        }
    }

    pub(crate) mod v2 {
        use lauren::prelude::*;

        #[derive(Default)]
        pub(crate) struct Items;

        /// Items, second version.
        #[controller("/v2/items")]
        impl Items {
            #[get]
            async fn list(&self) -> &'static str {
                "v2"
            }
        }
    }

    #[module(controllers = [v1::Items, v2::Items])]
    struct VersionsModule;

    #[tokio::test]
    async fn two_controllers_of_one_name_get_tags_of_their_own() {
        let doc =
            document(LaurenFactory::create(VersionsModule).openapi(OpenApi::new("Versions", "1")))
                .await;
        let v1 = op(&doc, "/v1/items", "get");
        let v2 = op(&doc, "/v2/items", "get");
        let tag = |op: &serde_json::Value| op["tags"][0].as_str().unwrap_or_default().to_owned();
        assert!(tag(v1).ends_with("v1::Items"), "{v1:#}");
        assert!(tag(v2).ends_with("v2::Items"), "{v2:#}");
        assert_eq!(v1["operationId"], format!("{}.list", tag(v1)));
        let tags = doc["tags"].as_array().cloned().unwrap_or_default();
        let described: Vec<&str> = tags.iter().filter_map(|t| t["description"].as_str()).collect();
        assert_eq!(described, ["Items, first version.", "Items, second version."]);
    }
}
