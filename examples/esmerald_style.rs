//! Esmerald-style pre-interceptors: `cargo run --example esmerald_style`, then
//!
//! ```text
//! curl -i http://127.0.0.1:3000/api/orders/7                          # 401: no x-tenant (app level)
//! curl -i http://127.0.0.1:3000/nowhere                               # 401 too: app level runs before routing
//! curl -i http://127.0.0.1:3000/api/orders/7 -H 'x-tenant: acme'      # 200, tenant and version set by them
//! curl -i http://127.0.0.1:3000/v1/orders/7 -H 'x-tenant: acme'       # 200: /v1/.. rewritten to /api/..
//! curl -i http://127.0.0.1:3000/admin/stats -H 'x-tenant: acme'       # 403: the admin module's own check
//! curl -i http://127.0.0.1:3000/admin/stats -H 'x-tenant: acme' -H 'x-admin: yes'  # 200
//! LAUREN_SETTINGS=StrictSettings cargo run --example esmerald_style   # settings chosen by name
//! ```
//!
//! The address comes from `LAUREN_ADDR` (default `127.0.0.1:3000`).

use lauren::prelude::*;

/// App level (from `AppSettings`): every request needs a tenant, unknown paths included.
#[derive(Default)]
#[pre_interceptor]
struct RequireTenant;

impl PreInterceptor for RequireTenant {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        let tenant = ctx
            .headers()
            .get("x-tenant")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| HttpError::unauthorized("send your tenant in x-tenant"))?;
        // An early path parameter: the handler sees it as `ctx.path_param("tenant")`.
        ctx.set_path_param("tenant", tenant);
        Ok(())
    }
}

/// App level: the old `/v1/..` paths are served by `/api/..` (the rewrite re-routes).
#[derive(Default)]
#[pre_interceptor]
struct LegacyPaths;

impl PreInterceptor for LegacyPaths {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        if let Some(rest) = ctx.uri().path().strip_prefix("/v1/") {
            // Keep the query: `/v1/orders/7?expand=1` -> `/api/orders/7?expand=1`.
            let query = ctx.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
            let uri = format!("/api/{rest}{query}")
                .parse()
                .map_err(|_| HttpError::bad_request("the path cannot be rewritten"))?;
            ctx.request_mut().uri = uri;
            ctx.set_metadata("api_version", "v1");
        }
        Ok(())
    }
}

/// Route level: stamps the version the client asked for.
#[derive(Default)]
struct StampVersion;

impl PreInterceptor for StampVersion {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        if ctx.metadata::<&str>("api_version").is_none() {
            ctx.set_metadata("api_version", "v2");
        }
        Ok(())
    }
}

/// Module level (the admin module only).
#[derive(Default)]
struct AdminOnly;

impl PreInterceptor for AdminOnly {
    async fn intercept(&self, ctx: &mut ExecutionContext<'_>) -> lauren::Result<()> {
        match ctx.headers().get("x-admin") {
            Some(v) if v == "yes" => Ok(()),
            _ => Err(HttpError::forbidden("admins only")),
        }
    }
}

#[derive(Default)]
struct OrdersController;

#[controller("/api/orders")]
impl OrdersController {
    #[use_pre_interceptors(StampVersion)]
    #[get("/{id}")]
    async fn show(&self, id: u64, ctx: &ExecutionContext<'_>) -> Json<serde_json::Value> {
        Json(serde_json::json!({
            "id": id,
            "tenant": ctx.path_param("tenant"),
            "api_version": ctx.metadata::<&str>("api_version"),
        }))
    }
}

#[derive(Default)]
struct StatsController;

#[controller("/admin/stats")]
impl StatsController {
    #[get]
    async fn stats(&self) -> Json<serde_json::Value> {
        Json(serde_json::json!({"orders": 42}))
    }
}

#[module(controllers = [StatsController], pre_interceptors = [AdminOnly])]
struct AdminModule;

#[module(imports = [AdminModule], controllers = [OrdersController])]
struct AppModule;

/// The app's pre-interceptors, declared once; by type, or by registered name.
#[settings(pre_interceptors = [LegacyPaths, "RequireTenant"])]
struct AppSettings;

/// Picked with `LAUREN_SETTINGS=StrictSettings`: only the tenant check.
#[settings(pre_interceptors = [RequireTenant])]
struct StrictSettings;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule)
        .openapi(lauren::openapi::OpenApi::new("esmerald_style", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let addr = lauren_examples::addr();
    let builder = app();
    // `LAUREN_SETTINGS` names a settings type; without it, `AppSettings`.
    let builder = if std::env::var_os("LAUREN_SETTINGS").is_some() {
        builder
    } else {
        builder.settings(AppSettings)
    };
    let server = builder.bind(addr.as_str()).await?;
    println!("lauren esmerald_style example listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
