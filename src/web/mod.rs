//! The browser edge, compiled only for wasm32: `bindings` (the wasm-bindgen exports, the
//! only code that knows JavaScript values) and `platform` (localStorage and
//! BroadcastChannel). Must not hold engine logic: it adapts the core, it never decides.

mod bindings;
mod platform;
