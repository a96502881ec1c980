//! The browser edge, compiled only for wasm32: `bindings` (the wasm's exports, the only
//! code that knows how the JavaScript glue passes values). Must not hold engine logic or call into the
//! page: it adapts the core (`session`), it never decides. Storage is the wrapper's
//! (`core.js`), like the channel to the other tabs: the wasm calls no browser API.

mod alloc;
mod bindings;

/// The allocator: size classes with a free list each (`alloc`), written here because it is
/// smaller in the wasm than Talc, rlsf or std's dlmalloc; O(1) to allocate and free.
#[global_allocator]
static ALLOC: alloc::Alloc = alloc::Alloc::new();

/// A panic traps (the `unreachable` instruction), as std's `panic = "abort"` did: the wrapper
/// (pkg-template/core.js) catches the trap and disables the engine. Nothing reads the message,
/// so none is built (src/lib.rs).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
