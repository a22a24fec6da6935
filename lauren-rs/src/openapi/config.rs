//! `OpenApi`: what the document says about the API as a whole, and where it is served.

/// The OpenAPI document's settings, given to
/// [`AppBuilder::openapi`](crate::AppBuilder::openapi): the API's title and version, and the
/// paths the document and the docs page are served at.
///
/// ```
/// use lauren::openapi::OpenApi;
///
/// let openapi = OpenApi::new("Orders API", "1.0.0")
///     .description("Place and track orders.")
///     .server("https://api.example.com")
///     .json_path("/api/openapi.json")
///     .docs_path("/api/docs");
/// assert_eq!(openapi.served_json_path(), "/api/openapi.json");
/// ```
#[derive(Debug, Clone)]
pub struct OpenApi {
    pub(crate) title: String,
    pub(crate) version: String,
    pub(crate) description: Option<String>,
    pub(crate) servers: Vec<String>,
    pub(crate) json_path: String,
    pub(crate) docs_path: Option<String>,
}

impl OpenApi {
    /// A document titled `title` for version `version` of the API, served at `/openapi.json`
    /// with its docs page at `/docs`.
    pub fn new(title: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            version: version.into(),
            description: None,
            servers: Vec::new(),
            json_path: "/openapi.json".to_owned(),
            docs_path: Some("/docs".to_owned()),
        }
    }

    /// The API's description (`info.description`; Markdown).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Adds a server URL (`servers`); the docs page's "Try it out" calls the first one. Without
    /// any, it calls the server that served the page.
    pub fn server(mut self, url: impl Into<String>) -> Self {
        self.servers.push(url.into());
        self
    }

    /// Where the document is served (default `/openapi.json`).
    pub fn json_path(mut self, path: impl Into<String>) -> Self {
        self.json_path = path.into();
        self
    }

    /// Where the docs page is served (default `/docs`); its assets are served below it.
    pub fn docs_path(mut self, path: impl Into<String>) -> Self {
        self.docs_path = Some(path.into());
        self
    }

    /// Serves the document only, no docs page.
    pub fn without_docs_page(mut self) -> Self {
        self.docs_path = None;
        self
    }

    /// The path the document is served at.
    pub fn served_json_path(&self) -> &str {
        &self.json_path
    }

    /// The path the docs page is served at, if it is served.
    pub fn served_docs_path(&self) -> Option<&str> {
        self.docs_path.as_deref()
    }
}
