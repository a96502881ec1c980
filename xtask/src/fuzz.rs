//! `cargo xtask fuzz [--seconds N] [TARGET…]`: libFuzzer (cargo-fuzz) over every entry point
//! that takes outside bytes, N seconds per target (default 60), one process each, niced.
//! Seeds `fuzz/corpus/` (`node fuzz/seed.mjs`), installs cargo-fuzz when missing, and writes
//! the figures to `target/hardening/fuzz-<target>.json` (read by `tests/hardening.mjs`) and
//! the run's table to `fuzz.md`.
//! Crash inputs stay in `fuzz/artifacts/<target>/`; each becomes a test in `tests/`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Stdio;
use std::time::Instant;

use crate::util::{available, cmd, read, root, run, write, Result};

/// The targets of `fuzz/Cargo.toml`, in the order they run.
const TARGETS: &[&str] = &[
    "rules",
    "catalog",
    "catalog_binary",
    "embeddings_table",
    "profile",
    "restore",
    "events",
    "template",
    "jsonlogic",
];

struct Row {
    target: String,
    seconds: u64,
    executions: u64,
    crashes: Vec<String>,
}

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds = 60u64;
    let mut chosen = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--seconds" => {
                let n = it.next().ok_or("--seconds needs a number")?;
                seconds = n
                    .parse()
                    .map_err(|_| format!("--seconds: `{n}` is not a whole number"))?;
            }
            t if TARGETS.contains(&t) => chosen.push(t),
            other => {
                return Err(format!(
                    "fuzz: unknown argument `{other}` (targets: {})",
                    TARGETS.join(", ")
                ))
            }
        }
    }
    if chosen.is_empty() {
        chosen = TARGETS.to_vec();
    }
    if !available_subcommand() {
        run(cmd("cargo").args(["install", "cargo-fuzz"]))?;
    }
    run(cmd("node").arg("fuzz/seed.mjs"))?;
    // libFuzzer needs `-Zsanitizer` and friends; RUSTC_BOOTSTRAP lets the stable
    // toolchain accept them (AddressSanitizer also checks the crate's SIMD `unsafe`).
    run(fuzz_cmd().args(["build", "-O"]))?;

    let out_dir = root().join("target").join("hardening");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("creating {}: {e}", out_dir.display()))?;
    let mut rows = Vec::new();
    for target in chosen {
        let row = run_target(target, seconds, &out_dir)?;
        // One file per target: a later run of some targets keeps the others' figures.
        write(&out_dir.join(format!("fuzz-{target}.json")), &to_json(&row))?;
        rows.push(row);
    }
    let table = to_markdown(&rows);
    write(&out_dir.join("fuzz.md"), &table)?;
    println!("\n{table}");
    let crashed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.crashes.is_empty())
        .map(|r| r.target.as_str())
        .collect();
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "crashes in {} (inputs under fuzz/artifacts/)",
            crashed.join(", ")
        ))
    }
}

fn available_subcommand() -> bool {
    available("cargo-fuzz")
        && cmd("cargo")
            .args(["fuzz", "--version"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

/// `nice -n 10 cargo fuzz …` in `fuzz/`: the machine is shared, fuzzing may wait.
fn fuzz_cmd() -> std::process::Command {
    let mut c = if available("nice") {
        let mut c = cmd("nice");
        c.args(["-n", "10", "cargo", "fuzz"]);
        c
    } else {
        let mut c = cmd("cargo");
        c.arg("fuzz");
        c
    };
    c.current_dir(root().join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1");
    c
}

fn artifacts(target: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join("fuzz").join("artifacts").join(target))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

fn run_target(target: &str, seconds: u64, out_dir: &Path) -> Result<Row> {
    let before = artifacts(target);
    let log = out_dir.join(format!("fuzz-{target}.log"));
    let file =
        std::fs::File::create(&log).map_err(|e| format!("creating {}: {e}", log.display()))?;
    let corpus = format!("corpus/{target}");
    let mut c = fuzz_cmd();
    c.args(["run", "-O", target, &corpus, "--"])
        .arg(format!("-max_total_time={seconds}"))
        // A single input slower than this is a hang worth a report, as is an input that
        // needs more memory than a browser tab would give.
        .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"])
        .stdout(Stdio::null())
        .stderr(file);
    println!("fuzz: {target} for {seconds}s (log {})", log.display());
    let start = Instant::now();
    let status = c.status().map_err(|e| format!("running cargo fuzz: {e}"))?;
    let text = read(&log)?;
    let executions = text
        .lines()
        .find_map(|l| l.strip_prefix("stat::number_of_executed_units:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    let crashes: Vec<String> = artifacts(target).difference(&before).cloned().collect();
    if !status.success() && crashes.is_empty() {
        return Err(format!(
            "cargo fuzz run {target} failed ({status}) without a crash input; see {}",
            log.display()
        ));
    }
    println!(
        "fuzz: {target}: {executions} executions in {:.0}s, {} crash(es)",
        start.elapsed().as_secs_f64(),
        crashes.len()
    );
    Ok(Row {
        target: target.to_string(),
        seconds,
        executions,
        crashes,
    })
}

fn to_json(r: &Row) -> String {
    let crashes: Vec<String> = r.crashes.iter().map(|c| format!("\"{c}\"")).collect();
    format!(
        "{{\"target\": \"{}\", \"seconds\": {}, \"executions\": {}, \"crashes\": [{}]}}\n",
        r.target,
        r.seconds,
        r.executions,
        crashes.join(", ")
    )
}

fn to_markdown(rows: &[Row]) -> String {
    let mut s = String::from("| target | seconds | executions | crashes |\n|---|---:|---:|---:|\n");
    for r in rows {
        s.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            r.target,
            r.seconds,
            r.executions,
            r.crashes.len()
        ));
    }
    s
}
