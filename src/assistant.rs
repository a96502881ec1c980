//! Prompts: what the assistant says when a campaign acts — its text in the visitor's
//! language (plain and HTML-escaped), its button, the products it shows and why.
//! Depends on `rules` (the prompt spec) and `scoring` (to choose products).

use crate::json;
use crate::jsontext::{fields, WriteJson};
use crate::prelude::*;
use crate::reasons::PromptWhy;
use crate::rules::{Campaign, PromptSpec, Trigger};
use crate::template::{self, Part, Piece, Var};
use crate::value::Value;

/// The button; its label is `Prompt::cta_parts`, rendered by the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Cta {
    pub url: String,
    /// `open` or `add_to_cart` (`rules::CTA_ACTIONS`): what the button does before following `url`.
    pub action: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub id: String,
    pub campaign_id: String,
    pub variant: Option<String>,
    pub cta: Option<Cta>,
    pub product_ids: Vec<String>,
    /// The products with what a prompt shows of them (extra to API.md's `productIds`).
    pub products: Vec<PromptProduct>,
    pub reason: crate::reasons::Reason,
    pub priority: i64,
    /// When the offer ends (ms since the epoch): the schedule's end or the trigger's window.
    pub ends_at: Option<f64>,
    /// The store's offset from UTC, for `core.js` to show dates in the store's zone; it
    /// drops this with the parts.
    pub utc_offset_minutes: f64,
    /// The text as parts: the page formats them with `Intl` into the prompt's `text`, its
    /// escaped `html` and the button's `label`, and drops these. The core renders no text
    /// of its own (`text` is the plain rendering, for hosts without `Intl`).
    pub parts: Vec<Part>,
    pub cta_parts: Option<Vec<Part>>,
}

impl Prompt {
    /// The text in plain words (money as "48.0 TRY", dates in English or Turkish): the
    /// rendering for hosts without `Intl`. The page shows `core.js`'s rendering instead.
    pub fn text(&self, currency: &str, lang: crate::reasons::Lang) -> String {
        template::plain(
            &self.parts,
            currency,
            lang,
            self.utc_offset_minutes * 60_000.0,
        )
    }
}

impl WriteJson for Cta {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("action", &self.action)
            .field("url", &self.url)
            .end()
    }
}

/// The page's `Prompt` (camelCase; absent options left out).
impl WriteJson for Prompt {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .field("campaignId", &self.campaign_id)
            .opt("cta", &self.cta)
            .opt("ctaParts", &self.cta_parts)
            .opt("endsAt", &self.ends_at)
            .field("id", &self.id)
            .field("parts", &self.parts)
            .field("priority", &self.priority)
            .field("productIds", &self.product_ids)
            .field("products", &self.products)
            .field("reason", &self.reason)
            .field("utcOffsetMinutes", &self.utc_offset_minutes)
            .opt("variant", &self.variant)
            .end()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PromptProduct {
    pub id: String,
    pub title: String,
    pub price: f32,
    pub brand: Option<String>,
    /// The product's category as a shopper reads it (the last part of its path).
    pub category: String,
    pub url: Option<String>,
    pub image: Option<String>,
    /// Why this product (complements and replenishment name the purchase behind it).
    pub reason: Option<crate::reasons::Reason>,
}

impl WriteJson for PromptProduct {
    fn write_json(&self, out: &mut String) {
        fields(out)
            .opt("brand", &self.brand)
            .field("category", &self.category)
            .field("id", &self.id)
            .opt("image", &self.image)
            .field("price", &self.price)
            .opt("reason", &self.reason)
            .field("title", &self.title)
            .opt("url", &self.url)
            .end()
    }
}

/// What a prompt's template can say, gathered by the engine.
pub struct Fill<'a> {
    pub name: Option<&'a str>,
    pub cart: (u32, usize, f64),
    pub products: Vec<PromptProduct>,
    pub days: Option<f64>,
    pub ends_at: Option<f64>,
}

/// The template for `lang`, else English, else the first one written.
pub fn pick<'a>(texts: &'a [(String, Vec<Piece>)], lang: &str) -> &'a [Piece] {
    texts
        .iter()
        .find(|(l, _)| l == lang)
        .or_else(|| texts.iter().find(|(l, _)| l == "en"))
        .or(texts.first())
        .map(|(_, t)| t.as_slice())
        .unwrap_or_default()
}

/// Reason code and text of a campaign's prompt, from what triggered it (the engine
/// prefers a reason the products carry: the purchase a complement goes with, a cycle).
pub fn reason(c: &Campaign, lang: &str) -> crate::reasons::Reason {
    let code = match c.trigger {
        Trigger::CartIdle { .. } | Trigger::ExitIntent => PromptWhy::CartAbandonment,
        Trigger::BrowseAbandon { .. } => PromptWhy::BrowseAbandonment,
        Trigger::ReplenishmentDue { .. } => PromptWhy::Replenishment,
        Trigger::SeasonalHabit => PromptWhy::Seasonal,
        Trigger::PostPurchase { .. } => PromptWhy::CrossSell,
        Trigger::Returning => PromptWhy::WelcomeBack,
        Trigger::Event { .. } | Trigger::Page { .. } | Trigger::Always => PromptWhy::Campaign,
    };
    crate::reasons::Reason {
        code: code.name(),
        text: REASONS[usize::from(lang == "tr")][code as usize].to_string(),
    }
}

/// `reason`'s texts, English then Turkish, in `PromptWhy`'s order: a table, not the strings
/// in each arm of the match (wasm size).
const REASONS: [[&str; 7]; 2] = [
    [
        "You put these in your cart",
        "You looked at several of these today",
        "Time to restock what you buy regularly",
        "You usually shop for this at this time of year",
        "Goes with your recent purchase",
        "You looked at these on an earlier visit",
        "A campaign for you",
    ],
    [
        "Bunları sepetinize eklediniz",
        "Bugün bu ürünlerden birkaçına baktınız",
        "Düzenli aldığınız ürünü yenileme zamanı",
        "Yılın bu zamanında bunu alıyorsunuz",
        "Son alışverişinizle uyumlu",
        "Önceki ziyaretinizde bunlara baktınız",
        "Size özel kampanya",
    ],
];

pub fn build(
    c: &Campaign,
    arm: &str,
    spec: &PromptSpec,
    lang: &str,
    fill: Fill,
    reason: crate::reasons::Reason,
    utc_offset_ms: f64,
) -> Prompt {
    let first = fill.products.first();
    let values = |var: Var| -> Value {
        match var {
            Var::Name => fill.name.map_or(Value::Null, |n| json!(n)),
            Var::Voucher => spec.voucher.as_ref().map_or(Value::Null, |v| json!(v)),
            Var::EndsAt => fill.ends_at.map_or(Value::Null, |t| json!(t)),
            Var::Campaign => json!(c.name.as_deref().unwrap_or(&c.id)),
            Var::CartCount => json!(fill.cart.0),
            Var::CartLines => json!(fill.cart.1),
            Var::CartValue => json!(fill.cart.2),
            Var::ProductTitle => first.map_or(Value::Null, |p| json!(p.title)),
            Var::ProductPrice => first.map_or(Value::Null, |p| json!(p.price)),
            Var::ProductBrand => first
                .and_then(|p| p.brand.as_ref())
                .map_or(Value::Null, |b| json!(b)),
            Var::ProductCategory => first.map_or(Value::Null, |p| json!(p.category)),
            Var::ProductsCount => json!(fill.products.len()),
            Var::Days => fill.days.map_or(Value::Null, |d| json!(d.round())),
        }
    };
    let parts = template::render(pick(&spec.text, lang), &values);
    let cta_parts = spec
        .cta
        .as_ref()
        .map(|(label, _)| template::render(pick(label, lang), &values));
    Prompt {
        id: crate::cat!(c.id, ":", arm),
        campaign_id: c.id.clone(),
        variant: (arm != "default").then(|| arm.to_string()),
        cta: spec.cta.as_ref().map(|(_, url)| Cta {
            url: url.clone(),
            action: spec.action,
        }),
        product_ids: fill.products.iter().map(|p| p.id.clone()).collect(),
        products: fill.products,
        reason,
        priority: c.priority,
        ends_at: fill.ends_at,
        utc_offset_minutes: utc_offset_ms / 60_000.0,
        parts,
        cta_parts,
    }
}
