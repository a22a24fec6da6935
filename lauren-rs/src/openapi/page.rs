//! The docs page: Swagger UI from the vendored copy in `assets/swagger-ui` (version 5.35.0 of
//! the `swagger-ui-dist` package, Apache-2.0), so it works offline and needs no CDN.

use bytes::Bytes;

const BUNDLE: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");

/// One file of the docs page.
pub(crate) struct File {
    pub(crate) path: String,
    pub(crate) body: Bytes,
    pub(crate) content_type: &'static str,
    /// The page itself (changes with the app), not an asset (changes with lauren).
    pub(crate) is_page: bool,
}

/// The page and its assets, for the page served at `docs_path` and reading the document from
/// `json_path` (both normalised).
pub(crate) fn files(title: &str, docs_path: &str, json_path: &str) -> Vec<File> {
    let base = docs_path.trim_end_matches('/');
    // The page is served at `docs_path` itself; its assets below it.
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <link rel=\"stylesheet\" href=\"{base}/swagger-ui.css\">\n</head>\n<body>\n\
         <div id=\"swagger-ui\"></div>\n<script src=\"{base}/swagger-ui-bundle.js\"></script>\n\
         <script src=\"{base}/swagger-initializer.js\"></script>\n</body>\n</html>\n",
        title = escape_html(title),
    );
    // A separate script, not an inline one, so a strict Content-Security-Policy can allow it.
    let init = format!(
        "window.onload = function () {{\n  window.ui = SwaggerUIBundle({{ url: {url}, dom_id: \"#swagger-ui\", deepLinking: true }});\n}};\n",
        url = serde_json::Value::String(json_path.to_owned()),
    );
    let file = |path: String, body: Bytes, content_type, is_page| File {
        path,
        body,
        content_type,
        is_page,
    };
    vec![
        file(docs_path.to_owned(), Bytes::from(html), "text/html; charset=utf-8", true),
        file(
            format!("{base}/swagger-ui.css"),
            Bytes::from_static(CSS),
            "text/css; charset=utf-8",
            false,
        ),
        file(
            format!("{base}/swagger-ui-bundle.js"),
            Bytes::from_static(BUNDLE),
            "text/javascript; charset=utf-8",
            false,
        ),
        // Names the document's path: changes with the app's configuration.
        file(
            format!("{base}/swagger-initializer.js"),
            Bytes::from(init),
            "text/javascript; charset=utf-8",
            true,
        ),
    ]
}

fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_is_escaped_and_the_json_path_quoted() {
        let files = files("<Orders & co>", "/docs", "/api/\"x\".json");
        let html = std::str::from_utf8(&files[0].body).unwrap_or_default();
        assert!(html.contains("<title>&lt;Orders &amp; co&gt;</title>"), "{html}");
        assert!(html.contains("href=\"/docs/swagger-ui.css\""), "{html}");
        let init = std::str::from_utf8(&files[3].body).unwrap_or_default();
        assert!(init.contains(r#"url: "/api/\"x\".json""#), "{init}");
        assert_eq!(files[2].path, "/docs/swagger-ui-bundle.js");
        assert!(files[0].is_page && !files[2].is_page && files[3].is_page);
    }
}
