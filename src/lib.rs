//! vitrin: in-browser personalization. The engine (everything but `bindings` and
//! `platform`) is plain Rust with no JavaScript types; `bindings` adapts it to JS and
//! `platform` to browser storage and tabs, both compiled only for wasm32.

pub mod assistant;
pub mod campaigns;
pub mod catalog;
pub mod embeddings;
pub mod engine;
pub mod error;
pub mod events;
pub mod json;
pub mod logic;
pub mod profile;
pub mod reasons;
pub mod rules;
pub mod scoring;
pub mod slots;
pub mod template;
pub mod visitor;

pub use engine::Engine;
pub use error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(target_arch = "wasm32")]
mod bindings;
#[cfg(target_arch = "wasm32")]
mod platform;
