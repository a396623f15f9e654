//! Issue 22 item 4: the JSON Schemas in `schemas/` are what `nightshift schema` prints (so
//! they never go stale), and every bundled scenario, sweep and a run's `summary.json` match
//! them. The check is the small validator below: it implements every keyword the schemas
//! use and refuses to pass a schema holding any other, so a schema that grows a keyword
//! fails here instead of being half-checked.

mod common;

use common::{nightshift, root, stderr, stdout};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The three formats and their shipped files.
const FORMATS: [&str; 3] = ["scenario", "sweep", "summary"];

fn shipped(format: &str) -> PathBuf {
    root().join("schemas").join(format!("{format}.schema.json"))
}

fn schema(format: &str) -> Value {
    let text = std::fs::read_to_string(shipped(format)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A TOML file as the JSON value an editor's schema check sees.
fn toml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(value).unwrap()
}

fn toml_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "toml") {
            into.push(path);
        }
    }
    into.sort();
}

/// Checks `value` against the draft-7 `schema` (its `#/definitions/...` refs resolved in
/// itself) and returns every violation, each with the JSON path where it is.
fn violations(schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(schema, schema, value, "$", &mut errors);
    errors
}

fn check(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let rules = match schema {
        Value::Bool(true) => return,
        Value::Bool(false) => return errors.push(format!("{at}: nothing is allowed here")),
        Value::Object(rules) => rules,
        other => panic!("{at}: not a schema: {other}"),
    };
    for (keyword, rule) in rules {
        match keyword.as_str() {
            // Annotations: they describe, they do not constrain (`format` included, as draft 7
            // makes it optional; the integer formats come with a `minimum` anyway).
            "$schema" | "title" | "description" | "default" | "format" | "definitions" => {}
            "$ref" => {
                let name = rule
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/definitions/"))
                    .unwrap_or_else(|| panic!("{at}: unsupported $ref {rule}"));
                check(root, &root["definitions"][name], value, at, errors);
            }
            "type" => {
                let types: Vec<&str> = match rule {
                    Value::String(t) => vec![t.as_str()],
                    Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
                    other => panic!("{at}: bad type {other}"),
                };
                if !types.iter().any(|t| is_type(value, t)) {
                    errors.push(format!("{at}: {value} is not of type {types:?}"));
                }
            }
            "properties" => {
                if let (Value::Object(props), Value::Object(obj)) = (rule, value) {
                    for (key, sub) in props {
                        if let Some(v) = obj.get(key) {
                            check(root, sub, v, &format!("{at}.{key}"), errors);
                        }
                    }
                }
            }
            "required" => {
                if let Value::Object(obj) = value {
                    for key in rule.as_array().unwrap().iter().filter_map(Value::as_str) {
                        if !obj.contains_key(key) {
                            errors.push(format!("{at}: missing required key {key}"));
                        }
                    }
                }
            }
            "additionalProperties" => {
                if let Value::Object(obj) = value {
                    let known = rules.get("properties").and_then(Value::as_object);
                    for (key, v) in obj {
                        if !known.is_some_and(|k| k.contains_key(key)) {
                            check(root, rule, v, &format!("{at}.{key}"), errors);
                        }
                    }
                }
            }
            "items" => {
                if let Value::Array(items) = value {
                    for (i, v) in items.iter().enumerate() {
                        check(root, rule, v, &format!("{at}[{i}]"), errors);
                    }
                }
            }
            "enum" => {
                if !rule.as_array().unwrap().contains(value) {
                    errors.push(format!("{at}: {value} is not one of {rule}"));
                }
            }
            "minimum" | "maximum" => {
                if let (Some(v), Some(limit)) = (value.as_f64(), rule.as_f64()) {
                    let outside = if keyword == "minimum" {
                        v < limit
                    } else {
                        v > limit
                    };
                    if outside {
                        errors.push(format!("{at}: {v} is outside its {keyword} {limit}"));
                    }
                }
            }
            "pattern" => {
                if let Value::String(s) = value {
                    let re = regex::Regex::new(rule.as_str().unwrap()).unwrap();
                    if !re.is_match(s) {
                        errors.push(format!("{at}: {s:?} does not match {rule}"));
                    }
                }
            }
            "allOf" => {
                for sub in rule.as_array().unwrap() {
                    check(root, sub, value, at, errors);
                }
            }
            "anyOf" | "oneOf" => {
                let passing = rule
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|sub| {
                        let mut e = Vec::new();
                        check(root, sub, value, at, &mut e);
                        e
                    })
                    .collect::<Vec<_>>();
                let ok = passing.iter().filter(|e| e.is_empty()).count();
                let fine = if keyword == "anyOf" { ok >= 1 } else { ok == 1 };
                if !fine {
                    let why: Vec<String> = passing.into_iter().flatten().collect();
                    errors.push(format!(
                        "{at}: {ok} of {} {keyword} branches match ({})",
                        rule.as_array().unwrap().len(),
                        why.join("; ")
                    ));
                }
            }
            other => panic!("{at}: the schema uses {other:?}, which this check does not implement"),
        }
    }
}

fn is_type(value: &Value, t: &str) -> bool {
    match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        other => panic!("unknown type {other}"),
    }
}

/// The files in `schemas/` are byte for byte what the binary prints: the schema is derived
/// from the types serde reads, so a field added to them without regenerating fails here.
#[test]
fn shipped_schemas_are_what_the_binary_prints() {
    for format in FORMATS {
        let o = nightshift().args(["schema", format]).output().unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let file = std::fs::read_to_string(shipped(format)).unwrap();
        assert!(
            stdout(&o) == file,
            "schemas/{format}.schema.json is stale: regenerate it with `cargo run -- schema {format} > schemas/{format}.schema.json`"
        );
    }
}

/// `schema` takes only the three formats; anything else is bad input (exit 2) naming them.
#[test]
fn an_unknown_format_is_refused_naming_the_valid_ones() {
    let o = nightshift().args(["schema", "scenarios"]).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("scenario, sweep, summary"),
        "{}",
        stderr(&o)
    );
}

/// Every bundled scenario (scenarios/ and scenarios/reference/) and sweep matches its
/// schema: the schema accepts what the parser accepts.
#[test]
fn every_bundled_scenario_and_sweep_matches_its_schema() {
    for (format, dir) in [("scenario", "scenarios"), ("sweep", "sweeps")] {
        let schema = schema(format);
        let mut files = Vec::new();
        toml_files(&root().join(dir), &mut files);
        assert!(!files.is_empty(), "no files in {dir}");
        for path in files {
            let errors = violations(&schema, &toml_as_json(&path));
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        }
    }
}

/// A run's summary.json (with its baseline and savings) matches the summary schema, which
/// lists every key a run always writes as required.
#[test]
fn a_runs_summary_matches_its_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = nightshift()
        .args(["run", "scenarios/exercise-1.toml", "--no-charts", "-q"])
        .args(["--set", "simulation.duration=6h", "--out"])
        .arg(&out)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(out.join("summary.json")).unwrap();
    let summary: Value = serde_json::from_str(&text).unwrap();
    let errors = violations(&schema("summary"), &summary);
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The scenario schema is not a blank cheque: each of these edits of a bundled scenario is
/// refused by the parser (exit 2) and flagged by the schema at the key it breaks.
#[test]
fn the_scenario_schema_flags_what_the_parser_refuses() {
    let base = std::fs::read_to_string(root().join("scenarios/exercise-1.toml")).unwrap();
    let cases = [
        // A misspelt key in a section (serde's deny_unknown_fields).
        (
            "control_interval",
            "control_intervall",
            "$.simulation.control_intervall",
        ),
        // A size without its unit.
        ("ram = \"16 GB\"", "ram = 16", "$.hosts[0].ram"),
        // A power model that does not exist.
        (
            "model = \"linear\"",
            "model = \"cubic\"",
            "$.hosts[0].power",
        ),
        // The required format version, gone.
        ("version = 1\n", "", "$: missing required key version"),
    ];
    let schema = schema("scenario");
    let tmp = tempfile::tempdir().unwrap();
    for (from, to, flagged) in cases {
        assert!(base.contains(from), "exercise-1.toml has no {from:?}");
        let path = tmp.path().join("broken.toml");
        std::fs::write(&path, base.replacen(from, to, 1)).unwrap();
        let o = nightshift().arg("validate").arg(&path).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{to:?}: {}", stderr(&o));
        let errors = violations(&schema, &toml_as_json(&path));
        assert!(
            errors.iter().any(|e| e.contains(flagged)),
            "{to:?} should be flagged at {flagged}: {errors:#?}"
        );
    }
}
