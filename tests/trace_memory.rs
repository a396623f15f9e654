//! A 30-day Bitbrains replay of all 16 VMs streams its files: the heap in use never holds more
//! than a few chunks of rows, far below the 16 MB of text and below even the 276 KB that all
//! samples would take at 2 bytes each (16 VMs x 8,640 steps).
//!
//! A counting global allocator measures the peak heap; this file holds a single test so no
//! other test allocates at the same time.

use nightshift::trace::{self, Replay, samples::CHUNK_ROWS, samples::FileReplay};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
            PEAK.fetch_max(now, Ordering::SeqCst);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn thirty_day_bitbrains_replay_holds_at_most_a_chunk_per_vm() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("traces/bitbrains-rnd");
    let before_scan = IN_USE.load(Ordering::SeqCst);
    PEAK.store(before_scan, Ordering::SeqCst);
    let index = trace::scan("bitbrains", &dir, None).unwrap();
    let scan_peak = PEAK.load(Ordering::SeqCst) - before_scan;
    assert_eq!((index.vms.len(), index.steps), (16, 8640));
    // The scan reads line by line too: it keeps per-file gap counts, never a file's text.
    eprintln!("peak heap during the scan: {scan_peak} bytes");
    assert!(scan_peak < 64 * 1024, "scan peak heap {scan_peak} bytes");

    let base = IN_USE.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let mut replay = FileReplay::of(&index).expect("Bitbrains is streamed");
    let mut out = vec![0; index.vms.len()];
    let mut most_buffered = 0;
    let mut checksum: u64 = 0;
    for step in 0..index.steps {
        replay.seek(step, &mut out).unwrap();
        most_buffered = most_buffered.max(replay.buffered());
        checksum += out.iter().map(|&l| u64::from(l)).sum::<u64>();
    }
    let peak = PEAK.load(Ordering::SeqCst) - base;
    drop(replay);

    assert!(checksum > 0);
    assert!(most_buffered <= CHUNK_ROWS, "{most_buffered} rows buffered");
    // 16 cursors x 128 samples x 8 bytes = 16 KB of windows, plus one open file's read buffer
    // (8 KB) and line buffer at a time. Loading the samples would take 276,480 bytes.
    let all_samples = 16 * 8640 * 2;
    eprintln!("peak heap during the replay: {peak} bytes (all samples: {all_samples})");
    assert!(peak < 64 * 1024, "peak heap {peak} bytes");
    assert!(peak * 4 < all_samples);
}
