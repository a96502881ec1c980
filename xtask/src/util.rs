//! Shared helpers: workspace paths, PATH set-up, running commands with readable errors.

use std::ffi::OsString;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Errors are human-readable messages; `main` prints them and exits non-zero.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// `$CARGO_HOME`, or `~/.cargo`.
pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
}

/// Puts `node_modules/.bin` and `$CARGO_HOME/bin` first on PATH for every child process,
/// so the npm-installed `wasm-opt`/`tsc` and cargo-installed tools are found.
pub fn prepare_env() {
    let mut dirs = vec![
        root().join("node_modules").join(".bin"),
        cargo_home().join("bin"),
    ];
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    let joined: OsString = std::env::join_paths(dirs).expect("PATH entries contain no separator");
    // Single-threaded at this point: nothing else reads the environment concurrently.
    std::env::set_var("PATH", joined);
    // `cargo xtask` runs this binary with the variables cargo sets for a crate (xtask's
    // manifest dir, package name and version). Inherited by the cargo builds below, they
    // dirty every build script that watches them (ring's does, with `rerun-if-env-changed`),
    // and so everything above it: DataFusion and Ballista rebuilt whenever a hand-run
    // `cargo build` and a `cargo xtask` command take turns in one target directory.
    let crate_vars: Vec<OsString> = std::env::vars_os()
        .map(|(k, _)| k)
        .filter(|k| {
            k.to_str().is_some_and(|k| {
                k.starts_with("CARGO_PKG_")
                    || k.starts_with("CARGO_MANIFEST_")
                    || matches!(
                        k,
                        "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
                    )
            })
        })
        .collect();
    for k in crate_vars {
        std::env::remove_var(k);
    }
}

/// A command that runs in the workspace root.
pub fn cmd(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root());
    c
}

/// How to get a missing tool.
fn hint(program: &str) -> &'static str {
    match program {
        "cargo" | "rustup" | "rustc" => "install Rust with rustup (https://rustup.rs)",
        "node" | "npm" => "install Node.js 20 or newer (it ships npm)",
        "wasm-opt" | "tsc" => "run `cargo xtask setup` (runs `npm ci` for the dev packages)",
        "apt-get" | "sudo" => "install `chromium` and `chromium-driver` (/usr/bin/chromium, /usr/bin/chromedriver) with your package manager",
        _ => "install it and make sure it is on PATH",
    }
}

fn program_name(c: &Command) -> String {
    let p = c.get_program().to_string_lossy().into_owned();
    Path::new(&p)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or(p)
}

/// The command line as a shell would show it (relative to the root where possible).
pub fn display(c: &Command) -> String {
    let root = root();
    let show = |s: &std::ffi::OsStr| {
        let s = s.to_string_lossy();
        let s = match Path::new(s.as_ref()).strip_prefix(&root) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel.to_string_lossy().into_owned(),
            _ => s.into_owned(),
        };
        if s.contains(' ') {
            format!("'{s}'")
        } else {
            s
        }
    };
    std::iter::once(show(c.get_program()))
        .chain(c.get_args().map(show))
        .collect::<Vec<_>>()
        .join(" ")
}

fn spawn_error(c: &Command, e: std::io::Error) -> String {
    let name = program_name(c);
    if e.kind() == ErrorKind::NotFound {
        format!("`{name}` not found: {}", hint(&name))
    } else {
        format!("could not start `{}`: {e}", display(c))
    }
}

/// Runs a command with inherited stdio, echoing it first; fails on a non-zero exit.
pub fn run(c: &mut Command) -> Result {
    println!("$ {}", display(c));
    let status = c.status().map_err(|e| spawn_error(c, e))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", display(c)))
    }
}

/// Like [`run`], but kills the command and everything it started when it outlives `limit`
/// (a test that leaves a handle open would otherwise hang CI until its own time limit).
pub fn run_with_timeout(c: &mut Command, limit: Duration) -> Result {
    println!("$ {}", display(c));
    let mut child = c.spawn().map_err(|e| spawn_error(c, e))?;
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return if status.success() {
                Ok(())
            } else {
                Err(format!("`{}` failed ({status})", display(c)))
            };
        }
        if start.elapsed() > limit {
            let mut pids = descendants(child.id());
            pids.push(child.id());
            let _ = Command::new("kill")
                .arg("-KILL")
                .args(pids.iter().map(u32::to_string))
                .status();
            let _ = child.wait();
            return Err(format!(
                "`{}` still running after {}: killed (did a test leave a timer, socket or channel open?)",
                display(c),
                secs(limit)
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every process below `pid`, read from /proc (Linux); empty elsewhere.
fn descendants(pid: u32) -> Vec<u32> {
    let mut parent_of = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(p) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<u32>().ok())
            else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // Format: `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
            let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
            if let Some(ppid) = after
                .split_whitespace()
                .nth(1)
                .and_then(|x| x.parse::<u32>().ok())
            {
                parent_of.push((p, ppid));
            }
        }
    }
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parent_of
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found.remove(0);
    found
}

/// Runs a command quietly and returns its stdout; fails on a non-zero exit.
pub fn output(c: &mut Command) -> Result<String> {
    let out = c.output().map_err(|e| spawn_error(c, e))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`{}` failed ({}): {}",
            display(c),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// Whether `program` can be started (probed with `--version`).
pub fn available(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// Seconds with one decimal, e.g. `12.3s`.
pub fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Runs `f` and returns its result with the time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = f();
    (value, start.elapsed())
}

/// Copies a directory tree (files and sub-directories) into `to`, creating it.
pub fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            copy_file(&src, &dst)?;
        }
    }
    Ok(())
}

pub fn copy_file(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

pub fn write(path: &Path, text: &str) -> Result {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Files under `dir` (recursively) whose name ends with `suffix`, sorted; empty if `dir` is absent.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().ends_with(suffix))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Starts `vitrin-server serve` (already given its arguments) and waits for its first line,
/// `listening on <url>`: the child and the URL, or an error with what it said instead (the
/// child then killed).
pub fn serve(c: &mut Command) -> Result<(std::process::Child, String)> {
    use std::io::{BufRead, BufReader};
    let mut child = c
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting vitrin-server: {e}"))?;
    let mut line = String::new();
    let read = BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line);
    match line.trim().strip_prefix("listening on ") {
        Some(url) if read.is_ok() => Ok((child, url.to_string())),
        _ => {
            let _ = child.kill();
            Err(format!("vitrin-server did not start (it said {line:?})"))
        }
    }
}
