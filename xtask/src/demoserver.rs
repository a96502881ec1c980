//! The demo's reference server: `vitrin-server serve` (embedded SQLite under `target/demo/`)
//! beside the storefront, and `www/generated/server.js`, which tells the demo pages where it
//! is. The storefront syncs its events and rules through the SDK's `sync`; the playground
//! publishes, rolls back and reads results there.
//!
//! `server.js` holds the publishing token: the demo listens on loopback only, and the file is
//! git-ignored. `cargo xtask demo-catalog` (run by `test`) resets it to `null`, so pages
//! served by the test suites use only the server a test points them at.

use std::io::Read;
use std::path::PathBuf;
use std::process::Child;

use crate::util::{cmd, root, run, serve, write, Result};

pub const SERVER_JS: &str = "www/generated/server.js";

/// `www/generated/server.js` with no server: the demo pages run on their own.
pub fn write_none() -> Result {
    write(
        &root().join(SERVER_JS),
        "// Written by cargo xtask (xtask/src/demoserver.rs): no demo server is running.\nexport default null;\n",
    )
}

/// A token nobody guesses: 32 hex digits from the OS's randomness.
fn token() -> Result<String> {
    let mut bytes = [0u8; 16];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("reading /dev/urandom for the demo token: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub struct DemoServer {
    pub url: String,
    /// The store's token: publishing rules, reading metrics and results.
    pub token: String,
    pub child: Child,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = write_none();
    }
}

/// Builds and starts the server on `port` for pages served from `origin`; `fresh` starts
/// from an empty database (else results and revisions of earlier runs are kept).
pub fn start(port: &str, origin_port: &str, fresh: bool) -> Result<DemoServer> {
    run(cmd("cargo").args(["build", "--quiet", "-p", "vitrin-server"]))?;
    let dir = root().join("target/demo");
    let db: PathBuf = dir.join("vitrin.db");
    if fresh {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("vitrin.db{suffix}")));
        }
    }
    let token = token()?;
    let origins = [
        format!("http://127.0.0.1:{origin_port}"),
        format!("http://localhost:{origin_port}"),
    ];
    let (child, url) = serve(
        cmd(root().join("target/debug/vitrin-server"))
            .arg("serve")
            .arg("--db")
            .arg(&db)
            .arg("--catalog")
            .arg(dir.join("catalog.json"))
            .args([
                "--rules",
                "examples/rules/demo-storefront.json",
                "--port",
                port,
                "--token",
                &token,
            ])
            // The traffic simulator plays thousands of visitors from one address.
            .args(["--rate", "100000", "--cors"])
            .args(&origins),
    )?;
    write(
        &root().join(SERVER_JS),
        &format!(
            "// Written by `cargo xtask demo` (xtask/src/demoserver.rs) while its server runs.\nexport default {{ url: {url:?}, token: {token:?} }};\n"
        ),
    )?;
    println!("demo: vitrin-server on {url} (database {})", db.display());
    Ok(DemoServer { url, token, child })
}
