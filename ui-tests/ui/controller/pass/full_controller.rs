//! Every kind of parameter and reply compiles with only `lauren` (and serde) as dependencies.
use lauren::prelude::*;

#[derive(serde::Deserialize, serde::Serialize)]
struct Item {
    name: String,
}

#[derive(serde::Deserialize)]
struct Paging {
    page: Option<u32>,
}

#[derive(Default)]
struct Everything;

#[controller("/everything/{tenant}")]
impl Everything {
    #[get]
    #[head]
    async fn root(&self, tenant: String) -> String {
        tenant
    }

    #[post("/items/{id}")]
    async fn create(
        &self,
        tenant: String,
        id: u64,
        q: Option<String>,
        paging: Query<Paging>,
        x_key: Header<String>,
        sid: Option<Cookie<String>>,
        item: Json<Item>,
        ctx: &ExecutionContext<'_>,
        request: &RequestHead,
    ) -> lauren::Result<(StatusCode, Json<Item>)> {
        let _ = (tenant, id, q, paging.page, x_key.0, sid, ctx.route_template(), &request.method);
        Ok((StatusCode::CREATED, item))
    }

    #[get("/static")]
    async fn no_receiver(tenant: String) -> Response {
        let _ = tenant;
        Response::text("x").with_header("x-a", "b")
    }
}

#[module(controllers = [Everything])]
struct AppModule;

fn main() {
    let _ = LaurenFactory::create(AppModule);
}
