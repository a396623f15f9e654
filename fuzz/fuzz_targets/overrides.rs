//! Fuzz target: any `--set KEY=VALUE` on a valid scenario gives a setup or a clean error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nightshift::scenario;

const BASE: &str = include_str!("../../scenarios/exercise-1.toml");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let overrides: Vec<String> = text.lines().take(8).map(str::to_string).collect();
    let _ = scenario::load(BASE, "exercise-1.toml", &overrides);
});
