//! The one URL rule for whatever the engine hands a page to follow or load (a prompt's
//! CTA, a product's `url` and `image`): an `http:`/`https:` URL, or a path on the page's
//! own origin. Checked the way a browser's URL parser reads the text (WHATWG URL): leading
//! and trailing spaces and control characters are stripped, tabs and newlines anywhere
//! are dropped, and `\` counts as `/`; so `/\evil.example`, `/<tab>/evil.example` and
//! ` java\nscript:` are seen as the `//evil.example` and `javascript:` they become.
//! Depends on nothing.

use crate::prelude::*;

/// Whether `url` leads to http(s) or stays on the page's origin (see the module docs).
pub fn is_safe_url(url: &str) -> bool {
    // The parser strips C0 controls and spaces at both ends, then drops tabs and newlines.
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let mut chars = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c });
    let Some(first) = chars.next() else {
        return false;
    };
    if first == '/' {
        // `//host` (or `/\host`) is another origin.
        return chars.next() != Some('/');
    }
    // A scheme is a letter, then letters, digits, `+`, `-` or `.`, up to a `:`.
    let mut scheme = String::from(first.to_ascii_lowercase());
    if first.is_ascii_alphabetic() {
        for c in chars {
            if c == ':' {
                return scheme == "http" || scheme == "https";
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) {
                break;
            }
            scheme.push(c.to_ascii_lowercase());
        }
    }
    // No scheme: a path, query or fragment relative to the page.
    true
}

#[cfg(test)]
mod tests {
    use super::is_safe_url;

    #[test]
    fn http_urls_and_paths_on_the_page_are_safe() {
        for url in [
            "/cart",
            "/#/c/shoes",
            "https://shop.example/a?b#c",
            "HTTP://x",
            "cart",
            "images/a.jpg",
            "?page=2",
            "#top",
            " /cart ",
            "http:\\\\shop.example",
        ] {
            assert!(is_safe_url(url), "{url:?}");
        }
    }

    #[test]
    fn other_schemes_and_other_origins_are_not_as_a_browser_reads_them() {
        for url in [
            "",
            "   ",
            "//evil.example/x",
            "/\\evil.example/x",
            "\\\\evil.example",
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "\u{0}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:x",
            "mailto:a@b",
            "ftp://x",
        ] {
            assert!(!is_safe_url(url), "{url:?}");
        }
    }
}
