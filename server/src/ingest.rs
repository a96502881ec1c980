//! The body of `POST /v1/events`, validated: `{ visitorId, token?, events: [{ id, type, …,
//! at }], exposures?: [{ id, campaignId, variant, shown?, clicks?, at }] }`. Each event goes
//! through the engine's own `Event::from_json` (one validator for the browser and the
//! server); errors carry the JSON Pointer into the whole body. An exposure reports prompts
//! of a campaign arm shown (for the holdout: moments it would have spoken) and clicked;
//! its campaign and variant must be in a published rules revision.
//!
//! Times are bounded around the server's clock: an event may be up to `MAX_AGE_MS` old
//! (the SDK keeps unsent events in the browser and resends them on a later visit) and
//! `MAX_AHEAD_MS` ahead (clocks of visitors' devices drift by minutes). Everything learned
//! from a visitor is weighed from their newest event, so without the upper bound a single
//! event dated far ahead would age every real one to nothing.

use crate::db::{Exposure, NewEvent};
use crate::metrics::Campaigns;
use vitrin::error::{join, Error, Result};
use vitrin::events::Event;
use vitrin::json::Obj;
use vitrin::value::Value;

const CODE: &str = "invalid_batch";
/// Events plus exposures in one batch; the SDK sends at most 100 (what fits a 64 KB beacon).
pub const MAX_EVENTS: usize = 1000;
pub const MAX_ID: usize = 128;
pub const MAX_VISITOR_ID: usize = 200;
/// Prompts shown or clicked in one exposure report.
const MAX_COUNT: f64 = 1000.0;
pub const MAX_AGE_MS: f64 = 30.0 * 86_400_000.0;
pub const MAX_AHEAD_MS: f64 = 10.0 * 60_000.0;

#[derive(Debug)]
pub struct Batch {
    pub visitor: String,
    pub token: Option<String>,
    pub events: Vec<NewEvent>,
    pub exposures: Vec<Exposure>,
}

/// A visitor id as the API accepts it, in a body or a URL.
pub fn visitor_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_VISITOR_ID
}

fn id<'a>(o: &Obj<'a>) -> Result<&'a str> {
    let id = o.str("id")?;
    if id.is_empty() || id.len() > MAX_ID {
        return Err(o.err("id", format!("must be 1–{MAX_ID} bytes")));
    }
    Ok(id)
}

fn in_window(o: &Obj, at: f64, now: f64) -> Result<()> {
    if at < now - MAX_AGE_MS || at > now + MAX_AHEAD_MS {
        return Err(o.err(
            "at",
            "must be within the last 30 days and at most 10 minutes ahead of the server's clock",
        ));
    }
    Ok(())
}

/// Validates a batch against the server's clock `now` (which also fills a missing `at`)
/// and the published campaigns.
pub fn parse(v: &Value, now: f64, campaigns: &Campaigns) -> Result<Batch> {
    let o = Obj::new(v, "", CODE)?;
    let visitor = o.str("visitorId")?;
    if !visitor_id(visitor) {
        return Err(o.err("visitorId", format!("must be 1–{MAX_VISITOR_ID} bytes")));
    }
    let token = o.opt_str("token")?.map(String::from);
    let list = o
        .opt_arr("events", MAX_EVENTS)?
        .ok_or_else(|| o.err("events", "is required"))?;
    let reports = o.opt_arr("exposures", MAX_EVENTS)?.unwrap_or(&[]);
    if list.len() + reports.len() > MAX_EVENTS {
        return Err(o.err(
            "events",
            format!("events and exposures together are at most {MAX_EVENTS}"),
        ));
    }
    let mut events = Vec::with_capacity(list.len());
    for (i, ev) in list.iter().enumerate() {
        let path = join("/events", i);
        let e = Obj::new(ev, &path, CODE)?;
        let id = id(&e)?;
        let event = Event::from_json(ev, now).map_err(|err| nest(err, &path))?;
        in_window(&e, event.at, now)?;
        events.push(NewEvent {
            id: id.to_string(),
            event,
        });
    }
    let mut exposures = Vec::with_capacity(reports.len());
    for (i, x) in reports.iter().enumerate() {
        let x = Obj::new(x, &join("/exposures", i), CODE)?;
        let (campaign, variant) = (x.str("campaignId")?, x.str("variant")?);
        if !campaigns.knows(campaign, variant) {
            let mut e = x.err(
                if campaigns.knows_campaign(campaign) {
                    "variant"
                } else {
                    "campaignId"
                },
                format!(
                    "no published rules have campaign \"{campaign}\" with variant \"{variant}\""
                ),
            );
            e.code = "unknown_campaign";
            return Err(e);
        }
        let count = |key| {
            x.opt_num_in(key, 0.0, MAX_COUNT)
                .map(|n| n.unwrap_or(0.0) as u32)
        };
        let at = x.opt_num_in("at", 0.0, 1e15)?.unwrap_or(now);
        in_window(&x, at, now)?;
        exposures.push(Exposure {
            id: id(&x)?.to_string(),
            campaign: campaign.to_string(),
            variant: variant.to_string(),
            shown: count("shown")?,
            clicks: count("clicks")?,
            at,
        });
    }
    Ok(Batch {
        visitor: visitor.to_string(),
        token,
        events,
        exposures,
    })
}

/// The event's error with its pointer placed inside the batch.
fn nest(err: Error, prefix: &str) -> Error {
    let path = format!("{prefix}{}", err.path.as_deref().unwrap_or(""));
    let message = err
        .errors
        .first()
        .map(|e| e.message.clone())
        .unwrap_or_else(|| err.message.clone());
    Error::at(err.code, path, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: f64 = 1_800_000_000_000.0;

    fn campaigns() -> Campaigns {
        let mut c = Campaigns::default();
        c.add(&json!({"campaigns": [{"id": "cart", "holdout": 10}]}));
        c
    }

    #[test]
    fn reads_events_and_exposures() {
        let b = parse(
            &vitrin::value::Value::from(&json!({"visitorId": "v", "token": "t", "events": [{"id": "e1", "type": "view", "productId": "p"}],
                    "exposures": [{"id": "x1", "campaignId": "cart", "variant": "holdout", "shown": 1, "at": NOW - 5.0}]})),
            NOW,
            &campaigns(),
        )
        .unwrap();
        assert_eq!(
            (
                b.visitor.as_str(),
                b.token.as_deref(),
                b.events[0].id.as_str(),
                b.events[0].event.at
            ),
            ("v", Some("t"), "e1", NOW)
        );
        assert_eq!(
            (
                b.exposures[0].shown,
                b.exposures[0].clicks,
                b.exposures[0].at
            ),
            (1, 0, NOW - 5.0)
        );
    }

    #[test]
    fn names_the_bad_field_by_its_pointer_in_the_body() {
        let view = |at: f64| json!({"id": "a", "type": "view", "productId": "p", "at": at});
        let x = |campaign: &str, variant: &str| json!({"visitorId": "v", "events": [], "exposures": [{"id": "x", "campaignId": campaign, "variant": variant}]});
        let cases = [
            (json!({"events": []}), "invalid_batch", "/visitorId"),
            (
                json!({"visitorId": "", "events": []}),
                "invalid_batch",
                "/visitorId",
            ),
            (json!({"visitorId": "v"}), "invalid_batch", "/events"),
            (
                json!({"visitorId": "v", "events": [{"type": "view", "productId": "p"}]}),
                "invalid_batch",
                "/events/0/id",
            ),
            (
                json!({"visitorId": "v", "events": [{"id": "a", "type": "view", "productId": "p"}, {"id": "b", "type": "view"}]}),
                "invalid_event",
                "/events/1/productId",
            ),
            (
                json!({"visitorId": "v", "events": [{"id": "a", "type": "purchase", "orderId": "o", "items": [{"productId": "p", "quantity": 0}]}]}),
                "invalid_event",
                "/events/0/items/0/quantity",
            ),
            (
                json!({"visitorId": "v", "events": [view(999_999_999_999_999.0)]}),
                "invalid_batch",
                "/events/0/at",
            ),
            (
                json!({"visitorId": "v", "events": [view(NOW + MAX_AHEAD_MS + 1.0)]}),
                "invalid_batch",
                "/events/0/at",
            ),
            (
                json!({"visitorId": "v", "events": [view(NOW - MAX_AGE_MS - 1.0)]}),
                "invalid_batch",
                "/events/0/at",
            ),
            (
                x("made-up", "a"),
                "unknown_campaign",
                "/exposures/0/campaignId",
            ),
            (x("cart", "b"), "unknown_campaign", "/exposures/0/variant"),
            (
                json!({"visitorId": "v", "events": [], "exposures": [{"id": "x", "campaignId": "cart", "variant": "default", "clicks": -1}]}),
                "invalid_batch",
                "/exposures/0/clicks",
            ),
        ];
        for (body, code, path) in cases {
            let err = parse(&vitrin::value::Value::from(&body), NOW, &campaigns()).unwrap_err();
            assert_eq!(
                (err.code, err.path.as_deref()),
                (code, Some(path)),
                "{body}"
            );
            assert!(err.message.contains(path), "{}", err.message);
        }
        assert!(parse(&vitrin::value::Value::from(&json!({"visitorId": "v", "events": [view(NOW + MAX_AHEAD_MS), view(NOW - MAX_AGE_MS)]})), NOW, &campaigns()).is_ok());
    }
}
