//! Rules compiled for evaluation: typed, with every condition compiled once and every
//! date parsed once. Built only from a document `problems` found nothing wrong with,
//! so reading it cannot fail; defaults are the documented ones.

use super::product::{product_fields, reads_only_product, ProductCondition};
use super::spec::parse_datetime;
use super::Condition;
use crate::error::join;
use crate::logic::dates::DAY_MS;
use crate::logic::Logic;
use crate::template::Piece;
use serde_json::Value;

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
    /// The `product.*` fields its visitor-reading filters and boosts read (`product::product_fields`).
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
    pub action: String,
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

#[derive(Default, Clone, Copy)]
pub struct Caps {
    pub per_session: Option<u32>,
    pub per_day: Option<u32>,
    pub lifetime: Option<u32>,
    pub cooldown_ms: f64,
    pub dismiss_cooldown_ms: f64,
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
    pub min_gap_ms: f64,
    /// Quiet time after any dismissal (`caps.quietAfterDismissMinutes`).
    pub quiet_after_dismiss_ms: f64,
    pub slots: Vec<Slot>,
    pub campaigns: Vec<Campaign>,
}

fn f(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn texts(v: Option<&Value>) -> Vec<(String, String)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, t)| Some((k.clone(), t.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn templates(v: Option<&Value>) -> Vec<(String, Vec<Piece>)> {
    texts(v)
        .into_iter()
        .map(|(lang, t)| (lang, crate::template::parse(&t).unwrap_or_default()))
        .collect()
}

fn cond(v: &Value, path: String) -> Option<Condition> {
    let checked = super::vocabulary::check(v, super::vocabulary::Scope::at(&path), &path);
    // Indexed against the visitor context's names: a campaign condition reads its values
    // by index (slot conditions run over other data and read by name).
    Logic::compile(&checked.condition)
        .ok()
        .map(|logic| Condition {
            logic: logic.index(&super::vocabulary::CONTEXT),
            path,
        })
}

fn tweak(v: &Value, path: &str) -> Tweak {
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
    for (i, json) in list("filters").iter().enumerate() {
        let Some(c) = cond(json, join(&join(path, "filters"), i)) else {
            continue;
        };
        if reads_only_product(json) {
            t.product_filters
                .push(ProductCondition::new(c, product_fields(json)));
        } else {
            t.product_fields |= product_fields(json);
            t.filters.push(c);
        }
    }
    for (i, b) in list("boosts").iter().enumerate() {
        let (Some(json), Some(weight)) = (b.get("when"), f(b, "weight")) else {
            continue;
        };
        let Some(when) = cond(json, join(&join(&join(path, "boosts"), i), "when")) else {
            continue;
        };
        if reads_only_product(json) {
            t.product_boosts.push((
                ProductCondition::new(when, product_fields(json)),
                weight as f32,
            ));
        } else {
            t.product_fields |= product_fields(json);
            t.boosts.push(Boost {
                when,
                weight: weight as f32,
            });
        }
    }
    t
}

fn tweaks(v: Option<&Value>, path: &str) -> Vec<(String, Tweak)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, t)| (k.clone(), tweak(t, &join(path, k))))
                .collect()
        })
        .unwrap_or_default()
}

fn caps(v: Option<&Value>) -> Caps {
    let Some(v) = v else { return Caps::default() };
    let n = |k: &str| f(v, k).map(|x| x as u32);
    Caps {
        per_session: n("perSession"),
        per_day: n("perDay"),
        lifetime: n("lifetime"),
        cooldown_ms: f(v, "cooldownMinutes").unwrap_or(0.0) * MINUTE_MS,
        dismiss_cooldown_ms: f(v, "dismissCooldownMinutes").unwrap_or(0.0) * MINUTE_MS,
    }
}

fn prompt(v: Option<&Value>) -> Option<PromptSpec> {
    let v = v?;
    Some(PromptSpec {
        text: templates(v.get("text")),
        cta: v.get("cta").map(|c| {
            (
                templates(c.get("label")),
                s(c, "url").unwrap_or_default().to_string(),
            )
        }),
        action: super::CTA
            .str_or_preset(v.get("cta").unwrap_or(&Value::Null), "action")
            .to_string(),
        products: s(v, "products")
            .and_then(crate::names::ProductSource::from_name)
            .unwrap_or(crate::names::ProductSource::None),
        products_category: s(v, "productsCategory").map(String::from),
        voucher: s(v, "voucher").map(String::from),
    })
}

fn trigger(v: &Value) -> Trigger {
    match s(v, "type").unwrap_or("always") {
        "event" => Trigger::Event {
            event: s(v, "event").unwrap_or_default().to_string(),
            within_ms: super::T_EVENT.num_or_preset(v, "withinMinutes") * MINUTE_MS,
        },
        "cart_idle" => Trigger::CartIdle {
            idle_ms: f(v, "minutes").unwrap_or(0.0) * MINUTE_MS,
        },
        "exit_intent" => Trigger::ExitIntent,
        "page" => Trigger::Page {
            page: s(v, "page").unwrap_or_default().to_string(),
        },
        "browse_abandon" => Trigger::BrowseAbandon {
            views: f(v, "views").unwrap_or(1.0) as u32,
            category: s(v, "category").map(String::from),
        },
        "replenishment_due" => Trigger::ReplenishmentDue {
            within_days: super::T_REPLENISH.num_or_preset(v, "withinDays"),
        },
        "seasonal_habit" => Trigger::SeasonalHabit,
        "post_purchase" => Trigger::PostPurchase {
            category: s(v, "category").unwrap_or_default().to_string(),
            within_ms: f(v, "withinDays").unwrap_or(0.0) * DAY_MS,
        },
        "returning" => Trigger::Returning,
        "always" => Trigger::Always,
        // `validate` admits only the tags of `TRIGGERS`, each matched above.
        other => unreachable!("trigger type {other} passed validation without a compiled form"),
    }
}

impl Rules {
    /// Compiles a document that `super::problems` accepted.
    pub fn from_valid(v: &Value) -> Rules {
        let slots = v.get("slots").and_then(Value::as_object);
        let campaigns = v
            .get("campaigns")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        Rules {
            utc_offset_ms: f(v, "utcOffsetMinutes").unwrap_or(0.0) * MINUTE_MS,
            caps: caps(v.get("caps")),
            min_gap_ms: v
                .get("caps")
                .and_then(|c| f(c, "minGapMinutes"))
                .unwrap_or(0.0)
                * MINUTE_MS,
            quiet_after_dismiss_ms: super::GLOBAL_CAPS.num_or_preset(
                v.get("caps").unwrap_or(&Value::Null),
                "quietAfterDismissMinutes",
            ) * MINUTE_MS,
            slots: slots
                .into_iter()
                .flatten()
                .map(|(name, sv)| {
                    let d = sv.get("diversity");
                    let per = |k: &str| d.and_then(|d| f(d, k)).map(|x| x as usize);
                    Slot {
                        name: name.clone(),
                        strategy: s(sv, "strategy").unwrap_or("for_you").to_string(),
                        limit: f(sv, "limit").map(|x| x as u32),
                        tweak: tweak(sv, &join("/slots", name)),
                        max_per_category: per("maxPerCategory"),
                        max_per_brand: per("maxPerBrand"),
                        max_share: d.and_then(|d| f(d, "maxShare")),
                        repeat_viewed: d
                            .and_then(|d| d.get("repeatViewed"))
                            .and_then(Value::as_bool),
                    }
                })
                .collect(),
            campaigns: campaigns
                .iter()
                .enumerate()
                .map(|(i, c)| campaign(c, join("/campaigns", i)))
                .collect(),
        }
    }

    pub fn slot(&self, name: &str) -> Option<&Slot> {
        self.slots.iter().find(|s| s.name == name)
    }

    pub fn campaign(&self, id: &str) -> Option<&Campaign> {
        self.campaigns.iter().find(|c| c.id == id)
    }
}

fn campaign(c: &Value, path: String) -> Campaign {
    let when_path = join(&path, "when");
    let when_parts = match c
        .get("when")
        .and_then(|w| w.get("and"))
        .and_then(Value::as_array)
    {
        Some(parts) => parts
            .iter()
            .enumerate()
            .filter_map(|(k, p)| cond(p, join(&join(&when_path, "and"), k)))
            .collect(),
        None => Vec::new(),
    };
    let at = |k: &str| {
        c.get("schedule")
            .and_then(|sc| s(sc, k))
            .and_then(parse_datetime)
    };
    Campaign {
        id: s(c, "id").unwrap_or_default().to_string(),
        name: s(c, "name").map(String::from),
        priority: f(c, "priority").unwrap_or(0.0) as i64,
        trigger: trigger(c.get("trigger").unwrap_or(&Value::Null)),
        when: c.get("when").and_then(|w| cond(w, when_path.clone())),
        when_parts,
        from: at("from"),
        to: at("to"),
        caps: caps(c.get("caps")),
        prompt: prompt(c.get("prompt")),
        slots: tweaks(c.get("slots"), &join(&path, "slots")),
        variants: c
            .get("variants")
            .and_then(Value::as_array)
            .map(|vs| {
                vs.iter()
                    .enumerate()
                    .map(|(k, v)| Variant {
                        id: s(v, "id").unwrap_or_default().to_string(),
                        weight: f(v, "weight").unwrap_or(0.0),
                        prompt: prompt(v.get("prompt")),
                        slots: v.get("slots").map(|sl| {
                            tweaks(Some(sl), &join(&join(&join(&path, "variants"), k), "slots"))
                        }),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        holdout: f(c, "holdout").unwrap_or(0.0),
        attribution_ms: super::CAMPAIGN.num_or_preset(c, "attributionHours") * 3_600_000.0,
        path,
    }
}
