//! The runtime session of one engine in one page: the engine, the visitor id, the dirty
//! flag (what to store), the outbox and tab protocol (what the other tabs must hear),
//! `readOnly`, and consent erasure. Plain Rust, tested on the host with several sessions
//! over an in-memory channel (tests/session.rs).
//!
//! It never calls out. Every call answers with `Wants` (flush soon, post at the end of
//! the task, effects ready) and queues effects that the platform layer drains and
//! carries out: store this document, erase the visitor, post this message, tell the page.
//! Must not know JavaScript, storage or channel APIs.
//!
//! Tab messages (JSON text, one channel per storage key); every message about the visitor
//! carries `"generation"`, how many times the visitor was forgotten: a message from an
//! earlier generation is dropped (it was on the way when a tab forgot), one from a later
//! generation means a forget this tab has not heard yet.
//! - `{"kind":"batch","visitor":id,"messages":[…]}`: what happened in a task, in order:
//!   `{"kind":"event","event":…}`, `{"kind":"prompt","action","id","at"}`,
//!   `{"kind":"assign","campaign","arm","at"}` (a sticky arm);
//! - `{"kind":"hello"}` from a tab that found the stored value damaged, answered by
//!   `{"kind":"state","doc":…}` from the others;
//! - `{"kind":"forget","visitor":new id}`: every tab erases and becomes the new visitor
//!   (two tabs that forgot at once reach the same generation and settle on one id);
//! - `{"kind":"identify","visitor":id}`: the store named the visitor;
//! - `{"kind":"visitor","visitor":id}`: the answer to a batch from a tab with another
//!   minted id (two tabs opened at once): every tab keeps the smaller.

use crate::engine::Engine;
use crate::error::Error;
use crate::events::Event;
use crate::jsontext::{fields, WriteJson};
use crate::prelude::*;
use crate::value::Value;
use crate::visitor::Assignment;

/// Events a tab waiting for another's state keeps; beyond this no tab is answering.
const MAX_ASKING: usize = 256;

/// Why another tab's message changed this tab's visitor (the `cause` of the page's `change`).
/// A server-rendered first paint held until the visitor's first interaction ends on every
/// cause but `Restored`: catching up at start is no interaction, and must not move the page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ChangeCause {
    /// The visitor acted in another tab: events, prompt actions, variant assignments.
    Acted,
    /// This tab caught up with the other tabs' live state as it started.
    Restored,
    /// `forget()` in another tab: the visitor this tab knew is erased.
    Forgot,
    /// Another tab identified the visitor (another id, maybe another profile).
    Identified,
}

impl ChangeCause {
    /// The name the page sees (`engine.on("change", ({ cause }) => …)`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Acted => "acted",
            Self::Restored => "restored",
            Self::Forgot => "forgot",
            Self::Identified => "identified",
        }
    }
}

/// What the platform should arrange after a call. `flush`: the state changed, call
/// `flush` off the hot path (a zero-delay timer, `pagehide`); `post`: changes for the
/// other tabs are queued, call `end_task` once the current task ends (one message per
/// task, however many events); `effects`: call `drain`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wants {
    pub flush: bool,
    pub post: bool,
    pub effects: bool,
}

impl Wants {
    /// As bits for the binding: 1 flush, 2 post, 4 effects.
    pub fn bits(self) -> u32 {
        u32::from(self.flush) | u32::from(self.post) << 1 | u32::from(self.effects) << 2
    }
}

/// A change other tabs must apply, held until the end of the task.
#[derive(Debug, Clone)]
enum Outgoing {
    Event(Event),
    Prompt { action: String, id: String, at: f64 },
    Assign(Assignment),
}

/// `{"event": …, "kind": "event"}`, `{"action", "at", "id", "kind": "prompt"}` or
/// `{"arm", "at", "campaign", "kind": "assign"}`: one change in a batch.
impl WriteJson for Outgoing {
    fn write_json(&self, out: &mut String) {
        let mut o = fields(out);
        match self {
            Outgoing::Event(e) => o.field("event", e).field("kind", &"event"),
            Outgoing::Prompt { action, id, at } => o
                .field("action", action)
                .field("at", at)
                .field("id", id)
                .field("kind", &"prompt"),
            Outgoing::Assign(a) => o
                .field("arm", &a.arm)
                .field("at", &a.at)
                .field("campaign", &a.campaign)
                .field("kind", &"assign"),
        }
        .end()
    }
}

pub struct Session {
    engine: Engine,
    /// Whether there are other tabs to tell (the platform has a channel).
    tabs: bool,
    read_only: bool,
    dirty: bool,
    /// A flush or post already asked for and not yet done: ask once.
    flush_asked: bool,
    post_asked: bool,
    outbox: Vec<Outgoing>,
    /// What the platform must do, in order, until `drain`: the items of a JSON list, each
    /// written as it is queued (not an enum written at the drain: wasm size):
    /// - `{"store": doc}`: write this document under the storage key;
    /// - `{"erase": true}`: remove the storage key and every `key:…` entry;
    /// - `{"discard": true}`: remove a damaged stored value; a failure is not worth
    ///   reporting (the next write replaces it, and the damage itself was reported);
    /// - `{"post": text}`: post this message to the other tabs;
    /// - `{"change": cause}`: tell the page another tab changed the visitor, and how
    ///   (`ChangeCause::name`);
    /// - `{"error": {…}}`: tell the page on its `error` channel (never thrown: nothing
    ///   the caller did).
    effects: String,
    /// Set when the stored value was damaged and this tab started clean: it asked the
    /// other tabs for their state (`hello`) and keeps its own events until one answers,
    /// so it does not go on from, and store, a state that lost the visitor's cart. Kept as
    /// their canonical JSON, read back as another tab's would be: no `Event::clone`
    /// compiled for this rare case (wasm size).
    asking: Option<Vec<String>>,
}

impl Session {
    /// Opens a session over `engine` (whose visitor id is the page's freshly minted one or
    /// the store's). `stored` is what the storage key held, or why it could not be read.
    /// `tabs`: the platform can talk to other tabs. `read_only`: follow the stored state
    /// and the other tabs, never write or post (a preview must not record into the visitor).
    pub fn open(
        engine: Engine,
        stored: Result<Option<String>, Error>,
        tabs: bool,
        read_only: bool,
    ) -> Session {
        let mut s = Session {
            engine,
            tabs,
            read_only,
            dirty: false,
            flush_asked: false,
            post_asked: false,
            outbox: Vec::new(),
            effects: String::new(),
            asking: None,
        };
        if !s.engine.consent().personalization {
            return s;
        }
        match stored {
            Err(e) => s.effect("error", &e),
            Ok(None) => {
                // A new visitor: stored at once so a later tab shares the id, and announced
                // to tabs opened at the same moment with ids of their own.
                s.changed();
                s.post("visitor");
            }
            Ok(Some(text)) => match s.engine.restore(&text) {
                Ok(()) => {}
                Err(e) => {
                    s.effect("error", &e);
                    if !read_only {
                        s.effect("discard", &true);
                        s.changed();
                        if tabs {
                            s.asking = Some(Vec::new());
                            s.effect("post", &r#"{"kind":"hello"}"#);
                        }
                    }
                }
            },
        }
        s
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine for calls that change nothing worth storing or telling (recommend
    /// without campaigns, setCatalog, setRules); `after` then picks up any arm it recorded.
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }

    /// What to arrange now; call after every call into the session. Each need is
    /// answered once until it is met (`flush`, `end_task`).
    pub fn wants(&mut self) -> Wants {
        self.collect_recorded();
        let flush = self.dirty && !self.flush_asked;
        self.flush_asked |= flush;
        let post = !self.outbox.is_empty() && !self.post_asked;
        self.post_asked |= post;
        Wants {
            flush,
            post,
            effects: !self.effects.is_empty(),
        }
    }

    /// The effects queued since the last drain, in order, as a JSON list (`effects`).
    pub fn drain(&mut self) -> String {
        let items = core::mem::take(&mut self.effects);
        crate::cat!("[", items, "]")
    }

    /// Queues `{key: v}`.
    fn effect(&mut self, key: &str, v: &dyn WriteJson) {
        if !self.effects.is_empty() {
            self.effects.push(',');
        }
        fields(&mut self.effects).field(key, v).end();
    }

    /// Posts a message of `kind` about this tab's visitor, when there are tabs to tell.
    fn post(&mut self, kind: &str) {
        if self.tabs && !self.read_only {
            let msg = self.message(kind, None);
            self.effect("post", &msg);
        }
    }

    fn change(&mut self, cause: ChangeCause) {
        self.effect("change", &cause.name());
    }

    /// Arms the engine recorded (a prompt, a holdout moment, a slot tweak) become state
    /// to store and messages for the other tabs.
    fn collect_recorded(&mut self) {
        if self.engine.take_recorded() {
            self.changed();
        }
        for a in self.engine.take_assigned() {
            self.send(Outgoing::Assign(a));
        }
    }

    fn changed(&mut self) {
        if !self.read_only && self.engine.consent().personalization {
            self.dirty = true;
        }
    }

    fn send(&mut self, change: Outgoing) {
        if self.read_only {
            return;
        }
        if let (Some(kept), Outgoing::Event(e)) = (&mut self.asking, &change) {
            kept.push(crate::jsontext::to_text(e));
            if kept.len() > MAX_ASKING {
                self.asking = None;
            }
        }
        if self.tabs {
            self.outbox.push(change);
        }
    }

    pub fn track(&mut self, event: &Value, now: f64) -> crate::error::Result<()> {
        let event = self.engine.track(event, now)?;
        self.send(Outgoing::Event(event));
        self.changed();
        Ok(())
    }

    /// `shown`, `dismiss` or `clicked`.
    pub fn prompt_action(&mut self, action: &str, id: &str, now: f64) -> crate::error::Result<()> {
        self.engine.page_prompt_action(action, id, now)?;
        self.send(Outgoing::Prompt {
            action: action.to_string(),
            id: id.to_string(),
            at: now,
        });
        self.changed();
        Ok(())
    }

    /// Withdrawing personalization consent erases the stored visitor.
    pub fn set_consent(&mut self, consent: &Value) -> crate::error::Result<()> {
        let consent = self.engine.set_consent(consent)?;
        if consent.personalization {
            self.changed();
        } else {
            self.dirty = false;
            if !self.read_only {
                self.effect("erase", &true);
            }
        }
        Ok(())
    }

    /// The store names the visitor (its customer id, or the id its server issued).
    pub fn identify(&mut self, id: &str) {
        if self.engine.identify(id) {
            self.changed();
            self.post("identify");
        }
    }

    /// End of the page's task: the changes queued for the other tabs go as one message.
    pub fn end_task(&mut self) {
        self.post_asked = false;
        let outbox = core::mem::take(&mut self.outbox);
        if outbox.is_empty() || !self.tabs || self.read_only {
            return;
        }
        let msg = self.message("batch", Some(&outbox));
        self.effect("post", &msg);
    }

    /// Writes the visitor if it changed (and posts what the other tabs have not heard).
    pub fn flush(&mut self) {
        self.flush_asked = false;
        self.end_task();
        if !core::mem::take(&mut self.dirty) || self.read_only {
            return;
        }
        if let Some(doc) = self.engine.snapshot() {
            self.effect("store", &doc);
        }
    }

    /// Erases the visitor here and in every tab; `new_id` (minted by the page) is the
    /// visitor from now on, everywhere, unless the store gave its own id.
    pub fn forget(&mut self, new_id: &str) {
        if self.read_only {
            // Only this view starts over; it goes on following the other tabs.
            self.engine.forget_as(new_id, self.engine.generation());
            self.forgotten();
            return;
        }
        self.engine.forget(new_id);
        self.forgotten();
        self.effect("erase", &true);
        self.post("forget");
    }

    /// Nothing pending for the visitor just forgotten may be stored or told.
    fn forgotten(&mut self) {
        self.dirty = false;
        self.outbox.clear();
        self.asking = None;
    }

    /// A message about this tab's visitor, as the other tabs read it.
    fn message(&self, kind: &str, messages: Option<&[Outgoing]>) -> String {
        let mut out = String::new();
        let mut o = fields(&mut out);
        o.field("generation", &self.engine.generation())
            .field("kind", &kind);
        if let Some(m) = messages {
            o.field("messages", &m);
        }
        o.field("visitor", &self.engine.visitor_id()).end();
        out
    }

    /// Another tab's visitor id. Tabs opened at once minted different ids: they settle
    /// on the smaller, so a tab holding it answers one that does not.
    fn visitor_heard(&mut self, id: &str) -> bool {
        if self.engine.adopt_visitor_id(id) {
            self.changed();
            return true;
        }
        if !id.is_empty() && id != self.engine.visitor_id() {
            self.post("visitor");
        }
        false
    }

    /// A message from another tab.
    pub fn receive(&mut self, msg: &str) {
        let Ok(v) = crate::jsontext::read(msg) else {
            return;
        };
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
        let kind = text("kind");
        if !matches!(kind, "hello" | "state") {
            let generation = v
                .get("generation")
                .and_then(Value::as_u64)
                .map_or(0, |g| u32::try_from(g).unwrap_or(u32::MAX));
            match generation.cmp(&self.engine.generation()) {
                // On the way when this tab heard the forget: about the visitor forgotten.
                core::cmp::Ordering::Less => return,
                // Another tab forgot (the forget itself, or a message of a tab that heard it
                // from a third one first): erase, as that forget asks.
                core::cmp::Ordering::Greater => {
                    self.engine.forget_as(text("visitor"), generation);
                    self.forgotten();
                    // A flush of this tab may have landed after the other tab erased: erase
                    // again, so nothing of the old visitor stays stored.
                    if !self.read_only {
                        self.effect("erase", &true);
                    }
                    self.change(ChangeCause::Forgot);
                }
                // Two tabs forgot at once: both are the new visitor, under two fresh ids.
                core::cmp::Ordering::Equal if kind == "forget" => {
                    self.visitor_heard(text("visitor"));
                }
                core::cmp::Ordering::Equal => {}
            }
        }
        match kind {
            "batch" => {
                // Views, cart lines, prompt actions (caps, dismissals) and arms all change
                // what this tab shows: one `Change` for the batch.
                // A settled visitor id is not news for the page (nothing it shows changes).
                self.visitor_heard(text("visitor"));
                let mut any = false;
                let messages = v.get("messages").and_then(Value::as_array);
                for m in messages.map_or(&[][..], |m| m) {
                    let field = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
                    let at = m.get("at").and_then(Value::as_f64).unwrap_or(0.0);
                    any |= match field("kind") {
                        "event" => self.engine.apply_remote(&m["event"]).is_ok(),
                        "prompt" => self
                            .engine
                            .prompt_action(field("action"), field("id"), at)
                            .is_ok(),
                        "assign" if !field("campaign").is_empty() && !field("arm").is_empty() => {
                            self.engine.apply_assignment(Assignment {
                                campaign: field("campaign").into(),
                                arm: field("arm").into(),
                                at,
                            })
                        }
                        _ => false,
                    };
                }
                if any {
                    self.changed();
                    self.change(ChangeCause::Acted);
                }
            }
            "hello" if self.asking.is_none() && !self.read_only && self.tabs => {
                if let Some(doc) = self.engine.snapshot() {
                    let mut msg = String::new();
                    fields(&mut msg)
                        .field("doc", &doc)
                        .field("kind", &"state")
                        .end();
                    self.effect("post", &msg);
                }
            }
            "state" if self.asking.is_some() => {
                if self.engine.restore(text("doc")).is_ok() {
                    for e in self.asking.take().unwrap_or_default() {
                        if let Ok(e) = crate::jsontext::read(&e) {
                            let _ = self.engine.apply_remote(&e);
                        }
                    }
                    self.changed();
                    self.change(ChangeCause::Restored);
                }
            }
            "visitor" => {
                self.visitor_heard(text("visitor"));
            }
            "identify" if !text("visitor").is_empty() => {
                if self.engine.identify(text("visitor")) {
                    self.change(ChangeCause::Identified);
                }
            }
            _ => {}
        }
    }
}
