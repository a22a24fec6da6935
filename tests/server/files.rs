//! Files over real sockets: a static directory nobody can step out of, conditional GET (304),
//! ranges (206, 416) and a `File` reply from a handler behind an interceptor.

use std::path::PathBuf;
use std::time::Duration;

use lauren::files::{File, StaticDir};
use lauren::prelude::*;

use crate::support::{Running, get, once, serve};

const ALPHABET: &str = "abcdefghijklmnopqrstuvwxyz";
const SECRET: &str = "the secret outside the root";

/// A fresh tree: `<tmp>/public` is served; `<tmp>/secret.txt` must never be.
fn fixture(name: &str) -> PathBuf {
    let base = std::env::temp_dir().join(format!("lauren-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let public = base.join("public");
    for dir in ["sub", ".git", "empty"] {
        std::fs::create_dir_all(public.join(dir)).expect("fixture dirs");
    }
    let write = |path: &str, text: &str| std::fs::write(base.join(path), text).expect("fixture");
    write("secret.txt", SECRET);
    write("public/abc.txt", ALPHABET);
    write("public/.env", SECRET);
    write("public/.git/config", SECRET);
    write("public/sub/index.html", "<h1>sub</h1>");
    write("public/page.html", "<h1>page</h1>");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(base.join("secret.txt"), public.join("escape"))
            .expect("symlink out");
        std::os::unix::fs::symlink(base.join("secret.txt"), public.join("sub/escape.txt"))
            .expect("symlink out");
        std::os::unix::fs::symlink(public.join("abc.txt"), public.join("alias.txt"))
            .expect("symlink in");
        std::os::unix::fs::symlink(public.join(".env"), public.join("env.txt"))
            .expect("symlink to a dotfile");
    }
    public
}

struct Downloads {
    dir: PathBuf,
}

impl Default for Downloads {
    fn default() -> Self {
        Self {
            dir: std::env::temp_dir().join(format!("lauren-files-handler-{}", std::process::id())),
        }
    }
}

/// Counts the replies it sees: the file must pass through an interceptor unchanged.
#[interceptor]
#[derive(Default)]
struct Tag;

impl Interceptor for Tag {
    async fn intercept(
        &self,
        ctx: &mut ExecutionContext<'_>,
        next: CallHandler<'_>,
    ) -> lauren::Result<Reply> {
        Ok(next.handle(ctx).await?.with_header("x-tag", "seen"))
    }
}

#[controller("/downloads")]
#[use_interceptors(Tag)]
impl Downloads {
    #[get("/{name}")]
    async fn download(&self, name: String) -> Result<File, HttpError> {
        Ok(File::open(self.dir.join(name)).await?.attachment("résumé 1.txt"))
    }

    /// Wrapped in a tuple: the file still answers ranges and conditions, with its own status.
    #[get("/tuple/{name}")]
    async fn tuple(
        &self,
        name: String,
    ) -> Result<(StatusCode, [(&'static str, &'static str); 1], File), HttpError> {
        Ok((StatusCode::OK, [("x-wrapped", "yes")], File::open(self.dir.join(name)).await?))
    }
}

#[module(controllers = [Downloads])]
struct FilesModule;

async fn app(name: &str) -> (Running, PathBuf) {
    let public = fixture(name);
    let handler_dir =
        std::env::temp_dir().join(format!("lauren-files-handler-{}", std::process::id()));
    std::fs::create_dir_all(&handler_dir).expect("handler dir");
    // Written once: tests run in parallel, and rewriting it would change its ETag under them.
    if let Ok(mut file) =
        std::fs::OpenOptions::new().write(true).create_new(true).open(handler_dir.join("abc.txt"))
    {
        std::io::Write::write_all(&mut file, ALPHABET.as_bytes()).expect("handler file");
    }
    let builder = LaurenFactory::create(FilesModule)
        .serve_dir("/static", StaticDir::new(&public).max_age(Duration::from_secs(60)));
    (serve(builder).await, public)
}

fn request(path: &str, headers: &[(&str, &str)]) -> Vec<u8> {
    let mut text = format!("GET {path} HTTP/1.1\r\nHost: t\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    text.into_bytes()
}

#[tokio::test]
async fn a_static_file_has_its_type_validators_and_cache_control() {
    let (server, public) = app("plain").await;
    let response = once(server.addr, &get("/static/abc.txt")).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.text(), ALPHABET);
    assert_eq!(response.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(response.header("content-length"), Some("26"));
    assert_eq!(response.header("accept-ranges"), Some("bytes"));
    assert_eq!(response.header("cache-control"), Some("public, max-age=60"));
    assert!(response.header("etag").is_some_and(|tag| tag.starts_with('"')));
    assert!(response.header("last-modified").is_some_and(|date| date.ends_with("GMT")));

    let html = once(server.addr, &get("/static/page.html")).await;
    assert_eq!(html.header("content-type"), Some("text/html; charset=utf-8"));
    let index = once(server.addr, &get("/static/sub/")).await;
    assert_eq!((index.status, index.text().as_str()), (200, "<h1>sub</h1>"));
    // Without its slash a directory redirects, so the page's relative links work.
    let bare = once(server.addr, &get("/static/sub?x=1")).await;
    assert_eq!((bare.status, bare.header("location")), (308, Some("/static/sub/?x=1")));
    assert_eq!(once(server.addr, &get("/static/page.html/")).await.status, 404);
    std::fs::write(public.join("index.html"), "<h1>root</h1>").expect("root index");
    let root = once(server.addr, &get("/static")).await;
    assert_eq!((root.status, root.header("location")), (308, Some("/static/")));
    assert_eq!(once(server.addr, &get("/static/")).await.text(), "<h1>root</h1>");
    #[cfg(unix)]
    assert_eq!(once(server.addr, &get("/static/alias.txt")).await.text(), ALPHABET);
    server.shutdown().await;
}

#[tokio::test]
async fn nothing_outside_the_root_or_hidden_can_be_read() {
    let (server, _) = app("traversal").await;
    let attempts = [
        "/static/../secret.txt",
        "/static/sub/../../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/sub%2f..%2f..%2fsecret.txt",
        "/static/.env",
        "/static/%2eenv",
        "/static/.git/config",
        "/static/abc.txt%00.html",
        "/static/escape",
        "/static/sub/escape.txt",
        "/static/env.txt",
        "/static/empty/",
        "/static/",
        "/static/missing.txt",
        "/static/%ff",
    ];
    for path in attempts {
        let response = once(server.addr, &get(path)).await;
        assert_eq!(response.status, 404, "{path}");
        assert!(!response.text().contains(SECRET), "{path} leaked the secret");
        assert_eq!(response.json()["error"]["code"], "not_found", "{path}");
    }
    server.shutdown().await;
}

#[tokio::test]
async fn conditional_requests_answer_304_and_412() {
    let (server, _) = app("conditional").await;
    let first = once(server.addr, &get("/static/abc.txt")).await;
    let etag = first.header("etag").expect("an etag").to_owned();
    let modified = first.header("last-modified").expect("a date").to_owned();

    let again = once(server.addr, &request("/static/abc.txt", &[("If-None-Match", &etag)])).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    assert_eq!(again.header("cache-control"), Some("public, max-age=60"));

    let weak = format!("W/{etag}");
    let again = once(server.addr, &request("/static/abc.txt", &[("If-None-Match", &weak)])).await;
    assert_eq!(again.status, 304);
    let dated =
        once(server.addr, &request("/static/abc.txt", &[("If-Modified-Since", &modified)])).await;
    assert_eq!(dated.status, 304);
    let changed =
        once(server.addr, &request("/static/abc.txt", &[("If-None-Match", "\"other\"")])).await;
    assert_eq!((changed.status, changed.text().as_str()), (200, ALPHABET));

    let failed = once(server.addr, &request("/static/abc.txt", &[("If-Match", "\"other\"")])).await;
    assert_eq!(failed.status, 412);
    assert_eq!(failed.json()["error"]["code"], "precondition_failed");
    server.shutdown().await;
}

#[tokio::test]
async fn ranges_answer_206_416_or_the_whole_file() {
    let (server, _) = app("ranges").await;
    let part = once(server.addr, &request("/static/abc.txt", &[("Range", "bytes=2-5")])).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.text(), "cdef");
    assert_eq!(part.header("content-range"), Some("bytes 2-5/26"));
    assert_eq!(part.header("content-length"), Some("4"));

    let tail = once(server.addr, &request("/static/abc.txt", &[("Range", "bytes=-3")])).await;
    assert_eq!((tail.status, tail.text().as_str()), (206, "xyz"));
    let open = once(server.addr, &request("/static/abc.txt", &[("Range", "bytes=24-")])).await;
    assert_eq!((open.status, open.text().as_str()), (206, "yz"));

    let outside = once(server.addr, &request("/static/abc.txt", &[("Range", "bytes=26-")])).await;
    assert_eq!(outside.status, 416);
    assert_eq!(outside.header("content-range"), Some("bytes */26"));
    assert_eq!(outside.json()["error"]["code"], "range_not_satisfiable");

    for whole in [
        vec![("Range", "bytes=0-1,4-5")],
        vec![("Range", "items=0-1")],
        vec![("Range", "bytes=0-1"), ("If-Range", "\"stale\"")],
    ] {
        let response = once(server.addr, &request("/static/abc.txt", &whole)).await;
        assert_eq!((response.status, response.text().as_str()), (200, ALPHABET), "{whole:?}");
    }
    let etag =
        once(server.addr, &get("/static/abc.txt")).await.header("etag").expect("etag").to_owned();
    let current = once(
        server.addr,
        &request("/static/abc.txt", &[("Range", "bytes=0-0"), ("If-Range", &etag)]),
    )
    .await;
    assert_eq!((current.status, current.text().as_str()), (206, "a"));
    server.shutdown().await;
}

#[tokio::test]
async fn head_keeps_the_length_and_other_methods_are_405() {
    let (server, _) = app("methods").await;
    let mut conn = crate::support::Conn::open(server.addr).await;
    conn.send(b"HEAD /static/abc.txt HTTP/1.1\r\nHost: t\r\n\r\n").await;
    let head = conn.read_head_response().await.expect("a response");
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("26"));
    assert!(head.body.is_empty());

    let post =
        once(server.addr, b"POST /static/abc.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            .await;
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_eq!(post.json()["error"]["code"], "method_not_allowed");
    server.shutdown().await;
}

#[tokio::test]
async fn a_file_reply_passes_an_interceptor_and_keeps_its_ranges() {
    let (server, _) = app("handler").await;
    let whole = once(server.addr, &get("/downloads/abc.txt")).await;
    assert_eq!((whole.status, whole.text().as_str()), (200, ALPHABET));
    assert_eq!(whole.header("x-tag"), Some("seen"));
    assert_eq!(
        whole.header("content-disposition"),
        Some("attachment; filename=\"r_sum_ 1.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201%2Etxt")
    );
    let part = once(server.addr, &request("/downloads/abc.txt", &[("Range", "bytes=0-2")])).await;
    assert_eq!((part.status, part.text().as_str()), (206, "abc"));
    assert_eq!(part.header("x-tag"), Some("seen"));

    let wrapped =
        once(server.addr, &request("/downloads/tuple/abc.txt", &[("Range", "bytes=1-2")])).await;
    assert_eq!((wrapped.status, wrapped.text().as_str()), (206, "bc"));
    assert_eq!(wrapped.header("x-wrapped"), Some("yes"));
    let etag = whole.header("etag").expect("etag").to_owned();
    let fresh =
        once(server.addr, &request("/downloads/tuple/abc.txt", &[("If-None-Match", &etag)])).await;
    assert_eq!(fresh.status, 304);

    let missing = once(server.addr, &get("/downloads/nope.txt")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["error"]["message"], "no such file");
    assert!(!missing.text().contains("lauren-files"), "the path must not be sent");
    server.shutdown().await;
}

#[tokio::test]
async fn a_static_dir_is_also_a_plain_tower_service() {
    let public = fixture("service");
    let server =
        serve(LaurenFactory::create(FilesModule).mount("/files", StaticDir::new(&public))).await;
    let response = once(server.addr, &get("/files/abc.txt")).await;
    assert_eq!((response.status, response.text().as_str()), (200, ALPHABET));
    assert_eq!(once(server.addr, &get("/files/.env")).await.status, 404);
    server.shutdown().await;
}

#[tokio::test]
async fn a_missing_directory_fails_at_startup_naming_it() {
    let err = LaurenFactory::create(FilesModule)
        .serve_dir("/static", "./no/such/dir")
        .build()
        .await
        .expect_err("a missing directory is a startup error");
    assert_eq!(err.code(), "invalid_option");
    assert!(err.to_string().contains("./no/such/dir"), "{err}");
    assert!(err.to_string().contains("/static"), "{err}");
}
