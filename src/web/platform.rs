//! Where the visitor document is stored: localStorage or a per-page memory map. wasm32
//! only; no engine logic here. (The channel between tabs is the wrapper's: it hands the
//! messages to `RawEngine::receive`, so nothing here calls back into JavaScript.)

use crate::error::Error;
use crate::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// Memory storage is shared by every engine of the page with the same key, like localStorage
// is, so `storage: "memory"` behaves the same apart from lasting. A list, not a map: a page
// holds a few keys, and a hash map of its own types cost 1.1 KB gzip.
thread_cell!(fn memory_cell: Vec<(String, String)> = Vec::new());

/// `f` over the memory storage, taken out of its cell and put back (nothing here can
/// re-enter, so no `RefCell` and its borrow flag).
fn memory<R>(f: impl FnOnce(&mut Vec<(String, String)>) -> R) -> R {
    memory_cell(|cell| {
        let mut m = cell.take();
        let r = f(&mut m);
        cell.set(m);
        r
    })
}

pub enum Store {
    Memory,
    Local(web_sys::Storage),
}

fn storage_error(e: JsValue, what: &str) -> Error {
    let detail = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_default();
    Error::new(
        "storage_failed",
        crate::cat!("localStorage ", what, " failed: ", detail),
    )
}

impl Store {
    /// localStorage when asked for and usable, else memory with the reason why not.
    pub fn open(kind: &str) -> (Store, Option<Error>) {
        if kind == "memory" {
            return (Store::Memory, None);
        }
        let Some(window) = web_sys::window() else {
            let err = (kind == "local").then(|| {
                Error::new(
                    "storage_unavailable",
                    "no localStorage here; keeping state in memory",
                )
            });
            return (Store::Memory, err);
        };
        match window.local_storage() {
            Ok(Some(s)) => (Store::Local(s), None),
            Ok(None) => (
                Store::Memory,
                Some(Error::new(
                    "storage_unavailable",
                    "localStorage is disabled; keeping state in memory",
                )),
            ),
            Err(e) => (Store::Memory, Some(storage_error(e, "access"))),
        }
    }

    pub fn get(&self, key: &str) -> Result<Option<String>, Error> {
        match self {
            Store::Memory => Ok(memory(|m| {
                m.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
            })),
            Store::Local(s) => s.get_item(key).map_err(|e| storage_error(e, "read")),
        }
    }

    pub fn set(&self, key: &str, value: &str) -> Result<(), Error> {
        match self {
            Store::Memory => {
                memory(|m| match m.iter_mut().find(|(k, _)| k == key) {
                    Some((_, v)) => *v = value.to_string(),
                    None => m.push((key.to_string(), value.to_string())),
                });
                Ok(())
            }
            Store::Local(s) => s
                .set_item(key, value)
                .map_err(|e| storage_error(e, "write")),
        }
    }

    /// Removes `key` and every `key:…` entry (all that vitrin ever stores under a key).
    pub fn remove_all(&self, key: &str) -> Result<(), Error> {
        let ours = |k: &str| {
            k == key
                || k.strip_prefix(key)
                    .is_some_and(|rest| rest.starts_with(':'))
        };
        match self {
            Store::Memory => {
                memory(|m| m.retain(|(k, _)| !ours(k)));
                Ok(())
            }
            Store::Local(s) => {
                let len = s.length().map_err(|e| storage_error(e, "read"))?;
                let keys: Vec<String> = (0..len)
                    .filter_map(|i| s.key(i).ok().flatten())
                    .filter(|k| ours(k))
                    .collect();
                keys.iter()
                    .try_for_each(|k| s.remove_item(k).map_err(|e| storage_error(e, "remove")))
            }
        }
    }
}
