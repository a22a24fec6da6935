//! Property tests: random input through the whole pipeline (in-process, and over a socket for
//! what only the wire sees) never panics, never answers 5xx, always answers a JSON error body,
//! and round-trips what it should (path and query parameters, JSON bodies, cookies).
//!
//! `PROPTEST_CASES` sets the number of cases per property (256 by default); `bench/fuzz.sh`
//! runs them for longer in release mode.

use lauren::Method;
use lauren::prelude::*;
use lauren::testing::TestClient;
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;
use serde_json::Value;

#[derive(Default)]
struct EchoController;

#[controller("/p")]
impl EchoController {
    #[get("/one/{id}")]
    async fn one(&self, id: String) -> String {
        id
    }

    #[get("/num/{n}")]
    async fn num(&self, n: i64) -> String {
        n.to_string()
    }

    #[get("/tail/{*rest}")]
    async fn tail(&self, rest: String) -> String {
        rest
    }

    #[get("/query")]
    async fn query(&self, q: Option<String>, many: Vec<String>) -> Json<Value> {
        Json(serde_json::json!({"q": q, "many": many}))
    }

    #[get("/cookie")]
    async fn cookie(&self, session: Cookie<String>) -> String {
        session.0
    }

    #[post("/json")]
    async fn json(&self, body: Json<Value>) -> Json<Value> {
        body
    }
}

#[module(controllers = [EchoController])]
struct EchoModule;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

fn client(rt: &tokio::runtime::Runtime) -> TestClient {
    rt.block_on(TestClient::new(LaurenFactory::create(EchoModule)))
}

/// An answer the server may give to any input: a success, or a client error with the envelope.
fn well_formed(status: u16, body: &str) -> Result<(), TestCaseError> {
    prop_assert!(status < 500, "a server error: {status} {body}");
    if status >= 400 {
        let json: Value = serde_json::from_str(body)
            .map_err(|e| TestCaseError::fail(format!("{status}: not JSON ({e}): {body}")))?;
        prop_assert!(json["error"]["code"].is_string(), "{body}");
        prop_assert!(json["error"]["message"].is_string(), "{body}");
    }
    Ok(())
}

/// Path text the way a hostile client writes it: encodings, dots, slashes, unicode, controls
/// escaped as `%XX`.
fn hostile_path() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9._~-]{0,8}",
        Just("..".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("%2F".to_owned()),
        Just("%".to_owned()),
        Just("%zz".to_owned()),
        Just("%FF%FE".to_owned()),
        Just("%C3%A9".to_owned()),
        Just("{id}".to_owned()),
        Just("*".to_owned()),
        any::<u8>().prop_map(|b| format!("%{b:02X}")),
    ];
    (proptest::collection::vec(piece, 0..6), proptest::collection::vec("/{1,2}", 0..6)).prop_map(
        |(pieces, slashes)| {
            let mut path = String::from("/");
            for (i, piece) in pieces.iter().enumerate() {
                path.push_str(piece);
                path.push_str(slashes.get(i).map_or("/", String::as_str));
            }
            path
        },
    )
}

proptest! {
    #[test]
    fn any_path_gets_a_well_formed_answer(
        prefix in prop_oneof![Just(""), Just("/p"), Just("/p/one"), Just("/p/num"), Just("/p/tail")],
        path in hostile_path(),
        method in prop_oneof![Just(Method::GET), Just(Method::POST), Just(Method::DELETE), Just(Method::HEAD)],
    ) {
        let rt = runtime();
        let client = client(&rt);
        let uri = format!("{prefix}{path}");
        prop_assume!(uri.parse::<http::Uri>().is_ok());
        let head = method == Method::HEAD;
        let res = rt.block_on(client.request(method, uri).send());
        if head {
            // No body on a HEAD answer, ever.
            prop_assert!(res.status().as_u16() < 500, "{}", res.status());
            prop_assert!(res.bytes().is_empty());
        } else {
            well_formed(res.status().as_u16(), &res.text())?;
        }
    }

    #[test]
    fn path_parameters_round_trip(id in "\\PC{1,24}") {
        let rt = runtime();
        let client = client(&rt);
        let encoded = utf8_percent_encode(&id, NON_ALPHANUMERIC).to_string();
        let res = rt.block_on(client.get(format!("/p/one/{encoded}")).send());
        prop_assert_eq!(res.status(), 200);
        prop_assert_eq!(res.text(), id);
    }

    #[test]
    fn numbers_parse_or_answer_422(n in prop_oneof![any::<i64>().prop_map(|n| n.to_string()), "[-+0-9a-z.]{1,24}"]) {
        let rt = runtime();
        let client = client(&rt);
        let res = rt.block_on(client.get(format!("/p/num/{n}")).send());
        match n.parse::<i64>() {
            Ok(parsed) => {
                prop_assert_eq!(res.status(), 200);
                prop_assert_eq!(res.text(), parsed.to_string());
            }
            Err(_) => {
                prop_assert_eq!(res.status(), 422);
                well_formed(422, &res.text())?;
            }
        }
    }

    #[test]
    fn query_values_round_trip(q in "\\PC{0,24}", many in proptest::collection::vec("\\PC{0,8}", 0..4)) {
        let rt = runtime();
        let client = client(&rt);
        let mut pairs = vec![("q", q.clone())];
        pairs.extend(many.iter().map(|m| ("many", m.clone())));
        let query = serde_urlencoded::to_string(&pairs).expect("encodable");
        let res = rt.block_on(client.get(format!("/p/query?{query}")).send());
        prop_assert_eq!(res.status(), 200);
        prop_assert_eq!(res.json::<Value>(), serde_json::json!({"q": q, "many": many}));
    }

    #[test]
    fn raw_query_bytes_never_break_the_server(raw in proptest::collection::vec(prop_oneof![
        Just("%".to_owned()), Just("%FF".to_owned()), Just("&".to_owned()), Just("=".to_owned()),
        Just("+".to_owned()), Just("q".to_owned()), Just("many".to_owned()), "[a-z0-9]{0,3}",
    ], 0..12)) {
        let rt = runtime();
        let client = client(&rt);
        let uri = format!("/p/query?{}", raw.concat());
        prop_assume!(uri.parse::<http::Uri>().is_ok());
        let res = rt.block_on(client.get(uri).send());
        well_formed(res.status().as_u16(), &res.text())?;
    }

    #[test]
    fn cookies_never_break_the_server(value in "[ -~]{0,40}") {
        let rt = runtime();
        let client = client(&rt);
        let res = rt.block_on(client.get("/p/cookie").header("cookie", value.as_bytes()).send());
        well_formed(res.status().as_u16(), &res.text())?;
    }

    #[test]
    fn json_bodies_round_trip(value in json_value()) {
        let rt = runtime();
        let client = client(&rt);
        let res = rt.block_on(client.post("/p/json").json(&value).send());
        prop_assert_eq!(res.status(), 200);
        prop_assert_eq!(res.json::<Value>(), value);
    }

    #[test]
    fn broken_json_is_a_422_never_a_500(body in proptest::collection::vec(any::<u8>(), 0..64)) {
        let rt = runtime();
        let client = client(&rt);
        let res = rt.block_on(
            client.post("/p/json").header("content-type", "application/json").body(body.clone()).send(),
        );
        if serde_json::from_slice::<Value>(&body).is_err() {
            prop_assert_eq!(res.status(), 422);
        }
        well_formed(res.status().as_u16(), &res.text())?;
    }
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        "\\PC{0,16}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::btree_map("\\PC{0,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One raw HTTP/1.1 exchange on a fresh connection: the status line's code, if any came back.
async fn raw_status(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(request).await.ok()?;
    let mut buf = Vec::new();
    let read = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
    });
    read.await.ok()?;
    let line = String::from_utf8_lossy(&buf);
    line.split(' ').nth(1)?.parse().ok()
}

proptest! {
    /// What only the wire sees: odd request targets and `Host` values get an answer, never a
    /// server error and never silence.
    #[test]
    fn odd_targets_and_hosts_over_a_socket_get_an_answer(
        target in prop_oneof![hostile_path(), "[!-~]{1,30}", Just("*".to_owned())],
        host in prop_oneof!["[!-~]{0,30}", "[a-z0-9.-]{1,20}(:[0-9]{1,5})?"],
    ) {
        let rt = runtime();
        rt.block_on(async {
            let app = LaurenFactory::create(EchoModule).build().await.expect("builds");
            let server = app.bind("127.0.0.1:0").await.expect("binds");
            let addr = server.local_addr();
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            let serving = tokio::spawn(server.run_until(async { let _ = stopped.await; }));
            let request = format!("GET {target} HTTP/1.1\r\nhost: {host}\r\n\r\n");
            let status = raw_status(addr, request.as_bytes()).await;
            let _ = stop.send(());
            let _ = serving.await;
            let status = status.ok_or_else(|| TestCaseError::fail(format!("no answer to {request:?}")))?;
            prop_assert!(status < 500, "{status} for {request:?}");
            Ok(())
        })?;
    }
}
