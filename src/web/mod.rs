//! The browser edge, compiled only for wasm32: `bindings` (the wasm-bindgen exports, the
//! only code that knows JavaScript values). Must not hold engine logic or call into the
//! page: it adapts the core (`session`), it never decides. Storage is the wrapper's
//! (`core.js`), like the channel to the other tabs: the wasm calls no browser API.

mod bindings;

/// The allocator: lol_alloc's free list (first fit over free blocks sorted by address, merged
/// when adjacent) instead of std's dlmalloc or Talc: its code is the smallest (SIMD wasm
/// 561 B gzip less than Talc's, 393 B brotli), and in one interleaved Node run (20k products)
/// it was no slower (`create` 0.90-0.96x, 300 `track`s with 60 `recommend`s 0.88-1.02x) and
/// held less memory (43.7 vs 45.8 MB). Sound here because the page runs the wasm on one
/// thread (no `atomics` target feature, src/lib.rs).
#[global_allocator]
static ALLOC: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    // SAFETY: single-threaded, as above.
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// A panic traps (the `unreachable` instruction), as std's `panic = "abort"` did: the wrapper
/// (pkg-template/core.js) catches the trap and disables the engine. Nothing reads the message,
/// so none is built (src/lib.rs).
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
