//! The one URL rule for whatever the engine hands a page to follow or load (a prompt's
//! CTA, a product's `url` and `image`): an `http:`/`https:` URL, or a path on the page's
//! own origin. Checked the way a browser's URL parser reads the text (WHATWG URL): leading
//! and trailing spaces and control characters are stripped, tabs and newlines anywhere
//! are dropped, and `\` counts as `/`; so `/\evil.example`, `/<tab>/evil.example` and
//! ` java\nscript:` are seen as the `//evil.example` and `javascript:` they become.
//! Depends on nothing.

/// Whether `url` leads to http(s) or stays on the page's origin (see the module docs).
/// Read by bytes: every character the rule looks at is ASCII, and UTF-8's other bytes are
/// all above them (core's `char` decoding and a `String` for the scheme cost more wasm).
pub fn is_safe_url(url: &str) -> bool {
    // The parser strips C0 controls and spaces at both ends, then drops tabs and newlines.
    let b = url.as_bytes();
    let start = b.iter().position(|&c| c > b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c > b' ').map_or(start, |i| i + 1);
    let mut bytes = b
        .get(start..end)
        .unwrap_or_default()
        .iter()
        .filter(|c| !matches!(c, b'\t' | b'\n' | b'\r'))
        .map(|&c| if c == b'\\' { b'/' } else { c });
    let Some(first) = bytes.next() else {
        return false;
    };
    if first == b'/' {
        // `//host` (or `/\host`) is another origin.
        return bytes.next() != Some(b'/');
    }
    // A scheme is a letter, then letters, digits, `+`, `-` or `.`, up to a `:`; only its
    // first six letters are kept, enough to tell `http` and `https` from the rest.
    let mut scheme = [first.to_ascii_lowercase(), 0, 0, 0, 0, 0];
    let mut len = 1;
    if first.is_ascii_alphabetic() {
        for c in bytes {
            if c == b':' {
                return matches!(scheme.get(..len), Some(b"http" | b"https"));
            }
            if !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')) {
                break;
            }
            if let Some(s) = scheme.get_mut(len) {
                *s = c.to_ascii_lowercase();
            }
            len += 1;
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
            "HTT\tPS://shop.example",
            "é:x",
            "aé:x",
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
            "httpsx://x",
            "httpshttps://x",
            "h:x",
        ] {
            assert!(!is_safe_url(url), "{url:?}");
        }
    }
}
