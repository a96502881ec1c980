//! The wasm reads and writes JSON text only through `jsontext` (ARCHITECTURE.md, "A lean JSON
//! reader and writer"): serde_json's text functions, its `json!` and serde's `Serialize`
//! would bring serde's visitor and serializer machinery back into the download. This scans
//! the crate's non-test source for them.

use std::path::Path;

const FORBIDDEN: &[&str] = &[
    "serde_json::from_str",
    "serde_json::from_slice",
    "serde_json::to_string",
    "serde_json::to_vec",
    "serde_json::to_value",
    "serde_json::json!",
    "use serde_json::json",
    "use serde_json::{json",
    "derive(Serialize",
    "serde::Serialize",
];

const HOST_MOD: &str = "#[cfg(not(target_arch = \"wasm32\"))]\nmod host";

fn scan(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            scan(&path, found);
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy();
        // Host-only modules: the unit tests and the TypeScript generator.
        if !name.ends_with(".rs") || name == "tests.rs" || name == "typescript.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Unit tests sit at the end of a file, after `#[cfg(test)]`; so does `value`'s
        // host-only `mod host` (serde_json's documents converted for the server and tests).
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code = code.split(HOST_MOD).next().unwrap_or_default();
        for (i, line) in code.lines().enumerate() {
            let host_only = line.contains("cfg_attr(not(target_arch = \"wasm32\")");
            if line.trim_start().starts_with("//") || host_only {
                continue;
            }
            for f in FORBIDDEN.iter().filter(|f| line.contains(*f)) {
                found.push(format!("{}:{}: {f}", path.display(), i + 1));
            }
        }
    }
}

#[test]
fn the_wasm_writes_json_only_through_jsontext() {
    let mut found = Vec::new();
    scan(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut found,
    );
    assert!(
        found.is_empty(),
        "use jsontext::{{read, text, ToJson}} and crate::json! instead:\n{}",
        found.join("\n")
    );
}
