//! Reads the crate version from Cargo.toml and stamps it into package.json (text-level,
//! no TOML/JSON dependency).

use crate::util::{read, root, Result};

/// `version` of the `[package]` section of the root Cargo.toml.
pub fn crate_version() -> Result<String> {
    let path = root().join("Cargo.toml");
    let text = read(&path)?;
    let mut in_package = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if in_package {
            if let Some(v) = key_string(line, "version") {
                return Ok(v);
            }
        }
    }
    Err(format!(
        "no `version` in the [package] section of {}",
        path.display()
    ))
}

/// Parses `key = "value"`.
fn key_string(line: &str, key: &str) -> Option<String> {
    let rest = line
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?
        .trim();
    let inner = rest.strip_prefix('"')?;
    Some(inner[..inner.find('"')?].to_string())
}

/// Sets the top-level `"version"` of a package.json text to `version`, keeping every other
/// byte; adds the member right after the opening brace when there is none.
pub fn stamp_version(json: &str, version: &str) -> Result<String> {
    let b = json.as_bytes();
    let (mut depth, mut expect_key, mut i) = (0usize, false, 0usize);
    let mut first_brace = None;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let end = string_end(b, i)?;
                if depth == 1 && expect_key && &json[i + 1..end - 1] == "version" {
                    let mut j = skip_ws(b, end);
                    if b.get(j) != Some(&b':') {
                        return Err("package.json: expected `:` after \"version\"".into());
                    }
                    j = skip_ws(b, j + 1);
                    if b.get(j) != Some(&b'"') {
                        return Err("package.json: \"version\" is not a string".into());
                    }
                    let value_end = string_end(b, j)?;
                    return Ok(format!("{}\"{version}\"{}", &json[..j], &json[value_end..]));
                }
                expect_key = false;
                i = end;
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                expect_key = b[i] == b'{';
                if depth == 1 && first_brace.is_none() {
                    first_brace = Some(i);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = true,
            b':' => expect_key = false,
            _ => {}
        }
        i += 1;
    }
    let brace = first_brace.ok_or("package.json: no top-level object")?;
    let after = &json[brace + 1..];
    let sep = if after.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    Ok(format!(
        "{}\n  \"version\": \"{version}\"{sep}{}",
        &json[..=brace],
        after
    ))
}

/// Index just past the closing quote of the string starting at `start`.
fn string_end(b: &[u8], start: usize) -> Result<usize> {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err("package.json: unterminated string".into())
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_top_level_version_only() {
        let json = r#"{
  "name": "vitrin",
  "dependencies": { "version": "9" },
  "version": "0.0.0",
  "files": ["version"]
}"#;
        let out = stamp_version(json, "1.2.3").unwrap();
        assert!(out.contains(r#""version": "1.2.3","#));
        assert!(out.contains(r#"{ "version": "9" }"#));
        assert!(out.contains(r#"["version"]"#));
    }

    #[test]
    fn nested_first_still_finds_top_level() {
        let json = r#"{"exports":{".":{"version":"x"}},"a":"\"version\"","version":"0"}"#;
        let out = stamp_version(json, "2.0.0").unwrap();
        assert_eq!(
            out,
            r#"{"exports":{".":{"version":"x"}},"a":"\"version\"","version":"2.0.0"}"#
        );
    }

    #[test]
    fn inserts_when_missing() {
        let out = stamp_version("{\n  \"name\": \"vitrin\"\n}\n", "0.1.0").unwrap();
        assert_eq!(
            out,
            "{\n  \"version\": \"0.1.0\",\n  \"name\": \"vitrin\"\n}\n"
        );
        assert_eq!(
            stamp_version("{}", "1").unwrap(),
            "{\n  \"version\": \"1\"}"
        );
    }

    #[test]
    fn parses_toml_strings() {
        assert_eq!(
            key_string(r#"version = "0.2.130""#, "version").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(key_string(r#"versions = "1""#, "version"), None);
    }
}
