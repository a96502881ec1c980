//! The core's layers, as `src/lib.rs` lists them, hold: a module imports only from its own
//! layer or below, and every module has a layer. The list in `lib.rs` is the one place the
//! layers are written; this test reads it.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The modules `lib.rs` declares (`pub mod x;` / `mod x;`).
fn modules() -> Vec<String> {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            Some(l.strip_prefix("mod ")?.strip_suffix(';')?.to_string())
        })
        .collect()
}

/// Module → layer number, from the numbered list in `lib.rs`'s doc comment.
fn layers(modules: &[String]) -> BTreeMap<String, usize> {
    let lib = fs::read_to_string(src().join("lib.rs")).unwrap();
    let mut out = BTreeMap::new();
    let mut layer = None;
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            break;
        };
        let doc = doc.trim();
        if let Some((n, _)) = doc.split_once(". ") {
            if let Ok(n) = n.parse::<usize>() {
                layer = Some(n);
            }
        }
        if doc.is_empty() {
            layer = None;
        }
        let Some(n) = layer else { continue };
        // Names in backticks that are modules; `rules::product` and the like are parts.
        for (i, name) in doc.split('`').enumerate() {
            if i % 2 == 1 && modules.iter().any(|m| m == name) {
                out.insert(name.to_string(), n);
            }
        }
    }
    out
}

fn files(module: &str) -> Vec<PathBuf> {
    let file = src().join(format!("{module}.rs"));
    if file.exists() {
        return vec![file];
    }
    let mut out = Vec::new();
    let mut dirs = vec![src().join(module)];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// The crate's modules a source text names: `crate::x…` and `use crate::{x, y::…}`.
fn imports(text: &str, modules: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        if text[..i].ends_with('$') {
            continue; // `$crate::` inside a macro is the macro's own crate path
        }
        let rest = &text[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => {
                let group = &group[..group.find('}').unwrap_or(group.len())];
                group.split(',').map(str::trim).collect()
            }
            None => vec![rest],
        };
        for name in names {
            let end = name
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(name.len());
            let name = &name[..end];
            if modules.iter().any(|m| m == name) && !out.iter().any(|o| o == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer_and_imports_only_from_its_layer_or_below() {
    let modules = modules();
    assert!(modules.len() > 10, "lib.rs lists the modules: {modules:?}");
    let layers = layers(&modules);
    let missing: Vec<&String> = modules
        .iter()
        .filter(|m| !layers.contains_key(*m))
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a layer in lib.rs's list: {missing:?}"
    );

    let mut upward = Vec::new();
    for module in &modules {
        for file in files(module) {
            let text = fs::read_to_string(&file).unwrap();
            // Only the module's own code: its unit tests may use anything, comments name freely.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            for dep in imports(&code, &modules) {
                if dep != *module && layers[&dep] > layers[module] {
                    upward.push(format!(
                        "{} (layer {}) imports `{dep}` (layer {})",
                        file.strip_prefix(src()).unwrap().display(),
                        layers[module],
                        layers[&dep]
                    ));
                }
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports from a higher layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_import_reader_sees_each_form() {
    let modules: Vec<String> = ["engine", "json", "rules"].map(String::from).into();
    let text = "use crate::json::Obj;\nuse crate::{engine::Engine, rules};\n$crate::json!(1)";
    assert_eq!(imports(text, &modules), ["json", "engine", "rules"]);
}
