//! The only code that knows JavaScript: wasm-bindgen exports that take JSON text and
//! primitives, call the engine, and return JSON text or throw the error's JSON (the
//! package's `core.js` turns it into a `VitrinError`). wasm32 only.

use crate::catalog::Packed;
use crate::engine::Engine;
use crate::events::Event;
use crate::error::Error;
use crate::json::{parse, Obj};
use super::platform::{Store, Tabs};
use crate::rules::MAX_RULES_BYTES;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
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
fn packed<'a>(table: &'a Option<Vec<u8>>, rows: &'a Option<Vec<f32>>, dim: u32) -> Option<Packed<'a>> {
    match (table, rows) {
        (Some(bytes), _) => Some(Packed::Table(bytes)),
        (None, Some(rows)) => Some(Packed::Floats { dim: dim as usize, rows }),
        (None, None) => None,
    }
}

/// JSON passed as UTF-8 bytes: for documents as large as a catalog, encoding them in JS
/// (`TextEncoder`) is several times faster than passing a string.
fn input_bytes(bytes: &[u8], code: &'static str) -> Result<Value, JsValue> {
    std::str::from_utf8(bytes).map_err(|e| fail(Error::at(code, "", format!("not UTF-8: {e}")))).and_then(|text| input(text, code))
}

fn clock(now: f64) -> Result<f64, JsValue> {
    if now.is_finite() && now >= 0.0 {
        Ok(now)
    } else {
        Err(fail(Error::new("invalid_clock", format!("now() must return milliseconds since the epoch, got {}", crate::json::num(now)))))
    }
}

#[wasm_bindgen]
pub fn version() -> String {
    crate::VERSION.to_string()
}

#[wasm_bindgen(js_name = validateRules)]
pub fn validate_rules(rules: &str) -> String {
    let doc = match parse(rules, MAX_RULES_BYTES, "invalid_rules") {
        Ok(doc) => doc,
        Err(e) => return json!({"ok": false, "errors": e.errors}).to_string(),
    };
    let mut out = match crate::rules::validate(&doc) {
        Ok(()) => json!({"ok": true, "errors": []}),
        Err(e) => json!({"ok": false, "errors": e.errors}),
    };
    // Only when there are some, so the answer to a clean document stays `{ ok, errors }`.
    let warnings = crate::rules::warnings(&doc);
    if !warnings.is_empty() {
        out["warnings"] = json!(warnings);
    }
    out.to_string()
}

/// The core's URL rule (`crate::url`), for `<vitrin-assistant>` and stores drawing their own links.
#[wasm_bindgen(js_name = isSafeUrl)]
pub fn is_safe_url(url: &str) -> bool {
    crate::url::is_safe_url(url)
}

#[wasm_bindgen(js_name = evaluateCondition)]
pub fn evaluate_condition(condition: &str, data: &str, now: f64, utc_offset_minutes: f64, scope: &str) -> Result<String, JsValue> {
    let mut rule = input(condition, "invalid_condition")?;
    crate::logic::set_clock(crate::logic::Clock { now, utc_offset_ms: utc_offset_minutes * 60_000.0 });
    let data = input(data, "invalid_data")?;
    // With a scope, read as the engine reads a campaign's (or slot's) condition.
    if let Some(scope) = crate::rules::vocabulary::Scope::named(scope) {
        let checked = crate::rules::vocabulary::check(&rule, scope, "");
        if !checked.errors.is_empty() {
            return Err(fail(Error::many("invalid_condition", "invalid condition", checked.errors)));
        }
        rule = checked.condition;
    }
    let logic = crate::logic::Logic::compile(&rule).map_err(|errors| {
        let errors = errors.into_iter().map(|e| crate::error::PathError { path: e.path, message: e.message }).collect();
        fail(Error::many("invalid_condition", "invalid JsonLogic condition", errors))
    })?;
    let result = logic.try_apply(&data).map_err(|e| fail(Error::at("evaluation_limit", &e.path, e.message)))?;
    Ok(result.to_string())
}

/// A change other tabs must apply, held until the next flush.
enum Outgoing {
    Event(Event),
    Prompt { action: String, id: String, at: f64 },
}

struct Inner {
    engine: Engine,
    store: Store,
    key: String,
    tabs: Option<Tabs>,
    /// Changes for the other tabs, in the order they happened, posted as one message at the
    /// end of the current task (`postTabs`, from a microtask): a `postMessage` per `track`
    /// would cost more than the event itself.
    outbox: Vec<Outgoing>,
    emit: js_sys::Function,
    dirty: bool,
    /// Set when the stored value was damaged and this tab started clean: it asked the open
    /// tabs for their state (`hello`) and keeps its own events until one answers, so it
    /// does not go on from, and store, a state that lost the visitor's cart.
    asking: Option<Vec<Event>>,
    /// `readOnly`: follows the stored state and the other tabs, never writes or posts (a
    /// preview, such as the rules playground's, must not record into the visitor's state).
    read_only: bool,
}

/// Events a tab waiting for another's state keeps; beyond this no tab is answering.
const MAX_ASKING: usize = 256;

impl Inner {
    fn emit(&self, kind: &str, payload: &str) {
        // The wrapper's emitter only queues; it cannot throw back into the engine.
        let _ = self.emit.call2(&JsValue::NULL, &JsValue::from_str(kind), &JsValue::from_str(payload));
    }

    /// Queues a change for the other tabs; the first of a task asks the wrapper for `postTabs`.
    fn send(&mut self, change: Outgoing) {
        if self.read_only {
            return;
        }
        if let (Some(kept), Outgoing::Event(e)) = (&mut self.asking, &change) {
            kept.push(e.clone());
            if kept.len() > MAX_ASKING {
                self.asking = None;
            }
        }
        if self.tabs.is_some() {
            if self.outbox.is_empty() {
                self.emit("outbox", "");
            }
            self.outbox.push(change);
        }
    }

    fn post_tabs(&mut self) {
        let outbox = std::mem::take(&mut self.outbox);
        let Some(tabs) = self.tabs.as_ref().filter(|_| !outbox.is_empty()) else { return };
        let messages: Vec<Value> = outbox
            .into_iter()
            .map(|m| match m {
                Outgoing::Event(e) => json!({"kind": "event", "event": e.to_json()}),
                Outgoing::Prompt { action, id, at } => json!({"kind": "prompt", "action": action, "id": id, "at": at}),
            })
            .collect();
        tabs.post(&json!({"kind": "batch", "messages": messages}).to_string());
    }

    fn changed(&mut self) {
        if !self.dirty && !self.read_only {
            self.dirty = true;
            self.emit("dirty", "");
        }
    }

    /// Loads the stored visitor; damaged data is removed and reported, never thrown.
    fn load(&mut self) {
        let stored = match self.store.get(&self.key) {
            Ok(v) => v,
            Err(e) => return self.emit("error", &e.to_json()),
        };
        if let Some(text) = stored {
            if let Err(e) = self.engine.restore(&text) {
                self.emit("error", &e.to_json());
                if !self.read_only {
                    let _ = self.store.remove_all(&self.key);
                    self.asking = Some(Vec::new());
                }
            }
        }
    }
}

#[wasm_bindgen]
pub struct RawEngine {
    inner: Rc<RefCell<Inner>>,
}

#[wasm_bindgen]
impl RawEngine {
    /// `emit(kind, payload)` receives "error" (error JSON), "dirty" (call `flush` soon), "outbox" (call `postTabs` at the end of the task)
    /// and "change" (another tab changed the visitor).
    /// `options` is UTF-8 JSON; `table`, or `embeddings` with `dim`, are the catalog's
    /// embeddings as the wrapper packed them (`catalog::Packed`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: &[u8], emit: js_sys::Function, table: Option<Vec<u8>>, embeddings: Option<Vec<f32>>, dim: u32) -> Result<RawEngine, JsValue> {
        let opts = input_bytes(options, "invalid_options")?;
        let o = Obj::new(&opts, "", "invalid_options").map_err(fail)?;
        let kind = o.opt_str("storage").map_err(fail)?.unwrap_or("auto");
        if !matches!(kind, "auto" | "local" | "memory") {
            return Err(fail(o.err("storage", "expected \"local\" or \"memory\"")));
        }
        let key = o.opt_str("storageKey").map_err(fail)?.unwrap_or("vitrin").to_string();
        let read_only = o.opt_bool("readOnly").map_err(fail)?.unwrap_or(false);
        let engine = Engine::with_packed(&opts, packed(&table, &embeddings, dim)).map_err(fail)?;
        let (store, store_err) = Store::open(kind);
        let inner = Rc::new(RefCell::new(Inner { engine, store, key: key.clone(), tabs: None, outbox: Vec::new(), emit, dirty: false, asking: None, read_only }));
        {
            let mut i = inner.borrow_mut();
            if let Some(e) = store_err {
                i.emit("error", &e.to_json());
            }
            if i.engine.consent().personalization {
                i.load();
            }
        }
        let weak: Weak<RefCell<Inner>> = Rc::downgrade(&inner);
        let tabs = Tabs::open(&key, move |msg| {
            let Some(rc) = weak.upgrade() else { return };
            let Ok(mut i) = rc.try_borrow_mut() else { return };
            i.on_tab_message(&msg);
        });
        {
            let mut i = inner.borrow_mut();
            match (&tabs, i.asking.is_some()) {
                (Some(t), true) => t.post(r#"{"kind":"hello"}"#),
                _ => i.asking = None,
            }
            i.tabs = tabs;
        }
        Ok(RawEngine { inner })
    }

    pub fn track(&self, event: &str, now: f64) -> Result<(), JsValue> {
        #[cfg(feature = "test-panic")]
        assert!(!event.contains("\"vitrin-test-panic\""), "forced panic (test-panic build)");
        let now = clock(now)?;
        let v = input(event, "invalid_event")?;
        let mut i = self.inner.borrow_mut();
        let event = i.engine.track(&v, now).map_err(fail)?;
        i.send(Outgoing::Event(event));
        i.changed();
        Ok(())
    }

    pub fn recommend(&self, slot: &str, product_id: Option<String>, limit: Option<u32>, now: f64) -> Result<String, JsValue> {
        let now = clock(now)?;
        let recs = self.inner.borrow_mut().engine.recommend(slot, product_id.as_deref(), limit, now).map_err(fail)?;
        Ok(serde_json::to_string(&recs).unwrap_or_else(|_| "[]".into()))
    }

    pub fn prompts(&self, now: f64) -> Result<String, JsValue> {
        let now = clock(now)?;
        let mut i = self.inner.borrow_mut();
        let prompts = i.engine.prompts(now);
        // Showing nothing can still record a holdout exposure.
        if i.engine.take_recorded() {
            i.changed();
        }
        Ok(serde_json::to_string(&prompts).unwrap_or_else(|_| "[]".into()))
    }

    /// `action` is `shown`, `dismiss` or `clicked`.
    #[wasm_bindgen(js_name = promptAction)]
    pub fn prompt_action(&self, action: &str, prompt_id: &str, now: f64) -> Result<(), JsValue> {
        let now = clock(now)?;
        let mut i = self.inner.borrow_mut();
        i.engine.prompt_action(action, prompt_id, now).map_err(fail)?;
        i.send(Outgoing::Prompt { action: action.to_string(), id: prompt_id.to_string(), at: now });
        i.changed();
        Ok(())
    }

    /// Milliseconds since the epoch of the next clock-driven prompt check, or `undefined`.
    #[wasm_bindgen(js_name = nextCheck)]
    pub fn next_check(&self, now: f64) -> Option<f64> {
        self.inner.borrow().engine.next_check(now)
    }

    pub fn metrics(&self) -> String {
        self.inner.borrow().engine.metrics().to_string()
    }

    pub fn explain(&self, campaign_id: &str, now: f64) -> Result<String, JsValue> {
        let now = clock(now)?;
        Ok(self.inner.borrow().engine.explain(campaign_id, now).map_err(fail)?.to_string())
    }

    /// For `cargo xtask bench`: a campaign condition evaluated `iterations` times in the engine.
    #[wasm_bindgen(js_name = benchCondition)]
    pub fn bench_condition(&self, campaign_id: &str, iterations: u32, now: f64) -> Result<u32, JsValue> {
        let now = clock(now)?;
        self.inner.borrow().engine.bench_condition(campaign_id, iterations, now).map_err(fail)
    }

    pub fn state(&self) -> String {
        self.inner.borrow().engine.state().to_string()
    }

    #[wasm_bindgen(js_name = setCatalog)]
    pub fn set_catalog(&self, catalog: &[u8], table: Option<Vec<u8>>, embeddings: Option<Vec<f32>>, dim: u32) -> Result<(), JsValue> {
        let v = input_bytes(catalog, "invalid_catalog")?;
        self.inner.borrow_mut().engine.set_catalog_packed(&v, packed(&table, &embeddings, dim)).map_err(fail)
    }

    #[wasm_bindgen(js_name = setProfile)]
    pub fn set_profile(&self, profile: &str) -> Result<(), JsValue> {
        let v = input(profile, "invalid_profile")?;
        self.inner.borrow_mut().engine.set_profile(&v).map_err(fail)
    }

    /// With `skip_invalid`, campaigns with errors are left out (when every error lies in
    /// one); answers what was left out, as JSON.
    #[wasm_bindgen(js_name = setRules)]
    pub fn set_rules(&self, rules: &str, skip_invalid: bool) -> Result<String, JsValue> {
        let mut v = parse(rules, MAX_RULES_BYTES, "invalid_rules").map_err(fail)?;
        let mut skipped = Vec::new();
        if skip_invalid {
            match crate::rules::without_invalid_campaigns(&v) {
                Ok((kept, left_out)) => (v, skipped) = (kept, left_out),
                Err(errors) => return Err(fail(Error::many("invalid_rules", "invalid rules", errors))),
            }
        }
        self.inner.borrow_mut().engine.set_rules(&v).map_err(fail)?;
        Ok(Value::Array(skipped).to_string())
    }

    #[wasm_bindgen(js_name = setConsent)]
    pub fn set_consent(&self, consent: &str) -> Result<(), JsValue> {
        let v = input(consent, "invalid_consent")?;
        let mut i = self.inner.borrow_mut();
        let consent = i.engine.set_consent(&v).map_err(fail)?;
        if consent.personalization {
            i.changed();
        } else if !i.read_only {
            if let Err(e) = i.store.remove_all(&i.key) {
                i.emit("error", &e.to_json());
            }
        }
        Ok(())
    }

    /// Writes the visitor document if it changed; called by the wrapper off the hot path.
    /// Posts the changes queued for the other tabs (the wrapper calls it from a microtask).
    #[wasm_bindgen(js_name = postTabs)]
    pub fn post_tabs(&self) {
        self.inner.borrow_mut().post_tabs();
    }

    pub fn flush(&self) {
        let mut i = self.inner.borrow_mut();
        if !i.dirty {
            return;
        }
        i.dirty = false;
        if let Some(doc) = i.engine.snapshot() {
            if let Err(e) = i.store.set(&i.key, &doc) {
                i.emit("error", &e.to_json());
            }
        }
        i.post_tabs();
    }

    pub fn forget(&self) {
        let mut i = self.inner.borrow_mut();
        i.engine.forget();
        i.dirty = false;
        i.outbox.clear();
        i.asking = None;
        if i.read_only {
            return;
        }
        if let Err(e) = i.store.remove_all(&i.key) {
            i.emit("error", &e.to_json());
        }
        if let Some(tabs) = &i.tabs {
            tabs.post(r#"{"kind":"forget"}"#);
        }
    }

    /// Stops listening to other tabs; the wrapper refuses calls after this.
    pub fn destroy(&self) {
        self.inner.borrow_mut().tabs = None;
    }
}

impl Inner {
    /// A message from another tab: a batch of its changes (`flush`), `forget`, or a tab that
    /// found the stored value damaged asking for the state (`hello`, answered by `state`).
    fn on_tab_message(&mut self, msg: &str) {
        let Ok(v) = serde_json::from_str::<Value>(msg) else { return };
        match v.get("kind").and_then(Value::as_str) {
            Some("batch") => {
                // Views, cart lines and prompt actions (caps, dismissals) all change what
                // this tab shows: one `change` for the batch.
                let mut any = false;
                for m in v.get("messages").and_then(Value::as_array).into_iter().flatten() {
                    let ok = match m.get("kind").and_then(Value::as_str) {
                        Some("event") => self.engine.apply_remote(&m["event"]).is_ok(),
                        Some("prompt") => {
                            let field = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
                            let at = m.get("at").and_then(Value::as_f64).unwrap_or(0.0);
                            self.engine.prompt_action(field("action"), field("id"), at).is_ok()
                        }
                        _ => false,
                    };
                    any |= ok;
                }
                if any {
                    self.changed();
                    self.emit("change", "");
                }
            }
            Some("hello") if self.asking.is_none() && !self.read_only => {
                if let (Some(doc), Some(tabs)) = (self.engine.snapshot(), &self.tabs) {
                    tabs.post(&json!({"kind": "state", "doc": doc}).to_string());
                }
            }
            Some("state") if self.asking.is_some() => {
                let doc = v.get("doc").and_then(Value::as_str).unwrap_or_default();
                if self.engine.restore(doc).is_ok() {
                    for e in self.asking.take().into_iter().flatten() {
                        let _ = self.engine.apply_remote(&e.to_json());
                    }
                    self.changed();
                    self.emit("change", "");
                }
            }
            Some("forget") => {
                self.engine.forget();
                self.dirty = false;
                self.outbox.clear();
                self.asking = None;
                self.emit("change", "");
            }
            _ => {}
        }
    }
}
