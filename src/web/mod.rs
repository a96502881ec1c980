//! The browser edge, compiled only for wasm32: `bindings` (the wasm-bindgen exports, the
//! only code that knows JavaScript values) and `platform` (localStorage). Must not hold
//! engine logic or call into the page: it adapts the core (`session`), it never decides.

mod bindings;
mod platform;
