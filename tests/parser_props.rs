//! Property tests of the scenario parser: whatever the input, it returns a scenario or a clean
//! error that names where the problem is; it never panics. Valid scenarios also run to the end
//! with every invariant checked.

use nightshift::scenario;
use nightshift::sim::{self, records::NullRecorder};
use proptest::prelude::*;

const BASE: &str = r#"version = 1
[simulation]
name = "prop"
duration = "2h"
control_interval = "10m"
[[hosts]]
class = "a"
count = 3
cores = 4
core_mips = 1000
ram = "8 GB"
disk = "100 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
states = { off_w = 5, boot_time = "2m", shutdown_time = "1m" }
[[hosts]]
class = "b"
count = 2
cores = 8
ram = "16 GB"
power = { model = "specpower", watts = [50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150] }
[[vm_types]]
name = "s"
vcpus = 1
ram = "1 GB"
disk = "10 GB"
[[vm_types]]
name = "m"
vcpus = 2
ram = "2 GB"
[[vms]]
type = "s"
count = 10
load = "day"
[[vms]]
type = "m"
count = 4
load = "flat"
start = "30m"
lifetime = "1h"
[loads.day]
shape = "sinusoid"
trough = 0.1
peak = 0.9
noise = { distribution = "normal", sd = 0.1 }
[loads.flat]
shape = "constant"
level = 0.4
[policy.consolidation]
underload_threshold = 0.6
[policy.power]
headroom = 0.1
[electricity]
tariff = [{ from = "22:00", to = "06:00", price_per_kwh = 0.1 }]
"#;

/// Values that stress validation: wrong types, signs, non-finite numbers, odd units.
fn nasty_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("-1".to_string()),
        Just("0".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("16".to_string()),
        Just("\"16\"".to_string()),
        Just("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_string()),
        Just("18446744073709551615".to_string()),
        Just("\"\"".to_string()),
        Just("\"12 parsecs\"".to_string()),
        Just("\"25:99\"".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("true".to_string()),
        (-1e6f64..1e6).prop_map(|x| x.to_string()),
        (0u64..100_000).prop_map(|x| x.to_string()),
        "\"[a-z0-9 :./-]{0,12}\"",
    ]
}

/// The `KEY = ` lines of BASE, as (line index, key) pairs.
fn assignment_lines() -> Vec<(usize, String)> {
    BASE.lines()
        .enumerate()
        .filter_map(|(i, l)| l.split_once(" = ").map(|(k, _)| (i, k.to_string())))
        .collect()
}

fn with_line_value(i: usize, value: &str) -> String {
    BASE.lines()
        .enumerate()
        .map(|(j, l)| {
            if j == i {
                format!("{} = {value}", l.split_once(" = ").unwrap().0)
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        if let Err(e) = scenario::load(&text, "fuzz.toml", &[]) {
            prop_assert!(e.to_string().starts_with("fuzz.toml"), "{e}");
        }
    }

    #[test]
    fn arbitrary_bytes_as_lossy_text_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = scenario::load(&String::from_utf8_lossy(&bytes), "fuzz.toml", &[]);
    }

    #[test]
    fn one_bad_value_gives_an_error_naming_the_place_or_a_runnable_scenario(
        line in 0..assignment_lines().len(),
        value in nasty_value(),
    ) {
        let (i, _) = assignment_lines()[line].clone();
        let text = with_line_value(i, &value);
        match scenario::load(&text, "mut.toml", &[]) {
            Err(e) => {
                prop_assert!(e.origin == "mut.toml");
                prop_assert!(e.line.is_some() || e.key.is_some(), "no place in: {e}");
                // The value quoted back is the user's text, even a string that spells "f64".
                in_users_words(&e.to_string().replace(value.as_str(), ""))?;
            }
            Ok(setup) => {
                // Whatever validation accepted must run cleanly.
                prop_assume!(setup.hosts.len() <= 200 && setup.vm_count() <= 500);
                prop_assume!(setup.duration / setup.control_interval.max(1) <= 2_000);
                prop_assume!(setup.duration / setup.load_step.max(1) <= 2_000);
                sim::run_checked(&setup, &mut NullRecorder).map_err(TestCaseError::fail)?;
            }
        }
    }

    /// Any override is a setup or a clean error; a key with unbalanced brackets is never
    /// taken for another (`hosts[0.count` used to set `hosts.0.count`).
    #[test]
    fn arbitrary_overrides_never_panic(key in "[a-z_]{1,12}(\\.[a-z0-9_\\[\\]]{1,12}){0,3}", value in nasty_value()) {
        let result = scenario::load(BASE, "base.toml", &[format!("{key}={value}")]);
        if key.matches('[').count() != key.matches(']').count() {
            prop_assert!(result.is_err(), "{key} accepted");
        }
        if let Err(e) = result {
            in_users_words(&without_key(&e.to_string(), &key))?;
        }
    }
}

/// `message` without the override key it quotes (`--set a.u32`, unknown field `u32`, or
/// `"u64]" may hold only letters` for the key `_.u64]`): what the user typed is no Rust name,
/// even when the random key happens to spell one. Only whole quotes go: a key `s` leaves the
/// `s` of a word alone.
fn without_key(message: &str, key: &str) -> String {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find(key) {
        let before = rest[..i].chars().next_back().is_some_and(word);
        let after = rest[i + key.len()..].chars().next().is_some_and(word);
        out.push_str(&rest[..i]);
        if before || after {
            out.push_str(key);
        }
        rest = &rest[i + key.len()..];
    }
    out.push_str(rest);
    // Any piece of it quoted alone (unknown field `u32`; malformed key: "]f64" may hold ...).
    for quote in ['`', '"'] {
        out = without_quoted_pieces_of(&out, quote, key);
    }
    out
}

/// `message` without the spans between a pair of `quote`s whose text is a piece of `key`.
fn without_quoted_pieces_of(message: &str, quote: char, key: &str) -> String {
    let mut out = String::new();
    let mut parts = message.split(quote);
    out.push_str(parts.next().unwrap_or(""));
    let rest: Vec<&str> = parts.collect();
    for pair in rest.chunks(2) {
        match pair {
            [inside, after] => {
                if inside.is_empty() || !key.contains(inside) {
                    out.extend([quote.to_string(), inside.to_string(), quote.to_string()]);
                }
                out.push_str(after);
            }
            [unclosed] => {
                out.push(quote);
                out.push_str(unclosed);
            }
            _ => unreachable!("chunks of two"),
        }
    }
    out
}

/// A message in the user's words (issue 18 item 24): no name of a Rust type, no number of
/// hundreds of digits, no page of echoed input.
fn in_users_words(message: &str) -> Result<(), TestCaseError> {
    for rust in [
        "untagged",
        "internally tagged",
        "Spec",
        "struct ",
        "recursion",
        "u32",
        "u64",
        "f64",
    ] {
        prop_assert!(!message.contains(rust), "{rust:?} in: {message}");
    }
    let longest_digits = message
        .split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0);
    prop_assert!(longest_digits <= 20, "a long number in: {message}");
    prop_assert!(
        message.len() <= 1000,
        "{} characters: {message}",
        message.len()
    );
    Ok(())
}

#[test]
fn the_base_scenario_is_valid_and_runs_checked() {
    let setup = scenario::load(BASE, "base.toml", &[]).unwrap();
    sim::run_checked(&setup, &mut NullRecorder).unwrap();
}

/// The malformed keys `_.u64]` and `_.]f64[` (found by the property test) are quoted back
/// to the user as typed, a piece of a segment included; that quote is not a Rust name leaking.
#[test]
fn a_malformed_key_that_spells_a_rust_type_is_the_users_text() {
    for (key, quoted) in [("_.u64]", "\"u64]\""), ("_.]f64[", "\"]f64\"")] {
        let e = scenario::load(BASE, "base.toml", &[format!("{key}=1")]).unwrap_err();
        let message = e.to_string();
        assert!(message.contains(quoted), "{message}");
        in_users_words(&without_key(&message, key)).unwrap();
    }
}

/// A count given as the string "f64" (found by the property test) is quoted back as typed;
/// without that quote the message names no Rust type.
#[test]
fn a_string_value_that_spells_a_rust_type_is_the_users_text() {
    let (i, _) = assignment_lines()
        .into_iter()
        .find(|(_, k)| k == "count")
        .unwrap();
    let value = "\"f64\"";
    let e = scenario::load(&with_line_value(i, value), "mut.toml", &[]).unwrap_err();
    let message = e.to_string();
    assert!(message.contains(value), "{message}");
    in_users_words(&message.replace(value, "")).unwrap();
}
