//! The marketers' rules document. This first version checks the envelope (an object with
//! `"version": 1`); campaigns, slots and caps arrive with the rules issue.
//! Depends on `json`/`error`.

use crate::error::Result;
use crate::json::Obj;
use serde_json::Value;

pub const VERSION: u64 = 1;
const CODE: &str = "invalid_rules";

pub fn validate(rules: &Value) -> Result<()> {
    let o = Obj::new(rules, "", CODE)?;
    match o.get("version") {
        None => Err(o.err("version", "is required (this build reads version 1)")),
        Some(v) if v.as_u64() == Some(VERSION) => Ok(()),
        Some(v) => Err(o.err("version", format!("unsupported rules version {v}; this build reads version {VERSION}"))),
    }
}
