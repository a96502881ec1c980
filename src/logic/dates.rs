//! The date family the JsonLogic query builders emit (react-awesome-query-builder's
//! `date==`, `datetime==`, `now`, `today`, `date_add`, `datetime_truncate`, …), over the
//! engine's clock and the store's time zone instead of the browser's. Depends only on std.
//!
//! A date is a number (ms since the epoch) or an ISO 8601 string: `YYYY-MM-DD` is the start
//! of that day in the store's zone, a date-time with `Z` or `±HH:MM` is that instant, and one
//! without a zone is wall-clock time in the store's zone. Results are ms since the epoch, so
//! `<`, `>=` and `==` compare them as numbers. Calendar arithmetic follows moment.js, which
//! the editor's own operators use: whole days and months (rounded), a month added to the
//! 31st ends on the month's last day, weeks start on Sunday.

#[cfg(target_arch = "wasm32")]
use crate::float::Float;
use core::cell::Cell;

pub const DAY_MS: f64 = 86_400_000.0;

/// The engine's clock as conditions see it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    /// ms since the epoch; NaN where no clock is set, so `now` and `today` are never true.
    pub now: f64,
    /// The store's time zone as an offset from UTC.
    pub utc_offset_ms: f64,
}

const UNSET: Clock = Clock {
    now: f64::NAN,
    utc_offset_ms: 0.0,
};

thread_cell!(fn clock_cell: Clock = UNSET);

/// Sets the time `now`, `today` and the calendar operators read, for every evaluation on
/// this thread until the next call: the engine sets it at each decision (the clock is an
/// argument of every engine call, never read here).
pub fn set_clock(clock: Clock) {
    clock_cell(|c| c.set(clock));
}

pub(super) fn clock() -> Clock {
    clock_cell(Cell::get)
}

/// Calendar parts of a time in the store's zone: (year, month 1–12, day, hour, weekday 0 = Sunday).
pub fn calendar(now: f64, utc_offset_ms: f64) -> (i64, i64, i64, i64, i64) {
    let local = now + utc_offset_ms;
    let days = (local / DAY_MS).floor() as i64;
    let (y, m, d) = civil_from_days(days);
    let hour = ((local - days as f64 * DAY_MS) / 3_600_000.0).floor() as i64;
    (y, m, d, hour, (days + 4).rem_euclid(7))
}

/// The day a time falls on in the store's zone, as days since the epoch.
pub fn day_number(t: f64, utc_offset_ms: f64) -> i64 {
    ((t + utc_offset_ms) / DAY_MS).floor() as i64
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month 1–12, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// ms since the epoch of an ISO 8601 date or date-time (see the module comment); `offset`
/// is the store's zone, used where the string has none.
pub fn parse_iso(s: &str, offset: f64) -> Option<f64> {
    let b = s.as_bytes();
    let num = |r: core::ops::Range<usize>| -> Option<i64> {
        b.get(r)?.iter().try_fold(0, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) {
        return None;
    }
    let day = days_from_civil(y, mo, d) as f64 * DAY_MS;
    if b.len() == 10 {
        return Some(day - offset);
    }
    if !matches!(b[10], b'T' | b' ') || b.len() < 16 || b[13] != b':' {
        return None;
    }
    let (h, mi) = (num(11..13)?, num(14..16)?);
    let mut i = 16;
    let mut ms = 0.0;
    if b.get(i) == Some(&b':') {
        ms += num(i + 1..i + 3)? as f64 * 1000.0;
        i += 3;
        if b.get(i) == Some(&b'.') {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            // Milliseconds: the first three digits, as Date.parse reads them.
            let frac = num(i + 1..i + 1 + digits.min(3))? as f64;
            ms += frac * [100.0, 10.0, 1.0][digits.min(3) - 1];
            i += 1 + digits;
        }
    }
    if h > 23 || mi > 59 || ms >= 60_000.0 {
        return None;
    }
    let zone = match &b[i..] {
        [] => offset,
        [b'Z'] => 0.0,
        [sign @ (b'+' | b'-'), ..] => {
            let rest = &b[i + 1..];
            let (zh, zm) = match rest.len() {
                5 if rest[2] == b':' => (num(i + 1..i + 3)?, num(i + 4..i + 6)?),
                4 => (num(i + 1..i + 3)?, num(i + 3..i + 5)?),
                _ => return None,
            };
            let z = (zh * 60 + zm) as f64 * 60_000.0;
            if *sign == b'-' {
                -z
            } else {
                z
            }
        }
        _ => return None,
    };
    Some(day + (h * 60 + mi) as f64 * 60_000.0 + ms - zone)
}

/// The units `date_add` and `datetime_truncate` take, in moment.js spellings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Year,
    Quarter,
    Month,
    Week,
    IsoWeek,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
}

impl Unit {
    pub(super) fn parse(s: &str) -> Option<Unit> {
        use Unit::*;
        // moment's short alias (case-sensitive: `M` month, `m` minute) and long name (any
        // case, plural too) of each unit: one loop over a table, not a compare per spelling.
        const NAMES: [(&str, &str, Unit); 10] = [
            ("y", "year", Year),
            ("Q", "quarter", Quarter),
            ("M", "month", Month),
            ("w", "week", Week),
            ("W", "isoweek", IsoWeek),
            ("d", "day", Day),
            ("h", "hour", Hour),
            ("m", "minute", Minute),
            ("s", "second", Second),
            ("ms", "millisecond", Millisecond),
        ];
        // By bytes: `strip_suffix(['s', 'S'])` compiled a char-set searcher for this alone.
        let long = match s.as_bytes().last() {
            Some(b's' | b'S') => crate::jsontext::cut(s, 0, s.len() - 1),
            _ => s,
        };
        let (short, long) = match (s, long) {
            ("D", _) => ("d", long),
            (_, l) if l.eq_ignore_ascii_case("date") => (s, "day"),
            _ => (s, long),
        };
        NAMES
            .iter()
            .find(|(a, name, _)| short == *a || long.eq_ignore_ascii_case(name))
            .map(|n| n.2)
    }
}

/// Rounds half away from zero, as moment does for day and month counts.
fn abs_round(f: f64) -> i64 {
    f.abs().round().copysign(f) as i64
}

/// `t` plus `n` units, calendar units counted in the store's zone.
pub(super) fn add(t: f64, n: f64, unit: Unit, offset: f64) -> f64 {
    let months = |k: f64| add_months(t, abs_round(n * k), offset);
    match unit {
        Unit::Year => months(12.0),
        Unit::Quarter => months(3.0),
        Unit::Month => months(1.0),
        Unit::Week | Unit::IsoWeek => t + abs_round(n * 7.0) as f64 * DAY_MS,
        Unit::Day => t + abs_round(n) as f64 * DAY_MS,
        Unit::Hour => t + n * 3_600_000.0,
        Unit::Minute => t + n * 60_000.0,
        Unit::Second => t + n * 1000.0,
        Unit::Millisecond => t + n,
    }
}

fn add_months(t: f64, n: i64, offset: f64) -> f64 {
    let local = t + offset;
    let day = (local / DAY_MS).floor();
    let (y, m, d) = civil_from_days(day as i64);
    let index = y * 12 + (m - 1) + n;
    let (y2, m2) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let d2 = d.min(days_in_month(y2, m2));
    days_from_civil(y2, m2, d2) as f64 * DAY_MS + (local - day * DAY_MS) - offset
}

/// The start of the unit `t` falls in, in the store's zone.
pub(super) fn truncate(t: f64, unit: Unit, offset: f64) -> f64 {
    let local = t + offset;
    let floor = |size: f64| (local / size).floor() * size - offset;
    let day = (local / DAY_MS).floor() as i64;
    let (y, m, _) = civil_from_days(day);
    let start = |days: i64| days as f64 * DAY_MS - offset;
    match unit {
        Unit::Year => start(days_from_civil(y, 1, 1)),
        Unit::Quarter => start(days_from_civil(y, (m - 1) / 3 * 3 + 1, 1)),
        Unit::Month => start(days_from_civil(y, m, 1)),
        // 1970-01-01 was a Thursday: weekday 0 = Sunday.
        Unit::Week => start(day - (day + 4).rem_euclid(7)),
        Unit::IsoWeek => start(day - (day + 3).rem_euclid(7)),
        Unit::Day => start(day),
        Unit::Hour => floor(3_600_000.0),
        Unit::Minute => floor(60_000.0),
        Unit::Second => floor(1000.0),
        Unit::Millisecond => t.floor(),
    }
}

/// The store's day number of `t`.
pub(super) fn day_of(t: f64, offset: f64) -> f64 {
    ((t + offset) / DAY_MS).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_reads_the_store_zone() {
        // 2026-01-01T00:30:00Z is 03:30 on a Thursday in Istanbul (+03:00).
        let t = 1_767_227_400_000.0;
        assert_eq!(calendar(t, 0.0), (2026, 1, 1, 0, 4));
        assert_eq!(calendar(t, 180.0 * 60_000.0), (2026, 1, 1, 3, 4));
        assert_eq!(calendar(t, -60.0 * 60_000.0), (2025, 12, 31, 23, 3));
    }

    const H: f64 = 3_600_000.0;

    #[test]
    fn civil_dates_round_trip() {
        for days in [-1000, 0, 59, 10_000, 20_454] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn iso_strings_read_dates_in_the_store_zone_and_instants_as_given() {
        let day = days_from_civil(2026, 12, 24) as f64 * DAY_MS;
        assert_eq!(parse_iso("2026-12-24", 3.0 * H), Some(day - 3.0 * H));
        assert_eq!(parse_iso("2026-12-24T10:30", 3.0 * H), Some(day + 7.5 * H));
        assert_eq!(
            parse_iso("2026-12-24T10:30:00.000Z", 3.0 * H),
            Some(day + 10.5 * H)
        );
        assert_eq!(
            parse_iso("2026-12-24 10:30:15.5+01:00", 0.0),
            Some(day + 9.5 * H + 15_500.0)
        );
        assert_eq!(
            parse_iso("2026-12-24T10:30:00-0230", 0.0),
            Some(day + 13.0 * H)
        );
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026-12-24T25:00",
            "24.12.2026",
            "2026-12-24T10",
            "2026-12-24T10:30X",
            "2026-12-24T10:30:00.",
        ] {
            assert_eq!(parse_iso(bad, 0.0), None, "{bad}");
        }
    }

    #[test]
    fn months_clamp_to_the_last_day_and_units_round_like_moment() {
        let t = parse_iso("2026-01-31T12:00", 3.0 * H).unwrap();
        assert_eq!(
            add(t, 1.0, Unit::Month, 3.0 * H),
            parse_iso("2026-02-28T12:00", 3.0 * H).unwrap()
        );
        assert_eq!(
            add(t, -1.0, Unit::Year, 3.0 * H),
            parse_iso("2025-01-31T12:00", 3.0 * H).unwrap()
        );
        assert_eq!(add(t, 1.5, Unit::Day, 0.0), t + 2.0 * DAY_MS);
        assert_eq!(add(t, -1.5, Unit::Day, 0.0), t - 2.0 * DAY_MS);
        assert_eq!(add(t, 1.5, Unit::Hour, 0.0), t + 1.5 * H);
        assert_eq!(Unit::parse("days"), Some(Unit::Day));
        assert_eq!(Unit::parse("M"), Some(Unit::Month));
        assert_eq!(Unit::parse("m"), Some(Unit::Minute));
        assert_eq!(Unit::parse("fortnight"), None);
    }

    #[test]
    fn truncation_happens_in_the_store_zone() {
        let off = 3.0 * H;
        // Thursday 2026-12-24 01:30 in the store is still the 23rd in UTC.
        let t = parse_iso("2026-12-24T01:30", off).unwrap();
        assert_eq!(
            truncate(t, Unit::Day, off),
            parse_iso("2026-12-24", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::Week, off),
            parse_iso("2026-12-20", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::IsoWeek, off),
            parse_iso("2026-12-21", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::Month, off),
            parse_iso("2026-12-01", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::Quarter, off),
            parse_iso("2026-10-01", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::Year, off),
            parse_iso("2026-01-01", off).unwrap()
        );
        assert_eq!(
            truncate(t, Unit::Hour, off),
            parse_iso("2026-12-24T01:00", off).unwrap()
        );
        assert_eq!(day_of(t, off), days_from_civil(2026, 12, 24) as f64);
    }
}
