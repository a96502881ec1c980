//! vitrin: in-browser personalization. The core (every module but `web`) is plain Rust
//! with no JavaScript types, covered by `cargo test` on the host; `web` adapts it to JS,
//! browser storage and tabs, compiled only for wasm32.
//!
//! Layers, lowest first; a module imports only from its own layer or below:
//! 1. `float` (wasm32 only: the float methods `core` lacks), `names` (the name lists), `error`, `value` (the JSON tree), `json` (and `jsontext`, the JSON text reader and writer), `embeddings`, `logic` (JsonLogic), `reasons`,
//!    `url` (the one URL rule), `blend` (the ranking weights a catalog carries), `order` (the one sort)
//! 2. `catalog`, `events`, `profile`, `visitor`
//! 3. `template`, `rules` (format, validation, compilation; `rules::product`)
//! 4. `scoring`, `slots`, `campaigns`, `assistant`
//! 5. `engine` (the facade answering API.md)
//! 6. `session` (the engine in a page: visitor id, storage, tabs, consent erasure), `calls`
//!    (the numbers of the calls the package's JavaScript makes into the wasm),
//!    `typescript` (the name lists as the package's TypeScript unions)
//! 7. `web` (wasm32 only: the bindings)
//!
//! `no_std` on wasm32 (`alloc` only), std on the host (tests, the server, xtask): with std
//! linked, a panic carried std's machinery into the wasm (its hook, the formatting of
//! `PanicInfo` and `Location`), which nothing reads; `web`'s own panic handler traps instead
//! (ARCHITECTURE.md, "No std in the wasm").
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

/// What std's prelude gives and `alloc` does not on its own, for the `no_std` wasm build: each
/// module that needs these names imports `crate::prelude::*`.
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
    pub use alloc::{format, vec};

    #[cfg(target_arch = "wasm32")]
    pub use crate::float::{Float, Float32};
}

/// `fn $name(f)`: `f` over a `Cell` of this thread's own. In the wasm, which runs on one
/// thread, a plain static: `core` has no `thread_local!`, and std's access was not inlined at
/// opt-level "z" (a tenth of a condition's time, for `logic::eval`'s work budget). Per thread
/// on the host, where tests run in parallel.
macro_rules! thread_cell {
    ($vis:vis fn $name:ident: $t:ty = $init:expr) => {
        #[cfg(target_arch = "wasm32")]
        $vis fn $name<R>(f: impl FnOnce(&core::cell::Cell<$t>) -> R) -> R {
            struct One(core::cell::Cell<$t>);
            // SAFETY: no other thread exists to share it with (no `atomics`: see below).
            unsafe impl Sync for One {}
            static CELL: One = One(core::cell::Cell::new($init));
            f(&CELL.0)
        }

        #[cfg(not(target_arch = "wasm32"))]
        $vis fn $name<R>(f: impl FnOnce(&core::cell::Cell<$t>) -> R) -> R {
            std::thread_local! {
                static CELL: core::cell::Cell<$t> = const { core::cell::Cell::new($init) };
            }
            CELL.with(f)
        }
    };
}

// Threads in the wasm (shared memory) would share `thread_cell!`'s statics, and the allocator's.
#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
compile_error!("the wasm runs on one thread: build it without the `atomics` target feature");

pub mod assistant;
pub mod blend;
pub mod calls;
pub mod campaigns;
pub mod catalog;
pub mod embeddings;
pub mod engine;
pub mod error;
pub mod events;
#[cfg(target_arch = "wasm32")]
mod float;
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
pub mod value;
pub mod visitor;

pub use engine::Engine;
pub use error::Error;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[cfg(target_arch = "wasm32")]
mod web;
