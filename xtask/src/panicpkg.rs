//! The panic-containment test package: the engine built with the `test-panic` feature
//! (`track` panics on an event holding "vitrin-test-panic"), as a debug build in its own
//! target directory, assembled like pkg/ into `target/pkg-panic/` for
//! tests/browser/hardening.test.mjs. pkg/ never carries the feature.

use crate::build::{CORE, SCALAR_WASM};
use crate::setup::WASM_TARGET;
use crate::util::{cmd, copy_dir, copy_file, root, run, Result};

pub fn build() -> Result {
    let root = root();
    let target = root.join("target").join("panic");
    let out = root.join("target").join("pkg-panic");
    run(cmd("cargo")
        .args([
            "build",
            "--target",
            WASM_TARGET,
            "-p",
            "vitrin",
            "--lib",
            "--features",
            "test-panic",
            "--target-dir",
        ])
        .arg(&target)
        // Without DWARF (wasm-bindgen's CLI dropped it when it ran here): Chromium refuses to
        // instantiate a wasm over 8 MB synchronously on a page's main thread, as index.js does.
        .env("CARGO_PROFILE_DEV_DEBUG", "false"))?;
    let _ = std::fs::remove_dir_all(&out);
    copy_dir(&root.join("pkg-template"), &out)?;
    // Built without SIMD128: the loaders may pick either file name.
    let wasm = target.join(WASM_TARGET).join("debug").join("vitrin.wasm");
    copy_file(&wasm, &out.join(format!("{CORE}_bg.wasm")))?;
    copy_file(&wasm, &out.join(SCALAR_WASM))
}
