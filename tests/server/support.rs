//! A server on an ephemeral port and a raw HTTP/1.1 client that can send anything.

use std::net::SocketAddr;
use std::time::Duration;

use lauren::IntoApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; dropping the handle leaves it running until the test runtime ends.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Running {
    /// Signals shutdown and waits for the server to drain.
    pub(crate) async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("server drains within 10 s")
            .expect("server task does not panic");
    }

    /// Signals shutdown without waiting.
    pub(crate) fn signal_shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    pub(crate) async fn join(self) {
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("server drains within 10 s")
            .expect("server task does not panic");
    }
}

pub(crate) async fn serve(app: impl IntoApp) -> Running {
    let app = app.into_app().await.expect("test app builds");
    let server = app.bind("127.0.0.1:0").await.expect("bind an ephemeral port");
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    Running { addr, stop: Some(stop), task }
}

/// One parsed HTTP/1.1 response.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl RawResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!("not JSON ({err}): {}", String::from_utf8_lossy(&self.body))
        })
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A keep-alive connection speaking raw bytes.
pub(crate) struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub(crate) async fn open(addr: SocketAddr) -> Self {
        Self { stream: TcpStream::connect(addr).await.expect("connect"), buf: Vec::new() }
    }

    pub(crate) async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write request");
    }

    /// Writes what it can; false once the server has closed the connection.
    pub(crate) async fn try_send(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok()
    }

    /// Reads one response (content-length framed, as lauren always sends).
    pub(crate) async fn read_response(&mut self) -> Option<RawResponse> {
        tokio::time::timeout(Duration::from_secs(5), self.read_inner())
            .await
            .expect("response within 5 s")
    }

    /// The response to a HEAD request: status and headers; no body is read, whatever
    /// `content-length` says (RFC 9110 section 9.3.2).
    pub(crate) async fn read_head_response(&mut self) -> Option<RawResponse> {
        tokio::time::timeout(Duration::from_secs(5), self.read_head_inner())
            .await
            .expect("response within 5 s")
    }

    async fn read_head_inner(&mut self) -> Option<RawResponse> {
        let head_end = loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            if !self.fill().await {
                return None;
            }
        };
        let (status, headers) = parse_head(&self.buf[..head_end])?;
        self.buf.drain(..head_end + 4);
        Some(RawResponse { status, headers, body: Vec::new() })
    }

    /// Everything received until `needle` has arrived (a streamed body, read as it comes); the
    /// bytes are consumed. Panics after 5 s.
    pub(crate) async fn read_until(&mut self, needle: &[u8]) -> Vec<u8> {
        let found = tokio::time::timeout(Duration::from_secs(5), async {
            while !self.buf.windows(needle.len()).any(|w| w == needle) {
                if !self.fill().await {
                    return false;
                }
            }
            true
        })
        .await;
        let text = String::from_utf8_lossy(needle).into_owned();
        assert!(
            matches!(found, Ok(true)),
            "{text:?} did not arrive: {}",
            String::from_utf8_lossy(&self.buf)
        );
        std::mem::take(&mut self.buf)
    }

    /// Bytes that arrive within `wait` without being asked for (after a HEAD response, none).
    pub(crate) async fn unsolicited(&mut self, wait: Duration) -> Vec<u8> {
        let _ = tokio::time::timeout(wait, self.fill()).await;
        std::mem::take(&mut self.buf)
    }

    async fn read_inner(&mut self) -> Option<RawResponse> {
        let head_end = loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end;
            }
            if !self.fill().await {
                return None;
            }
        };
        let (status, headers) = parse_head(&self.buf[..head_end])?;
        let len: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map_or(0, |(_, v)| v.parse().expect("numeric content-length"));
        let start = head_end + 4;
        while self.buf.len() < start + len {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buf[start..start + len].to_vec();
        self.buf.drain(..start + len);
        Some(RawResponse { status, headers, body })
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// True if the server closed the connection (reads EOF).
    pub(crate) async fn is_closed(&mut self) -> bool {
        let mut chunk = [0u8; 1];
        matches!(
            tokio::time::timeout(Duration::from_secs(5), self.stream.read(&mut chunk)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }
}

/// An HTTP/2 (prior knowledge) client connection: its sender, and the task driving it, which
/// ends when the server closes the connection.
pub(crate) async fn http2(
    addr: SocketAddr,
) -> (
    hyper::client::conn::http2::SendRequest<http_body_util::Full<bytes::Bytes>>,
    JoinHandle<Result<(), hyper::Error>>,
) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (sender, conn) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(stream),
    )
    .await
    .expect("h2 handshake");
    (sender, tokio::spawn(conn))
}

/// `GET path` with keep-alive.
pub(crate) fn get(path: &str) -> Vec<u8> {
    format!("GET {path} HTTP/1.1\r\nhost: test\r\n\r\n").into_bytes()
}

/// `POST path` with a body and content-type.
pub(crate) fn post(path: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

/// A response head's status and lower-cased headers.
fn parse_head(head: &[u8]) -> Option<(u16, Vec<(String, String)>)> {
    let head = String::from_utf8_lossy(head);
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Some((status, headers))
}

/// One request on a fresh connection.
pub(crate) async fn once(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut conn = Conn::open(addr).await;
    conn.send(request).await;
    conn.read_response().await.expect("a response")
}
