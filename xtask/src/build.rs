//! `cargo xtask build`: cargo (wasm32, release) → wasm-opt → `pkg/` assembled from
//! `pkg-template/` (which holds the wasm's JavaScript glue, `vitrin_core.js`), version
//! stamped, size table, TypeScript check.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::manifest::{crate_version, stamp_version};
use crate::setup::WASM_TARGET;
use crate::sizes::{measure, SizeReport};
use crate::util::{
    cargo_home, cmd, copy_dir, copy_file, output, read, root, run, secs, write, Result,
};

/// Base name of the wasm and its glue (`vitrin_core_bg.wasm`, `pkg-template/vitrin_core.js`):
/// wasm-bindgen's names, which the package kept when it stopped using it.
pub const CORE: &str = "vitrin_core";
/// The build without SIMD128, for browsers that lack it (the loaders pick one).
pub const SCALAR_WASM: &str = "vitrin_core_scalar_bg.wasm";
/// The script-tag build: one classic script exposing the API as `globalThis.vitrin`.
pub const GLOBAL_SCRIPT: &str = "vitrin.global.js";
/// The SIMD wasm gzipped and base64-encoded in a module, for `vitrin/inline` (bundlers that
/// emit no `new URL(…, import.meta.url)` assets: esbuild, Rollup).
pub const INLINE_WASM: &str = "vitrin_core_inline.js";
/// Where `assemble` puts the package's readable JavaScript (the template's files) for esbuild, which writes the minified files and their `.js.map` beside
/// it in `pkg/`; removed after. The maps name each file `source/<file>.js` (its text inside,
/// `sourcesContent`): a path of its own in devtools and stack traces, not the minified file's.
const SOURCE_DIR: &str = "source";

/// Features the Rust wasm32 target enables by default (and so the wasm uses); wasm-opt must
/// be told, or it rejects the module.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-call-indirect-overlong",
    "--enable-multivalue",
    "--enable-simd",
];

pub fn build() -> Result<SizeReport> {
    let start = Instant::now();
    let root = root();
    let target = root.join("target");

    // Two builds of one source: SIMD128 (what every current browser runs) and scalar.
    let simd = target.clone();
    let scalar = target.join("scalar");
    stage("cargo build (wasm32, release, simd128)", || {
        cargo_build(&simd, true, None)
    })?;
    stage("cargo build (wasm32, release, scalar)", || {
        cargo_build(&scalar, false, None)
    })?;
    let opt_wasm = target.join("wasm-opt").join(format!("{CORE}_bg.wasm"));
    let opt_scalar = target.join("wasm-opt").join(SCALAR_WASM);
    stage("wasm-opt -O1", || wasm_opt(&cargo_wasm(&simd), &opt_wasm))?;
    stage("wasm-opt -O1 (scalar)", || {
        wasm_opt(&cargo_wasm(&scalar), &opt_scalar)
    })?;
    let pkg = root.join("pkg");
    stage("assemble pkg/", || assemble(&pkg, &opt_wasm, &opt_scalar))?;
    stage("script-tag build (esbuild)", || script_tag_build(&pkg))?;
    stage(
        "minify the shipped JavaScript, with source maps (esbuild, terser)",
        || minify(&pkg),
    )?;
    stage("inline wasm (vitrin/inline)", || inline_wasm(&pkg))?;
    let report = measure(&pkg)?;
    report.print();
    report.write(&target.join("size.json"))?;
    stage("tsc --noEmit -p tests/types", type_check)?;
    println!("build: pkg/ ready in {}", secs(start.elapsed()));
    Ok(report)
}

/// The bench's package, `target/pkg-bench/`: pkg/'s SIMD wasm built again, the same way, with
/// the cargo feature `bench` (the export `benchCondition`, which `cargo xtask bench` times);
/// only the glue and its wasm, which tests/bench/vitrin.mjs loads under pkg/'s JavaScript. Its own
/// cargo target directory: one shared with pkg/'s build would swap the two `vitrin.wasm` and
/// rebuild each in turn. Unchanged sources cost cargo's and wasm-opt's cache checks only.
pub fn bench_build() -> Result {
    let target = root().join("target");
    let cargo_dir = target.join("bench-cargo");
    let opt_wasm = target
        .join("wasm-opt-bench")
        .join(format!("{CORE}_bg.wasm"));
    let out = target.join("pkg-bench");
    stage(
        "cargo build (wasm32, release, simd128, feature bench)",
        || cargo_build(&cargo_dir, true, Some("bench")),
    )?;
    stage("wasm-opt (bench)", || {
        wasm_opt(&cargo_wasm(&cargo_dir), &opt_wasm)
    })?;
    stage("assemble target/pkg-bench/", || {
        let _ = std::fs::remove_dir_all(&out);
        std::fs::create_dir_all(&out).map_err(|e| format!("creating {}: {e}", out.display()))?;
        copy_file(
            &root().join("pkg-template").join(format!("{CORE}.js")),
            &out.join(format!("{CORE}.js")),
        )?;
        copy_file(&opt_wasm, &out.join(format!("{CORE}_bg.wasm")))
    })
}

fn stage(name: &str, f: impl FnOnce() -> Result) -> Result {
    println!("build: {name}");
    let start = Instant::now();
    f().map_err(|e| format!("build step `{name}`: {e}"))?;
    println!("build: {name}: ok ({})", secs(start.elapsed()));
    Ok(())
}

/// `target_dir/wasm32-unknown-unknown/release/vitrin.wasm`, with or without SIMD128, with
/// the vitrin crate's `feature` if given.
fn cargo_build(target_dir: &Path, simd: bool, feature: Option<&str>) -> Result {
    // Reproducible bytes: panic locations must not carry this machine's paths. Set for the wasm
    // target only (host artifacts such as proc-macros keep their cache). RUSTFLAGS, if set,
    // would override target rustflags entirely, so refuse to silently ignore ours.
    if std::env::var_os("RUSTFLAGS").is_some()
        || std::env::var_os("CARGO_ENCODED_RUSTFLAGS").is_some()
    {
        println!("build: warning: RUSTFLAGS is set; it overrides the wasm path remapping (bytes may differ by machine)");
    }
    let var = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        WASM_TARGET.to_uppercase().replace('-', "_")
    );
    let mut flags = std::env::var(&var).unwrap_or_default();
    for (from, to) in [(cargo_home(), "/cargo"), (root(), "/vitrin")] {
        flags.push_str(&format!(" --remap-path-prefix={}={to}", from.display()));
    }
    flags.push_str(&std_sources_remap()?);
    // `cargo rustc --crate-type cdylib`: the wasm only, not the rlib beside it. Built as both,
    // the crate's panic handler is an exported symbol that LTO does not inline into core's
    // `panic_fmt`, so every panic site keeps its `Location` and its formatting arguments
    // (src/web/mod.rs); built alone it inlines to a trap and they drop out.
    let mut c = cmd("cargo");
    c.args([
        "rustc",
        "--release",
        "--target",
        WASM_TARGET,
        "-p",
        "vitrin",
        "--lib",
        "--crate-type",
        "cdylib",
        "--target-dir",
    ])
    .arg(target_dir)
    .env(var, flags.trim());
    // SIMD128 for the dot products alone (the crate's feature `simd`, Cargo.toml), not
    // crate-wide `-C target-feature=+simd128`, which kept every panic `Location`.
    let features: Vec<&str> = simd.then_some("simd").into_iter().chain(feature).collect();
    if !features.is_empty() {
        c.args(["--features", &features.join(",")]);
    }
    run(&mut c)
}

/// Generic std code instantiated in the crate names std's sources in its panic locations: as
/// `/rustc/<commit>/library/…` (how the std rlibs were built), unless rustup's `rust-src` is
/// installed, when rustc names the local copy (`~/.rustup/…/lib/rustlib/src/rust/library/…`).
/// Mapped back to the first, the wasm has the same bytes with or without `rust-src` (checked:
/// identical; with `rust-src` and no mapping the optimised wasm was 448 B larger, 104 B gzip).
fn std_sources_remap() -> Result<String> {
    let sysroot = output(cmd("rustc").args(["--print", "sysroot"]))?;
    let info = output(cmd("rustc").arg("-vV"))?;
    let commit = info
        .lines()
        .find_map(|l| l.strip_prefix("commit-hash: "))
        .ok_or("`rustc -vV` printed no commit-hash")?;
    Ok(format!(
        " --remap-path-prefix={}/lib/rustlib/src/rust=/rustc/{}",
        sysroot.trim(),
        commit.trim()
    ))
}

/// The wasm `cargo_build` wrote into `target_dir`.
fn cargo_wasm(target_dir: &Path) -> PathBuf {
    target_dir
        .join(WASM_TARGET)
        .join("release")
        .join("vitrin.wasm")
}

fn wasm_opt(input: &Path, output: &Path) -> Result {
    let tool = root().join("node_modules").join(".bin").join("wasm-opt");
    if !tool.exists() {
        return Err(format!(
            "{} missing: run `cargo xtask setup` (npm package binaryen)",
            tool.display()
        ));
    }
    if let Some(dir) = output.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    // `--converge` takes over a minute per module: skip it when this exact input was
    // optimised with these flags last time (a rebuild after a JS-only change, a second
    // `cargo xtask test`).
    // `-O1`, not `-Oz`: -Oz makes the module smaller but compress worse (measured on the
    // SIMD wasm, gzip -9: -Oz --converge 155,899 B, -O1 --converge 151,323 B, no wasm-opt
    // 152,926 B; brotli 132,588 / 129,591 B); rustc has already optimised it for size.
    // `--shrink-level=1` (-O1's passes tuned for size, not -Os's) and `--dae-optimizing`
    // (drops arguments every caller passes alike): 150,895 -> 150,295 B gzip, no slower.
    // Since session 14, three passes -O1 leaves out: `--rse` (stores of a value a local
    // already holds), `--optimize-added-constants-propagate` (`p + 8` folded into the load's
    // offset field) and `--precompute-propagate`: SIMD wasm 114,343 -> 113,260 B gzip, brotli
    // 99,568 -> 98,433, raw 257,972 -> 254,752 (gzip -9). The second needs
    // `--low-memory-unused`, the promise that addresses below 1024 are never used: rustc's wasm
    // puts the stack there, at the bottom of its 1 MiB (data and heap above), and the engine's
    // recursion is bounded (JSON nesting at most 128 deep), so only a stack overflow gets there.
    let mut args = vec![
        // rustc exports `__data_end` and `__heap_base`, which no JavaScript reads: removed
        // first, so -O1 drops the globals too (43 B, 40 B gzip; wasm-bindgen's CLI removed them).
        "--remove-exports",
        "--pass-arg=remove-exports@__*",
        "--low-memory-unused",
        "-O1",
        "--shrink-level=1",
        "--dae-optimizing",
        "--rse",
        "--optimize-added-constants-propagate",
        "--precompute-propagate",
        "--converge",
        // memory-packing splits rustc's one data segment around every run of 9+ zero bytes
        // (105 segments, 648 B less raw), but each segment's offset costs gzip more than the
        // zeros it drops: kept whole, SIMD wasm gzip 94,481 -> 94,103, brotli 82,711 -> 82,248.
        "--skip-pass=memory-packing",
    ];
    args.extend(WASM_FEATURES);
    // The `target_features` section names the features for tools; browsers ignore it and
    // wasm-opt is told them above (SIMD wasm: the same code, 157 B less, 121 B gzip).
    args.push("--strip-target-features");
    // The `producers` section names the toolchain (79 B, 57 B gzip; wasm-bindgen's CLI removed
    // it when it ran before wasm-opt).
    args.push("--strip-producers");
    let order = root().join("xtask").join("order-functions.mjs");
    let seen = output.with_extension("input.wasm");
    let mut stamp = args.join(" ").into_bytes();
    stamp.extend(std::fs::read(&order).map_err(|e| format!("reading {}: {e}", order.display()))?);
    stamp.extend(std::fs::read(input).map_err(|e| format!("reading {}: {e}", input.display()))?);
    if output.exists() && std::fs::read(&seen).is_ok_and(|b| b == stamp) {
        println!(
            "build: {} unchanged since the last wasm-opt",
            input.display()
        );
        return Ok(());
    }
    let _ = std::fs::remove_file(&seen);
    // `--converge` repeats the passes until the module stops shrinking (0.1 KB gzip less at -O1).
    run(cmd(&tool).arg(input).args(&args).arg("-o").arg(output))?;
    // Similar functions side by side (xtask/order-functions.mjs), then -O1 again, which
    // keeps the order and writes the code as compactly as the first run did: SIMD wasm
    // 98,131 -> 96,878 B gzip -9, brotli 85,130 -> 83,941, raw 214,505 -> 214,902; 3 s each.
    // Choosing among the most similar by real deflate (session 16): 95,854 -> 95,459 B gzip,
    // brotli 83,237 -> 83,340; 5 s each. Then moving single functions next to similar ones
    // where the deflated 8 KiB around both places shrinks: 96 to 268 B gzip less, 10 s each;
    // just before or after them, in two passes (session 17): -12 to -133 B (SIMD), 25 s CPU each.
    // wasm-opt's own `--reorder-functions` (by call count) was +1,876 B gzip, and the most
    // called functions first (one-byte call indices) 1.5 KB less raw but +241 B gzip.
    run(cmd("node").arg(&order).arg(output).arg(output))?;
    run(cmd(&tool)
        .arg(output)
        .args(["-O1", "--shrink-level=1", "--skip-pass=memory-packing"])
        .args(WASM_FEATURES)
        .arg("-o")
        .arg(output))?;
    std::fs::write(&seen, stamp).map_err(|e| format!("writing {}: {e}", seen.display()))
}

fn assemble(pkg: &Path, opt_wasm: &Path, opt_scalar: &Path) -> Result {
    let root = root();
    let template = root.join("pkg-template");
    if !template.is_dir() {
        return Err(format!(
            "{} is missing: it holds the package's hand-written files",
            template.display()
        ));
    }
    if pkg.exists() {
        std::fs::remove_dir_all(pkg).map_err(|e| format!("removing {}: {e}", pkg.display()))?;
    }
    copy_dir(&template, pkg)?;
    let source = pkg.join(SOURCE_DIR);
    std::fs::create_dir_all(&source).map_err(|e| format!("creating {}: {e}", source.display()))?;
    for file in crate::util::files_ending(pkg, ".js") {
        if let Some(name) = file.file_name() {
            std::fs::rename(&file, source.join(name))
                .map_err(|e| format!("moving {} into {SOURCE_DIR}/: {e}", file.display()))?;
        }
    }
    copy_file(opt_wasm, &pkg.join(format!("{CORE}_bg.wasm")))?;
    copy_file(opt_scalar, &pkg.join(SCALAR_WASM))?;
    let schema = root.join("target").join("rules.schema.json");
    if schema.exists() {
        copy_file(&schema, &pkg.join("rules.schema.json"))?;
    }
    let manifest: PathBuf = pkg.join("package.json");
    let version = crate_version()?;
    let stamped = stamp_version(&read(&manifest)?, &version)?;
    write(&manifest, &stamped)?;
    println!("build: pkg/package.json version {version}");
    Ok(())
}

/// The build for pages without a bundler: `script.js` and what it imports, bundled into one
/// classic minified script, `vitrin.global.js` (and its map), that sets `globalThis.vitrin`.
/// The entry itself is not shipped.
fn script_tag_build(pkg: &Path) -> Result {
    let esbuild = root().join("node_modules").join(".bin").join("esbuild");
    if !esbuild.exists() {
        return Err(format!(
            "{} missing: run `cargo xtask setup` (npm package esbuild)",
            esbuild.display()
        ));
    }
    run(cmd(esbuild)
        .arg(pkg.join(SOURCE_DIR).join("script.js"))
        .args([
            "--bundle",
            "--format=iife",
            "--minify",
            "--sourcemap",
            "--target=es2020",
            "--legal-comments=none",
        ])
        .arg(format!("--outfile={}", pkg.join(GLOBAL_SCRIPT).display())))
}

/// The files a page loads as one module each, with what they import statically bundled in:
/// the browser entry (its graph was five files: 1.3 KB gzip more and three round trips deep)
/// and sync.js (imported lazily by either copy of core.js; only a few helpers of it). Their
/// `import()`s stay imports (every file some source imports with `import()` is external).
/// The other entries (`node.js`, `edge.js`, `inline.js`, `testing.js`) import the files.
const BUNDLED: [&str; 2] = ["index.js", "sync.js"];

/// The package's other `.js` files, minified by esbuild and then terser (whitespace, syntax,
/// local names; exports keep their names) from `SOURCE_DIR` into `pkg/`: about half the JavaScript's gzip bytes. Each
/// stays the ES module it was (same name, imports and exports), `BUNDLED` with their static
/// imports inside, and `pkg-template/` stays the readable source. Each gets a
/// linked `.js.map` holding its sources, so a developer still debugs the readable code
/// (devtools fetch a map only when open; the link costs a page 27 B gzip per file). Run after
/// the script-tag build (which bundles the same sources) and before the inline wasm (a string
/// literal, not minified).
fn minify(pkg: &Path) -> Result {
    let esbuild = root().join("node_modules").join(".bin").join("esbuild");
    let source = pkg.join(SOURCE_DIR);
    // script.js is only the script-tag build's entry.
    let (bundled, files): (Vec<PathBuf>, Vec<PathBuf>) = crate::util::files_ending(&source, ".js")
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n != "script.js"))
        .partition(|f| {
            f.file_name()
                .is_some_and(|n| BUNDLED.iter().any(|b| n == *b))
        });
    // What the sources load with `import()`: loaded only when a page uses it.
    let mut lazy = std::collections::BTreeSet::new();
    for f in files.iter().chain(&bundled) {
        lazy.extend(crate::sizes::imports(&read(f)?).1);
    }
    let minified = |files: &[PathBuf], bundle: bool| {
        let mut c = cmd(&esbuild);
        c.args(files).args([
            "--minify",
            "--format=esm",
            "--sourcemap",
            "--legal-comments=none",
            "--log-level=warning",
        ]);
        if bundle {
            c.arg("--bundle")
                .args(lazy.iter().map(|f| format!("--external:./{f}")));
        }
        run(c
            .arg(format!("--outbase={}", source.display()))
            .arg(format!("--outdir={}", pkg.display())))
    };
    minified(&files, false)?;
    minified(&bundled, true)?;
    // terser after esbuild (xtask/terser.mjs says why): the same files, by their names in pkg/.
    run(cmd("node")
        .arg(root().join("xtask").join("terser.mjs"))
        .arg(pkg)
        .args(files.iter().chain(&bundled).filter_map(|f| f.file_name())))?;
    std::fs::remove_dir_all(&source).map_err(|e| format!("removing {}: {e}", source.display()))
}

/// `vitrin_core_inline.js`: `export default "<base64 of the gzipped SIMD wasm>"`, which
/// `inline.js` decompresses with DecompressionStream (gzip by Node's zlib, level 9).
fn inline_wasm(pkg: &Path) -> Result {
    const INLINE_JS: &str = r#"
const fs = require("node:fs"), zlib = require("node:zlib");
const [wasm, out] = process.argv.slice(1);
const packed = zlib.gzipSync(fs.readFileSync(wasm), { level: 9 }).toString("base64");
fs.writeFileSync(out, `// The SIMD wasm, gzipped and base64-encoded (generated by cargo xtask build).\nexport default "${packed}";\n`);
"#;
    run(cmd("node")
        .arg("-e")
        .arg(INLINE_JS)
        .arg(pkg.join(format!("{CORE}_bg.wasm")))
        .arg(pkg.join(INLINE_WASM)))
}

fn type_check() -> Result {
    let root = root();
    if !root.join("tests/types/tsconfig.json").exists() {
        println!("build: note: tests/types/tsconfig.json does not exist yet; type check skipped");
        return Ok(());
    }
    let tsc = root.join("node_modules").join(".bin").join("tsc");
    if !tsc.exists() {
        return Err(format!(
            "{} missing: run `cargo xtask setup` (npm package typescript)",
            tsc.display()
        ));
    }
    run(cmd(tsc).args(["--noEmit", "-p", "tests/types"]))
}
