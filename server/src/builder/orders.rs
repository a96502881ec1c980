//! Streaming reader of an orders export (purchases made in shops, apps or by phone), so
//! one profile spans every channel. CSV, header optional, gzip detected:
//!
//! ```text
//! visitorId,orderId,productId,quantity,price,at
//! cust-42,A-1001,lens,2,450.00,2026-01-05T10:30:00Z
//! ```
//!
//! One row per product of an order; rows of one order next to each other. `visitorId` is
//! the id the storefront syncs under (its customer id); `quantity` a whole number ≥ 1
//! (empty: 1); `price` the unit price (empty: unknown); `at` ms since the epoch, or a UTC
//! date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM:SS[.fff]Z`. No quoting: fields hold no
//! commas. Each row becomes a `purchase` event checked by the engine's validator, with id
//! `order:<orderId>:<productId>`, so importing a file twice stores it once.

use super::csv::{self, Lines};
use crate::db::NewEvent;
use serde_json::json;
use std::io::{self, BufRead};
use std::path::Path;
use vitrin::events::Event;

pub const HEADER: &str = "visitorId,orderId,productId,quantity,price,at";

#[derive(Debug, Clone)]
pub struct Row {
    pub visitor: String,
    pub order: String,
    pub event: NewEvent,
}

pub struct OrdersReader<R> {
    lines: Lines<R>,
}

pub fn open(path: &Path) -> io::Result<OrdersReader<Box<dyn BufRead>>> {
    Ok(OrdersReader::new(csv::open(path)?))
}

impl<R: BufRead> OrdersReader<R> {
    pub fn new(input: R) -> OrdersReader<R> {
        OrdersReader {
            lines: Lines::new(input, "visitorId,"),
        }
    }

    /// The next row; `None` at the end of the file.
    pub fn next_row(&mut self) -> io::Result<Option<Row>> {
        let Some((line_no, line)) = self.lines.next()? else {
            return Ok(None);
        };
        let bad = |what: &str| csv::bad(line_no, what);
        let f: Vec<&str> = line.split(',').map(str::trim).collect();
        let [visitor, order, product, quantity, price, at] = f[..] else {
            return Err(bad(&format!("expected 6 fields: {HEADER}")));
        };
        if visitor.is_empty() || order.is_empty() || product.is_empty() {
            return Err(bad("empty visitorId, orderId or productId"));
        }
        let number = |s: &str, what: &str| {
            s.parse::<f64>()
                .map_err(|_| bad(&format!("{what} `{s}` is not a number")))
        };
        let quantity = if quantity.is_empty() {
            1.0
        } else {
            number(quantity, "quantity")?
        };
        let mut item = json!({"productId": product, "quantity": quantity});
        if !price.is_empty() {
            item["price"] = json!(number(price, "price")?);
        }
        let at = parse_time(at).ok_or_else(|| {
            bad(&format!(
                "at `{at}` is neither ms since the epoch nor YYYY-MM-DD[THH:MM:SS[.fff]Z]"
            ))
        })?;
        let doc = json!({"type": "purchase", "orderId": order, "items": [item], "at": at});
        let event = Event::from_json(&vitrin::value::Value::from(&doc), 0.0).map_err(|e| {
            let field = e
                .path
                .as_deref()
                .and_then(|p| p.rsplit('/').next())
                .unwrap_or_default();
            bad(&format!(
                "{field} {}",
                e.errors.first().map_or(&e.message, |x| &x.message)
            ))
        })?;
        let id = format!("order:{order}:{product}");
        Ok(Some(Row {
            visitor: visitor.to_string(),
            order: order.to_string(),
            event: NewEvent { id, event },
        }))
    }
}

/// Ms since the epoch from a number or a UTC date / date-time.
pub fn parse_time(s: &str) -> Option<f64> {
    if let Ok(ms) = s.parse::<f64>() {
        return ms.is_finite().then_some(ms);
    }
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z')?)),
        None => (s, None),
    };
    let mut d = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut ms = days_from_civil(y, m, day) as f64 * 86_400_000.0;
    if let Some(t) = time {
        let mut hms = t.splitn(3, ':');
        let (h, min, sec) = (
            hms.next()?.parse::<f64>().ok()?,
            hms.next()?.parse::<f64>().ok()?,
            hms.next()?.parse::<f64>().ok()?,
        );
        if !(0.0..24.0).contains(&h) || !(0.0..60.0).contains(&min) || !(0.0..61.0).contains(&sec) {
            return None;
        }
        ms += ((h * 60.0 + min) * 60.0 + sec) * 1000.0;
    }
    Some(ms.round())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use vitrin::events::EventKind;

    #[test]
    fn reads_rows_into_purchase_events() {
        let text = format!("{HEADER}\nc1,A1,lens,2,450.5,2026-01-05T10:30:00Z\nc1,A1,sol,,,1700000000000\n\nc2,B7,lens,1,,2016-05-09\n");
        let mut r = OrdersReader::new(Cursor::new(text));
        let a = r.next_row().unwrap().unwrap();
        assert_eq!(
            (a.visitor.as_str(), a.order.as_str(), a.event.id.as_str()),
            ("c1", "A1", "order:A1:lens")
        );
        assert_eq!(a.event.event.at, 1_767_609_000_000.0);
        let EventKind::Purchase { items, .. } = &a.event.event.kind else {
            panic!()
        };
        assert_eq!((items[0].quantity, items[0].price), (2, Some(450.5)));
        let b = r.next_row().unwrap().unwrap();
        let EventKind::Purchase { items, .. } = &b.event.event.kind else {
            panic!()
        };
        assert_eq!(
            (items[0].quantity, items[0].price, b.event.event.at),
            (1, None, 1_700_000_000_000.0)
        );
        assert_eq!(
            r.next_row().unwrap().unwrap().event.event.at,
            1_462_752_000_000.0
        );
        assert!(r.next_row().unwrap().is_none());
    }

    #[test]
    fn names_the_line_and_the_fault() {
        let err = |text: &str| {
            OrdersReader::new(Cursor::new(text.to_string()))
                .next_row()
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            err("c1,A1,lens,1,2\n"),
            format!("line 1: expected 6 fields: {HEADER}")
        );
        assert!(
            err("c1,A1,lens,0,,5\n").starts_with("line 1: quantity "),
            "{}",
            err("c1,A1,lens,0,,5\n")
        );
        assert!(err("c1,A1,lens,1,,2026-13-01\n").contains("at `2026-13-01`"));
        assert!(err("c1,,lens,1,,5\n").contains("empty"));
    }

    #[test]
    fn dates() {
        assert_eq!(parse_time("1970-01-01"), Some(0.0));
        assert_eq!(
            parse_time("2000-03-01T00:00:01.5Z"),
            Some(951_868_801_500.0)
        );
        assert_eq!(
            parse_time("2000-03-01T00:00:01"),
            None,
            "a time needs its Z"
        );
    }
}
