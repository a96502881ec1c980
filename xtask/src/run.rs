//! `cargo xtask demo | bench | replay`: setup + build, then a Node script in the foreground.

use std::path::{Path, PathBuf};

use crate::util::{cmd, root, run, Result};

fn prepare() -> Result {
    crate::setup::setup()?;
    crate::build::build().map(|_| ())
}

/// Serves the repository root (demo storefront at `/`) and the reference server beside it
/// until Ctrl-C; `--traffic N` plays N simulated visitors against the server once both are up.
pub fn demo(args: &[String]) -> Result {
    let (mut port, mut server_port, mut traffic, mut fresh) =
        ("8080".to_string(), "8787".to_string(), None, false);
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => port = it.next().ok_or("--port needs a number")?.clone(),
            "--server-port" => server_port = it.next().ok_or("--server-port needs a number")?.clone(),
            "--traffic" => traffic = Some(it.next().ok_or("--traffic needs a number of visitors")?.clone()),
            "--fresh" => fresh = true,
            other => {
                return Err(format!(
                    "demo: unknown argument `{other}` (usage: cargo xtask demo [--port N] [--server-port N] [--traffic VISITORS] [--fresh])"
                ))
            }
        }
    }
    prepare()?;
    crate::democatalog::generate()?;
    crate::querybuilder::bundle()?;
    let server = crate::demoserver::start(&server_port, &port, fresh)?;
    if let Some(n) = traffic {
        // In the background: the storefront is up meanwhile and the results fill as it plays.
        cmd("node")
            .args([
                "www/traffic.mjs",
                "--server",
                &server.url,
                "--token",
                &server.token,
                "--visitors",
                &n,
            ])
            .spawn()
            .map_err(|e| format!("starting the traffic simulator: {e}"))?;
    }
    println!("demo: http://127.0.0.1:{port}/  playground: http://127.0.0.1:{port}/www/playground.html  (Ctrl-C to stop)");
    run(cmd("node").args(["www/serve.mjs", "--port", &port]))
}

/// `cargo xtask traffic --server URL [--visitors N] [...]`: the traffic simulator against a
/// running server (`cargo xtask demo` prints its URL).
pub fn traffic(args: &[String]) -> Result {
    run(cmd("node").arg("www/traffic.mjs").args(args))
}

/// Runs `tests/bench/run.mjs` (Node and headless Chromium; writes `target/bench/results.json`
/// and `results.md`), forwarding `args` (`--quick`, `--smoke`, `--cold`, `--rules`,
/// `--no-browser`), after building pkg/ and the bench's wasm (target/pkg-bench/).
pub fn bench(args: &[String]) -> Result {
    let script = root().join("tests/bench/run.mjs");
    if !script.exists() {
        println!("bench: no benchmarks are defined (tests/bench/run.mjs does not exist)");
        return Ok(());
    }
    prepare()?;
    crate::build::bench_build()?;
    run(cmd("node").arg("tests/bench/run.mjs").args(args))
}

/// Runs `tests/replay/run.mjs --data DIR`; `DIR` is relative to the caller's cwd when given,
/// else `../shared/data/diginetica` relative to the repository root.
pub fn replay(args: &[String]) -> Result {
    let mut data: Option<PathBuf> = None;
    let mut rest = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--data" {
            data = Some(PathBuf::from(it.next().ok_or("--data needs a directory")?));
        } else if let Some(d) = a.strip_prefix("--data=") {
            data = Some(PathBuf::from(d));
        } else {
            rest.push(a.clone());
        }
    }
    let data = match data {
        Some(d) => absolute(&std::env::current_dir().unwrap_or_else(|_| root()), &d),
        None => absolute(&root(), Path::new("../shared/data/diginetica")),
    };
    if !data.is_dir() {
        return Err(format!(
            "replay: data directory {} does not exist",
            data.display()
        ));
    }
    let script = root().join("tests/replay/run.mjs");
    if !script.exists() {
        return Err("tests/replay/run.mjs does not exist yet".into());
    }
    prepare()?;
    run(cmd("node")
        .arg("tests/replay/run.mjs")
        .arg("--data")
        .arg(&data)
        .args(rest))
}

fn absolute(base: &Path, p: &Path) -> PathBuf {
    let joined = if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    };
    joined.canonicalize().unwrap_or(joined)
}
