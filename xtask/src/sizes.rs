//! Size of the built package: raw / gzip -9 / brotli bytes of each `.wasm` and `.js` file in
//! `pkg/` and their total, measured with Node's zlib; printed as a table, saved as JSON.

use std::path::Path;

use crate::util::{cmd, files_ending, output, write, Result};

/// Budget for the gzip total of what a browser can download: the SIMD wasm and every `.js`
/// but those of `outside_total` (listed, not added). Checked by `cargo xtask test`; the README states this number: change
/// them together. It holds today's engine with rules, JsonLogic (JS semantics), sync, the
/// binary embedding table, the assistant, the JsonLogic work budget and whole-catalog slot
/// conditions (about 186 KiB), plus the loader's retry, server-snapshot adoption, debug mode
/// and `vitrin/react` (5 KiB), visitor tokens in sync.js (2 KiB), what conditions from the
/// query builders need (issue 19: their date and case operators and the vocabulary check of
/// every condition's variables, publishing without broken campaigns, 9 KiB), the fitted
/// ranking blend, and the assistant's prompt lifecycle, complements, product cards and
/// actions, offer end dates, category names and slot variety (issue 14: about 7.5 KiB), with
/// a little room; the product aims far lower (issue 8: 60 KB). Issue 13 cut the wasm by
/// 21 KB gzip (a lean JSON reader and writer, no serde serializer, no float formatting:
/// ARCHITECTURE.md) and lowered the budget to just above what it reached; the last gaps of
/// issues 14 and 16 (explain codes with their parameters, the category-capped selection
/// that makes the variety share hold, `bought_together` from purchases, plain-text dates)
/// then went over it by 1.7 KB. Minifying the shipped JavaScript (`build::minify`) took
/// 12.9 KB gzip off the total, boxing the engine's error type 4.0 KB more, Talc for
/// dlmalloc 2.6 KB more, one sort for every ranking (`src/order.rs`) 4.7 KB more, loops
/// for `collect::<Result<_>>()` in the readers 0.6 KB more, answers and state written as
/// text without a `Value` tree (`jsontext::WriteJson`) 4.4 KB more, prompt text rendered
/// only by `core.js` 0.6 KB more; the budget followed them down, keeping 4 KB of room for
/// the binary catalog's reader in the wasm (issue 13, cold start). `for_you` scoring
/// candidates instead of every product (issue 17, latency: the walk over popularity tiers,
/// the bound, the reasons recorded by the sparse pass) added 2.2 KB: 172 → 174 KiB.
pub const SIZE_BUDGET_GZIP: u64 = 174 * 1024;

/// Files a browser never downloads together with the rest: the Node, edge and test entries,
/// the alternatives to the ES-module files (the scalar wasm, the script-tag build, the inline
/// entry with its wasm in JavaScript), and the
/// query builders' field configuration (`editor.js` and the `vocabulary.js` it reads), loaded
/// by marketers' tools, never by a storefront.
fn outside_total(name: &str) -> bool {
    [
        "node.js",
        "edge.js",
        "inline.js",
        "testing.js",
        "jest-environment.js",
        "editor.js",
        "vocabulary.js",
    ]
    .contains(&name)
        || name == crate::build::SCALAR_WASM
        || name == crate::build::GLOBAL_SCRIPT
        || name == crate::build::INLINE_WASM
}

#[derive(Clone, Copy, Default)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

pub struct SizeReport {
    pub files: Vec<(String, Sizes)>,
    pub total: Sizes,
}

/// Gzip at level 9 and brotli at quality 11 (zlib's defaults for brotli), one line per file.
const MEASURE_JS: &str = r#"
const fs = require("node:fs"), zlib = require("node:zlib");
for (const file of process.argv.slice(1)) {
  const b = fs.readFileSync(file);
  const gz = zlib.gzipSync(b, { level: 9 }).length;
  const br = zlib.brotliCompressSync(b, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
  console.log(`${b.length} ${gz} ${br}`);
}
"#;

pub fn measure(pkg: &Path) -> Result<SizeReport> {
    let mut paths = files_ending(pkg, ".wasm");
    paths.extend(files_ending(pkg, ".js"));
    paths.sort();
    let out = output(cmd("node").arg("-e").arg(MEASURE_JS).args(&paths))?;
    let mut files = Vec::new();
    let mut total = Sizes::default();
    for (path, line) in paths.iter().zip(out.lines()) {
        let n: Vec<u64> = line
            .split_whitespace()
            .filter_map(|x| x.parse().ok())
            .collect();
        let [raw, gzip, brotli] = n[..] else {
            return Err(format!("unexpected size line `{line}`"));
        };
        let name = path
            .strip_prefix(pkg)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        if !outside_total(&name) {
            total.raw += raw;
            total.gzip += gzip;
            total.brotli += brotli;
        }
        files.push((name, Sizes { raw, gzip, brotli }));
    }
    if files.len() != paths.len() {
        return Err("node printed fewer size lines than files".into());
    }
    Ok(SizeReport { files, total })
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl SizeReport {
    pub fn print(&self) {
        let width = self
            .files
            .iter()
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(0)
            .max(46);
        println!(
            "\n{:<width$} {:>10} {:>10} {:>10}",
            "file", "raw", "gzip", "brotli"
        );
        let row = |name: &str, s: &Sizes| {
            println!(
                "{name:<width$} {:>10} {:>10} {:>10}",
                thousands(s.raw),
                thousands(s.gzip),
                thousands(s.brotli)
            );
        };
        for (name, s) in &self.files {
            row(name, s);
        }
        row("total (browser: SIMD wasm + JS, not node.js)", &self.total);
        println!(
            "gzip budget: {} of {} bytes ({:.0}%)\n",
            thousands(self.total.gzip),
            thousands(SIZE_BUDGET_GZIP),
            100.0 * self.total.gzip as f64 / SIZE_BUDGET_GZIP as f64
        );
    }

    /// `{ "files": [{ "file", "raw", "gzip", "brotli" }], "total": {...}, "budgetGzip": N }`
    pub fn write(&self, path: &Path) -> Result {
        let obj = |s: &Sizes| {
            format!(
                r#"{{ "raw": {}, "gzip": {}, "brotli": {} }}"#,
                s.raw, s.gzip, s.brotli
            )
        };
        let files: Vec<String> = self
            .files
            .iter()
            .map(|(n, s)| {
                format!(
                    r#"    {{ "file": "{}", "raw": {}, "gzip": {}, "brotli": {} }}"#,
                    n.replace('\\', "/").replace('"', "\\\""),
                    s.raw,
                    s.gzip,
                    s.brotli
                )
            })
            .collect();
        let json = format!(
            "{{\n  \"files\": [\n{}\n  ],\n  \"total\": {},\n  \"budgetGzip\": {}\n}}\n",
            files.join(",\n"),
            obj(&self.total),
            SIZE_BUDGET_GZIP
        );
        write(path, &json)
    }

    /// `Err` with a message when the gzip total is over budget.
    pub fn check_budget(&self) -> Result {
        if self.total.gzip <= SIZE_BUDGET_GZIP {
            println!(
                "size budget: {} ≤ {} gzip bytes: ok",
                self.total.gzip, SIZE_BUDGET_GZIP
            );
            Ok(())
        } else {
            Err(format!(
                "pkg's .wasm + .js are {} bytes gzipped, over the budget of {} (SIZE_BUDGET_GZIP in xtask/src/sizes.rs)",
                self.total.gzip, SIZE_BUDGET_GZIP
            ))
        }
    }
}
