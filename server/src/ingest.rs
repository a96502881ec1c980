//! The body of `POST /v1/events`, validated: `{ visitorId, events: [{ id, type, …, at }],
//! metrics? }`. Each event goes through the engine's own `Event::from_json` (one validator
//! for the browser and the server); errors carry the JSON Pointer into the whole body.
//! `metrics` is the SDK's `metrics()` snapshot for this visitor (cumulative counters).

use crate::db::{MetricRow, NewEvent};
use serde_json::Value;
use vitrin::error::{join, Error, Result};
use vitrin::events::Event;
use vitrin::json::Obj;

const CODE: &str = "invalid_batch";
/// Events in one batch; the SDK sends at most 100 (what fits a 64 KB beacon).
pub const MAX_EVENTS: usize = 1000;
pub const MAX_ID: usize = 128;
pub const MAX_VISITOR_ID: usize = 200;
const MAX_CAMPAIGNS: usize = 1000;
const MAX_VARIANTS: usize = 21;

#[derive(Debug)]
pub struct Batch {
    pub visitor: String,
    pub events: Vec<NewEvent>,
    pub metrics: Vec<MetricRow>,
}

/// A visitor id as the API accepts it, in a body or a URL.
pub fn visitor_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_VISITOR_ID
}

/// Validates a batch; `now` fills an event's missing `at`.
pub fn parse(v: &Value, now: f64) -> Result<Batch> {
    let o = Obj::new(v, "", CODE)?;
    let visitor = o.str("visitorId")?;
    if !visitor_id(visitor) {
        return Err(o.err("visitorId", format!("must be 1–{MAX_VISITOR_ID} bytes")));
    }
    let list = o.opt_arr("events", MAX_EVENTS)?.ok_or_else(|| o.err("events", "is required"))?;
    let mut events = Vec::with_capacity(list.len());
    for (i, ev) in list.iter().enumerate() {
        let path = join("/events", i);
        let e = Obj::new(ev, &path, CODE)?;
        let id = e.str("id")?;
        if id.is_empty() || id.len() > MAX_ID {
            return Err(e.err("id", format!("must be 1–{MAX_ID} bytes")));
        }
        let event = Event::from_json(ev, now).map_err(|err| nest(err, &path))?;
        events.push(NewEvent { id: id.to_string(), event });
    }
    let metrics = match o.opt_obj("metrics")? {
        Some(m) => metric_rows(&m, visitor)?,
        None => Vec::new(),
    };
    Ok(Batch { visitor: visitor.to_string(), events, metrics })
}

fn metric_rows(m: &Obj, visitor: &str) -> Result<Vec<MetricRow>> {
    if m.map.len() > MAX_CAMPAIGNS {
        return Err(Error::at(CODE, &m.path, format!("more than {MAX_CAMPAIGNS} campaigns")));
    }
    let mut rows = Vec::new();
    for (campaign, arms) in m.map {
        let arms = Obj::new(arms, &m.at(campaign), CODE)?;
        if arms.map.len() > MAX_VARIANTS {
            return Err(Error::at(CODE, &arms.path, format!("more than {MAX_VARIANTS} variants")));
        }
        for (variant, counts) in arms.map {
            let c = Obj::new(counts, &arms.at(variant), CODE)?;
            let count = |key| c.opt_num_in(key, 0.0, 1e9).map(|n| n.unwrap_or(0.0) as u64);
            rows.push(MetricRow {
                visitor_id: visitor.to_string(),
                campaign: campaign.clone(),
                variant: variant.clone(),
                impressions: count("impressions")?,
                clicks: count("clicks")?,
                conversions: count("conversions")?,
                revenue: c.opt_num_in("revenue", 0.0, 1e15)?.unwrap_or(0.0),
            });
        }
    }
    Ok(rows)
}

/// The event's error with its pointer placed inside the batch.
fn nest(err: Error, prefix: &str) -> Error {
    let path = format!("{prefix}{}", err.path.as_deref().unwrap_or(""));
    let message = err.errors.first().map(|e| e.message.clone()).unwrap_or(err.message);
    Error::at(err.code, path, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_events_and_metrics() {
        let b = parse(
            &json!({"visitorId": "v", "events": [{"id": "e1", "type": "view", "productId": "p"}],
                    "metrics": {"c": {"a": {"impressions": 2, "clicks": 1, "conversions": 1, "revenue": 9.5}}}}),
            7.0,
        )
        .unwrap();
        assert_eq!((b.visitor.as_str(), b.events[0].id.as_str(), b.events[0].event.at), ("v", "e1", 7.0));
        assert_eq!((b.metrics[0].impressions, b.metrics[0].revenue), (2, 9.5));
    }

    #[test]
    fn names_the_bad_field_by_its_pointer_in_the_body() {
        let cases = [
            (json!({"events": []}), "invalid_batch", "/visitorId"),
            (json!({"visitorId": "", "events": []}), "invalid_batch", "/visitorId"),
            (json!({"visitorId": "v"}), "invalid_batch", "/events"),
            (json!({"visitorId": "v", "events": [{"type": "view", "productId": "p"}]}), "invalid_batch", "/events/0/id"),
            (json!({"visitorId": "v", "events": [{"id": "a", "type": "view", "productId": "p"}, {"id": "b", "type": "view"}]}), "invalid_event", "/events/1/productId"),
            (json!({"visitorId": "v", "events": [{"id": "a", "type": "purchase", "orderId": "o", "items": [{"productId": "p", "quantity": 0}]}]}), "invalid_event", "/events/0/items/0/quantity"),
            (json!({"visitorId": "v", "events": [], "metrics": {"c": {"a": {"clicks": -1}}}}), "invalid_batch", "/metrics/c/a/clicks"),
        ];
        for (body, code, path) in cases {
            let err = parse(&body, 0.0).unwrap_err();
            assert_eq!((err.code, err.path.as_deref()), (code, Some(path)), "{body}");
            assert!(err.message.contains(path), "{}", err.message);
        }
    }
}
