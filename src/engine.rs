//! The engine facade: owns the catalog, profile, visitor state and scorer, and answers
//! the calls of API.md with plain Rust values. Knows nothing of JavaScript or storage
//! APIs: the platform layer saves what `snapshot` returns and feeds back `restore`.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::json::Obj;
use crate::profile::Profile;
use crate::reasons::Lang;
use crate::scoring::{Scorer, Signals, Strategy, MAX_LIMIT};
use crate::visitor::VisitorState;
use serde::Serialize;
use serde_json::{json, Value};

/// Version of the stored visitor document; older or newer ones are reset, not guessed at.
pub const STORAGE_VERSION: u32 = 1;
/// Largest stored document accepted back.
pub const MAX_STORED_BYTES: usize = 512 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consent {
    pub personalization: bool,
    pub messaging: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub code: &'static str,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Recommendation {
    pub product_id: String,
    pub score: f32,
    pub slot: String,
    pub reason: Reason,
}

pub struct Engine {
    catalog: Catalog,
    profile: Option<Profile>,
    state: VisitorState,
    consent: Consent,
    lang: Lang,
    scorer: Scorer,
}

fn consent_from(v: Option<Obj>, base: Consent) -> Result<Consent> {
    let Some(o) = v else { return Ok(base) };
    Ok(Consent {
        personalization: o.opt_bool("personalization")?.unwrap_or(base.personalization),
        messaging: o.opt_bool("messaging")?.unwrap_or(base.messaging),
    })
}

impl Engine {
    /// `options` is API.md's Options without its functions (`now`) and platform parts
    /// (`storage`, `storageKey`, `sync`), which the platform layer reads.
    pub fn new(options: &Value) -> Result<Engine> {
        let o = Obj::new(options, "", "invalid_options")?;
        let catalog = Catalog::from_json(o.get("catalog").ok_or_else(|| o.err("catalog", "is required"))?).map_err(|e| nest(e, "/catalog"))?;
        let profile = o.get("profile").map(Profile::from_json).transpose().map_err(|e| nest(e, "/profile"))?;
        if let Some(rules) = o.get("rules") {
            crate::rules::validate(rules).map_err(|e| nest(e, "/rules"))?;
        }
        let all = Consent { personalization: true, messaging: true };
        Ok(Engine {
            catalog,
            profile,
            state: VisitorState::default(),
            consent: consent_from(o.opt_obj("consent")?, all)?,
            lang: Lang::from_locale(o.opt_str("locale")?.unwrap_or("en")),
            scorer: Scorer::default(),
        })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    pub fn consent(&self) -> Consent {
        self.consent
    }

    /// Validates and applies an event; returns it in canonical form for other tabs.
    pub fn track(&mut self, event: &Value, now: f64) -> Result<Event> {
        let event = Event::from_json(event, now)?;
        for (id, path) in event.product_refs() {
            if self.catalog.index(id).is_none() {
                return Err(Error::at("unknown_product", path, format!("no product \"{id}\" in the catalog")));
            }
        }
        self.state.apply(&event, &self.catalog, self.consent.personalization);
        Ok(event)
    }

    pub fn recommend(&mut self, slot: &str, product_id: Option<&str>, limit: Option<u32>, now: f64) -> Result<Vec<Recommendation>> {
        let strategy = Strategy::from_name(slot).ok_or_else(|| {
            let names: Vec<&str> = Strategy::ALL.iter().map(|(n, _)| *n).collect();
            Error::at("unknown_slot", "/slot", format!("unknown slot \"{slot}\"; built-in slots are {}", names.join(", ")))
        })?;
        let limit = limit.unwrap_or(10) as usize;
        if limit == 0 || limit > MAX_LIMIT {
            return Err(Error::at("invalid_argument", "/limit", format!("limit must be between 1 and {MAX_LIMIT}")));
        }
        let product = match product_id {
            Some(id) => Some(self.catalog.index(id).ok_or_else(|| Error::at("unknown_product", "/productId", format!("no product \"{id}\" in the catalog")))?),
            None if strategy == Strategy::Similar => return Err(Error::at("invalid_argument", "/productId", "the similar slot needs a productId")),
            None => None,
        };
        let signals = Signals {
            catalog: &self.catalog,
            state: &self.state,
            profile: self.profile.as_ref().filter(|_| self.consent.personalization),
            now,
            personal: self.consent.personalization,
            lang: self.lang,
        };
        let picks = self.scorer.recommend(&signals, strategy, product, limit);
        Ok(picks
            .into_iter()
            .map(|p| Recommendation {
                product_id: self.catalog.id(p.ix).to_string(),
                score: p.score,
                slot: slot.to_string(),
                reason: Reason { code: p.why.code(), text: p.text },
            })
            .collect())
    }

    /// API.md `state()`: what vitrin holds about the visitor, for the page to show.
    pub fn state(&self) -> Value {
        let s = &self.state;
        let mut viewed: Vec<&str> = Vec::new();
        for v in &s.recently_viewed {
            if !viewed.contains(&v.product_id.as_str()) {
                viewed.push(&v.product_id);
            }
        }
        json!({
            "cart": s.cart.iter().map(|l| json!({"productId": l.product_id, "quantity": l.quantity})).collect::<Vec<_>>(),
            "recentlyViewed": viewed,
            "purchases": s.purchases.iter().map(|b| json!({"productId": b.product_id, "orderId": b.order_id, "quantity": b.quantity, "at": b.at})).collect::<Vec<_>>(),
            "searches": s.searches,
            "page": s.page,
            "sessionCount": s.session_count,
            "consent": {"personalization": self.consent.personalization, "messaging": self.consent.messaging},
        })
    }

    pub fn set_catalog(&mut self, catalog: &Value) -> Result<()> {
        self.catalog = Catalog::from_json(catalog)?;
        Ok(())
    }

    pub fn set_profile(&mut self, profile: &Value) -> Result<()> {
        self.profile = Some(Profile::from_json(profile)?);
        Ok(())
    }

    pub fn set_rules(&mut self, rules: &Value) -> Result<()> {
        crate::rules::validate(rules)
    }

    /// Withdrawing personalization consent also drops the history held in memory;
    /// the platform layer erases storage.
    pub fn set_consent(&mut self, consent: &Value) -> Result<Consent> {
        self.consent = consent_from(Some(Obj::new(consent, "", "invalid_consent")?), self.consent)?;
        if !self.consent.personalization {
            let cart = std::mem::take(&mut self.state.cart);
            self.state = VisitorState { cart, ..VisitorState::default() };
        }
        Ok(self.consent)
    }

    /// The document to store, or `None` when consent forbids storing.
    pub fn snapshot(&self) -> Option<String> {
        self.consent.personalization.then(|| json!({"v": STORAGE_VERSION, "visitor": self.state}).to_string())
    }

    /// Restores a stored document. A corrupt, foreign or other-version one is an error
    /// and leaves the current state as it was.
    pub fn restore(&mut self, text: &str) -> Result<()> {
        let doc = crate::json::parse(text, MAX_STORED_BYTES, "storage_corrupt")?;
        match doc.get("v").and_then(Value::as_u64) {
            Some(v) if v == STORAGE_VERSION as u64 => {}
            Some(v) => return Err(Error::at("storage_version", "/v", format!("stored state has version {v}, this build reads {STORAGE_VERSION}"))),
            None => return Err(Error::at("storage_corrupt", "/v", "stored state is not a vitrin document")),
        }
        self.state = VisitorState::from_json(doc.get("visitor").unwrap_or(&Value::Null))?;
        Ok(())
    }

    /// Applies an event another tab tracked; it was validated there, but this tab's
    /// catalog may differ, so unknown products are skipped rather than trusted.
    pub fn apply_remote(&mut self, event: &Value) -> Result<()> {
        let event = Event::from_json(event, 0.0)?;
        if event.product_refs().iter().all(|(id, _)| self.catalog.index(id).is_some()) {
            self.state.apply(&event, &self.catalog, self.consent.personalization);
        }
        Ok(())
    }

    pub fn forget(&mut self) {
        self.state = VisitorState::default();
        self.profile = None;
    }
}

/// Prefixes the error's paths with where the sub-document sits in the options.
fn nest(mut e: Error, prefix: &str) -> Error {
    e.path = e.path.map(|p| format!("{prefix}{p}"));
    e.errors.iter_mut().for_each(|pe| pe.path = format!("{prefix}{}", pe.path));
    e
}
