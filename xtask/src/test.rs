//! `cargo xtask test`: setup + build + every suite (cargo test, size budget, node tests over
//! pkg/, browser tests); every suite runs even after a failure; summary table at the end.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::util::{cmd, files_ending, root, run, run_with_timeout, secs, timed, Result};

/// Wall-time limit of one `node --test` suite; `VITRIN_SUITE_TIMEOUT_SECS` overrides it. A
/// hang guard, not a budget: the browser suite takes 4–5 minutes on a quiet 2-core machine and
/// over 10 on a loaded one.
const SUITE_TIMEOUT: Duration = Duration::from_secs(1200);
/// Wall-time limit of the consumers suite (a cold run installs Next.js, Vite and webpack).
const CONSUMERS_TIMEOUT: Duration = Duration::from_secs(1800);
/// Wall-time limits of the builder-plans suite: compiling DataFusion and Ballista (cold on
/// CI), then its tests (the in-process plans against the hand-written builder, and a
/// Ballista scheduler with two executor processes).
const PLANS_BUILD_TIMEOUT: Duration = Duration::from_secs(3600);
const PLANS_TEST_TIMEOUT: Duration = Duration::from_secs(1500);
/// Limit of a single node test (`--test-timeout`, which also bounds each file), in
/// milliseconds: a hang guard (the marketer's journey takes about a minute, over two under load).
const NODE_TEST_TIMEOUT_MS: u64 = 300_000;

enum Outcome {
    Pass,
    Fail(String),
    /// Nothing to run (e.g. the suite has no test files yet); not a failure.
    Skip(String),
}

struct Row {
    suite: &'static str,
    outcome: Outcome,
    time: Duration,
}

pub fn test() -> Result {
    let start = Instant::now();
    crate::setup::setup()?;
    let mut rows = Vec::new();

    let (built, time) = timed(crate::build::build);
    let (report, outcome) = match built {
        Ok(r) => (Some(r), Outcome::Pass),
        Err(e) => (None, Outcome::Fail(e)),
    };
    rows.push(Row {
        suite: "build pkg/",
        outcome,
        time,
    });

    rows.push(suite("rustfmt", || {
        run(cmd("cargo").args(["fmt", "--all", "--", "--check"])).map(|_| Outcome::Pass)
    }));
    rows.push(suite("cargo test (host)", || {
        run(cmd("cargo").args(["test", "--workspace"])).map(|_| Outcome::Pass)
    }));
    rows.push(suite("size budget (gzip)", || match &report {
        Some(r) => r.check_budget().map(|_| Outcome::Pass),
        None => Err("not measured: the build failed".into()),
    }));
    let pkg_ok = report.is_some();
    rows.push(suite("node tests/node", || {
        // The traffic simulator's test serves the demo's generated catalog.
        crate::democatalog::generate()?;
        node_tests("tests/node", pkg_ok)
    }));
    rows.push(suite("browser tests/browser", || {
        // The demo storefront's journeys need its generated catalog (written by the node
        // suite, again here so this suite stands alone); the hardening tests a build with a
        // forced panic.
        crate::democatalog::generate()?;
        crate::querybuilder::bundle()?;
        crate::panicpkg::build()?;
        node_tests("tests/browser", pkg_ok)
    }));
    rows.push(suite("consumers tests/consumers", || {
        // The packed tarball in fixture apps (Next.js, Vite, webpack, …): their installs are
        // cached under target/consumers/, but cold builds of two Next.js apps take a while.
        node_tests_within(
            "tests/consumers",
            pkg_ok,
            CONSUMERS_TIMEOUT,
            CONSUMERS_TIMEOUT,
        )
    }));
    rows.push(suite("replay smoke tests/replay", || {
        // The replay runs the builder with `cargo run --profile server`: compile it here,
        // outside the node suite's per-file time limit, so a cold or busy machine does not
        // time out.
        run(cmd("cargo").args(["build", "--profile", "server", "-p", "vitrin-server"]))?;
        node_tests("tests/replay", pkg_ok)
    }));
    rows.push(suite("builder plans (DataFusion, Ballista)", || {
        let plans = [
            "test",
            "-p",
            "vitrin-server",
            "--features",
            "plans",
            "--test",
            "plans",
            "--test",
            "cluster",
        ];
        run_with_timeout(
            cmd("cargo").args(plans).arg("--no-run"),
            PLANS_BUILD_TIMEOUT,
        )?;
        run_with_timeout(cmd("cargo").args(plans), PLANS_TEST_TIMEOUT).map(|_| Outcome::Pass)
    }));
    rows.push(suite("bench smoke tests/bench", || {
        // The bench's hook is in its own wasm build only (target/pkg-bench/), never in pkg/.
        crate::build::bench_build()?;
        node_tests("tests/bench", pkg_ok)
    }));

    print_summary(&rows, start.elapsed());
    let failed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
        .count();
    if failed == 0 {
        Ok(())
    } else {
        Err(format!("{failed} suite(s) failed"))
    }
}

fn suite(name: &'static str, f: impl FnOnce() -> Result<Outcome>) -> Row {
    println!("\n=== {name} ===");
    let (result, time) = timed(f);
    let outcome = result.unwrap_or_else(Outcome::Fail);
    if let Outcome::Fail(e) = &outcome {
        eprintln!("{name}: FAILED: {e}");
    }
    Row {
        suite: name,
        outcome,
        time,
    }
}

/// `node --test` over every `*.test.mjs` under `dir` (listed explicitly: Node 20 and 22 differ
/// in how they expand a directory argument).
fn node_tests(dir: &str, pkg_ok: bool) -> Result<Outcome> {
    let test_timeout = Duration::from_millis(NODE_TEST_TIMEOUT_MS);
    node_tests_within(dir, pkg_ok, SUITE_TIMEOUT, test_timeout)
}

/// `node_tests` with a suite limit and a per-test limit (`--test-timeout`; the runner counts a
/// whole file as one test too).
fn node_tests_within(
    dir: &str,
    pkg_ok: bool,
    default_limit: Duration,
    test_timeout: Duration,
) -> Result<Outcome> {
    let root = root();
    let files = files_ending(&root.join(dir), ".test.mjs");
    if files.is_empty() {
        return Ok(Outcome::Skip(format!("no *.test.mjs in {dir}/")));
    }
    if !pkg_ok {
        return Err("not run: the build failed, pkg/ would be stale".into());
    }
    let rel: Vec<&Path> = files
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap_or(f))
        .collect();
    let limit = std::env::var("VITRIN_SUITE_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(default_limit);
    let mut c = cmd("node");
    c.arg("--test")
        .arg(format!("--test-timeout={}", test_timeout.as_millis()))
        .args(rel);
    run_with_timeout(&mut c, limit).map(|_| Outcome::Pass)
}

fn print_summary(rows: &[Row], total: Duration) {
    let width = rows.iter().map(|r| r.suite.len()).max().unwrap_or(5);
    println!(
        "\n{:<width$}  {:<6}  {:>8}  note",
        "suite", "result", "time"
    );
    for r in rows {
        let (result, note) = match &r.outcome {
            Outcome::Pass => ("pass", String::new()),
            Outcome::Fail(e) => ("FAIL", e.lines().next().unwrap_or("").to_string()),
            Outcome::Skip(why) => ("skip", why.clone()),
        };
        println!(
            "{:<width$}  {result:<6}  {:>8}  {note}",
            r.suite,
            secs(r.time)
        );
    }
    let passed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Pass))
        .count();
    let failed = rows
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Fail(_)))
        .count();
    let skipped = rows.len() - passed - failed;
    println!("\nsuites: {passed} passed, {failed} failed, {skipped} skipped");
    println!("total wall time: {}", secs(total));
}
