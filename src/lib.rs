//! vitrin: in-browser personalization. The core (every module but `web`) is plain Rust
//! with no JavaScript types, covered by `cargo test` on the host; `web` adapts it to JS,
//! browser storage and tabs, compiled only for wasm32.
//!
//! Layers, lowest first; a module imports only from its own layer or below:
//! 1. `names` (the name lists), `error`, `json` (and `jsontext`, the JSON text reader and writer), `embeddings`, `logic` (JsonLogic), `reasons`,
//!    `url` (the one URL rule), `blend` (the ranking weights a catalog carries), `order` (the one sort)
//! 2. `catalog`, `events`, `profile`, `visitor`
//! 3. `template`, `rules` (format, validation, compilation; `rules::product`)
//! 4. `scoring`, `slots`, `campaigns`, `assistant`
//! 5. `engine` (the facade answering API.md)
//! 6. `session` (the engine in a page: visitor id, storage, tabs, consent erasure),
//!    `typescript` (the name lists as the package's TypeScript unions)
//! 7. `web` (wasm32 only: bindings and platform)

pub mod assistant;
pub mod blend;
pub mod campaigns;
pub mod catalog;
pub mod embeddings;
pub mod engine;
pub mod error;
pub mod events;
pub mod json;
pub mod jsontext;
pub mod logic;
pub mod names;
pub mod order;
pub mod profile;
pub mod reasons;
pub mod rules;
pub mod scoring;
pub mod session;
pub mod slots;
pub mod template;
#[cfg(not(target_arch = "wasm32"))]
pub mod typescript;
pub mod url;
pub mod visitor;

pub use engine::Engine;
pub use error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(target_arch = "wasm32")]
mod web;
