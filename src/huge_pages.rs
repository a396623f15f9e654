//! The binary's allocator on Linux with glibc: the system's, with every block of 2 MiB or more
//! advised to the kernel for transparent huge pages (`madvise(MADV_HUGEPAGE)`).
//!
//! A large fleet's VM and host tables are read in host order, far apart in memory, at every
//! load step; with 4 KiB pages nearly each such read also misses the TLB. Kernels that grant
//! huge pages only when asked (`/sys/kernel/mm/transparent_hugepage/enabled` = `madvise`, the
//! Debian and Ubuntu default) give them to these tables only through this advice. It is what
//! glibc's own `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` does, on by default
//! (docs/performance.md#huge-pages has the measurements). Outputs do not depend on it.

use std::alloc::{GlobalAlloc, Layout, System};

/// The size of a transparent huge page on x86-64 and of the blocks worth advising.
const HUGE_PAGE: usize = 2 << 20;

/// [`System`], advising blocks of [`HUGE_PAGE`] or more for huge pages.
pub struct HugePages;

/// Advises the whole huge pages inside `len` bytes at `ptr` (an allocation of ours).
fn advise(ptr: *mut u8, len: usize) {
    let start = (ptr as usize).next_multiple_of(HUGE_PAGE);
    let end = (ptr as usize + len) & !(HUGE_PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside a live allocation of ours; MADV_HUGEPAGE changes how
        // the kernel backs it, never its contents. A refusal (a kernel without THP) is
        // harmless, so its result is not read.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

// SAFETY: every call goes to `System` unchanged; `advise` only adds a hint on the memory
// `System` returned.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && layout.size() >= HUGE_PAGE {
            advise(ptr, layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() && layout.size() >= HUGE_PAGE {
            advise(ptr, layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && new_size >= HUGE_PAGE {
            advise(new, new_size);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `VmFlags` line of the mapping of this process that holds `addr`.
    fn vm_flags(addr: usize) -> String {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("/proc/self/smaps");
        let mut inside = false;
        for line in smaps.lines() {
            if let Some((range, _)) = line.split_once(' ')
                && let Some((lo, hi)) = range.split_once('-')
                && let (Ok(lo), Ok(hi)) =
                    (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
            {
                inside = (lo..hi).contains(&addr);
            } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
                return flags.to_string();
            }
        }
        panic!("no mapping holds {addr:#x}");
    }

    #[test]
    fn a_block_of_several_huge_pages_is_advised_for_them() {
        // 8 MiB holds at least three whole 2 MiB pages wherever it starts: the kernel marks
        // their mapping `hg` (MADV_HUGEPAGE); without the advice it is not marked, as
        // `transparent_hugepage/enabled` is `madvise` or `never`.
        let big = Layout::from_size_align(8 << 20, 8).unwrap();
        // SAFETY: a non-zero size; freed below with its layout.
        let b = unsafe { HugePages.alloc(big) };
        assert!(!b.is_null());
        let flags = vm_flags((b as usize).next_multiple_of(HUGE_PAGE));
        // SAFETY: allocated above with this layout.
        unsafe { HugePages.dealloc(b, big) };
        assert!(
            flags.split_whitespace().any(|f| f == "hg"),
            "flags: {flags}"
        );
    }
}
