//! Rules compiled for evaluation: typed, with every condition compiled once and every
//! date parsed once. The compiler is also the validator's second half: after
//! `spec::check` has checked the document's shape, each part is checked where it is
//! compiled (conditions against the vocabulary, templates, links, ids, schedules), so a
//! document is read once and no second, lenient reader can disagree with validation.
//! Defaults are the spec's presets; what the compiler cannot read is an error already
//! reported, and the rules of a document with errors are never used.

use super::product::{product_reads, ProductCondition};
use super::spec::parse_datetime;
use super::vocabulary::Scope;
use super::Condition;
use crate::error::{join, PathError};
use crate::logic::dates::DAY_MS;
use crate::logic::Logic;
use crate::prelude::*;
use crate::template::Piece;
use crate::value::Value;

const MINUTE_MS: f64 = 60_000.0;

pub struct Boost {
    pub when: Condition,
    pub weight: f32,
}

#[derive(Default)]
pub struct Tweak {
    /// Conditions that read the visitor: evaluated for each candidate of the strategy's pool.
    pub filters: Vec<Condition>,
    pub boosts: Vec<Boost>,
    /// Conditions over the product alone: applied to the whole catalog in the scoring pass.
    pub product_filters: Vec<ProductCondition>,
    pub product_boosts: Vec<(ProductCondition, f32)>,
    pub pin: Vec<String>,
    pub exclude: Vec<String>,
    /// The `product.*` fields its visitor-reading filters and boosts read (`product::product_reads`).
    pub product_fields: u16,
}

impl Tweak {
    pub fn is_empty(&self) -> bool {
        !self.has_conditions() && self.pin.is_empty() && self.exclude.is_empty()
    }

    pub fn has_conditions(&self) -> bool {
        !(self.filters.is_empty()
            && self.boosts.is_empty()
            && self.product_filters.is_empty()
            && self.product_boosts.is_empty())
    }
}

pub struct Slot {
    pub name: String,
    pub strategy: String,
    pub limit: Option<u32>,
    pub tweak: Tweak,
    pub max_per_category: Option<usize>,
    pub max_per_brand: Option<usize>,
    /// `diversity.maxShare` and `diversity.repeatViewed` (`slots::Diversity`).
    pub max_share: Option<f64>,
    pub repeat_viewed: Option<bool>,
}

pub enum Trigger {
    Event {
        event: String,
        within_ms: f64,
    },
    CartIdle {
        idle_ms: f64,
    },
    ExitIntent,
    Page {
        page: String,
    },
    BrowseAbandon {
        views: u32,
        category: Option<String>,
    },
    ReplenishmentDue {
        within_days: f64,
    },
    SeasonalHabit,
    PostPurchase {
        category: String,
        within_ms: f64,
    },
    Returning,
    Always,
}

pub struct PromptSpec {
    /// (language, parsed template)
    pub text: Vec<(String, Vec<Piece>)>,
    pub cta: Option<(Vec<(String, Vec<Piece>)>, String)>,
    /// The CTA's `action` (one of `CTA_ACTIONS`; `open` when absent).
    pub action: &'static str,
    pub products: crate::names::ProductSource,
    pub products_category: Option<String>,
    pub voucher: Option<String>,
}

pub struct Variant {
    pub id: String,
    pub weight: f64,
    pub prompt: Option<PromptSpec>,
    pub slots: Option<Vec<(String, Tweak)>>,
}

/// A campaign's caps (`CAMPAIGN_CAPS`) or the global ones (`GLOBAL_CAPS`), read in their
/// shape's field order: the counts first, then the quiet times. One reader and one checker
/// (`campaigns::cap_blocks`) serve both, not a field each.
#[derive(Default, Clone, Copy)]
pub struct Caps {
    /// Per session, per day, ever (`lifetime`: campaigns only).
    pub limits: [Option<u32>; 3],
    /// ms; a campaign's cool-down and dismiss cool-down, or the global minimum gap and quiet
    /// time after a dismissal.
    pub quiet_ms: [f64; 2],
}

pub struct Campaign {
    pub id: String,
    pub name: Option<String>,
    pub path: String,
    pub priority: i64,
    pub trigger: Trigger,
    /// The whole `when`, and its top-level `and` parts for `explain`.
    pub when: Option<Condition>,
    pub when_parts: Vec<Condition>,
    pub from: Option<f64>,
    pub to: Option<f64>,
    pub caps: Caps,
    pub prompt: Option<PromptSpec>,
    pub slots: Vec<(String, Tweak)>,
    pub variants: Vec<Variant>,
    pub holdout: f64,
    pub attribution_ms: f64,
}

#[derive(Default)]
pub struct Rules {
    pub utc_offset_ms: f64,
    pub caps: Caps,
    pub slots: Vec<Slot>,
    pub campaigns: Vec<Campaign>,
    /// Campaign indexes, highest priority first, equal priorities in the rules' order:
    /// sorted once here, not on every `prompts()`.
    pub by_priority: Vec<usize>,
}

/// What reading a document found: errors (it is refused) and warnings.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Findings {
    pub errors: Vec<PathError>,
    pub warnings: Vec<PathError>,
}

impl Findings {
    fn error(&mut self, path: String, message: impl Into<String>) {
        self.errors.push(PathError {
            path,
            message: message.into(),
        });
    }
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    // A loop, not `filter_map(..).map(..).collect()`: the adapter compiled its own copy.
    let mut out = Vec::new();
    for x in v
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice)
    {
        if let Some(x) = x.as_str() {
            out.push(String::from(x));
        }
    }
    out
}

/// Templates per language, each parsed once; parse errors go to `out` at `path/lang`.
fn templates(v: Option<&Value>, path: &str, out: &mut Findings) -> Vec<(String, Vec<Piece>)> {
    let mut list = Vec::new();
    let Some(texts) = v.and_then(Value::as_object) else {
        return list;
    };
    for (lang, t) in texts {
        let Some(t) = t.as_str() else { continue };
        match crate::template::parse(t) {
            Ok(pieces) => list.push((lang.clone(), pieces)),
            Err(msgs) => {
                let at = join(path, lang);
                for m in msgs {
                    out.error(at.clone(), m);
                }
            }
        }
    }
    list
}

/// A condition checked against the vocabulary and compiled, indexed against the visitor
/// context's names (a campaign condition reads its values by index; slot conditions run
/// over other data and read by name); `scope` is what it reads, known from where it sits.
/// With `out`, what the check finds is reported; the top-level parts of a `when` are
/// compiled again for `explain` without reporting twice.
fn cond(v: &Value, scope: Scope, path: String, out: Option<&mut Findings>) -> Option<Condition> {
    let checked = super::vocabulary::check(v, scope, &path);
    let logic = Logic::compile(&checked.condition);
    if let Some(out) = out {
        out.errors.extend(checked.errors);
        out.warnings.extend(checked.warnings);
        // A loop and a `match`, not `extend(map(..))` and `ok().map(..)`: their generic
        // copies served this function alone.
        if let Err(errs) = &logic {
            for e in errs {
                out.error(crate::cat!(path, e.path), e.message.clone());
            }
        }
    }
    match logic {
        Ok(logic) => Some(Condition {
            logic: logic.index(&super::vocabulary::CONTEXT),
            path,
        }),
        Err(_) => None,
    }
}

fn tweak(v: &Value, path: &str, out: &mut Findings) -> Tweak {
    let list = |k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let mut t = Tweak {
        pin: strings(v, "pin"),
        exclude: strings(v, "exclude"),
        ..Tweak::default()
    };
    // Filters and boosts by one loop: a filter is the condition itself, a boost holds one
    // in `when` beside its weight; each is kept per catalog when it reads the product alone.
    for key in ["filters", "boosts"] {
        for (i, item) in list(key).iter().enumerate() {
            let at = join(&join(path, key), i);
            let (json, at, weight) = if key == "filters" {
                (item, at, None)
            } else {
                let Some(when) = item.get("when") else {
                    continue;
                };
                // Required: `spec::check` reported a boost without one.
                let weight = f(item, "weight").unwrap_or_default();
                (when, join(&at, "when"), Some(weight as f32))
            };
            let Some(c) = cond(json, Scope::Slot, at, Some(&mut *out)) else {
                continue;
            };
            let (fields, only_product) = product_reads(json);
            if only_product {
                let c = ProductCondition::new(c, fields);
                match weight {
                    None => t.product_filters.push(c),
                    Some(w) => t.product_boosts.push((c, w)),
                }
            } else {
                t.product_fields |= fields;
                match weight {
                    None => t.filters.push(c),
                    Some(weight) => t.boosts.push(Boost { when: c, weight }),
                }
            }
        }
    }
    t
}

fn tweaks(v: Option<&Value>, path: &str, out: &mut Findings) -> Vec<(String, Tweak)> {
    // A loop, not `Option::into_iter().flatten().map(..).collect()`: no adapter copy.
    let mut list = Vec::new();
    let Some(tweaks) = v.and_then(Value::as_object) else {
        return list;
    };
    for (k, t) in tweaks {
        list.push((k.clone(), tweak(t, &join(path, k), out)));
    }
    list
}

fn caps(v: Option<&Value>, shape: &super::spec::Shape) -> Caps {
    let v = v.unwrap_or(&Value::Null);
    let mut caps = Caps::default();
    let (mut limits, mut quiet) = (0, 0);
    for field in shape.fields {
        // NaN: left out without a preset.
        let x = shape.num_or_preset(v, field.name);
        if let super::spec::Ty::Int(_) = field.ty {
            caps.limits[limits] = (!x.is_nan()).then_some(x as u32);
            limits += 1;
        } else {
            caps.quiet_ms[quiet] = if x.is_nan() { 0.0 } else { x * MINUTE_MS };
            quiet += 1;
        }
    }
    caps
}

/// A prompt; its templates use only variables the campaign provides (`has_end` for
/// `{{endsAt}}`), and its button leads somewhere safe (a path or an http(s) URL: never
/// `javascript:`).
fn prompt(v: Option<&Value>, path: &str, has_end: bool, out: &mut Findings) -> Option<PromptSpec> {
    let v = v?;
    let text = templates(v.get("text"), &join(path, "text"), out);
    let cta_path = join(path, "cta");
    let cta = v.get("cta").map(|c| {
        let url = s(c, "url").unwrap_or_default();
        if c.get("url").is_some_and(Value::is_string) && !crate::url::is_safe_url(url) {
            out.error(
                join(&cta_path, "url"),
                "must be a path on the store's site (/cart) or an http(s) URL",
            );
        }
        (
            templates(c.get("label"), &join(&cta_path, "label"), out),
            url.to_string(),
        )
    });
    let mut check = |at: &str, kind: &str, (lang, pieces): &(String, Vec<Piece>)| {
        let at = || join(&join(at, kind), lang);
        if crate::template::uses(pieces, crate::template::Var::Voucher)
            && v.get("voucher").is_none()
        {
            out.error(at(), "uses {{voucher}} but the prompt has no voucher");
        }
        if crate::template::uses(pieces, crate::template::Var::EndsAt) && !has_end {
            out.error(at(), "uses {{endsAt}} but the campaign has no end (a schedule.to, or a post_purchase trigger's withinDays)");
        }
    };
    // Loops, not `chain(flat_map(..))`: the adapters compiled their own copies.
    for t in &text {
        check(path, "text", t);
    }
    if let Some((labels, _)) = &cta {
        for t in labels {
            check(&cta_path, "label", t);
        }
    }
    Some(PromptSpec {
        text,
        cta,
        // The `CTA_ACTIONS` entry itself (`spec::check` allowed only those): no copy per prompt.
        // The first, `open`, is also the preset.
        action: {
            let action = super::CTA.str_or_preset(v.get("cta").unwrap_or(&Value::Null), "action");
            let actions = super::CTA_ACTIONS;
            actions[crate::names::position(actions, action).unwrap_or(0)]
        },
        products: s(v, "products")
            .and_then(crate::names::ProductSource::from_name)
            .unwrap_or(crate::names::ProductSource::None),
        products_category: s(v, "productsCategory").map(String::from),
        voucher: s(v, "voucher").map(String::from),
    })
}

/// The compiled trigger; none where `spec::check` reported its type or a required field.
fn trigger(v: &Value) -> Option<Trigger> {
    let text = |k: &str| s(v, k).map(String::from);
    let ms = |k: &str, unit: f64| f(v, k).map(|x| x * unit);
    let ty = s(v, "type")?;
    // By the type's place in `TRIGGERS`: the tags compared by one loop, not a compare per
    // arm (smaller). `spec::check` reported a tag outside it; the test below pins the order.
    Some(
        match super::TRIGGERS.iter().position(|t| t.tag == Some(ty))? {
            0 => Trigger::Event {
                event: text("event")?,
                within_ms: super::T_EVENT.num_or_preset(v, "withinMinutes") * MINUTE_MS,
            },
            1 => Trigger::CartIdle {
                idle_ms: ms("minutes", MINUTE_MS)?,
            },
            2 => Trigger::ExitIntent,
            3 => Trigger::Page {
                page: text("page")?,
            },
            4 => Trigger::BrowseAbandon {
                views: f(v, "views")? as u32,
                category: text("category"),
            },
            5 => Trigger::ReplenishmentDue {
                within_days: super::T_REPLENISH.num_or_preset(v, "withinDays"),
            },
            6 => Trigger::SeasonalHabit,
            7 => Trigger::PostPurchase {
                category: text("category")?,
                within_ms: ms("withinDays", DAY_MS)?,
            },
            8 => Trigger::Returning,
            _ => Trigger::Always,
        },
    )
}

impl Rules {
    /// Compiles a document whose shape `spec::check` has checked, reporting to `out` what
    /// only compiling finds. The result is used only when `out` holds no error.
    pub(super) fn read(v: &Value, out: &mut Findings) -> Rules {
        let mut slots = Vec::new();
        let no_slots = crate::value::Map::new();
        for (name, sv) in v
            .get("slots")
            .and_then(Value::as_object)
            .unwrap_or(&no_slots)
        {
            let tweak = tweak(sv, &join("/slots", name), out);
            let d = sv.get("diversity");
            let per = |k: &str| d.and_then(|d| f(d, k)).map(|x| x as usize);
            slots.push(Slot {
                name: name.clone(),
                // Required: `spec::check` reported a slot without one.
                strategy: s(sv, "strategy").unwrap_or_default().to_string(),
                limit: f(sv, "limit").map(|x| x as u32),
                tweak,
                max_per_category: per("maxPerCategory"),
                max_per_brand: per("maxPerBrand"),
                max_share: d.and_then(|d| f(d, "maxShare")),
                repeat_viewed: d
                    .and_then(|d| d.get("repeatViewed"))
                    .and_then(Value::as_bool),
            });
        }
        let mut campaigns = Vec::new();
        let mut ids: Vec<&str> = Vec::new();
        for (i, c) in v
            .get("campaigns")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .enumerate()
        {
            let path = join("/campaigns", i);
            if let Some(id) = s(c, "id") {
                if ids.contains(&id) {
                    out.error(
                        join(&path, "id"),
                        crate::cat!("campaign id \"", id, "\" is used twice"),
                    );
                }
                ids.push(id);
            }
            campaigns.push(campaign(c, path, out));
        }
        let mut by_priority: Vec<usize> = (0..campaigns.len()).collect();
        crate::order::sort_by_key(&mut by_priority, |&i| (-(campaigns[i].priority as f64), 0));
        Rules {
            utc_offset_ms: f(v, "utcOffsetMinutes").unwrap_or(0.0) * MINUTE_MS,
            caps: caps(v.get("caps"), &super::GLOBAL_CAPS),
            slots,
            campaigns,
            by_priority,
        }
    }

    pub fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id)
    }
}

/// A campaign; where `spec::check` reported a missing id, trigger or variant field, one
/// filled in by a default (the rules of a document with errors are never used): no early
/// return dropping what was already compiled.
fn campaign(c: &Value, path: String, out: &mut Findings) -> Campaign {
    let when_path = join(&path, "when");
    let when = c
        .get("when")
        .and_then(|w| cond(w, Scope::Campaign, when_path.clone(), Some(&mut *out)));
    let mut when_parts = Vec::new();
    if let Some(parts) = c
        .get("when")
        .and_then(|w| w.get("and"))
        .and_then(Value::as_array)
    {
        for (k, p) in parts.iter().enumerate() {
            let at = join(&join(&when_path, "and"), k);
            when_parts.extend(cond(p, Scope::Campaign, at, None));
        }
    }
    let at = |k: &str| {
        c.get("schedule")
            .and_then(|sc| s(sc, k))
            .and_then(parse_datetime)
    };
    let (from, to) = (at("from"), at("to"));
    if let (Some(from), Some(to)) = (from, to) {
        if to <= from {
            out.error(
                join(&join(&path, "schedule"), "to"),
                "the schedule ends before it starts",
            );
        }
    }
    let trigger_v = c.get("trigger").unwrap_or(&Value::Null);
    let has_end = to.is_some() || s(trigger_v, "type") == Some("post_purchase");
    let prompt_spec = prompt(c.get("prompt"), &join(&path, "prompt"), has_end, out);
    let slots = tweaks(c.get("slots"), &join(&path, "slots"), out);
    let mut variants = Vec::new();
    let mut vids: Vec<&str> = Vec::new();
    let list = c
        .get("variants")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (k, v) in list.iter().enumerate() {
        let vpath = join(&join(&path, "variants"), k);
        let prompt = prompt(v.get("prompt"), &join(&vpath, "prompt"), has_end, out);
        let slots = v
            .get("slots")
            .map(|sl| tweaks(Some(sl), &join(&vpath, "slots"), out));
        let id = s(v, "id");
        if let Some(id) = id {
            if id == "holdout" || vids.contains(&id) {
                out.error(
                    join(&vpath, "id"),
                    crate::cat!("variant id \"", id, "\" is used twice or reserved"),
                );
            }
            vids.push(id);
        }
        variants.push(Variant {
            id: id.unwrap_or_default().to_string(),
            weight: f(v, "weight").unwrap_or_default(),
            prompt,
            slots,
        });
    }
    if !list.is_empty() && list.iter().all(|v| f(v, "weight") == Some(0.0)) {
        out.error(
            join(&path, "variants"),
            "at least one variant needs a weight above 0",
        );
    }
    Campaign {
        id: s(c, "id").unwrap_or_default().to_string(),
        name: s(c, "name").map(String::from),
        priority: f(c, "priority").unwrap_or(0.0) as i64,
        trigger: trigger(trigger_v).unwrap_or(Trigger::Always),
        when,
        when_parts,
        from,
        to,
        caps: caps(c.get("caps"), &super::CAMPAIGN_CAPS),
        prompt: prompt_spec,
        slots,
        variants,
        holdout: f(c, "holdout").unwrap_or(0.0),
        attribution_ms: super::CAMPAIGN.num_or_preset(c, "attributionHours") * 3_600_000.0,
        path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_trigger_tag_compiles_to_its_own_kind() {
        for tag in super::super::TRIGGERS.iter().filter_map(|t| t.tag) {
            let v = crate::json!({"type": tag, "event": "view", "minutes": 1, "page": "home",
                "views": 2, "category": "x", "withinDays": 1});
            let kind = match trigger(&v) {
                Some(Trigger::Event { .. }) => "event",
                Some(Trigger::CartIdle { .. }) => "cart_idle",
                Some(Trigger::ExitIntent) => "exit_intent",
                Some(Trigger::Page { .. }) => "page",
                Some(Trigger::BrowseAbandon { .. }) => "browse_abandon",
                Some(Trigger::ReplenishmentDue { .. }) => "replenishment_due",
                Some(Trigger::SeasonalHabit) => "seasonal_habit",
                Some(Trigger::PostPurchase { .. }) => "post_purchase",
                Some(Trigger::Returning) => "returning",
                Some(Trigger::Always) => "always",
                None => "none",
            };
            assert_eq!(kind, tag);
        }
        assert!(trigger(&crate::json!({"type": "never"})).is_none());
    }
}
