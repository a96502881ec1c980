//! The calls the package's JavaScript makes into the wasm, by number. `web::bindings`
//! exports three functions of one shape (`run`, and `call` and `act` on an engine: the
//! call's number, a text `a` or none, the clock `now`, a text `b` or none, a number `x`;
//! none when the call failed, and `Run::Error` then answers why) instead of an export per
//! call, each with its own argument and result conversions in the wasm and in the glue:
//! `run` and `call` answer text, `act` the session's `Wants` bits.
//! These lists are the one copy of the numbers: `pkg-template/calls.js`, which `core.js`
//! imports, is generated from them (`calls_js`; `cargo test --test wire` fails when stale).
//! Depends on `names` alone.

crate::names! {
    /// What `run` answers, with no engine. Named as the JavaScript names them.
    pub enum Run {
        /// The error of the last export that answered `undefined`, as JSON (`""` when none).
        Error = "error",
        /// The crate's version.
        Version = "version",
        /// `a`: a rules document; its `{ ok, errors, warnings? }`.
        ValidateRules = "validateRules",
        /// `a`: a URL; `true` or `false` (`crate::url`).
        IsSafeUrl = "isSafeUrl",
        /// `a`: a condition, `b`: the data, `x`: the UTC offset in minutes; its value.
        EvaluateCondition = "evaluateCondition",
        /// `EvaluateCondition` read as a campaign's `when` is.
        EvaluateCampaignCondition = "evaluateCampaignCondition",
        /// `EvaluateCondition` read as a slot's filter or boost is.
        EvaluateSlotCondition = "evaluateSlotCondition",
    }
}

crate::names! {
    /// What `RawEngine::call` answers on an engine, as text.
    pub enum Call {
        /// The effects for the wrapper, as JSON: `[{"store": doc} | {"erase": true} |
        /// {"discard": true} | {"post": text} | {"change": cause} | {"error": {…}}]`.
        Drain = "drain",
        /// `a`: the slot, `b`: the product id or none, `x`: the limit or NaN.
        Recommend = "recommend",
        Prompts = "prompts",
        /// The prompt on screen that stopped being true, as `"<reason> <prompt id>"` (a
        /// reason has no space), or `""` while it holds.
        Withdrawal = "withdrawal",
        /// The time of the next clock-driven prompt check (a JavaScript number's text), or `""`.
        NextCheck = "nextCheck",
        Metrics = "metrics",
        /// `a`: the campaign id.
        Explain = "explain",
        State = "state",
        /// The visitor id, as it is.
        VisitorId = "visitorId",
        /// `a`: the profile; `""`.
        SetProfile = "setProfile",
        /// `a`: the rules, `x`: 1 to leave out campaigns with errors (when every error lies
        /// in one); answers what was left out.
        SetRules = "setRules",
    }
}

crate::names! {
    /// What `RawEngine::act` does to an engine's session: each answers the `Wants` bits the
    /// session then has (1 flush soon, 2 `endTask` at the end of the task, 4 `drain`), a
    /// number, not text (a text answer costs a call about ten times as much).
    pub enum Act {
        /// Only the bits: after `create` and the calls that answer something else.
        Wants = "wants",
        /// `a`: the event.
        Track = "track",
        /// `a`: `shown`, `dismiss` or `clicked`, `b`: the prompt id.
        PromptAction = "promptAction",
        /// `a`: the consent.
        SetConsent = "setConsent",
        /// `a`: the visitor id the store names.
        Identify = "identify",
        /// The end of the page's task: the changes for the other tabs go as one message.
        EndTask = "endTask",
        /// Writes the visitor document if it changed; called by the wrapper off the hot path.
        Flush = "flush",
        /// `a`: a fresh random id, the visitor's from now on in every tab.
        Forget = "forget",
        /// `a`: a message another tab posted.
        Receive = "receive",
    }
}

/// `pkg-template/calls.js`: each call's number as a constant of its own, which esbuild
/// writes into the bundle as the number itself.
#[cfg(not(target_arch = "wasm32"))]
pub fn calls_js() -> String {
    let mut out = String::from(
        "// Generated from src/calls.rs (the calls core.js makes into the wasm); `cargo test` fails when stale.\n",
    );
    for (what, names) in [
        ("run", Run::NAMES),
        ("RawEngine.call", Call::NAMES),
        ("RawEngine.act", Act::NAMES),
    ] {
        out.push_str(&format!("\n// {what}\n"));
        for (i, name) in names.iter().enumerate() {
            out.push_str(&format!("export const {name} = {i};\n"));
        }
    }
    out
}
