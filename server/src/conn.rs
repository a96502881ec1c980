//! The connection loop in front of the router: hyper's HTTP/1 with a header timeout, an
//! idle timeout on every connection (no byte either way for `idle`), a connection limit
//! (past it a connection gets 503 and is closed), and a graceful drain on shutdown
//! (requests in flight finish, idle connections close, and after `drain` whatever is left
//! is dropped). A kept-alive connection waiting for its next request closes after the
//! header timeout, announced in `Keep-Alive: timeout=`. hyper answers requests it cannot parse itself (400, 414, 431) with an
//! empty body; `Io` replaces those answers with the API's JSON error body.

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::{Instant, Sleep};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line and headers must arrive within this long.
    pub header: Duration,
    /// A request body must arrive within this long once its headers have.
    pub body: Duration,
    /// A connection with no byte read or written for this long is closed.
    pub idle: Duration,
    /// Open connections at once.
    pub connections: usize,
    /// On shutdown, how long requests in flight may take before connections are dropped.
    pub drain: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header: Duration::from_secs(10),
            body: Duration::from_secs(20),
            idle: Duration::from_secs(60),
            connections: 1024,
            drain: Duration::from_secs(10),
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then drains.
pub async fn run(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let permits = Arc::new(Semaphore::new(limits.connections));
    let (stop, stopped) = watch::channel(false);
    let mut http = http1::Builder::new();
    // One buffer per write, so `Io` sees a response head whole.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header)
        .writev(false);
    // hyper's header timer also runs while a kept-alive connection waits for its next
    // request, so that is when an idle one closes; clients are told to stop reusing it a
    // little before, or a request they send as it closes is lost.
    let hint = axum::http::HeaderValue::from_str(&format!(
        "timeout={}",
        limits.header.as_secs().saturating_sub(2).max(1)
    ))
    .expect("ASCII");
    let router = router.layer(axum::middleware::map_response(
        move |mut res: axum::response::Response| {
            let hint = hint.clone();
            async move {
                res.headers_mut().insert("keep-alive", hint);
                res
            }
        },
    ));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    eprintln!("vitrin-server: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let _ = stream.set_nodelay(true);
        // The rate limit keys on the peer's address.
        let service = TowerToHyperService::new(router.clone().layer(axum::Extension(
            axum::extract::ConnectInfo::<SocketAddr>(peer),
        )));
        let conn = http.serve_connection(TokioIo::new(Io::new(stream, limits.idle)), service);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = async { stopped.wait_for(|s| *s).await.map(|_| ()) } => {
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    // Every connection returns its permit when it ends.
    let all = u32::try_from(limits.connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(limits.drain, permits.acquire_many(all)).await;
}

/// Past the connection limit: a 503 in the API's error shape, then close.
async fn refuse(stream: TcpStream) {
    use tokio::io::AsyncWriteExt;
    let mut stream = stream;
    let body = error_body(
        503,
        "too_many_connections",
        "the server is at its connection limit; retry shortly",
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&body)).await;
}

/// A whole HTTP response carrying the API's JSON error document, closing the connection.
fn error_body(status: u16, code: &str, message: &str) -> Vec<u8> {
    let reason = hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let doc = serde_json::json!({"code": code, "message": message, "path": ""}).to_string();
    let retry = if status == 503 {
        "retry-after: 1\r\n"
    } else {
        ""
    };
    format!("HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{retry}connection: close\r\n\r\n{doc}", doc.len())
        .into_bytes()
}

/// hyper's own answer to a request it could not parse: a 4xx head with an empty body.
/// The router never answers a 4xx without a body, so this is unambiguous.
fn replacement(buf: &[u8]) -> Option<Vec<u8>> {
    let head = std::str::from_utf8(buf.get(..buf.len().min(512))?).ok()?;
    let status: u16 = head
        .strip_prefix("HTTP/1.1 ")
        .or_else(|| head.strip_prefix("HTTP/1.0 "))?
        .get(..3)?
        .parse()
        .ok()?;
    let empty = head
        .to_ascii_lowercase()
        .contains("\r\ncontent-length: 0\r\n");
    let (code, message) = match status {
        400 => ("bad_request", "the request is not valid HTTP/1.1 (request line, header or framing, e.g. two Content-Length)"),
        414 => ("uri_too_long", "the URI is too long"),
        431 => ("headers_too_large", "the request headers are too large"),
        _ => return None,
    };
    empty.then(|| error_body(status, code, message))
}

/// The socket with an idle deadline and hyper's error answers rewritten.
struct Io {
    inner: TcpStream,
    idle: Duration,
    last: Instant,
    timer: Pin<Box<Sleep>>,
    /// A replacement answer still to be written, from `pending.1`.
    pending: Option<(Vec<u8>, usize)>,
}

impl Io {
    fn new(inner: TcpStream, idle: Duration) -> Io {
        let now = Instant::now();
        Io {
            inner,
            idle,
            last: now,
            timer: Box::pin(tokio::time::sleep_until(now + idle)),
            pending: None,
        }
    }

    /// Ready with an error once nothing moved for `idle`; the timer is moved lazily.
    fn poll_idle(&mut self, cx: &mut Context) -> Poll<io::Error> {
        loop {
            ready!(self.timer.as_mut().poll(cx));
            let due = self.last + self.idle;
            if Instant::now() >= due {
                return Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, "idle connection"));
            }
            self.timer.as_mut().reset(due);
        }
    }

    fn poll_pending(&mut self, cx: &mut Context) -> Poll<io::Result<()>> {
        while let Some((bytes, from)) = &mut self.pending {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*from..]))?;
            *from += n;
            if n == 0 || *from == bytes.len() {
                self.pending = None;
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Io {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context,
        buf: &mut ReadBuf,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(r) => {
                if buf.filled().len() > before {
                    this.last = Instant::now();
                }
                Poll::Ready(r)
            }
            Poll::Pending => this.poll_idle(cx).map(Err),
        }
    }
}

impl AsyncWrite for Io {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        if let Some(bytes) = replacement(buf) {
            this.pending = Some((bytes, 0));
            // What hyper wrote is taken as written; the replacement goes out in its place.
            let _ = this.poll_pending(cx)?;
            return Poll::Ready(Ok(buf.len()));
        }
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Ready(r) => {
                this.last = Instant::now();
                Poll::Ready(r)
            }
            Poll::Pending => this.poll_idle(cx).map(Err),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_pending(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_error_answers_are_replaced() {
        let auto =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let text = String::from_utf8(replacement(auto).unwrap()).unwrap();
        assert!(
            text.starts_with("HTTP/1.1 431 ") && text.contains("\"code\":\"headers_too_large\""),
            "{text}"
        );
        let ours = b"HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 60\r\n\r\n{}";
        assert!(replacement(ours).is_none());
        assert!(replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
