//! `cargo xtask <task>`: the repository's entry points (setup, build, test, demo, bench, replay).
//!
//! Every task runs relative to the workspace root, whatever the caller's cwd. Depends on std
//! only; external tools (cargo, rustup, node, npm, apt-get) are run as processes.

mod build;
mod democatalog;
mod demoserver;
mod fuzz;
mod loadtest;
mod manifest;
mod panicpkg;
mod querybuilder;
mod run;
mod scaling;
mod setup;
mod sizes;
mod test;
mod util;

use std::process::ExitCode;

const HELP: &str = "\
usage: cargo xtask <task> [args]

tasks:
  setup                  install what is missing: wasm32 target, Chromium + chromedriver (apt),
                         npm dev packages (wasm-opt, tsc, playwright-core)
  build                  build the npm package into pkg/ and print its size table (target/size.json)
  test                   setup + build + every suite: cargo test, size budget, node tests, browser tests
  demo [--port N] [--server-port N] [--traffic VISITORS] [--fresh]
                         setup + build + demo-catalog + serve the repository on http://127.0.0.1:N/
                         (default 8080) and vitrin-server beside it (default port 8787, database
                         target/demo/vitrin.db, emptied by --fresh); --traffic plays that many
                         simulated visitors through the package against the server
  traffic --server URL [--visitors N] [--seed S] [--effect A=0.04,B=0.01]
                         the traffic simulator (www/traffic.mjs) against a running vitrin-server
  demo-catalog           write the demo catalog (target/demo/catalog.json, www/generated/catalog.js)
  bench [args]           setup + build + the bench's wasm build (target/pkg-bench/: pkg/'s wasm
                         with the bench's hook) + node tests/bench/run.mjs [args]
  fuzz [--seconds N] [TARGET…]
                         libFuzzer over every input decoder, N s per target (default 60);
                         figures in target/hardening/fuzz-*.json (installs cargo-fuzz if missing)
  loadtest [--seconds S] [--rounds N]
                         the release vitrin-server on loopback under 1, 8 and 32 posting clients,
                         alone and with a metrics reader and a rules publisher beside them:
                         events/s, p50/p99, the ratio, peak memory (target/loadtest/results.json)
  replay [--data DIR]    setup + build + node tests/replay/run.mjs --data DIR
                         (default DIR: ../shared/data/diginetica, relative to the repository root)
  scaling [--data DIR] [--runs N] [--profile NAME]
                         the catalog build on DIR's session log: hand-written vs DataFusion in
                         process vs Ballista with 1 and 2 executors; rows/s and peak memory,
                         the load average, a projection for more executors by arithmetic
                         (target/scaling/scaling.md; profile default `server`)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first().map(String::as_str) else {
        eprint!("{HELP}");
        return ExitCode::FAILURE;
    };
    let rest = &args[1..];
    util::prepare_env();
    let result = match task {
        "setup" => setup::setup(),
        "build" => build::build().map(|_| ()),
        "test" => test::test(),
        "demo" => run::demo(rest),
        "traffic" => run::traffic(rest),
        "demo-catalog" => democatalog::generate(),
        "bench" => run::bench(rest),
        "replay" => run::replay(rest),
        "fuzz" => fuzz::fuzz(rest),
        "loadtest" => loadtest::loadtest(rest),
        "scaling" => scaling::scaling(rest),
        "help" | "-h" | "--help" => {
            print!("{HELP}");
            Ok(())
        }
        other => Err(format!("unknown task `{other}`\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask {task}: error: {message}");
            ExitCode::FAILURE
        }
    }
}
