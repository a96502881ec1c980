//! `cargo xtask setup`: installs only what is missing (wasm target, Chromium + chromedriver,
//! npm dev packages); one line per step; fast when all is present.

use std::path::Path;
use std::time::{Instant, SystemTime};

use crate::util::{available, cmd, output, root, run, secs, Result};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn setup() -> Result {
    let start = Instant::now();
    step("wasm32 target", wasm_target)?;
    step("chromium", chromium)?;
    step("npm dev packages", npm_packages)?;
    println!("setup: done in {}", secs(start.elapsed()));
    Ok(())
}

/// Runs one step and prints `setup: <name>: <what happened> (<time>)`.
fn step(name: &str, f: impl FnOnce() -> Result<String>) -> Result {
    let start = Instant::now();
    let what = f().map_err(|e| format!("setup step `{name}`: {e}"))?;
    println!("setup: {name:<18} {what} ({})", secs(start.elapsed()));
    Ok(())
}

fn wasm_target() -> Result<String> {
    let installed = output(cmd("rustup").args(["target", "list", "--installed"]))?;
    if installed.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(format!("present ({WASM_TARGET})"));
    }
    run(cmd("rustup").args(["target", "add", WASM_TARGET]))?;
    Ok(format!("installed ({WASM_TARGET})"))
}

fn chromium() -> Result<String> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(format!("present ({CHROMIUM}, {CHROMEDRIVER})"));
    }
    if !available("apt-get") {
        return Err(format!(
            "{CHROMIUM} or {CHROMEDRIVER} is missing and apt-get is not available: install \
             Chromium and its driver so that both paths exist"
        ));
    }
    let root_user = output(cmd("id").arg("-u"))
        .map(|s| s.trim() == "0")
        .unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut c = if root_user {
            cmd("apt-get")
        } else {
            cmd("sudo")
        };
        if !root_user {
            c.arg("apt-get");
        }
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    apt(&["update"])?;
    apt(&["install", "-y", "chromium", "chromium-driver"])?;
    if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
        return Err(format!(
            "apt-get finished but {CHROMIUM} / {CHROMEDRIVER} still missing"
        ));
    }
    Ok("installed (apt: chromium, chromium-driver)".into())
}

fn mtime(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn npm_packages() -> Result<String> {
    let root = root();
    let node_version = output(cmd("node").arg("--version"))?;
    let major: u32 = node_version
        .trim()
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!(
            "Node.js {} found; vitrin needs Node 20 or newer",
            node_version.trim()
        ));
    }
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    let fresh = match (mtime(&lock), mtime(&installed)) {
        (Some(l), Some(i)) => l <= i,
        _ => false,
    };
    let tools_present = ["wasm-opt", "tsc", "playwright-core", "esbuild", "terser"]
        .iter()
        .all(|t| root.join("node_modules/.bin").join(t).exists());
    if fresh && tools_present {
        return Ok(format!("present (node {})", node_version.trim()));
    }
    run(cmd("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    Ok(format!("installed (npm ci; node {})", node_version.trim()))
}
