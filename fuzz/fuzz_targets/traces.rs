//! Fuzz target: any bytes as a trace file of any format must be indexed and replayed to the
//! end, or refused with a clean error; never a panic or a hang. The first byte picks the
//! format; the rest is written to a file in a scratch folder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nightshift::trace;
use std::path::PathBuf;
use std::sync::OnceLock;

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("nightshift-fuzz-traces-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else { return };
    let format = ["planetlab", "bitbrains", "azure", "csv"][selector as usize % 4];
    let dir = scratch().join(format);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("format folder");
    let file = if format == "planetlab" { "vm-1" } else { "trace.csv" };
    std::fs::write(dir.join(file), body).expect("write the input");
    let path = if format == "csv" { dir.join(file) } else { dir.clone() };
    if let Ok(index) = trace::scan(format, &path, None) {
        let mut replay = trace::open(&index);
        let mut levels = vec![0; index.vms.len()];
        for step in 0..index.steps.min(100_000) {
            if replay.seek(step, &mut levels).is_err() {
                break;
            }
        }
    }
});
