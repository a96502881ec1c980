//! The server binary over real sockets, as an attacker or a careless client meets it:
//! idle, half-sent and trickled connections are closed by their timeouts, connections past
//! the limit get 503, SIGTERM drains and exits while a client keeps a connection open, and
//! requests hyper itself refuses (414, 431, bad bytes, two Content-Length) get the JSON
//! error body like every other 4xx.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    addr: String,
    /// Removed when the test ends.
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(name: &str, extra: &[&str]) -> Server {
    let temp = tempfile::Builder::new()
        .prefix(&format!("vitrin-net-{name}-"))
        .tempdir()
        .unwrap();
    let dir = temp.path();
    std::fs::write(
        dir.join("catalog.json"),
        r#"{"products":[{"id":"a","title":"A","category":"c","price":1}]}"#,
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vitrin-server"))
        .args(["serve", "--db"])
        .arg(dir.join("vitrin.db"))
        .arg("--catalog")
        .arg(dir.join("catalog.json"))
        .args([
            "--port",
            "0",
            "--token",
            "net-test-token-0123456789",
            "--rate",
            "100000",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line}"))
        .to_string();
    Server {
        child,
        addr,
        _dir: temp,
    }
}

impl Server {
    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(&self.addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Sends `raw` on a new connection; the status and JSON body of the answer.
    fn raw(&self, raw: &[u8]) -> (u16, Value) {
        let mut s = self.connect();
        s.write_all(raw).unwrap();
        answer(&mut s)
    }
}

/// Reads one response (the server closes or says its length); its status and JSON body.
fn answer(s: &mut TcpStream) -> (u16, Value) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = s.read(&mut chunk).unwrap_or(0);
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(|v| v.trim().parse::<usize>().unwrap())
            });
            if n == 0 || len.is_some_and(|len| body.len() >= len) {
                let status = head[9..12].parse().unwrap();
                return (status, serde_json::from_str(body).unwrap_or(Value::Null));
            }
        }
        if n == 0 {
            panic!("closed without an answer: {text:?}");
        }
    }
}

/// Whether the server closes `s` (within `within`), having sent nothing or an answer.
fn closed_within(s: &mut TcpStream, within: Duration) -> (bool, Duration, Vec<u8>) {
    let start = Instant::now();
    s.set_read_timeout(Some(within)).unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => return (true, start.elapsed(), got),
            Ok(n) => got.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return (true, start.elapsed(), got)
            }
            Err(_) => return (false, start.elapsed(), got),
        }
    }
}

#[test]
fn idle_half_sent_and_trickled_connections_are_closed() {
    let s = start(
        "timeouts",
        &[
            "--header-timeout",
            "1",
            "--idle-timeout",
            "3",
            "--body-timeout",
            "1",
        ],
    );
    // Connected, nothing sent.
    let mut idle = s.connect();
    let (closed, after, _) = closed_within(&mut idle, Duration::from_secs(6));
    assert!(
        closed && after < Duration::from_secs(5),
        "idle: closed {closed} after {after:?}"
    );
    // Half a request head, then silence.
    let mut half = s.connect();
    half.write_all(b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let (closed, after, _) = closed_within(&mut half, Duration::from_secs(5));
    assert!(
        closed && after < Duration::from_secs(4),
        "half-sent: closed {closed} after {after:?}"
    );
    // A head trickled a byte at a time never completes within the header timeout.
    let mut trickle = s.connect();
    let start = Instant::now();
    let mut cut = false;
    for b in b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n" {
        if trickle.write_all(&[*b]).is_err() {
            cut = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (closed, _, _) = closed_within(&mut trickle, Duration::from_secs(5));
    assert!(cut || closed, "trickled head");
    assert!(start.elapsed() < Duration::from_secs(8));
    // A body that stops half way: 408 with the JSON error body.
    let mut body = s.connect();
    body.write_all(
        b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"visitorId\":",
    )
    .unwrap();
    let (status, doc) = answer(&mut body);
    assert_eq!((status, doc["code"].as_str()), (408, Some("body_timeout")));
    // The server still answers a normal request.
    assert_eq!(
        s.raw(b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .0,
        200
    );
}

#[test]
fn past_the_connection_limit_a_client_gets_503_and_the_server_recovers() {
    let s = start(
        "limit",
        &[
            "--max-connections",
            "3",
            "--idle-timeout",
            "2",
            "--header-timeout",
            "2",
        ],
    );
    let held: Vec<TcpStream> = (0..3).map(|_| s.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let (status, doc) = s.raw(b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        (status, doc["code"].as_str()),
        (503, Some("too_many_connections"))
    );
    // The idle ones are closed by their timeout; then there is room again.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        s.raw(b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .0,
        200
    );
    drop(held);
}

#[test]
fn sigterm_drains_and_exits_while_a_client_keeps_a_connection_open() {
    let mut s = start("drain", &["--drain", "2"]);
    let mut open = s.connect();
    open.write_all(b"GET /v1/catalog HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut head = [0u8; 12];
    open.read_exact(&mut head).unwrap();
    assert_eq!(&head[9..12], b"200");
    // A second client holds a connection without sending anything.
    let _silent = s.connect();
    let start = Instant::now();
    let term = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    loop {
        if let Some(status) = s.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "still running {:?} after SIGTERM",
            start.elapsed()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn requests_hyper_refuses_get_the_json_error_body() {
    let s = start("errors", &[]);
    let long = format!(
        "GET /v1/catalog?{} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(70_000)
    );
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let cases: Vec<(Vec<u8>, u16, &str)> = vec![
        (long.into_bytes(), 414, "uri_too_long"),
        (format!("GET /v1/catalog HTTP/1.1\r\nHost: x\r\n{many}\r\n").into_bytes(), 431, "headers_too_large"),
        (b"GET /v1/profile/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 400, "bad_request"),
        (b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}".to_vec(), 400, "bad_request"),
        (b"BREW /v1/rules HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 405, "method_not_allowed"),
        (b"GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(), 404, "not_found"),
    ];
    for (raw, status, code) in cases {
        let (got, doc) = s.raw(&raw);
        assert_eq!(
            (got, doc["code"].as_str(), doc["path"].as_str()),
            (status, Some(code), Some("")),
            "{}",
            String::from_utf8_lossy(&raw[..raw.len().min(60)])
        );
    }
}
