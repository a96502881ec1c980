//! The name lists as TypeScript unions, for the package's `index.d.ts`: its block between
//! the `BEGIN GENERATED` and `END GENERATED` lines is this function's output, and
//! `tests/vocabulary.rs` fails when it is stale (`VITRIN_BLESS=1` rewrites it). Host only;
//! must not be used by the engine.

use crate::error::Code;
use crate::events::{EventType, Page};
use crate::names::{ProductSource, Strategy};
use crate::reasons::{Blocked, PromptWhy, Why};
use crate::template::Var;

fn union(doc: &str, name: &str, names: impl IntoIterator<Item = &'static str>) -> String {
    let alts: Vec<String> = names.into_iter().map(|n| format!("\"{n}\"")).collect();
    format!("/** {doc} */\nexport type {name} = {};\n", alts.join(" | "))
}

/// The generated block of `index.d.ts`, markers included.
pub fn vocabulary() -> String {
    let mut out = String::from("// BEGIN GENERATED from the Rust name lists (src/typescript.rs); edit those, then run\n// `VITRIN_BLESS=1 cargo test --test vocabulary`.\n");
    out += &union(
        "The slots every engine knows, without rules: one per built-in strategy.",
        "BuiltInSlot",
        Strategy::NAMES.iter().copied(),
    );
    out += &union(
        "A built-in ranking strategy (a rules slot's `strategy`).",
        "StrategyName",
        Strategy::NAMES.iter().copied(),
    );
    out += &union(
        "The `type` of an event.",
        "EventType",
        EventType::NAMES.iter().copied(),
    );
    out += &union(
        "The `page` of a `page` event.",
        "PageType",
        Page::NAMES.iter().copied(),
    );
    out += &union(
        "The `type` of a campaign trigger.",
        "TriggerType",
        crate::rules::TRIGGERS.iter().filter_map(|s| s.tag),
    );
    out += &union(
        "Which products a prompt shows (`prompt.products`).",
        "PromptProducts",
        ProductSource::NAMES.iter().copied(),
    );
    out += &union(
        "A variable of a prompt template (`{{product.brand}}`).",
        "TemplateVariable",
        Var::names(),
    );
    out += &union(
        "The reason code of a recommendation.",
        "RecommendationReasonCode",
        Why::NAMES.iter().copied(),
    );
    out += &union(
        "The reason code of a prompt.",
        "PromptReasonCode",
        PromptWhy::NAMES.iter().copied(),
    );
    out += &union(
        "Why a campaign does not act now: the `code` of an `explain()` block.",
        "ExplainCode",
        Blocked::NAMES.iter().copied(),
    );
    out += &union(
        "The stable `code` of a `VitrinError`.",
        "ErrorCode",
        Code::NAMES.iter().copied(),
    );
    out += "// END GENERATED\n";
    out
}
