//! Each name list is written once in Rust (`vitrin::names!` tables); the package's
//! TypeScript unions are generated from them and every error code the sources raise is
//! in the one list of codes. A stale `index.d.ts` fails here: `VITRIN_BLESS=1` rewrites it.

use std::fs;
use std::path::{Path, PathBuf};
use vitrin::error::Code;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_typescript_unions_are_generated_from_the_name_lists() {
    let path = root().join("pkg-template/index.d.ts");
    let text = fs::read_to_string(&path).unwrap();
    let (start, end) = (
        text.find("// BEGIN GENERATED")
            .expect("index.d.ts has the generated block"),
        text.find("// END GENERATED\n").unwrap() + "// END GENERATED\n".len(),
    );
    let fresh = vitrin::typescript::vocabulary();
    if std::env::var_os("VITRIN_BLESS").is_some() {
        fs::write(&path, format!("{}{fresh}{}", &text[..start], &text[end..])).unwrap();
        return;
    }
    assert!(
        text[start..end] == fresh,
        "index.d.ts's generated block is stale: run VITRIN_BLESS=1 cargo test --test vocabulary"
    );
    // No hand copy of a list beside the generated one.
    let rest = format!("{}{}", &text[..start], &text[end..]);
    for copy in [
        "\"for_you\" | \"similar\"",
        "\"home\" | \"category\"",
        "\"add_to_cart\" | \"remove_from_cart\"",
        "\"viewed\" | \"bought_with\"",
    ] {
        assert!(
            !rest.contains(copy),
            "index.d.ts writes out {copy} by hand; use the generated type"
        );
    }
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

/// The snake_case literals right after each of `openers` (an error's constructor); an
/// opener that ends inside the literal (`, "invalid_`) keeps that part.
fn raised(text: &str, openers: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for opener in openers {
        let kept = &opener[opener.rfind('"').unwrap() + 1..];
        for (i, _) in text.match_indices(opener) {
            let rest = &text[i + opener.len()..];
            let tail: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                .collect();
            if !(kept.is_empty() && tail.is_empty()) && rest[tail.len()..].starts_with('"') {
                out.push(format!("{kept}{tail}"));
            }
        }
    }
    out
}

#[test]
fn every_error_code_raised_is_in_the_one_list() {
    let mut sources = Vec::new();
    files(&root().join("src"), "rs", &mut sources);
    let mut found = Vec::new();
    for f in &sources {
        let text = fs::read_to_string(f).unwrap();
        for code in raised(
            &text,
            &[
                "Error::new(\"",
                "Error::at(\"",
                "Error::many(\"",
                "CODE: &str = \"",
                ", \"invalid_",
                ", \"storage_",
            ],
        ) {
            found.push((f.clone(), code));
        }
    }
    let mut js = Vec::new();
    files(&root().join("pkg-template"), "js", &mut js);
    for f in &js {
        let text = fs::read_to_string(f).unwrap();
        for code in raised(&text, &["VitrinError(\"", "report(\"", "code: \""]) {
            found.push((f.clone(), code));
        }
    }
    assert!(
        found.len() > 20,
        "the scan finds the codes ({})",
        found.len()
    );
    for (file, code) in found {
        assert!(
            Code::from_name(&code).is_some(),
            "{} raises \"{code}\", which is not in vitrin::error::Code",
            file.display()
        );
    }
}
