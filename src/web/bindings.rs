//! The only code that knows JavaScript: wasm-bindgen exports that take JSON text and
//! primitives, call the engine, and return JSON text or throw the error's JSON (the
//! package's `core.js` turns it into a `VitrinError`). wasm32 only.

use super::platform::Store;
use crate::catalog::Packed;
use crate::engine::Engine;
use crate::error::Error;
use crate::json::{parse, Obj};
use crate::jsontext::{fields, list, text, to_text};
use crate::prelude::*;
use crate::rules::MAX_RULES_BYTES;
use crate::session::{Effect, Session};
use crate::value::Value;
use wasm_bindgen::prelude::*;

/// Largest JSON document accepted from the page (a 100k-product catalog with its
/// embeddings written as JSON numbers is about 60–150 MB; the wrapper passes them packed).
const MAX_INPUT: usize = 128 * 1024 * 1024;

fn fail(e: Error) -> JsValue {
    JsValue::from_str(&e.to_json())
}

fn input(text: &str, code: &'static str) -> Result<Value, JsValue> {
    parse(text, MAX_INPUT, code).map_err(fail)
}

/// The catalog's embeddings as the wrapper passed them: a `VTE1` table, or floats.
fn packed<'a>(
    table: &'a Option<Vec<u8>>,
    rows: &'a Option<Vec<f32>>,
    dim: u32,
) -> Option<Packed<'a>> {
    match (table, rows) {
        (Some(bytes), _) => Some(Packed::Table(bytes)),
        (None, Some(rows)) => Some(Packed::Floats {
            dim: dim as usize,
            rows,
        }),
        (None, None) => None,
    }
}

/// JSON passed as UTF-8 bytes: for documents as large as a catalog, encoding them in JS
/// (`TextEncoder`) is several times faster than passing a string.
fn input_bytes(bytes: &[u8], code: &'static str) -> Result<Value, JsValue> {
    core::str::from_utf8(bytes)
        .map_err(|e| fail(Error::at(code, "", crate::cat!("not UTF-8: ", e))))
        .and_then(|text| input(text, code))
}

fn clock(now: f64) -> Result<f64, JsValue> {
    if now.is_finite() && now >= 0.0 {
        Ok(now)
    } else {
        Err(fail(Error::new(
            "invalid_clock",
            crate::cat!(
                "now() must return milliseconds since the epoch, got ",
                crate::json::num(now)
            ),
        )))
    }
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

#[wasm_bindgen(js_name = validateRules)]
pub fn validate_rules(rules: &str) -> String {
    let (ok, errors, warnings) = match parse(rules, MAX_RULES_BYTES, "invalid_rules") {
        Ok(doc) => {
            let found = crate::rules::read(&doc).1;
            (found.errors.is_empty(), found.errors, found.warnings)
        }
        Err(e) => (false, e.into_data().errors, Vec::new()),
    };
    let mut out = String::new();
    let mut o = fields(&mut out);
    o.field("errors", &errors).field("ok", &ok);
    // Only when there are some, so the answer to a clean document stays `{ ok, errors }`.
    if !warnings.is_empty() {
        o.field("warnings", &warnings);
    }
    o.end();
    out
}

/// The core's URL rule (`crate::url`), for `<vitrin-assistant>` and stores drawing their own links.
#[wasm_bindgen(js_name = isSafeUrl)]
pub fn is_safe_url(url: &str) -> bool {
    crate::url::is_safe_url(url)
}

#[wasm_bindgen(js_name = evaluateCondition)]
pub fn evaluate_condition(
    condition: &str,
    data: &str,
    now: f64,
    utc_offset_minutes: f64,
    scope: &str,
) -> Result<String, JsValue> {
    let mut rule = input(condition, "invalid_condition")?;
    crate::logic::set_clock(crate::logic::Clock {
        now,
        utc_offset_ms: utc_offset_minutes * 60_000.0,
    });
    let data = input(data, "invalid_data")?;
    // With a scope, read as the engine reads a campaign's (or slot's) condition.
    if let Some(scope) = crate::rules::vocabulary::Scope::named(scope) {
        let checked = crate::rules::vocabulary::check(&rule, scope, "");
        if !checked.errors.is_empty() {
            return Err(fail(Error::many(
                "invalid_condition",
                "invalid condition",
                checked.errors,
            )));
        }
        rule = checked.condition;
    }
    let logic = crate::logic::Logic::compile(&rule).map_err(|errors| {
        let errors = errors
            .into_iter()
            .map(|e| crate::error::PathError {
                path: e.path,
                message: e.message,
            })
            .collect();
        fail(Error::many(
            "invalid_condition",
            "invalid JsonLogic condition",
            errors,
        ))
    })?;
    let result = logic
        .try_apply(&data)
        .map_err(|e| fail(Error::at("evaluation_limit", &e.path, e.message)))?;
    Ok(text(&result))
}

/// The engine's session and where its visitor is stored. The session decides; this
/// carries out what it asks (`session::Effect`): storage here, tab posts and notices
/// handed to the wrapper (`drain`), which owns the BroadcastChannel.
#[wasm_bindgen]
pub struct RawEngine {
    session: Session,
    store: Store,
    key: String,
    /// Effects for the wrapper: posts to the other tabs, `change` and `error` notices.
    outward: Vec<Effect>,
}

impl RawEngine {
    /// Carries out the session's storage effects now and keeps the rest for `drain`;
    /// answers the session's `Wants` as bits (1 flush, 2 end of task, 4 drain).
    fn settle(&mut self) -> u32 {
        let mut wants = self.session.wants();
        for effect in self.session.drain() {
            let result = match &effect {
                Effect::Store(doc) => self.store.set(&self.key, doc),
                Effect::Erase => self.store.remove_all(&self.key),
                Effect::Discard => {
                    let _ = self.store.remove_all(&self.key);
                    continue;
                }
                _ => {
                    self.outward.push(effect);
                    continue;
                }
            };
            if let Err(e) = result {
                self.outward.push(Effect::Error(e));
            }
        }
        wants.effects = !self.outward.is_empty();
        wants.bits()
    }
}

#[wasm_bindgen]
impl RawEngine {
    /// `options` is UTF-8 JSON (API.md's options, plus `localId`: a fresh random id the
    /// visitor gets when none is stored); `table`, or `embeddings` with `dim`, are the
    /// catalog's embeddings as the wrapper packed them (`catalog::Packed`), or, when
    /// `options` has no catalog, `table` is the binary catalog (`catalog::binary`); `tabs`: the
    /// wrapper has a channel to the other tabs. Call `settle` right after (`wants`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        options: &[u8],
        table: Option<Vec<u8>>,
        embeddings: Option<Vec<f32>>,
        dim: u32,
        tabs: bool,
    ) -> Result<RawEngine, JsValue> {
        let opts = input_bytes(options, "invalid_options")?;
        let o = Obj::new(&opts, "", "invalid_options").map_err(fail)?;
        let kind = o.opt_str("storage").map_err(fail)?.unwrap_or("auto");
        if !matches!(kind, "auto" | "local" | "memory") {
            return Err(fail(o.err("storage", "expected \"local\" or \"memory\"")));
        }
        let key = o
            .opt_str("storageKey")
            .map_err(fail)?
            .unwrap_or("vitrin")
            .to_string();
        let read_only = o.opt_bool("readOnly").map_err(fail)?.unwrap_or(false);
        // Options without a catalog and bytes beside them: the binary catalog.
        let engine = match &table {
            Some(bytes) if o.get("catalog").is_none() => Engine::with_binary(&opts, bytes),
            _ => Engine::with_packed(&opts, packed(&table, &embeddings, dim)),
        }
        .map_err(fail)?;
        let (store, store_err) = Store::open(kind);
        let stored = if engine.consent().personalization {
            store.get(&key)
        } else {
            Ok(None)
        };
        let session = Session::open(engine, stored, tabs, read_only);
        Ok(RawEngine {
            session,
            store,
            key,
            outward: store_err.map(Effect::Error).into_iter().collect(),
        })
    }

    /// What the wrapper should arrange now (bits: 1 flush soon, 2 `endTask` at the end of
    /// the task, 4 `drain`); after calls that answer something else (`recommend`, `prompts`).
    pub fn wants(&mut self) -> u32 {
        self.settle()
    }

    /// The effects for the wrapper, as JSON: `[{"post": text} | {"change": cause} | {"error": {…}}]`.
    pub fn drain(&mut self) -> String {
        let effects = core::mem::take(&mut self.outward);
        let mut out = String::new();
        list(&mut out, &effects, |out, e| {
            let mut o = fields(out);
            match e {
                Effect::Post(msg) => o.field("post", msg),
                Effect::Change(cause) => o.field("change", &cause.name()),
                Effect::Error(e) => o.field("error", e),
                // Carried out in `settle`, never kept for the wrapper.
                Effect::Store(_) | Effect::Erase | Effect::Discard => &mut o,
            }
            .end()
        });
        out
    }

    pub fn track(&mut self, event: &str, now: f64) -> Result<u32, JsValue> {
        #[cfg(feature = "test-panic")]
        assert!(
            !event.contains("\"vitrin-test-panic\""),
            "forced panic (test-panic build)"
        );
        let now = clock(now)?;
        let v = input(event, "invalid_event")?;
        self.session.track(&v, now).map_err(fail)?;
        Ok(self.settle())
    }

    pub fn recommend(
        &mut self,
        slot: &str,
        product_id: Option<String>,
        limit: Option<u32>,
        now: f64,
    ) -> Result<String, JsValue> {
        let now = clock(now)?;
        let recs = self
            .session
            .engine_mut()
            .recommend(slot, product_id.as_deref(), limit, now)
            .map_err(fail)?;
        Ok(to_text(&recs))
    }

    pub fn prompts(&mut self, now: f64) -> Result<String, JsValue> {
        let now = clock(now)?;
        let prompts = self.session.engine_mut().prompts(now);
        Ok(to_text(&prompts))
    }

    /// `action` is `shown`, `dismiss` or `clicked`.
    #[wasm_bindgen(js_name = promptAction)]
    pub fn prompt_action(
        &mut self,
        action: &str,
        prompt_id: &str,
        now: f64,
    ) -> Result<u32, JsValue> {
        let now = clock(now)?;
        self.session
            .prompt_action(action, prompt_id, now)
            .map_err(fail)?;
        Ok(self.settle())
    }

    /// The prompt on screen that stopped being true, as `"<reason> <prompt id>"` (a reason
    /// has no space), or `undefined` while it holds.
    pub fn withdrawal(&mut self, now: f64) -> Result<Option<String>, JsValue> {
        let now = clock(now)?;
        Ok(self
            .session
            .engine_mut()
            .withdrawal(now)
            .map(|(id, reason)| crate::cat!(reason, " ", id)))
    }

    /// Milliseconds since the epoch of the next clock-driven prompt check, or `undefined`.
    #[wasm_bindgen(js_name = nextCheck)]
    pub fn next_check(&self, now: f64) -> Option<f64> {
        self.session.engine().next_check(now)
    }

    pub fn metrics(&self) -> String {
        text(&self.session.engine().metrics())
    }

    pub fn explain(&self, campaign_id: &str, now: f64) -> Result<String, JsValue> {
        let now = clock(now)?;
        self.session
            .engine()
            .explain(campaign_id, now)
            .map_err(fail)
    }

    /// For `cargo xtask bench`: a campaign condition evaluated `iterations` times in the
    /// engine. The bench's build only (feature `bench`, target/pkg-bench/): not in pkg/.
    #[cfg(feature = "bench")]
    #[wasm_bindgen(js_name = benchCondition)]
    pub fn bench_condition(
        &self,
        campaign_id: &str,
        iterations: u32,
        now: f64,
    ) -> Result<u32, JsValue> {
        let now = clock(now)?;
        self.session
            .engine()
            .bench_condition(campaign_id, iterations, now)
            .map_err(fail)
    }

    pub fn state(&self) -> String {
        self.session.engine().state()
    }

    #[wasm_bindgen(js_name = visitorId)]
    pub fn visitor_id(&self) -> String {
        self.session.engine().visitor_id().to_string()
    }

    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(
        &mut self,
        catalog: &[u8],
        table: Option<Vec<u8>>,
        embeddings: Option<Vec<f32>>,
        dim: u32,
    ) -> Result<(), JsValue> {
        let engine = self.session.engine_mut();
        // No JSON and bytes beside it: the binary catalog.
        if let (true, Some(bytes)) = (catalog.is_empty(), &table) {
            let read = crate::catalog::Catalog::from_bytes(bytes).map_err(fail)?;
            engine.replace_catalog(read);
            return Ok(());
        }
        let v = input_bytes(catalog, "invalid_catalog")?;
        engine
            .set_catalog_packed(&v, packed(&table, &embeddings, dim))
            .map_err(fail)
    }

    #[wasm_bindgen(js_name = setProfile)]
    pub fn set_profile(&mut self, profile: &str) -> Result<(), JsValue> {
        let v = input(profile, "invalid_profile")?;
        self.session.engine_mut().set_profile(&v).map_err(fail)
    }

    /// With `skip_invalid`, campaigns with errors are left out (when every error lies in
    /// one); answers what was left out, as JSON.
    #[wasm_bindgen(js_name = setRules)]
    pub fn set_rules(&mut self, rules: &str, skip_invalid: bool) -> Result<String, JsValue> {
        let mut v = parse(rules, MAX_RULES_BYTES, "invalid_rules").map_err(fail)?;
        let mut skipped = Vec::new();
        if skip_invalid {
            match crate::rules::without_invalid_campaigns(&v) {
                Ok((kept, left_out)) => (v, skipped) = (kept, left_out),
                Err(errors) => {
                    return Err(fail(Error::many("invalid_rules", "invalid rules", errors)))
                }
            }
        }
        self.session.engine_mut().set_rules(&v).map_err(fail)?;
        Ok(to_text(&skipped))
    }

    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&mut self, consent: &str) -> Result<u32, JsValue> {
        let v = input(consent, "invalid_consent")?;
        self.session.set_consent(&v).map_err(fail)?;
        Ok(self.settle())
    }

    /// The store names the visitor (its customer id, or its server's id for them).
    pub fn identify(&mut self, visitor_id: &str) -> Result<u32, JsValue> {
        if visitor_id.is_empty() || visitor_id.len() > 256 {
            return Err(fail(Error::at(
                "invalid_argument",
                "",
                "a visitor id is a string of 1 to 256 characters",
            )));
        }
        self.session.identify(visitor_id);
        Ok(self.settle())
    }

    /// The end of the page's task: the changes for the other tabs go as one message.
    #[wasm_bindgen(js_name = endTask)]
    pub fn end_task(&mut self) -> u32 {
        self.session.end_task();
        self.settle()
    }

    /// Writes the visitor document if it changed; called by the wrapper off the hot path.
    pub fn flush(&mut self) -> u32 {
        self.session.flush();
        self.settle()
    }

    /// `new_id`: a fresh random id, the visitor's from now on in every tab.
    pub fn forget(&mut self, new_id: &str) -> u32 {
        self.session.forget(new_id);
        self.settle()
    }

    /// A message another tab posted.
    pub fn receive(&mut self, message: &str) -> u32 {
        self.session.receive(message);
        self.settle()
    }
}
