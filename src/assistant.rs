//! Prompts: what the assistant says when a campaign acts — its text in the visitor's
//! language (plain and HTML-escaped), its button, the products it shows and why.
//! Depends on `rules` (the prompt spec) and `scoring` (to choose products).

use crate::rules::{Campaign, PromptSpec, Trigger};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cta {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Prompt {
    pub id: String,
    pub campaign_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub text: String,
    pub html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cta: Option<Cta>,
    pub product_ids: Vec<String>,
    pub reason: crate::engine::Reason,
    pub priority: i64,
}

/// Escapes text for use inside HTML elements and quoted attributes.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The text for `lang`, else English, else the first one written.
pub fn pick<'a>(texts: &'a [(String, String)], lang: &str) -> &'a str {
    texts
        .iter()
        .find(|(l, _)| l == lang)
        .or_else(|| texts.iter().find(|(l, _)| l == "en"))
        .or(texts.first())
        .map(|(_, t)| t.as_str())
        .unwrap_or_default()
}

/// Reason code and text of a campaign's prompt, from what triggered it.
pub fn reason(c: &Campaign, lang: &str) -> crate::engine::Reason {
    let tr = lang == "tr";
    let (code, en, tr_text) = match c.trigger {
        Trigger::CartIdle { .. } | Trigger::ExitIntent => ("cart_abandonment", "Items are waiting in your cart", "Sepetinizde ürünler sizi bekliyor"),
        Trigger::BrowseAbandon { .. } => ("browse_abandonment", "Picked from what you browsed", "Baktığınız ürünlerden seçildi"),
        Trigger::ReplenishmentDue { .. } => ("replenishment", "Time to restock what you buy regularly", "Düzenli aldığınız ürünü yenileme zamanı"),
        Trigger::SeasonalHabit => ("seasonal", "You usually shop for this at this time of year", "Yılın bu zamanında bunu alıyorsunuz"),
        Trigger::PostPurchase { .. } => ("cross_sell", "Goes with your recent purchase", "Son alışverişinizle uyumlu"),
        Trigger::Returning => ("welcome_back", "Welcome back", "Tekrar hoş geldiniz"),
        Trigger::Event { .. } | Trigger::Page { .. } | Trigger::Always => ("campaign", "A campaign for you", "Size özel kampanya"),
    };
    crate::engine::Reason { code, text: if tr { tr_text } else { en }.to_string() }
}

pub fn build(c: &Campaign, arm: &str, spec: &PromptSpec, lang: &str, product_ids: Vec<String>) -> Prompt {
    let text = pick(&spec.text, lang).to_string();
    Prompt {
        id: format!("{}:{arm}", c.id),
        campaign_id: c.id.clone(),
        variant: (arm != "default").then(|| arm.to_string()),
        html: escape_html(&text),
        text,
        cta: spec.cta.as_ref().map(|(label, url)| Cta { label: pick(label, lang).to_string(), url: url.clone() }),
        product_ids,
        reason: reason(c, lang),
        priority: c.priority,
    }
}
