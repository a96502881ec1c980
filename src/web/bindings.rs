//! The only code that knows JavaScript: the wasm's exports, which take JSON text and
//! primitives, call the engine, and return text, or none when the call failed (then
//! `Run::Error` answers the error's JSON, which the package's `core.js` throws as a
//! `VitrinError`). Besides `create` and `setCatalog` (bytes), three exports of one shape,
//! `run`, `call` and `act`, take each call by its number (`crate::calls`). Plain C-ABI
//! exports, not wasm-bindgen's: their JavaScript side is the hand-written
//! `pkg-template/vitrin_core.js` (`Arg` and `give` say how text and bytes cross). wasm32 only.

use crate::calls::{Act, Call, Run};
use crate::catalog::Packed;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::json::{parse, Obj};
use crate::jsontext::{fields, text, to_text};
use crate::prelude::*;
use crate::rules::vocabulary::Scope;
use crate::rules::MAX_RULES_BYTES;
use crate::session::Session;
use crate::value::Value;
use alloc::alloc::{alloc as allocate, dealloc, handle_alloc_error, realloc, Layout};

/// Largest JSON document accepted from the page (a 100k-product catalog with its
/// embeddings written as JSON numbers is about 60–150 MB; the wrapper passes them packed).
const MAX_INPUT: usize = 128 * 1024 * 1024;

// The error of the last call that failed, until `Run::Error` takes it: a failed export
// answers none instead of a second kind of answer.
thread_cell!(fn last_error: Option<Error> = None);

/// Where `alloc` places `len` bytes: aligned for the f32 rows of `Packed::Floats`, and at
/// least one byte (an empty argument is still there, unlike none).
fn layout(len: usize) -> Layout {
    Layout::from_size_align(len.max(1), 8).unwrap()
}

/// Room for `len` bytes the page fills and passes as an `Arg`: new when `at` is 0, else the
/// room of `from` bytes at `at` grown (the page writes text's ASCII before it knows its
/// UTF-8 length).
#[no_mangle]
pub extern "C" fn alloc(at: *mut u8, from: usize, len: usize) -> *mut u8 {
    let layout = layout(len);
    // SAFETY: `layout` has a non-zero size; a non-null `at` is `alloc`'s room of `from` bytes.
    let at = unsafe {
        if at.is_null() {
            allocate(layout)
        } else {
            realloc(at, self::layout(from), layout.size())
        }
    };
    if at.is_null() {
        handle_alloc_error(layout)
    }
    at
}

/// An argument from the page: `len` bytes it placed at `at` with `alloc` (UTF-8 for text,
/// as `TextEncoder` writes it), or none when `at` is 0. The export that receives it owns it:
/// dropped, it is freed.
struct Arg {
    at: *mut u8,
    len: usize,
}

impl Arg {
    fn new(at: *mut u8, len: usize) -> Arg {
        Arg { at, len }
    }

    fn bytes(&self) -> Option<&[u8]> {
        // SAFETY: `at` holds `len` bytes from `alloc`, not freed before `self` is dropped.
        (!self.at.is_null()).then(|| unsafe { core::slice::from_raw_parts(self.at, self.len) })
    }

    /// The text, or none; bytes that are not UTF-8 (never from `TextEncoder`) count as none.
    fn text(&self) -> Option<&str> {
        self.bytes().and_then(|b| core::str::from_utf8(b).ok())
    }

    /// The bytes of a `Float32Array`, as its numbers.
    fn floats(&self) -> Option<&[f32]> {
        // SAFETY: as `bytes`; `alloc` aligned them for f32, and any bits are an f32.
        (!self.at.is_null())
            .then(|| unsafe { core::slice::from_raw_parts(self.at.cast(), self.len / 4) })
    }
}

impl Drop for Arg {
    fn drop(&mut self) {
        if !self.at.is_null() {
            // SAFETY: allocated by `alloc` with this layout, and owned by this `Arg` alone.
            unsafe { dealloc(self.at, layout(self.len)) }
        }
    }
}

// The last text answer, kept until the next one so the page can decode it in place, and
// its address and length, which the page reads.
thread_cell!(fn kept: String = String::new());
thread_cell!(fn span: [usize; 2] = [0, 0]);

/// A text answer as the page reads it: the address of its address and length, or 0 for none.
fn give(answer: Option<String>) -> *const [usize; 2] {
    let Some(text) = answer else {
        return core::ptr::null();
    };
    let at = span(|s| {
        s.set([text.as_ptr() as usize, text.len()]);
        s.as_ptr()
    });
    kept(|k| k.set(text));
    at
}

/// An export's answer: `None` when it failed, its error kept for `Run::Error`.
fn answer<T>(result: Result<T>) -> Option<T> {
    result.map_err(|e| last_error(|c| c.set(Some(e)))).ok()
}

fn input(text: &str, code: &'static str) -> Result<Value> {
    parse(text, MAX_INPUT, code)
}

/// The catalog's embeddings as the wrapper passed them: a `VTE1` table, or floats.
fn packed<'a>(table: Option<&'a [u8]>, rows: Option<&'a [f32]>, dim: u32) -> Option<Packed<'a>> {
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
fn input_bytes(bytes: &[u8], code: &'static str) -> Result<Value> {
    core::str::from_utf8(bytes)
        .map_err(|e| Error::at(code, "", crate::cat!("not UTF-8: ", e)))
        .and_then(|text| input(text, code))
}

fn clock(now: f64) -> Result<f64> {
    if now.is_finite() && now >= 0.0 {
        Ok(now)
    } else {
        Err(Error::new(
            "invalid_clock",
            crate::cat!(
                "now() must return milliseconds since the epoch, got ",
                crate::json::num(now)
            ),
        ))
    }
}

/// The calls with no engine (`calls::Run`), by number: `a`, `now`, `b` and `x` as each says;
/// none when it failed (`Run::Error` then answers why).
#[no_mangle]
pub extern "C" fn run(
    op: u32,
    a: *mut u8,
    a_len: usize,
    now: f64,
    b: *mut u8,
    b_len: usize,
    x: f64,
) -> *const [usize; 2] {
    let (a, b) = (Arg::new(a, a_len), Arg::new(b, b_len));
    let a = a.text().unwrap_or_default();
    give(answer(run_op(op, a, now, b.text(), x)))
}

fn run_op(op: u32, a: &str, now: f64, b: Option<&str>, x: f64) -> Result<String> {
    let scope = match Run::ALL[op as usize] {
        Run::Error => {
            let e = last_error(|c| c.take());
            return Ok(e.map(|e| e.to_json()).unwrap_or_default());
        }
        Run::Version => return Ok(crate::VERSION.to_string()),
        Run::ValidateRules => return Ok(validate_rules(a)),
        Run::IsSafeUrl => {
            // Not `bool::to_string`, which is core::fmt's `Display`.
            let safe = if crate::url::is_safe_url(a) {
                "true"
            } else {
                "false"
            };
            return Ok(safe.to_string());
        }
        Run::EvaluateCondition => None,
        Run::EvaluateCampaignCondition => Some(Scope::Campaign),
        Run::EvaluateSlotCondition => Some(Scope::Slot),
    };
    evaluate_condition(a, b.unwrap_or_default(), now, x, scope)
}

fn validate_rules(rules: &str) -> String {
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

fn evaluate_condition(
    condition: &str,
    data: &str,
    now: f64,
    utc_offset_minutes: f64,
    scope: Option<Scope>,
) -> Result<String> {
    let mut rule = input(condition, "invalid_condition")?;
    crate::logic::set_clock(crate::logic::Clock {
        now,
        utc_offset_ms: utc_offset_minutes * 60_000.0,
    });
    let data = input(data, "invalid_data")?;
    // With a scope, read as the engine reads a campaign's (or slot's) condition.
    if let Some(scope) = scope {
        let checked = crate::rules::vocabulary::check(&rule, scope, "");
        if !checked.errors.is_empty() {
            return Err(Error::many(
                "invalid_condition",
                "invalid condition",
                checked.errors,
            ));
        }
        rule = checked.condition;
    }
    let logic = crate::logic::Logic::compile(&rule).map_err(|errors| {
        Error::many("invalid_condition", "invalid JsonLogic condition", errors)
    })?;
    let result = logic
        .try_apply(&data)
        .map_err(|e| Error::at("evaluation_limit", &e.path, e.message))?;
    Ok(text(&result))
}

/// A new engine (`RawEngine::new` says what the arguments are), or 0 when the options are
/// refused (`Run::Error` then answers why); the page frees it with `free`. Ask `Act::Wants`
/// right after.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn create(
    options: *mut u8,
    options_len: usize,
    table: *mut u8,
    table_len: usize,
    embeddings: *mut u8,
    embeddings_len: usize,
    dim: u32,
    tabs: u32,
    stored: *mut u8,
    stored_len: usize,
    unread: *mut u8,
    unread_len: usize,
) -> *mut RawEngine {
    let options = Arg::new(options, options_len);
    let table = Arg::new(table, table_len);
    let embeddings = Arg::new(embeddings, embeddings_len);
    let stored = Arg::new(stored, stored_len);
    let unread = Arg::new(unread, unread_len);
    let made = RawEngine::new(
        options.bytes().unwrap_or_default(),
        table.bytes(),
        embeddings.floats(),
        dim,
        tabs != 0,
        stored.text(),
        unread.text(),
    );
    answer(made).map_or(core::ptr::null_mut(), |raw| Box::into_raw(Box::new(raw)))
}

/// The engine `create` made, until `free`: a null one (the page's after `free`) traps.
fn engine<'a>(at: *mut RawEngine) -> &'a mut RawEngine {
    // SAFETY: the page passes what `create` answered, or 0 once it called `free`.
    unsafe { at.as_mut() }.unwrap()
}

/// Drops the engine `create` made (nothing for 0).
#[no_mangle]
pub extern "C" fn free(at: *mut RawEngine) {
    if !at.is_null() {
        // SAFETY: from `Box::into_raw` in `create`; the page frees each engine once.
        drop(unsafe { Box::from_raw(at) });
    }
}

/// The calls on an engine that answer text (`calls::Call`), by number: `a`, `now`, `b` and
/// `x` as each says (`now` is checked only by those that read the clock); none when it
/// failed (`Run::Error` then answers why).
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn call(
    at: *mut RawEngine,
    op: u32,
    a: *mut u8,
    a_len: usize,
    now: f64,
    b: *mut u8,
    b_len: usize,
    x: f64,
) -> *const [usize; 2] {
    let (a, b) = (Arg::new(a, a_len), Arg::new(b, b_len));
    let a = a.text().unwrap_or_default();
    give(answer(engine(at).answer(op, a, now, b.text(), x)))
}

/// The calls on an engine's session (`calls::Act`), by number, as `call`: the session's
/// `Wants` bits after it, or -1 when it failed.
#[no_mangle]
pub extern "C" fn act(
    at: *mut RawEngine,
    op: u32,
    a: *mut u8,
    a_len: usize,
    now: f64,
    b: *mut u8,
    b_len: usize,
) -> i32 {
    let (a, b) = (Arg::new(a, a_len), Arg::new(b, b_len));
    let a = a.text().unwrap_or_default();
    answer(engine(at).act_on(op, a, now, b.text())).map_or(-1, |wants| wants as i32)
}

/// For `cargo xtask bench`: a campaign condition evaluated `iterations` times in the engine
/// (how often it held), or -1. The bench's build only (feature `bench`, target/pkg-bench/):
/// not in pkg/.
#[cfg(feature = "bench")]
#[export_name = "benchCondition"]
pub extern "C" fn bench_condition(
    at: *mut RawEngine,
    id: *mut u8,
    id_len: usize,
    iterations: u32,
    now: f64,
) -> i32 {
    let id = Arg::new(id, id_len);
    let engine = engine(at).session.engine();
    let held = clock(now)
        .and_then(|now| engine.bench_condition(id.text().unwrap_or_default(), iterations, now));
    answer(held).map_or(-1, |n| n as i32)
}

/// `catalog` is UTF-8 JSON with `table` or `embeddings` beside it as in `create`, or empty
/// with the binary catalog in `table`; `""`, or none when it was refused (`Run::Error` then
/// answers why).
#[export_name = "setCatalog"]
#[allow(clippy::too_many_arguments)]
pub extern "C" fn set_catalog(
    at: *mut RawEngine,
    catalog: *mut u8,
    catalog_len: usize,
    table: *mut u8,
    table_len: usize,
    embeddings: *mut u8,
    embeddings_len: usize,
    dim: u32,
) -> *const [usize; 2] {
    let catalog = Arg::new(catalog, catalog_len);
    let table = Arg::new(table, table_len);
    let embeddings = Arg::new(embeddings, embeddings_len);
    let catalog = catalog.bytes().unwrap_or_default();
    let engine = engine(at).session.engine_mut();
    // No JSON and bytes beside it: the binary catalog.
    let set = if let (true, Some(bytes)) = (catalog.is_empty(), table.bytes()) {
        crate::catalog::Catalog::from_bytes(bytes).map(|read| engine.replace_catalog(read))
    } else {
        input_bytes(catalog, "invalid_catalog").and_then(|v| {
            engine.set_catalog_packed(&v, packed(table.bytes(), embeddings.floats(), dim))
        })
    };
    give(answer(set).map(|()| String::new()))
}

/// The engine's session. The session decides; the wrapper carries out what it asks
/// (the session's effects, handed over by `drain`): it owns the storage and the
/// BroadcastChannel.
pub struct RawEngine {
    session: Session,
}

impl RawEngine {
    /// `options` is UTF-8 JSON (API.md's options, plus `localId`: a fresh random id the
    /// visitor gets when none is stored); `table`, or `embeddings` with `dim`, are the
    /// catalog's embeddings as the wrapper packed them (`catalog::Packed`), or, when
    /// `options` has no catalog, `table` is the binary catalog (`catalog::binary`); `tabs`: the
    /// wrapper has a channel to the other tabs; `stored`: what the wrapper's storage held under
    /// the storage key, or `unread`: why it could not be read (used only with the visitor's
    /// consent to personalization).
    fn new(
        options: &[u8],
        table: Option<&[u8]>,
        embeddings: Option<&[f32]>,
        dim: u32,
        tabs: bool,
        stored: Option<&str>,
        unread: Option<&str>,
    ) -> Result<RawEngine> {
        let opts = input_bytes(options, "invalid_options")?;
        let o = Obj::new(&opts, "", "invalid_options")?;
        let kind = o.opt_str("storage")?.unwrap_or("auto");
        if !matches!(kind, "auto" | "local" | "memory") {
            return Err(o.err("storage", "expected \"local\" or \"memory\""));
        }
        // Read by the wrapper, which stores under it; checked here with the other options.
        o.opt_str("storageKey")?;
        let read_only = o.opt_bool("readOnly")?.unwrap_or(false);
        // Options without a catalog and bytes beside them: the binary catalog.
        let engine = match table {
            Some(bytes) if o.get("catalog").is_none() => Engine::with_binary(&opts, bytes),
            _ => Engine::with_packed(&opts, packed(table, embeddings, dim)),
        }?;
        let stored = match unread {
            Some(message) => Err(Error::new("storage_failed", message)),
            None => Ok(stored.map(String::from)),
        };
        let session = Session::open(engine, stored, tabs, read_only);
        Ok(RawEngine { session })
    }

    /// `call`'s work.
    fn answer(&mut self, op: u32, a: &str, now: f64, b: Option<&str>, x: f64) -> Result<String> {
        let engine = self.session.engine_mut();
        let call = Call::ALL[op as usize];
        // The calls that read the clock refuse a bad one first: one check, not one per call.
        if let Call::Recommend | Call::Prompts | Call::Withdrawal | Call::Explain = call {
            clock(now)?;
        }
        Ok(match call {
            Call::Drain => self.session.drain(),
            Call::Recommend => {
                // No limit comes as NaN.
                let limit = (!x.is_nan()).then_some(x as u32);
                to_text(&engine.recommend(a, b, limit, now)?)
            }
            Call::Prompts => to_text(&engine.prompts(now)),
            Call::Withdrawal => {
                let gone = engine.withdrawal(now);
                gone.map_or(String::new(), |(id, reason)| crate::cat!(reason, " ", id))
            }
            // As JavaScript reads it back with `+`: the same number.
            Call::NextCheck => engine
                .next_check(now)
                .map(crate::json::num)
                .unwrap_or_default(),
            Call::Metrics => text(&engine.metrics()),
            Call::Explain => engine.explain(a, now)?,
            Call::State => engine.state(),
            Call::VisitorId => engine.visitor_id().to_string(),
            Call::SetProfile => {
                engine.set_profile(&input(a, "invalid_profile")?)?;
                String::new()
            }
            Call::SetRules => set_rules(&mut self.session, a, x == 1.0)?,
        })
    }

    /// `act`'s work: the session's `Wants` bits after it.
    fn act_on(&mut self, op: u32, a: &str, now: f64, b: Option<&str>) -> Result<u32> {
        let session = &mut self.session;
        let act = Act::ALL[op as usize];
        if let Act::Track | Act::PromptAction = act {
            clock(now)?;
        }
        match act {
            Act::Wants => {}
            Act::Track => {
                #[cfg(feature = "test-panic")]
                assert!(
                    !a.contains("\"vitrin-test-panic\""),
                    "forced panic (test-panic build)"
                );
                session.track(&input(a, "invalid_event")?, now)?;
            }
            Act::PromptAction => session.prompt_action(a, b.unwrap_or_default(), now)?,
            Act::SetConsent => session.set_consent(&input(a, "invalid_consent")?)?,
            Act::Identify => {
                if a.is_empty() || a.len() > 256 {
                    return Err(Error::at(
                        "invalid_argument",
                        "",
                        "a visitor id is a string of 1 to 256 characters",
                    ));
                }
                session.identify(a);
            }
            Act::EndTask => session.end_task(),
            Act::Flush => session.flush(),
            Act::Forget => session.forget(a),
            Act::Receive => session.receive(a),
        }
        // The session keeps its effects until `Call::Drain`.
        Ok(session.wants().bits())
    }
}

/// With `skip_invalid`, campaigns with errors are left out (when every error lies in one);
/// answers what was left out, as JSON.
fn set_rules(session: &mut Session, rules: &str, skip_invalid: bool) -> Result<String> {
    let mut v = parse(rules, MAX_RULES_BYTES, "invalid_rules")?;
    let mut skipped = Vec::new();
    if skip_invalid {
        match crate::rules::without_invalid_campaigns(&v) {
            Ok((kept, left_out)) => (v, skipped) = (kept, left_out),
            Err(errors) => return Err(Error::many("invalid_rules", "invalid rules", errors)),
        }
    }
    session.engine_mut().set_rules(&v)?;
    Ok(to_text(&skipped))
}
