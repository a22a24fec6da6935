//! The README's first command: `cargo run --example hello`, then
//!
//! ```text
//! curl http://127.0.0.1:3000/greetings/Ada?excited=true
//! curl -X POST http://127.0.0.1:3000/greetings -H 'content-type: application/json' -d '{"name":"Grace"}'
//! ```

use lauren::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Deserialize, schemars::JsonSchema)]
struct NewGreeting {
    name: String,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Greeting {
    message: String,
}

#[derive(Default)]
struct GreetingsController;

#[controller("/greetings")]
impl GreetingsController {
    /// Path parameter `name`, optional query parameter `excited`.
    #[get("/{name}")]
    async fn greet(&self, name: String, excited: Option<bool>) -> Json<Greeting> {
        let mark = if excited.unwrap_or(false) { "!" } else { "." };
        Json(Greeting { message: format!("Hello, {name}{mark}") })
    }

    /// JSON body in, 201 and JSON out.
    #[post]
    async fn create(
        &self,
        body: Json<NewGreeting>,
    ) -> Result<(StatusCode, Json<Greeting>), HttpError> {
        if body.name.trim().is_empty() {
            return Err(
                HttpError::bad_request("name must not be empty").with_detail("field", "name")
            );
        }
        Ok((StatusCode::CREATED, Json(Greeting { message: format!("Hello, {}!", body.name) })))
    }
}

#[module(controllers = [GreetingsController])]
struct AppModule;

/// The app `main` serves (the OpenAPI snapshot tests build it too).
pub(crate) fn app() -> lauren::AppBuilder {
    LaurenFactory::create(AppModule).openapi(lauren::openapi::OpenApi::new("hello", "0.1.0"))
}

#[tokio::main]
async fn main() -> Result<(), lauren::ServeError> {
    lauren_examples::init_logging();
    let server = app().bind(lauren_examples::addr().as_str()).await?;
    println!("lauren hello listening on http://{}", server.local_addr());
    server.run().await;
    Ok(())
}
