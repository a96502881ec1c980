//! The browser edge, compiled only for wasm32: `bindings` (the wasm's exports, the only
//! code that knows how the JavaScript glue passes values). Must not hold engine logic or call into the
//! page: it adapts the core (`session`), it never decides. Storage is the wrapper's
//! (`core.js`), like the channel to the other tabs: the wasm calls no browser API.

mod bindings;

/// The allocator: Talc instead of std's dlmalloc, about 2 KB gzip smaller in the wasm and
/// faster at the engine's many small allocations. Not lol_alloc's free list (561 B gzip
/// smaller): its `free` walks the free list, so freeing a fragmented heap is quadratic (250
/// engines destroyed took 16 s in the traffic simulator, 0.2 s with Talc). The page runs the
/// wasm on one thread (no `atomics` target feature, src/lib.rs).
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A panic traps (the `unreachable` instruction), as std's `panic = "abort"` did: the wrapper
/// (pkg-template/core.js) catches the trap and disables the engine. Nothing reads the message,
/// so none is built (src/lib.rs).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
