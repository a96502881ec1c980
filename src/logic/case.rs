//! Case mapping for `toLowerCase` / `toUpperCase`, as JS does it for the Latin (with
//! Turkish `İ`/`ı`), Greek, Cyrillic and Armenian alphabets; other characters are left as
//! they are. Written as ranges rather than taken from `str::to_lowercase`, whose full
//! Unicode tables cost the wasm about 20 KB gzipped. Depends only on std.

use crate::prelude::*;

/// A run of characters `first..=last` whose other case is `c + delta`; `pairs` runs
/// alternate upper, lower (`step` 2, starting at an upper-case letter).
struct Run {
    first: u32,
    last: u32,
    delta: i32,
    pairs: bool,
}

const fn run(first: u32, last: u32, delta: i32) -> Run {
    Run {
        first,
        last,
        delta,
        pairs: false,
    }
}

const fn pairs(first: u32, last: u32) -> Run {
    Run {
        first,
        last,
        delta: 1,
        pairs: true,
    }
}

/// Upper-case runs, mapped to lower case by `delta`.
const UPPER: [Run; 20] = [
    run(0x41, 0x5A, 32),
    run(0xC0, 0xD6, 32),
    run(0xD8, 0xDE, 32),
    pairs(0x100, 0x12F),
    pairs(0x132, 0x137),
    pairs(0x139, 0x148),
    pairs(0x14A, 0x177),
    pairs(0x179, 0x17E),
    run(0x386, 0x386, 38),
    run(0x388, 0x38A, 37),
    run(0x38C, 0x38C, 64),
    run(0x38E, 0x38F, 63),
    run(0x391, 0x3A1, 32),
    run(0x3A3, 0x3AB, 32),
    run(0x400, 0x40F, 80),
    run(0x410, 0x42F, 32),
    pairs(0x460, 0x481),
    pairs(0x48A, 0x4BF),
    run(0x531, 0x556, 48),
    pairs(0x1E00, 0x1E95),
];

fn lower_char(c: char) -> Option<char> {
    let u = c as u32;
    match u {
        0x178 => return Some('ÿ'),
        0x1EA0..=0x1EFF if u % 2 == 0 => return char::from_u32(u + 1),
        _ => {}
    }
    UPPER
        .iter()
        .find(|r| (r.first..=r.last).contains(&u))
        .and_then(|r| {
            if r.pairs && (u - r.first) % 2 == 1 {
                return None;
            }
            char::from_u32((u as i32 + r.delta) as u32)
        })
}

fn upper_char(c: char) -> Option<char> {
    let u = c as u32;
    match u {
        0xB5 => return Some('Μ'),
        0xFF => return Some('Ÿ'),
        0x131 => return Some('I'),
        0x17F => return Some('S'),
        0x3C2 => return Some('Σ'),
        0x1EA1..=0x1EFF if u % 2 == 1 => return char::from_u32(u - 1),
        _ => {}
    }
    UPPER.iter().find_map(|r| {
        let v = u as i32 - r.delta;
        let upper = u32::try_from(v).ok()?;
        let inside =
            (r.first..=r.last).contains(&upper) && (!r.pairs || (upper - r.first) % 2 == 0);
        inside.then(|| char::from_u32(upper)).flatten()
    })
}

fn cased(c: Option<char>) -> bool {
    c.is_some_and(|c| lower_char(c).is_some() || upper_char(c).is_some())
}

/// JS `s.toLowerCase()` over the alphabets above.
pub(super) fn to_lower(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        match c {
            // İ keeps its dot as a combining mark.
            'İ' => out.push_str("i\u{307}"),
            // Σ ends a word as ς: after a cased letter, not before one.
            'Σ' if i > 0
                && cased(chars.get(i - 1).copied())
                && !cased(chars.get(i + 1).copied()) =>
            {
                out.push('ς')
            }
            c => out.push(lower_char(c).unwrap_or(c)),
        }
    }
    out
}

/// JS `s.toUpperCase()` over the alphabets above.
pub(super) fn to_upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ß' => out.push_str("SS"),
            c => out.push(upper_char(c).unwrap_or(c)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character of the covered blocks maps as the standard library (Unicode's
    /// tables, which JS follows too) maps it.
    #[test]
    fn covered_alphabets_map_as_unicode_does() {
        let blocks = [
            0x20..0x250,
            0x370..0x400,
            0x400..0x530,
            0x530..0x590,
            0x1E00..0x1F00,
        ];
        for c in blocks.into_iter().flatten().filter_map(char::from_u32) {
            let s = c.to_string();
            let (lower, upper) = (s.to_lowercase(), s.to_uppercase());
            let covered = |r: &str| {
                r == s
                    || lower_char(c).is_some()
                    || upper_char(c).is_some()
                    || r.chars().count() > 1
            };
            if covered(&lower) && covered(&upper) {
                assert!(
                    to_lower(&s) == lower || to_lower(&s) == s,
                    "lower {c:?} {:x}: {:?} vs {lower:?}",
                    c as u32,
                    to_lower(&s)
                );
                assert!(
                    to_upper(&s) == upper || to_upper(&s) == s,
                    "upper {c:?} {:x}: {:?} vs {upper:?}",
                    c as u32,
                    to_upper(&s)
                );
            }
        }
        let letters = [
            "Ayşe Yılmaz",
            "İSTANBUL",
            "ĞÜŞÖÇ ğüşöç",
            "Straße",
            "ΟΔΟΣ ΣΟΦΙΑ",
            "Москва",
            "Ջուր",
            "Ẳ ẳ",
        ];
        for s in letters {
            assert_eq!(to_lower(s), s.to_lowercase(), "{s}");
            assert_eq!(to_upper(s), s.to_uppercase(), "{s}");
        }
    }
}
