//! The binary's global allocator: mimalloc, called the way Rust's own
//! `System` allocator calls malloc.
//!
//! The `mimalloc` crate's `MiMalloc` passes every request to
//! `mi_malloc_aligned`, which spends about 50 instructions deciding that
//! an ordinary layout needs no special alignment before it allocates; a
//! build makes some 9,000 allocations. This adapter takes that decision
//! itself, with std's rule for malloc (`library/std/src/sys/alloc`):
//! a layout whose alignment is at most [`MIN_ALIGN`] and at most its size
//! goes to the plain functions (`mi_malloc`, `mi_zalloc`, `mi_realloc`),
//! any other to the `_aligned` ones.
//!
//! The guarantee relied on: mimalloc is documented as a drop-in
//! replacement for `malloc` (its API documentation's first page; with
//! overriding on, `malloc` is `mi_malloc`), so `mi_malloc` keeps malloc's
//! contract: memory suitably aligned for any object of fundamental
//! alignment that fits in the size asked for. On the 64-bit targets this
//! is 16 bytes, mimalloc's `MI_MAX_ALIGN_SIZE` (`alignof(max_align_t)`),
//! and `mi_malloc_aligned` itself takes the plain path for exactly these
//! layouts (`mi_malloc_is_naturally_aligned`). Layouts with a larger
//! alignment, or an alignment above their size, never take the plain path:
//! the `mimalloc` crate's older rule also sent `align == size <= 4096` to
//! `mi_malloc`, which was unsound (RUSTSEC-2022-0094) and is not done here.
//! mimalloc is built without its `secure` mode, whose padding that
//! advisory also concerned.

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc, mi_zalloc_aligned,
};
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment malloc guarantees for a request at least this large:
/// `alignof(max_align_t)`, as std's `MIN_ALIGN` for these targets.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
const MIN_ALIGN: usize = 16;
/// Elsewhere, claim only what every target's malloc gives: a pointer's
/// alignment (the aligned functions take everything larger).
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const MIN_ALIGN: usize = std::mem::align_of::<usize>();

/// Whether malloc's own guarantee covers `align` for `size` bytes.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

pub struct MiMalloc;

// SAFETY: every block comes from mimalloc and goes back to it (`mi_free`
// frees blocks from the plain and the aligned functions alike); each
// function is given a size and an alignment it is documented to honour,
// and the plain ones only alignments within malloc's guarantee (above).
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            // SAFETY: malloc's contract covers this alignment (module docs).
            unsafe { mi_malloc(layout.size()) as *mut u8 }
        } else {
            // SAFETY: `Layout` guarantees a power-of-two alignment.
            unsafe { mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if plain(layout.align(), layout.size()) {
            // SAFETY: as in `alloc`.
            unsafe { mi_zalloc(layout.size()) as *mut u8 }
        } else {
            // SAFETY: as in `alloc`.
            unsafe { mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: the caller passes a block this allocator returned.
        unsafe { mi_free(ptr as *mut c_void) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The new size decides, as in std: the block must suit the
        // alignment at the size it will have.
        if plain(layout.align(), new_size) {
            // SAFETY: `ptr` is this allocator's; malloc's contract covers
            // the alignment at `new_size`.
            unsafe { mi_realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            // SAFETY: `ptr` is this allocator's; the alignment is a power
            // of two.
            unsafe { mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8 }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every alignment up to a page, for sizes around each, through every
    /// entry point: each block is aligned as asked.
    #[test]
    fn blocks_are_aligned_as_asked() {
        let allocator = MiMalloc;
        for shift in 0..=12 {
            let align = 1usize << shift;
            for size in [1, align / 2, align.saturating_sub(1), align, align + 1, 3 * align, 4096 + align] {
                let Ok(layout) = Layout::from_size_align(size.max(1), align) else { continue };
                // SAFETY: a non-zero size; each block is freed once, by the
                // allocator that made it, with its layout.
                unsafe {
                    let p = allocator.alloc(layout);
                    assert!(!p.is_null() && (p as usize).is_multiple_of(align), "alloc {size} by {align}");
                    let q = allocator.realloc(p, layout, 2 * layout.size() + 7);
                    assert!(!q.is_null() && (q as usize).is_multiple_of(align), "realloc {size} by {align}");
                    allocator.dealloc(q, Layout::from_size_align_unchecked(2 * layout.size() + 7, align));
                    let z = allocator.alloc_zeroed(layout);
                    assert!(!z.is_null() && (z as usize).is_multiple_of(align), "alloc_zeroed {size} by {align}");
                    assert!(std::slice::from_raw_parts(z, layout.size()).iter().all(|&b| b == 0));
                    allocator.dealloc(z, layout);
                }
            }
        }
    }
}
