//! `cargo xtask loadtest [--seconds S] [--rounds N]`: the release `vitrin-server` on a
//! loopback port, driven by 1, 8 and 32 clients posting event batches (10 events, an
//! exposure on a visitor's first batch, a purchase in every tenth) as anonymous visitors
//! from `POST /v1/visitors`. Each client count runs alone and with a metrics reader
//! (`GET /v1/metrics`, 100 a second: a busy dashboard) and a publisher (`PUT /v1/rules`,
//! 10 a second) beside it, the two interleaved `--rounds` times, `--seconds` each. Prints
//! events/s, p50/p99 of the event posts, the ratio with/without the readers, and the
//! server's peak memory (VmHWM); writes target/loadtest/results.json. Stops by itself.

use crate::util::{cmd, root, run, serve, write, Result};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const TOKEN: &str = "loadtest-store-token-0123456789";
const SECRET: &str = "loadtest-secret-0123456789-0123456789";
const CLIENTS: [usize; 3] = [1, 8, 32];
const EVENTS_PER_BATCH: usize = 10;
/// Batches per anonymous visitor before the client becomes a new one (500 events: under
/// the server's per-visitor burst).
const BATCHES_PER_VISITOR: usize = 50;

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    addr: String,
    reader: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: &str) -> Conn {
        Conn {
            addr: addr.to_string(),
            reader: None,
        }
    }

    /// Sends a request; the status and body. Reconnects once when the server closed.
    fn send(
        &mut self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: &str,
    ) -> std::io::Result<(u16, String)> {
        for attempt in 0..2 {
            if self.reader.is_none() {
                let s = TcpStream::connect(&self.addr)?;
                s.set_nodelay(true)?;
                s.set_read_timeout(Some(Duration::from_secs(30)))?;
                self.reader = Some(BufReader::new(s));
            }
            let r = self.reader.as_mut().expect("connected");
            let auth = auth
                .map(|t| format!("Authorization: Bearer {t}\r\n"))
                .unwrap_or_default();
            let head = format!("{method} {path} HTTP/1.1\r\nHost: loadtest\r\n{auth}Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n", body.len());
            let sent = r
                .get_mut()
                .write_all(head.as_bytes())
                .and_then(|_| r.get_mut().write_all(body.as_bytes()));
            match sent.and_then(|_| read_response(r)) {
                Ok(answer) => return Ok(answer),
                Err(e) if attempt == 0 => {
                    let _ = e;
                    self.reader = None;
                }
                Err(e) => return Err(e),
            }
        }
        unreachable!()
    }
}

fn read_response(r: &mut BufReader<TcpStream>) -> std::io::Result<(u16, String)> {
    let mut line = String::new();
    if r.read_line(&mut line)? == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "closed",
        ));
    }
    let status: u16 = line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut len = 0;
    loop {
        line.clear();
        r.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body)?;
    Ok((status, String::from_utf8_lossy(&body).into_owned()))
}

/// The string value of `"key":"…"` in a small JSON answer.
fn field<'a>(json: &'a str, key: &str) -> Option<&'a str> {
    let start = json.find(&format!("\"{key}\":\""))? + key.len() + 4;
    Some(&json[start..start + json[start..].find('"')?])
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

fn rules(n: u64) -> String {
    format!(
        r#"{{"version":1,"campaigns":[{{"id":"load","holdout":10,"trigger":{{"type":"always"}},"prompt":{{"text":{{"en":"Hello {n}"}}}},"variants":[{{"id":"A","weight":1}},{{"id":"B","weight":1}}]}}]}}"#
    )
}

/// One client posting batches until `stop`; returns its post latencies.
fn client(
    addr: String,
    id: usize,
    stop: Arc<AtomicBool>,
    events: Arc<AtomicU64>,
    failed: Arc<AtomicU64>,
) -> Vec<Duration> {
    let mut conn = Conn::new(&addr);
    let mut latencies = Vec::new();
    let (mut visitor, mut token, mut batch) = (String::new(), String::new(), BATCHES_PER_VISITOR);
    let mut n = 0u64;
    while !stop.load(Ordering::Relaxed) {
        if batch == BATCHES_PER_VISITOR {
            match conn.send("POST", "/v1/visitors", None, "") {
                Ok((201, body)) => {
                    visitor = field(&body, "visitorId").unwrap_or_default().to_string();
                    token = field(&body, "token").unwrap_or_default().to_string();
                    batch = 0;
                }
                _ => {
                    failed.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            }
        }
        let at = now_ms();
        let mut list: Vec<String> = (0..EVENTS_PER_BATCH)
            .map(|k| {
                format!(
                    r#"{{"id":"{id}-{n}-{k}","type":"view","productId":"p{}","at":{at}}}"#,
                    (n as usize + k) % 200
                )
            })
            .collect();
        if batch % 10 == 9 {
            list.pop();
            list.push(format!(
                r#"{{"id":"{id}-{n}-buy","type":"purchase","orderId":"{id}-{n}","items":[{{"productId":"p{}","quantity":1}}],"at":{at}}}"#,
                n % 200
            ));
        }
        let arm = ["A", "B", "holdout"][(id + n as usize) % 3];
        let exposures = if batch == 0 {
            format!(
                r#"[{{"id":"{id}-{n}-x","campaignId":"load","variant":"{arm}","shown":1,"at":{at}}}]"#
            )
        } else {
            "[]".into()
        };
        let body = format!(
            r#"{{"visitorId":"{visitor}","token":"{token}","events":[{}],"exposures":{exposures}}}"#,
            list.join(",")
        );
        let start = Instant::now();
        match conn.send("POST", "/v1/events", None, &body) {
            Ok((200, _)) => {
                latencies.push(start.elapsed());
                events.fetch_add(EVENTS_PER_BATCH as u64, Ordering::Relaxed);
            }
            _ => {
                failed.fetch_add(1, Ordering::Relaxed);
            }
        }
        n += 1;
        batch += 1;
    }
    latencies
}

/// Repeats `f` every `every` until `stop`; counts the successes.
fn beside(
    addr: String,
    stop: Arc<AtomicBool>,
    every: Duration,
    mut f: impl FnMut(&mut Conn, u64) -> bool + Send + 'static,
) -> std::thread::JoinHandle<(u64, u64)> {
    std::thread::spawn(move || {
        let mut conn = Conn::new(&addr);
        let (mut ok, mut n) = (0, 0);
        while !stop.load(Ordering::Relaxed) {
            let next = Instant::now() + every;
            n += 1;
            ok += u64::from(f(&mut conn, n));
            std::thread::sleep(next.saturating_duration_since(Instant::now()));
        }
        (ok, n - ok)
    })
}

struct Phase {
    clients: usize,
    side: bool,
    events_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    reads: u64,
    publishes: u64,
    failed: u64,
}

fn phase(addr: &str, clients: usize, side: bool, seconds: f64) -> Phase {
    let stop = Arc::new(AtomicBool::new(false));
    let (events, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let workers: Vec<_> = (0..clients)
        .map(|i| {
            let (addr, stop, events, failed) = (
                addr.to_string(),
                stop.clone(),
                events.clone(),
                failed.clone(),
            );
            let id = i
                + clients * 1000
                + if side { 500 } else { 0 }
                + (now_ms() % 1_000_000) as usize * 100_000;
            std::thread::spawn(move || client(addr, id, stop, events, failed))
        })
        .collect();
    let sides = side.then(|| {
        let reader = beside(
            addr.to_string(),
            stop.clone(),
            Duration::from_millis(10),
            |c, _| matches!(c.send("GET", "/v1/metrics", Some(TOKEN), ""), Ok((200, _))),
        );
        let publisher = beside(
            addr.to_string(),
            stop.clone(),
            Duration::from_millis(100),
            |c, n| {
                matches!(
                    c.send("PUT", "/v1/rules", Some(TOKEN), &rules(n)),
                    Ok((200, _))
                )
            },
        );
        (reader, publisher)
    });
    let start = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    stop.store(true, Ordering::Relaxed);
    let mut latencies: Vec<Duration> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap_or_default())
        .collect();
    let elapsed = start.elapsed().as_secs_f64();
    let (mut reads, mut publishes, mut side_failed) = (0, 0, 0);
    if let Some((r, p)) = sides {
        let (ok, bad) = r.join().unwrap_or_default();
        reads = ok;
        side_failed += bad;
        let (ok, bad) = p.join().unwrap_or_default();
        publishes = ok;
        side_failed += bad;
    }
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Phase {
        clients,
        side,
        events_per_s: events.load(Ordering::Relaxed) as f64 / elapsed,
        p50_ms: pct(0.5),
        p99_ms: pct(0.99),
        reads,
        publishes,
        failed: failed.load(Ordering::Relaxed) + side_failed,
    }
}

/// A field of /proc/PID/status in kB.
fn proc_kb(pid: u32, key: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines().find_map(|l| {
        l.strip_prefix(key)?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn loadtest(args: &[String]) -> Result {
    let (mut seconds, mut rounds) = (4.0f64, 2usize);
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--seconds" => seconds = value.parse().map_err(|_| "--seconds takes a number")?,
            "--rounds" => rounds = value.parse().map_err(|_| "--rounds takes a whole number")?,
            other => return Err(format!("loadtest: unknown argument `{other}` (usage: cargo xtask loadtest [--seconds S] [--rounds N])")),
        }
    }
    run(cmd("cargo").args(["build", "--release", "--quiet", "-p", "vitrin-server"]))?;
    let dir = root().join("target/loadtest");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let products: Vec<String> = (0..200)
        .map(|i| {
            format!(
                r#"{{"id":"p{i}","title":"Product {i}","category":"c{}/leaf","price":{}}}"#,
                i % 10,
                10 + i
            )
        })
        .collect();
    write(
        &dir.join("catalog.json"),
        &format!(r#"{{"products":[{}]}}"#, products.join(",")),
    )?;
    write(&dir.join("rules.json"), &rules(0))?;
    let (child, url) = serve(
        cmd(root().join("target/release/vitrin-server"))
            .arg("serve")
            .arg("--db")
            .arg(dir.join("vitrin.db"))
            .arg("--catalog")
            .arg(dir.join("catalog.json"))
            .arg("--rules")
            .arg(dir.join("rules.json"))
            .args([
                "--port",
                "0",
                "--token",
                TOKEN,
                "--secret",
                SECRET,
                "--rate",
                "1000000000",
            ]),
    )?;
    let server = Server(child);
    let addr = url
        .strip_prefix("http://")
        .ok_or(format!("vitrin-server listens on {url}, not http"))?
        .to_string();
    let pid = server.0.id();

    let mut phases = Vec::new();
    for &clients in &CLIENTS {
        for round in 0..rounds {
            // Alternate which goes first, so a warming database favours neither.
            for side in if round % 2 == 0 {
                [false, true]
            } else {
                [true, false]
            } {
                let p = phase(&addr, clients, side, seconds);
                eprintln!(
                    "loadtest: {clients} client(s){}: {:.0} events/s",
                    if side { " + reader + publisher" } else { "" },
                    p.events_per_s
                );
                phases.push(p);
            }
        }
    }
    let peak_kb = proc_kb(pid, "VmHWM:").unwrap_or(0);
    drop(server);

    let mean = |clients: usize, side: bool, f: &dyn Fn(&Phase) -> f64| {
        let v: Vec<f64> = phases
            .iter()
            .filter(|p| p.clients == clients && p.side == side)
            .map(f)
            .collect();
        v.iter().sum::<f64>() / v.len().max(1) as f64
    };
    let sum = |clients: usize, f: &dyn Fn(&Phase) -> u64| {
        phases
            .iter()
            .filter(|p| p.clients == clients)
            .map(f)
            .sum::<u64>()
    };
    println!("\n| clients | beside ingest | events/s | p50 ms | p99 ms | metrics reads | publishes | failed |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut json = Vec::new();
    for &clients in &CLIENTS {
        for side in [false, true] {
            let (eps, p50, p99) = (
                mean(clients, side, &|p| p.events_per_s),
                mean(clients, side, &|p| p.p50_ms),
                mean(clients, side, &|p| p.p99_ms),
            );
            let (reads, pubs) = if side {
                (sum(clients, &|p| p.reads), sum(clients, &|p| p.publishes))
            } else {
                (0, 0)
            };
            let failed: u64 = phases
                .iter()
                .filter(|p| p.clients == clients && p.side == side)
                .map(|p| p.failed)
                .sum();
            println!(
                "| {clients} | {} | {eps:.0} | {p50:.2} | {p99:.2} | {reads} | {pubs} | {failed} |",
                if side {
                    "reader + publisher"
                } else {
                    "nothing"
                }
            );
            json.push(format!(
                r#"{{"clients":{clients},"beside":{side},"eventsPerSecond":{eps:.1},"p50Ms":{p50:.3},"p99Ms":{p99:.3},"metricsReads":{reads},"publishes":{pubs},"failed":{failed}}}"#
            ));
        }
    }
    println!();
    let mut ratios = Vec::new();
    for &clients in &CLIENTS {
        let ratio = mean(clients, true, &|p| p.events_per_s)
            / mean(clients, false, &|p| p.events_per_s).max(1e-9);
        println!("{clients} client(s): ingest with a metrics reader and a publisher beside it runs at {:.1}% of ingest alone", ratio * 100.0);
        ratios.push(format!(r#"{{"clients":{clients},"ratio":{ratio:.4}}}"#));
    }
    println!(
        "server peak memory (VmHWM): {:.1} MB",
        peak_kb as f64 / 1024.0
    );
    write(
        &dir.join("results.json"),
        &format!(
            r#"{{"secondsPerPhase":{seconds},"rounds":{rounds},"phases":[{}],"ratios":[{}],"peakMemoryKb":{peak_kb}}}
"#,
            json.join(","),
            ratios.join(",")
        ),
    )?;
    println!("wrote target/loadtest/results.json");
    Ok(())
}
