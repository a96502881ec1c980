//! The marketers' rules document (version 1): named slots over the built-in strategies,
//! campaigns with triggers, JsonLogic conditions, schedules, caps, variants and a
//! holdout. `spec` describes the format as data; this module checks a document against
//! it, adds the checks that span fields, and compiles it once into `Rules`, so that
//! evaluation never re-reads JSON. Depends on `spec`, `logic`, `error`.

mod compiled;
pub mod product;
pub mod spec;
pub mod store;
pub mod vocabulary;

use crate::prelude::*;
pub use compiled::*;

use crate::error::{Error, PathError, Result};
use crate::logic::Logic;
use crate::value::Value;
use spec::{opt, opt_or, req, Preset, Range, Shape, Ty};

pub const VERSION: u64 = 1;
const CODE: &str = "invalid_rules";
/// Largest rules document accepted (a hostile one must not hang the page).
pub const MAX_RULES_BYTES: usize = 2 * 1024 * 1024;

// The name lists the format accepts are the engine's own (`names`, `events`): written once.
const STRATEGIES: &[&str] = crate::names::Strategy::NAMES;
const EVENT_TYPES: &[&str] = crate::events::EventType::NAMES;
const PAGES: &[&str] = crate::events::Page::NAMES;
const PRODUCT_SOURCES: &[&str] = crate::names::ProductSource::NAMES;
/// What the assistant's button does besides following its URL; the first is the preset.
pub const CTA_ACTIONS: &[&str] = &["open", "add_to_cart"];
const CTA_PRESET: Preset = Preset::Str(CTA_ACTIONS[0]);

const COUNT: Ty = Ty::Int(&Range { min: 0.0, max: 1e6 });
const MINUTES: Ty = Ty::Num(&Range {
    min: 0.0,
    max: 5_256_000.0,
});
const DAYS: Ty = Ty::Num(&Range {
    min: 0.0,
    max: 3650.0,
});
const IDS: Ty = Ty::List(&Ty::Str, 1000);
const TEXTS: Ty = Ty::Map(&Ty::Str, 20);

pub static BOOST: Shape = Shape {
    name: "Boost",
    tag: None,
    doc: spec::doc_text("Adds `weight` to the score of every candidate product for which `when` holds (product fields and the visitor context, see Context)."),
    fields: &[
        req("when", Ty::Logic, "JsonLogic over `product` and `visitor`."),
        req("weight", Ty::Num(&Range { min: -10.0, max: 10.0 }), "Added to the score; scores are about 0–3, so 0.5 is a strong nudge and a negative weight demotes."),
    ],
};

pub static DIVERSITY: Shape = Shape {
    name: "Diversity",
    tag: None,
    doc: spec::doc_text("Variety in a slot's results. A `for_you` slot has it by default: at most half its results from one category, the visitor's recent views after the rest."),
    fields: &[
        opt("maxPerCategory", Ty::Int(&Range { min: 1.0, max: 100.0 }), "At most this many per category (leaf path)."),
        opt("maxShare", Ty::Num(&Range { min: 0.01, max: 1.0 }), "At most this share of the results per category (default 0.5 for `for_you`; 1 turns it off); picks past it move after the others, so a slot over a narrow assortment still fills."),
        opt("maxPerBrand", Ty::Int(&Range { min: 1.0, max: 100.0 }), "At most this many per brand."),
        opt("repeatViewed", Ty::Bool, "Let products the visitor just viewed rank where they score (default for `for_you`: false, they come after the rest, unless the catalog ships a fitted `blend`, whose revisit weight then decides)."),
    ],
};

macro_rules! tweak_fields {
    ($($more:expr),*) => {
        &[
            opt("filters", Ty::List(&Ty::Logic, 20), "Every filter must hold for a product to be shown (JsonLogic over `product` and `visitor`)."),
            opt("boosts", Ty::List(&Ty::Obj(&BOOST), 20), "Score adjustments."),
            opt("pin", IDS, "Products shown first, in this order, when in stock (pins are not filtered)."),
            opt("exclude", IDS, "Products never shown."),
            $($more),*
        ]
    };
}

pub static SLOT: Shape = Shape {
    name: "Slot",
    tag: None,
    doc: spec::doc_text("A named slot built on a strategy, tuned by filters, boosts, pins, exclusions and diversity. Call it with `recommend({ slot: name })`."),
    fields: tweak_fields!(
        req("strategy", Ty::OneOf(STRATEGIES), "The built-in strategy that ranks candidates."),
        opt("limit", Ty::Int(&Range { min: 1.0, max: 100.0 }), "Default number of results."),
        opt("diversity", Ty::Obj(&DIVERSITY), "At most N per category or brand.")
    ),
};

pub static SLOT_TWEAK: Shape = Shape {
    name: "SlotTweak",
    tag: None,
    doc: spec::doc_text(
        "Changes a campaign makes to a slot while it acts for the visitor (not in the holdout).",
    ),
    fields: tweak_fields!(),
};

pub static GLOBAL_CAPS: Shape = Shape {
    name: "GlobalCaps",
    tag: None,
    doc: spec::doc_text("Limits over all campaigns' prompts together."),
    fields: &[
        opt("perSession", COUNT, "Prompts shown per session."),
        opt("perDay", COUNT, "Prompts shown per calendar day in the store's time zone."),
        opt("minGapMinutes", MINUTES, "Quiet time after any prompt was shown."),
        opt_or("quietAfterDismissMinutes", MINUTES, &Preset::Num(30.0), "Quiet time after the visitor dismissed any prompt (0 turns it off). A dismissed prompt about the cart also keeps every other cart prompt quiet for its `dismissCooldownMinutes`."),
    ],
};

pub static CAMPAIGN_CAPS: Shape = Shape {
    name: "CampaignCaps",
    tag: None,
    doc: spec::doc_text("Limits on one campaign's prompt, on top of the global caps."),
    fields: &[
        opt("perSession", COUNT, "Times shown per session."),
        opt(
            "perDay",
            COUNT,
            "Times shown per calendar day in the store's time zone.",
        ),
        opt("lifetime", COUNT, "Times shown ever."),
        opt("cooldownMinutes", MINUTES, "Quiet time after it was shown."),
        opt(
            "dismissCooldownMinutes",
            MINUTES,
            "Quiet time after the visitor dismissed it.",
        ),
    ],
};

pub static SCHEDULE: Shape = Shape {
    name: "Schedule",
    tag: None,
    doc: spec::doc_text("When the campaign may act: from `from` (inclusive) to `to` (exclusive). Date-times carry their offset."),
    fields: &[opt("from", Ty::DateTime, "Start, e.g. `2026-01-01T00:00:00+03:00`."), opt("to", Ty::DateTime, "End.")],
};

pub static CTA: Shape = Shape {
    name: "Cta",
    tag: None,
    doc: spec::doc_text("The prompt's button."),
    fields: &[
        req("label", TEXTS, "Label per language (`en`, `tr`, …)."),
        req("url", Ty::Str, "Where the button leads: a path (`/cart`) or an http(s) URL."),
        opt_or("action", Ty::OneOf(CTA_ACTIONS), &CTA_PRESET, "`open`: follow `url`. `add_to_cart`: first add the prompt's products to the cart (one each; a replenishment's item and its companion), then follow `url`."),
    ],
};

pub static PROMPT: Shape = Shape {
    name: "Prompt",
    tag: None,
    doc: spec::doc_text("What the assistant says when the campaign acts."),
    fields: &[
        req("text", TEXTS, "Text per language (`en`, `tr`, …); the visitor's locale picks, English is the fallback."),
        opt("cta", Ty::Obj(&CTA), "A call to action."),
        opt("products", Ty::OneOf(PRODUCT_SOURCES), "Which products the prompt shows. `complements` and `cross_sell`: what goes with (`goesWith`) or is bought with (`boughtWith`) the visitor's purchases, newest purchase first, never a product already bought unless a profile cycle makes it replenishable; a campaign whose complements are none stays quiet."),
        opt("productsCategory", Ty::Str, "Only products in this category path or below it (default for `complements`: a `browse_abandon` trigger's category)."),
        opt("voucher", Ty::Str, "A voucher code the text may offer."),
    ],
};

pub static VARIANT: Shape = Shape {
    name: "Variant",
    tag: None,
    doc: spec::doc_text("An arm of the campaign's experiment. A visitor's variant is fixed by a hash of their id and the campaign id."),
    fields: &[
        req("id", Ty::Str, "Reported in results and metrics."),
        req("weight", Ty::Num(&Range { min: 0.0, max: 1e6 }), "Relative share of the visitors outside the holdout."),
        opt("prompt", Ty::Obj(&PROMPT), "Replaces the campaign's prompt for this arm."),
        opt("slots", Ty::Map(&Ty::Obj(&SLOT_TWEAK), 50), "Replaces the campaign's slot tweaks for this arm."),
    ],
};

macro_rules! trigger {
    ($name:ident, $tag:literal, $doc:literal, [$($field:expr),*]) => {
        pub static $name: Shape = Shape { name: concat!("Trigger ", $tag), tag: Some($tag), doc: spec::doc_text($doc), fields: &[$($field),*] };
    };
}
trigger!(
    T_EVENT,
    "event",
    "Right after the visitor did something.",
    [
        req("event", Ty::OneOf(EVENT_TYPES), "The event type."),
        opt_or(
            "withinMinutes",
            MINUTES,
            &Preset::Num(30.0),
            "How long after the event the campaign stays due."
        )
    ]
);
trigger!(
    T_CART_IDLE,
    "cart_idle",
    "The cart holds items and the visitor has done nothing for a while.",
    [req("minutes", MINUTES, "Idle time.")]
);
trigger!(T_EXIT, "exit_intent", "The page reported exit intent (`track({type: \"exit_intent\"})`) in the last minute while the cart holds items.", []);
trigger!(
    T_PAGE,
    "page",
    "The visitor is on a page type.",
    [req("page", Ty::OneOf(PAGES), "The page type.")]
);
trigger!(
    T_BROWSE,
    "browse_abandon",
    "Several views of one category in this session without adding anything to the cart.",
    [
        req(
            "views",
            Ty::Int(&Range {
                min: 1.0,
                max: 1000.0
            }),
            "Views of one category."
        ),
        opt(
            "category",
            Ty::Str,
            "Only this category path (or below it)."
        )
    ]
);
trigger!(
    T_REPLENISH,
    "replenishment_due",
    "A profile cycle (`cycles`) comes due.",
    [opt_or(
        "withinDays",
        DAYS,
        &Preset::Num(7.0),
        "Due within this many days."
    )]
);
trigger!(
    T_SEASONAL,
    "seasonal_habit",
    "A profile habit (`habits`) covers the current month in the store's time zone.",
    []
);
trigger!(
    T_POST_PURCHASE,
    "post_purchase",
    "A recent purchase in a category.",
    [
        req(
            "category",
            Ty::Str,
            "Category path of the purchase (or above it)."
        ),
        req("withinDays", DAYS, "How recent.")
    ]
);
trigger!(
    T_RETURNING,
    "returning",
    "A returning visitor (second session or later) with something in the cart or recent views.",
    []
);
trigger!(T_ALWAYS, "always", "Due whenever `when` holds.", []);

/// The trigger types, written once: validation, the schema, the reference and the
/// TypeScript union read this list; compilation matches every tag.
pub static TRIGGERS: &[&Shape] = &[
    &T_EVENT,
    &T_CART_IDLE,
    &T_EXIT,
    &T_PAGE,
    &T_BROWSE,
    &T_REPLENISH,
    &T_SEASONAL,
    &T_POST_PURCHASE,
    &T_RETURNING,
    &T_ALWAYS,
];

pub static CAMPAIGN: Shape = Shape {
    name: "Campaign",
    tag: None,
    doc: spec::doc_text("A prompt and/or slot changes for visitors who match, when they match."),
    fields: &[
        req(
            "id",
            Ty::Str,
            "Unique; used in metrics, `explain` and prompts.",
        ),
        opt("name", Ty::Str, "For people."),
        opt(
            "priority",
            Ty::Int(&Range {
                min: 0.0,
                max: 1_000_000.0,
            }),
            "Higher wins when several are due; ties go to the earlier campaign.",
        ),
        req("trigger", Ty::Tagged(TRIGGERS), "What makes it due."),
        opt(
            "when",
            Ty::Logic,
            "JsonLogic over the visitor context; must hold too.",
        ),
        opt("schedule", Ty::Obj(&SCHEDULE), "When it may act."),
        opt("caps", Ty::Obj(&CAMPAIGN_CAPS), "Its own limits."),
        opt("prompt", Ty::Obj(&PROMPT), "What the assistant says."),
        opt(
            "slots",
            Ty::Map(&Ty::Obj(&SLOT_TWEAK), 50),
            "Slot tweaks while it acts, by slot name.",
        ),
        opt(
            "variants",
            Ty::List(&Ty::Obj(&VARIANT), 20),
            "Experiment arms.",
        ),
        opt(
            "holdout",
            Ty::Num(&Range {
                min: 0.0,
                max: 50.0,
            }),
            "Percent of visitors who never see its action (the control group).",
        ),
        opt_or(
            "attributionHours",
            Ty::Num(&Range {
                min: 0.0,
                max: 8760.0,
            }),
            &Preset::Num(72.0),
            "A purchase this soon after an impression counts as a conversion.",
        ),
    ],
};

pub static RULES: Shape = Shape {
    name: "Rules",
    tag: None,
    doc: spec::doc_text("The whole document a marketer publishes."),
    fields: &[
        req("version", Ty::Int(&Range { min: 1.0, max: 1.0 }), "Format version: 1."),
        opt("utcOffsetMinutes", Ty::Int(&Range { min: -720.0, max: 840.0 }), "The store's time zone as an offset from UTC (Türkiye: 180). Days, hours and months in conditions and caps use it."),
        opt("caps", Ty::Obj(&GLOBAL_CAPS), "Limits over all prompts."),
        opt("slots", Ty::Map(&Ty::Obj(&SLOT), 50), "Named slots."),
        opt("campaigns", Ty::List(&Ty::Obj(&CAMPAIGN), 1000), "Campaigns."),
    ],
};

/// The JSON Schema shipped as `vitrin/rules.schema.json`.
pub fn schema() -> Value {
    let mut s = spec::schema(&Ty::Obj(&RULES));
    s["$schema"] = "https://json-schema.org/draft/2020-12/schema".into();
    s["$defs"] = crate::json!({"JsonLogic": {"description": "A JsonLogic rule (jsonlogic.com): an object with one operator key, or a literal."}});
    s
}

/// Reads a rules document once: its shape against the format's tables (`spec::check`),
/// then each part compiled where it is read, with the checks that span fields made there
/// (`compiled`). The rules when nothing is wrong, and what was found, each with its JSON
/// Pointer.
pub fn read(doc: &Value) -> (Option<Rules>, Findings) {
    let mut found = Findings::default();
    if let Some(v) = doc.get("version").filter(|v| v.as_u64() != Some(VERSION)) {
        // An unknown version is refused before anything else is read: its fields may mean other things.
        found.errors.push(PathError {
            path: "/version".into(),
            message: crate::cat!(
                "unsupported rules version ",
                crate::jsontext::text(v),
                "; this build reads version ",
                VERSION
            ),
        });
        return (None, found);
    }
    spec::check(doc, &Ty::Obj(&RULES), "", &mut found.errors);
    let rules = Rules::read(doc, &mut found);
    (found.errors.is_empty().then_some(rules), found)
}

/// Every problem in a document, each with its JSON Pointer.
pub fn problems(doc: &Value) -> Vec<PathError> {
    read(doc).1.errors
}

/// The document without its campaigns that have errors, and what was left out
/// (`{path, id, errors}` each): what a marketer publishes when they choose to leave broken
/// campaigns out. Every problem when one lies outside the campaigns.
/// A campaign `without_invalid_campaigns` left out: `{errors, id, path}`.
pub struct Skipped {
    pub errors: Vec<PathError>,
    /// The campaign's `id` as written (null when it has none).
    pub id: Value,
    pub path: String,
}

impl crate::jsontext::WriteJson for Skipped {
    fn write_json(&self, out: &mut String) {
        crate::jsontext::fields(out)
            .field("errors", &self.errors)
            .field("id", &self.id)
            .field("path", &self.path)
            .end()
    }
}

pub fn without_invalid_campaigns(
    rules: &Value,
) -> core::result::Result<(Value, Vec<Skipped>), Vec<PathError>> {
    let errors = problems(rules);
    let campaign = |e: &PathError| {
        e.path.strip_prefix("/campaigns/").and_then(|r| {
            crate::jsontext::split(r, b'/')
                .next()?
                .parse::<usize>()
                .ok()
        })
    };
    if errors.iter().any(|e| campaign(e).is_none()) {
        return Err(errors);
    }
    let mut doc = rules.clone();
    let mut skipped = Vec::new();
    if let Some(list) = doc.get_mut("campaigns").and_then(Value::as_array_mut) {
        // Loops, not `filter(..).collect()` and `filter(..).cloned().collect()`: the
        // adapters compiled their own copies. Backwards, so the indexes stay valid.
        for i in (0..list.len()).rev() {
            let mut own = Vec::new();
            for e in &errors {
                if campaign(e) == Some(i) {
                    own.push(e.clone());
                }
            }
            if own.is_empty() {
                continue;
            }
            let c = list.remove(i);
            skipped.insert(
                0,
                Skipped {
                    errors: own,
                    id: c.get("id").cloned().unwrap_or_default(),
                    path: crate::cat!("/campaigns/", i),
                },
            );
        }
    }
    // Caps or priorities may name a removed campaign: what remains must stand on its own.
    let rest = problems(&doc);
    if rest.is_empty() {
        Ok((doc, skipped))
    } else {
        Err(errors)
    }
}

/// The compiled rules, or `invalid_rules` with every problem.
pub fn compile(doc: &Value) -> Result<Rules> {
    match read(doc) {
        (Some(rules), _) => Ok(rules),
        (None, found) => Err(Error::many(CODE, "invalid rules", found.errors)),
    }
}

/// A condition compiled at `setRules`, with the pointer it came from (for `explain`).
pub struct Condition {
    pub logic: Logic,
    pub path: String,
}

const REFERENCE_INTRO: &str = r#"# vitrin rules reference (version 1)

Generated from the rules format's definition in `src/rules/` (the same tables validate
documents and produce `rules.schema.json`); `cargo test` fails when this page is stale.
Examples for every scenario: `examples/rules/` in the repository.

Validation (`validateRules`, `setRules`) lists every error at once, each with the JSON
Pointer of the fault (`/campaigns/2/trigger/type`) and, for a misspelt field, operator or
value, a "did you mean". A refused document leaves the rules in force untouched.

## Conditions

`when`, `filters` and boosts' `when` are [JsonLogic](https://jsonlogic.com) with the
official semantics (the official test suite passes in full). Campaign conditions read the
visitor context below; slot filters and boosts read `{ "product": …, "visitor": … }`.
A filter or boost that reads only `product.*` applies to the whole catalog (computed once
per catalog), so it can fill a slot from anywhere in the ranking; one that also reads
`visitor.*` applies to the strategy's best 40–80 products for each call.
Time values use the store's time zone (`utcOffsetMinutes`). A variable the context does
not have is an error (with a "did you mean"); a number written as text in an `in` list over
a number variable is taken as the number, with a warning (`validateRules(…).warnings`); a
date string compared with a date variable (`now`) is read as a date.

"#;

const REFERENCE_OPERATORS: &str = r#"
### Operators from the query builders

Beyond JsonLogic's own operators, conditions may use what the common visual editors emit
(react-querybuilder 8's `formatQuery(q, "jsonlogic")`, @react-awesome-query-builder 6's
`jsonLogicFormat`), with those editors' meaning; the package's `vitrin/editor` configures
both editors to offer only what vitrin runs.

| operator | editor option | meaning |
|---|---|---|
| `startsWith`, `endsWith` | "begins with", "ends with" (and their "does not" forms under `!`) | the first argument is a string that starts (ends) with the second, read as text; false for anything but a string |
| `toLowerCase`, `toUpperCase` | the Lowercase / Uppercase functions | Unicode case mapping as JS's (`İ` lower-cases to `i̇`); undefined for anything but a string |
| `date==`, `date!=` | `==` / `!=` on a date field | the same calendar day in the store's zone; null or an unreadable date is never the same day |
| `datetime==`, `datetime!=` | `==` / `!=` on a date-time field | the same instant |
| `now` | Now | the engine's clock (the `now` option), ms |
| `today`, `start_of_today` | Today, Start of today | the start of today in the store's zone, ms |
| `date_add`, `datetime_add` | Relative (`[date, n, unit]`) | the date plus `n` units: `year`, `quarter`, `month`, `week`, `day`, `hour`, `minute`, `second`, `millisecond` (plural too, or moment's `y Q M w d h m s ms`); days and months whole (rounded half away from zero), counted in the store's zone, a month after the 31st ends on the month's last day |
| `datetime_truncate` | Truncate (`[date, unit]`) | the start of the unit the date falls in, in the store's zone; weeks start on Sunday (`isoWeek`: Monday) |

A date is a number (ms since the epoch) or an ISO 8601 string: `2026-12-24` is the start of
that day in the store's zone, `2026-12-24T10:30:00Z` or `…+03:00` that instant, and
`2026-12-24T10:30` wall-clock time in the store's zone. The date operators answer ms, so
`<`, `<=`, `between` (`{"<=": [a, x, b]}`) compare them as numbers; an unreadable date
gives NaN, which no comparison holds for. The editors' `regexTest` and `strlen` are
refused with an error naming the editor option they come from.

## Decisions

- A campaign **acts** when its schedule is open, its trigger holds, its `when` holds, and
  the visitor is not in its holdout. Its prompt also needs messaging consent and room under
  its caps and the global caps. `explain(campaignId)` lists every check that fails, with
  its JSON Pointer.
- When several prompts are due, only the one with the highest `priority` is returned;
  equal priorities go to the campaign listed first. For a visitor in a campaign's holdout
  that campaign does not exist: a lower-priority campaign that is due speaks instead, so
  the holdout measures the campaign against what the visitor would see without it.
- **Variants**: the visitor's bucket is FNV-1a of `visitorId \0 campaignId` (profile id,
  else an id minted in the browser and stored), mixed and mapped to [0, 100). Buckets
  below `holdout` are the holdout; the rest split by the variants' weights. It never changes
  for a visitor, across reloads and tabs.
- **Metrics**: `shown` counts an impression, `clicked` a click; a purchase within
  `attributionHours` of the last impression (for the holdout: of the moment the campaign
  would have spoken, once per session) counts a conversion and its value as revenue.

"#;

/// The rules reference page (`RULES.md` in the package).
pub fn reference() -> String {
    crate::cat!(
        REFERENCE_INTRO,
        vocabulary::reference(),
        REFERENCE_OPERATORS,
        spec::reference(&RULES),
        "\n",
        crate::template::reference()
    )
}
