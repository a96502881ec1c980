//! The wasm's global allocator, written here for size (ARCHITECTURE.md, "Dependencies"):
//! segregated size classes, one free list each, O(1) `alloc` and `dealloc`. The classes are
//! the multiples of 8 up to 64, then four per power of two (80, 96, 112, 128, 160, …), so
//! rounding up wastes under a fifth of a block above 64 B. A block starts at a multiple of
//! its size's lowest set bit (a 96 B block at a multiple of 32), or of the 64 KiB page when
//! that is larger, which meets the alignment of any layout whose size is a multiple of it.
//! Memory is bumped from `memory.grow`n pages; a freed block is reused only by its own
//! class (no coalescing, no splitting): the 10k catalog's create peaks at about Talc's heap.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::memory_grow;
use core::cell::UnsafeCell;
use core::ptr::{copy_nonoverlapping, null_mut};

const PAGE: u64 = 1 << 16;

pub struct Alloc(UnsafeCell<Heap>);

struct Heap {
    /// `free[c]`: the first free block of class `c`; a free block's first word is the next.
    free: [*mut u8; 128],
    /// Memory not handed out yet: `next..end` (u64: a 4 GiB memory ends at 2^32).
    next: u64,
    end: u64,
}

// SAFETY: the page runs the wasm on one thread (no `atomics` target feature, src/lib.rs),
// so no two calls touch the heap at once.
unsafe impl Sync for Alloc {}

impl Alloc {
    pub const fn new() -> Self {
        Alloc(UnsafeCell::new(Heap {
            free: [null_mut(); 128],
            next: 0,
            end: 0,
        }))
    }
}

/// log2 of the step between the classes around `n` (≥ 1) bytes: 8 up to 64 bytes, then an
/// eighth of the power of two at or above `n`.
fn step(n: usize) -> usize {
    (usize::BITS - (n - 1).leading_zeros()).max(6) as usize - 3
}

/// The class of `n` bytes, its index in `Heap::free` (< 128): its block holds `n` rounded
/// up to a multiple of the step.
fn class(n: usize) -> usize {
    let e = step(n);
    ((n - 1) >> e) + 1 + 4 * e
}

impl Heap {
    fn list(&mut self, c: usize) -> &mut *mut u8 {
        // SAFETY: `class` is below 128 (`step` is at most 29, the multiple at most 8).
        unsafe { self.free.get_unchecked_mut(c) }
    }
}

unsafe impl GlobalAlloc for Alloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one thread, and no call here reenters the allocator.
        let heap = unsafe { &mut *self.0.get() };
        if layout.align() as u64 > PAGE {
            return null_mut();
        }
        // The size padded to the alignment (the same size for Rust's types) has a class
        // whose blocks are aligned enough.
        let n = layout.pad_to_align().size();
        let list = heap.list(class(n));
        let block = *list;
        if !block.is_null() {
            // SAFETY: a free block of the list starts with the next one's address.
            *list = unsafe { *block.cast() };
            return block;
        }
        let e = step(n);
        let size = ((((n - 1) >> e) + 1) as u64) << e;
        let align = (size & size.wrapping_neg()).min(PAGE);
        loop {
            let at = (heap.next + align - 1) & !(align - 1);
            if at + size <= heap.end {
                // The gap skipped to align the block goes to the free lists, as the blocks
                // of its addresses' lowest set bits (`next` is a multiple of 8).
                while heap.next < at {
                    let gap = heap.next as usize;
                    let list = heap.list(class(gap & gap.wrapping_neg()));
                    // SAFETY: the gap is memory of ours that nothing uses.
                    unsafe { *(gap as *mut *mut u8) = *list };
                    *list = gap as *mut u8;
                    heap.next += (gap & gap.wrapping_neg()) as u64;
                }
                heap.next = at + size;
                return at as usize as *mut u8;
            }
            let pages = (at + size - heap.end).div_ceil(PAGE);
            let base = match memory_grow(0, pages as usize) {
                usize::MAX => return null_mut(),
                base => base as u64 * PAGE,
            };
            // Nothing else grows the memory, but if it did, the new pages would not follow ours.
            if base != heap.end {
                heap.next = base;
            }
            heap.end = base + pages * PAGE;
        }
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`; the block is ours and no longer used.
        let heap = unsafe { &mut *self.0.get() };
        // The size's class, not the padded size's: the same for Rust's types, and the
        // alignment stays out of every drop's call. A block from a padded class is as large
        // and, when its class differs, aligned to the alignment, more than the size's class
        // asks.
        let list = heap.list(class(layout.size()));
        unsafe { *block.cast() = *list };
        *list = block;
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        // The block holds the class of `layout.size()` at least (see `dealloc`).
        if class(size) == class(layout.size()) {
            return block;
        }
        // SAFETY: `GlobalAlloc::realloc`'s contract: `size` rounded to the alignment fits isize.
        let moved = unsafe { self.alloc(Layout::from_size_align_unchecked(size, layout.align())) };
        if !moved.is_null() {
            unsafe {
                copy_nonoverlapping(block, moved, layout.size().min(size));
                self.dealloc(block, layout);
            }
        }
        moved
    }
}
