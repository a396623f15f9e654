//! Fuzz target: any text as a scenario file must give a setup or a clean error, never a panic
//! or a hang. Accepted scenarios that are small enough are also run with invariants checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nightshift::scenario;
use nightshift::sim::{self, records::NullRecorder};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(setup) = scenario::load(text, "fuzz.toml", &[]) {
        let steps = setup.duration / setup.load_step.max(1) + setup.duration / setup.control_interval.max(1);
        if setup.hosts.len() <= 64 && setup.vm_count() <= 256 && steps <= 4_000 {
            sim::run_checked(&setup, &mut NullRecorder).expect("an accepted scenario runs cleanly");
        }
    }
});
