//! `cargo xtask scaling [--data DIR] [--runs N] [--profile NAME]`: the catalog build on one data set, side by
//! side in one run: the hand-written builder on the session log; the DataFusion plans in
//! process over the same sessions as a Parquet log, on one partition and on every core;
//! the same plans on a Ballista cluster (a scheduler and one, then two executors of one
//! task slot each, every one its own process on loopback). Rows/s end to end (every pass,
//! learning and writing the catalog) and peak resident memory (VmHWM) of every process
//! taking part (the weights' fit, the same engine replay after either aggregation, is
//! off). Then a projection for more executors, by arithmetic from the two cluster rows
//! (stated as such), and the load average around the run, since the machine may be shared.
//! Prints Markdown, also written to target/scaling/scaling.md.

use crate::util::{cmd, root, run, write, Result};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

struct Row {
    what: String,
    /// The catalog it wrote.
    out: PathBuf,
    seconds: f64,
    rows: u64,
    /// Peak resident bytes: the process that builds, then the cluster's processes.
    peaks: Vec<(String, u64)>,
}

struct Proc(Child, &'static str);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Proc {
    /// VmHWM of the running process (Linux).
    fn peak(&self) -> u64 {
        let status =
            std::fs::read_to_string(format!("/proc/{}/status", self.0.id())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with("VmHWM:"))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .map(|l| l.local_addr().map(|a| a.port()).unwrap_or(0))
        .unwrap_or(0)
}

fn wait_for(port: u16) -> Result {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("nothing listens on {port}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

/// Runs `vitrin-server build args --out out`; reads its report's rows, seconds and peak.
fn build(bin: &Path, what: &str, args: &[String], out: PathBuf) -> Result<Row> {
    let start = Instant::now();
    let done = cmd(bin)
        .arg("build")
        .args(args)
        .arg("--out")
        .arg(&out)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| e.to_string())?;
    let wall = start.elapsed().as_secs_f64();
    let text = String::from_utf8_lossy(&done.stdout).to_string();
    if !done.status.success() {
        return Err(format!("{what}: build failed\n{text}"));
    }
    // "time: 2.10 s for 906140 rows (431000 rows/s); peak memory 118.0 MB"
    let line = text
        .lines()
        .find(|l| l.starts_with("time: "))
        .ok_or_else(|| format!("{what}: no time line in\n{text}"))?;
    let words: Vec<&str> = line.split_whitespace().collect();
    let rows = words
        .get(4)
        .and_then(|w| w.parse().ok())
        .ok_or_else(|| format!("bad line {line}"))?;
    let peak = line
        .split("peak memory ")
        .nth(1)
        .and_then(|m| m.trim_end_matches(" MB").parse::<f64>().ok())
        .map_or(0, |mb| (mb * 1e6) as u64);
    Ok(Row {
        what: what.into(),
        out,
        seconds: wall,
        rows,
        peaks: vec![("build".into(), peak)],
    })
}

/// The 1-, 5- and 15-minute load averages (Linux).
fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Time on n executors by Amdahl's law fitted to the one- and two-executor times: a part
/// that does not divide (planning, the scheduler, the client's collect and catalog writing)
/// and a part that divides evenly among executors, each on a core of its own. Shuffle
/// traffic growing with n is not modelled, so this is a best case.
fn projection(t1: f64, t2: f64, rows: u64) -> String {
    let divisible = 2.0 * (t1 - t2);
    let fixed = t1 - divisible;
    let mut s = format!(
        "Projection (arithmetic, not measured): fitting t(n) = a + b/n to the two cluster rows gives \
         a = {fixed:.2} s that does not divide among executors and b = {divisible:.2} s that does.\n\n"
    );
    if divisible <= 0.0 || fixed < 0.0 {
        s.push_str(
            "The two-executor run was not faster than the one-executor run by a factor the model \
             can read (on a shared 2-core machine the executors compete for the same cores), so \
             no projection is made from this run.\n",
        );
        return s;
    }
    s.push_str("| executors | projected time | projected rows/s |\n|---|---|---|\n");
    for n in [1u32, 2, 4, 8, 16, 32] {
        let t = fixed + divisible / f64::from(n);
        s.push_str(&format!(
            "| {n} | {t:.2} s | {:.0}k |\n",
            rows as f64 / t / 1e3
        ));
    }
    s.push_str(&format!(
        "\nThe limit as executors grow is {:.0}k rows/s (the part that does not divide); \
         a log k times larger scales both parts by about k.\n",
        rows as f64 / fixed.max(1e-9) / 1e3
    ));
    s
}

pub fn scaling(args: &[String]) -> Result {
    let root = root();
    let mut data = root
        .join("..")
        .join("shared")
        .join("data")
        .join("diginetica");
    let mut runs = 1usize;
    // `dev` checks the comparison itself quickly on a small log; its figures mean nothing.
    let mut profile = "server".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--data" => data = PathBuf::from(it.next().ok_or("--data needs a value")?),
            "--runs" => {
                runs = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--runs needs a number")?
            }
            "--profile" => profile = it.next().ok_or("--profile needs a name")?.clone(),
            other => return Err(format!("scaling: unknown argument {other}")),
        }
    }
    let sessions = data.join("train_interactions.csv.gz");
    if !sessions.exists() {
        return Err(format!("no session log at {}", sessions.display()));
    }
    run(cmd("cargo").args([
        "build",
        "--profile",
        &profile,
        "--quiet",
        "-p",
        "vitrin-server",
        "--features",
        "plans",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), PathBuf::from);
    let bin = target
        .join(if profile == "dev" { "debug" } else { &profile })
        .join("vitrin-server");
    let dir = root.join("target").join("scaling");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let log = dir.join("log");
    run(cmd(&bin)
        .args(["log", "import-sessions", "--sessions"])
        .arg(&sessions)
        .arg("--to")
        .arg(&log))?;
    let s = |p: PathBuf| p.display().to_string();
    // The weights' fit replays prefixes through the engine, the same code after either
    // aggregation: left out, so the table compares the aggregations.
    let no_fit = || vec!["--fit-fraction".to_string(), "0".to_string()];
    let on_log = |extra: &[&str]| -> Vec<String> {
        ["--log".to_string(), s(log.clone())]
            .into_iter()
            .chain(extra.iter().map(|x| x.to_string()))
            .collect()
    };

    let load_before = load();
    let mut rows = Vec::new();
    for _ in 0..runs {
        rows.push(build(
            &bin,
            "hand-written, session log (1 thread)",
            &[vec!["--sessions".into(), s(sessions.clone())], no_fit()].concat(),
            dir.join("hand.json"),
        )?);
        rows.push(build(
            &bin,
            "DataFusion in process, 1 partition",
            &[on_log(&["--partitions", "1"]), no_fit()].concat(),
            dir.join("df1.json"),
        )?);
        rows.push(build(
            &bin,
            "DataFusion in process, 2 partitions",
            &[on_log(&["--partitions", "2"]), no_fit()].concat(),
            dir.join("df2.json"),
        )?);
        for executors in [1, 2] {
            let port = free_port();
            let scheduler = Proc(
                cmd(&bin)
                    .args(["scheduler", "--port", &port.to_string()])
                    .stdout(Stdio::null())
                    .spawn()
                    .map_err(|e| e.to_string())?,
                "scheduler",
            );
            wait_for(port)?;
            let mut procs = vec![scheduler];
            for n in 0..executors {
                let (flight, grpc) = (free_port(), free_port());
                let work = dir.join(format!("work-{executors}-{n}"));
                std::fs::create_dir_all(&work).map_err(|e| e.to_string())?;
                let child = cmd(&bin)
                    .args([
                        "executor",
                        "--scheduler",
                        &format!("127.0.0.1:{port}"),
                        "--port",
                        &flight.to_string(),
                        "--grpc-port",
                        &grpc.to_string(),
                        "--slots",
                        "1",
                        "--work-dir",
                    ])
                    .arg(&work)
                    .stdout(Stdio::null())
                    .spawn()
                    .map_err(|e| e.to_string())?;
                procs.push(Proc(child, "executor"));
                wait_for(flight)?;
            }
            std::thread::sleep(Duration::from_secs(2));
            let what = format!(
                "Ballista, {executors} executor{} × 1 slot",
                if executors == 1 { "" } else { "s" }
            );
            let mut row = build(
                &bin,
                &what,
                &[
                    on_log(&["--cluster", &format!("df://127.0.0.1:{port}")]),
                    no_fit(),
                ]
                .concat(),
                dir.join(format!("ballista{executors}.json")),
            )?;
            row.peaks[0].0 = "client".into();
            row.peaks
                .extend(procs.iter().map(|p| (p.1.to_string(), p.peak())));
            rows.push(row);
        }
    }
    let mb = |b: u64| b as f64 / 1e6;
    // The hand-written builder's catalog is the reference: the same bytes, or where not.
    let reference = std::fs::read(&rows[0].out).map_err(|e| e.to_string())?;
    let same = |r: &Row| match std::fs::read(&r.out) {
        Ok(b) if b == reference => "same bytes".to_string(),
        Ok(b) => {
            let at = b.iter().zip(&reference).take_while(|(x, y)| x == y).count();
            format!("differs from byte {at}")
        }
        Err(e) => e.to_string(),
    };
    let mut table = String::from(
        "| build | time | rows/s | vs hand-written | peak memory | catalog |\n|---|---|---|---|---|---|\n",
    );
    let base = rows[0].rows as f64 / rows[0].seconds;
    for r in &rows {
        let peaks: Vec<String> = r
            .peaks
            .iter()
            .map(|(who, b)| format!("{who} {:.0} MB", mb(*b)))
            .collect();
        let total: u64 = r.peaks.iter().map(|p| p.1).sum();
        let peaks = if r.peaks.len() > 1 {
            format!("{:.0} MB ({})", mb(total), peaks.join(", "))
        } else {
            format!("{:.0} MB", mb(total))
        };
        let rate = r.rows as f64 / r.seconds;
        table.push_str(&format!(
            "| {} | {:.2} s | {:.0}k | {:.2}× | {peaks} | {} |\n",
            r.what,
            r.seconds,
            rate / 1e3,
            rate / base,
            same(r)
        ));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cluster = |n: &str| {
        rows.iter()
            .filter(|r| r.what.starts_with(&format!("Ballista, {n} ")))
            .map(|r| r.seconds)
            .sum::<f64>()
            / runs as f64
    };
    let text = format!(
        "{} rows of {}, profile `{profile}`, {cores} cores; time is wall clock around each `vitrin-server build` \
         (start to catalog written). Load average (1, 5, 15 min): {load_before} before, {} after.\n\n\
         {table}\n{}",
        rows[0].rows,
        sessions.display(),
        load(),
        projection(cluster("1"), cluster("2"), rows[0].rows)
    );
    println!("\n{text}");
    write(&dir.join("scaling.md"), &text)
}

#[cfg(test)]
mod tests {
    use super::projection;

    #[test]
    fn projection_fits_the_two_cluster_times() {
        // 10 s on one executor, 6 s on two: 2 s fixed, 8 s that divides; 4 executors: 4 s.
        let text = projection(10.0, 6.0, 1_000_000);
        assert!(text.contains("a = 2.00 s"), "{text}");
        assert!(text.contains("| 4 | 4.00 s | 250k |"), "{text}");
        assert!(text.contains("500k rows/s"), "{text}");
    }

    #[test]
    fn no_projection_without_a_speedup() {
        let text = projection(10.0, 10.5, 1_000_000);
        assert!(text.contains("no projection is made"), "{text}");
        assert!(!text.contains("| 4 |"), "{text}");
    }
}
