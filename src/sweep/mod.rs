//! Parameter sweeps: a base scenario and axes of `--set` values, expanded into a fixed,
//! documented list of runs, each with a stable id. Parsing and expansion only; running and
//! file handling are in the CLI layer.
//!
//! Order: the cartesian product of the axes in file order, the first axis varying slowest (as
//! nested loops written top to bottom), and seeds innermost.

mod shard;

pub use shard::Shard;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;
use toml::Value;

/// `sweep.json`: what a sweep folder holds. Every shard writes the same one; `merge` and
/// `plot` read it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The sweep's name.
    pub sweep: String,
    /// Hash of the sweep file, the base scenario and the nightshift version ([`fingerprint`]).
    pub fingerprint: String,
    /// The nightshift version that ran it.
    pub nightshift: String,
    /// Axis keys, in file order: the axis columns of `results.csv` are these, in this order,
    /// as [`axis_column`] writes them.
    pub axes: Vec<String>,
    /// Run ids, in expansion order.
    pub runs: Vec<String>,
}

/// Short names of axis keys: the last path segment, or the whole key when two axes share it.
/// Used in run ids and in chart legends.
pub fn short_keys<S: AsRef<str>>(keys: &[S]) -> Vec<String> {
    let last = |k: &str| k.rsplit('.').next().unwrap_or(k).to_string();
    keys.iter()
        .map(|k| {
            let k = k.as_ref();
            let shared = keys.iter().filter(|o| last(o.as_ref()) == last(k)).count() > 1;
            if shared { k.to_string() } else { last(k) }
        })
        .collect()
}

/// An axis key as a `results.csv` column: a plain identifier, every character other than a
/// letter, a digit or `_` replaced by `_` (`policy.power.headroom` -> `policy_power_headroom`);
/// `sweep.json`'s `axes` keeps the keys in the same order.
pub fn axis_column(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A sweep file as written (docs/sweeps.md); public for its JSON Schema
/// (`nightshift schema sweep`), read only through [`Sweep`].
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepFile {
    /// Format version; only `1` exists.
    version: u32,
    /// Sweep name (letters, digits, `-`, `_`, `.`); the default output folder is
    /// `output/<name>/`.
    name: String,
    /// The base scenario, relative to the sweep file.
    scenario: String,
    /// Run each axis point once per seed (default: the scenario's seed).
    #[serde(default)]
    seeds: Option<Vec<u64>>,
    /// `n`: seeds are the scenario's seed + 0, 1, ..., n-1 (give `seeds` or `replicates`,
    /// not both).
    #[serde(default)]
    replicates: Option<u32>,
    /// `KEY=VALUE` overrides applied to every run, before the axes.
    #[serde(default)]
    set: Vec<String>,
    /// The axes; runs are their cartesian product, the first axis varying slowest.
    #[serde(default)]
    axis: Vec<AxisFile>,
}

/// `[[axis]]`: a scenario key and its values, listed or as a range.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct AxisFile {
    /// A scenario path, as for `--set`.
    key: String,
    /// The values, any TOML values.
    #[serde(default)]
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    values: Option<Vec<Value>>,
    /// `{ from, to, step }`: numbers, `to` included.
    #[serde(default)]
    range: Option<RangeFile>,
}

/// `range = { from, to, step }` of an axis.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RangeFile {
    /// The first value.
    from: f64,
    /// The last value, included.
    to: f64,
    /// The step between values.
    step: f64,
}

/// One axis: a scenario key and the values it takes.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Dotted scenario key, as for `--set`.
    pub key: String,
    /// Values, as TOML text (what `--set` receives).
    pub values: Vec<String>,
}

/// Where a sweep's seeds come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Seeds {
    /// The scenario's own seed (one run per axis point).
    Scenario,
    /// These seeds, each a run.
    List(Vec<u64>),
    /// The scenario's seed plus 0, 1, ..., n-1.
    Replicates(u32),
}

/// A parsed, validated sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// Sweep name (default output folder `output/<name>/`).
    pub name: String,
    /// Path of the base scenario, relative to the sweep file's folder.
    pub scenario: String,
    /// Overrides applied to every run before the axes.
    pub set: Vec<String>,
    /// Axes, slowest first.
    pub axes: Vec<Axis>,
    /// Seeds per axis point.
    pub seeds: Seeds,
}

/// One run of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSpec {
    /// Position in the expansion order.
    pub index: usize,
    /// Stable id from the axis values and seed; names the run's folder.
    pub id: String,
    /// `(key, value)` per axis, in axis order.
    pub values: Vec<(String, String)>,
    /// Seed, if the sweep sets one.
    pub seed: Option<u64>,
    /// Every `--set` override of this run, in order (sweep `set`, axes, seed).
    pub overrides: Vec<String>,
}

/// A problem in a sweep file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepError {
    /// File the problem is in.
    pub origin: String,
    /// Line, when known.
    pub line: Option<usize>,
    /// What is wrong and what would be valid.
    pub message: String,
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.origin, self.message),
            None => write!(f, "{}: {}", self.origin, self.message),
        }
    }
}

/// Most runs a sweep may expand to.
pub const MAX_RUNS: usize = 1_000_000;

impl Sweep {
    /// Parses and validates a sweep file's text.
    pub fn parse(text: &str, origin: &str) -> Result<Sweep, SweepError> {
        let err = |line: Option<usize>, message: String| SweepError {
            origin: origin.to_string(),
            line,
            message,
        };
        let file: SweepFile = toml::from_str(text).map_err(|e| {
            let line = e
                .span()
                .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            err(line, e.message().trim().to_string())
        })?;
        if file.version != 1 {
            return Err(err(
                None,
                format!(
                    "version: unsupported version {}; this nightshift reads version 1",
                    file.version
                ),
            ));
        }
        if file.name.is_empty()
            || !file
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(err(
                None,
                format!(
                    "name: {:?} is not a valid name: use letters, digits, '-', '_' and '.'",
                    file.name
                ),
            ));
        }
        let seeds = match (file.seeds, file.replicates) {
            (Some(_), Some(_)) => {
                return Err(err(
                    None,
                    "give either `seeds` or `replicates`, not both".into(),
                ));
            }
            (Some(list), None) if list.is_empty() => {
                return Err(err(None, "seeds: the list is empty".into()));
            }
            (Some(list), None) => {
                // Two runs with one seed would share a run id (and a folder).
                if let Some(s) = first_repeat(list.iter().copied()) {
                    return Err(err(
                        None,
                        format!("seeds: {s} is listed twice; each seed names its own runs"),
                    ));
                }
                Seeds::List(list)
            }
            (None, Some(0)) => return Err(err(None, "replicates: must be at least 1".into())),
            (None, Some(n)) => Seeds::Replicates(n),
            (None, None) => Seeds::Scenario,
        };
        let mut axes = Vec::new();
        for (i, a) in file.axis.iter().enumerate() {
            let at = |m: String| err(None, format!("axis[{i}] ({}): {m}", a.key));
            if a.key.trim().is_empty() {
                return Err(at(
                    "key is empty; use a scenario path such as policy.power.headroom".into(),
                ));
            }
            if axes.iter().any(|b: &Axis| b.key == a.key) {
                return Err(at("the same key is swept twice".into()));
            }
            let values = match (&a.values, &a.range) {
                (Some(v), None) if !v.is_empty() => v.iter().map(value_text).collect(),
                (Some(_), None) => return Err(at("values: the list is empty".into())),
                (None, Some(r)) => range_values(r).map_err(at)?,
                _ => {
                    return Err(at(
                        "give either `values = [...]` or `range = { from, to, step }`".into(),
                    ));
                }
            };
            // Run ids are built from the values' folder-safe forms: two values with one form
            // would name the same run folder.
            let mut seen: HashMap<String, &str> = HashMap::new();
            for v in &values {
                if let Some(before) = seen.insert(sanitize(v), v) {
                    let same = if before == v {
                        format!("{v} is listed twice")
                    } else {
                        format!(
                            "{before} and {v} would name the same run folder ({}); nightshift keeps letters, digits and '.-+' of a value",
                            sanitize(v)
                        )
                    };
                    return Err(at(format!("values: {same}")));
                }
            }
            axes.push(Axis {
                key: a.key.clone(),
                values,
            });
        }
        let sweep = Sweep {
            name: file.name,
            scenario: file.scenario,
            set: file.set,
            axes,
            seeds,
        };
        let n = sweep.len();
        if n > MAX_RUNS {
            return Err(err(
                None,
                format!("the sweep expands to {n} runs; the limit is {MAX_RUNS}"),
            ));
        }
        Ok(sweep)
    }

    fn seed_count(&self) -> usize {
        match &self.seeds {
            Seeds::Scenario => 1,
            Seeds::List(l) => l.len(),
            Seeds::Replicates(n) => *n as usize,
        }
    }

    /// Number of runs.
    pub fn len(&self) -> usize {
        self.axes
            .iter()
            .fold(self.seed_count(), |n, a| n.saturating_mul(a.values.len()))
    }

    /// Whether the sweep has no run (never, once validated).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The run at `index` in expansion order; `base_seed` is the scenario's own seed.
    pub fn run(&self, index: usize, base_seed: u64) -> RunSpec {
        let seeds = self.seed_count();
        let (mut rest, seed_i) = (index / seeds, index % seeds);
        let mut picks = vec![0; self.axes.len()];
        for (a, axis) in self.axes.iter().enumerate().rev() {
            picks[a] = rest % axis.values.len();
            rest /= axis.values.len();
        }
        let values: Vec<(String, String)> = self
            .axes
            .iter()
            .zip(&picks)
            .map(|(a, &p)| (a.key.clone(), a.values[p].clone()))
            .collect();
        let seed = match &self.seeds {
            Seeds::Scenario => None,
            Seeds::List(l) => Some(l[seed_i]),
            Seeds::Replicates(_) => Some(base_seed.wrapping_add(seed_i as u64)),
        };
        let mut overrides = self.set.clone();
        overrides.extend(values.iter().map(|(k, v)| format!("{k}={v}")));
        if let Some(s) = seed {
            overrides.push(format!("simulation.seed={s}"));
        }
        RunSpec {
            index,
            id: self.run_id(&values, seed),
            values,
            seed,
            overrides,
        }
    }

    /// All runs in expansion order.
    pub fn runs(&self, base_seed: u64) -> Vec<RunSpec> {
        (0..self.len()).map(|i| self.run(i, base_seed)).collect()
    }

    /// A folder-safe id: each axis as `<short key>=<value>`, then `seed=<n>`, joined by `_`.
    /// The short key is the last path segment, or the whole path if two axes share it.
    fn run_id(&self, values: &[(String, String)], seed: Option<u64>) -> String {
        let keys: Vec<&str> = self.axes.iter().map(|a| a.key.as_str()).collect();
        let short = short_keys(&keys);
        let mut parts: Vec<String> = values
            .iter()
            .zip(&short)
            .map(|((_, v), name)| format!("{}={}", sanitize(name), sanitize(v)))
            .collect();
        if let Some(s) = seed {
            parts.push(format!("seed={s}"));
        }
        if parts.is_empty() {
            "base".to_string()
        } else {
            parts.join("_")
        }
    }
}

/// The first item seen twice, if any.
fn first_repeat<T: std::hash::Hash + Eq + Copy>(items: impl Iterator<Item = T>) -> Option<T> {
    let mut seen = std::collections::HashSet::new();
    items.into_iter().find(|&i| !seen.insert(i))
}

/// Keeps letters, digits and `.-+`; anything else becomes `-` (folder- and file-name safe).
pub fn sanitize(text: &str) -> String {
    let t: String = text
        .trim_matches('"')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-+".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    if t.is_empty() { "empty".into() } else { t }
}

/// A TOML value as `--set` text: strings quoted, numbers as written by TOML.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn range_values(r: &RangeFile) -> Result<Vec<String>, String> {
    if !(r.from.is_finite() && r.to.is_finite() && r.step.is_finite())
        || r.step <= 0.0
        || r.to < r.from
    {
        return Err(format!(
            "range needs finite from <= to and step > 0 (got from {}, to {}, step {})",
            r.from, r.to, r.step
        ));
    }
    // Counted in floating point (finite inputs, step > 0: never NaN): a tiny step gives a
    // count beyond any integer, which a cast would saturate and `+ 1` wrap to 0.
    let count = ((r.to - r.from) / r.step + 1e-9).floor() + 1.0;
    if count > MAX_RUNS as f64 {
        return Err(format!(
            "range from {:?} to {:?} in steps of {:?} has more than {MAX_RUNS} values, the limit; use a larger step",
            r.from, r.to, r.step
        ));
    }
    let n = count as usize;
    // Values are computed from the index (no accumulated error) and printed with at most 10
    // significant decimals so 0.1 + 2 x 0.1 reads 0.3.
    Ok((0..n)
        .map(|i| {
            let x = r.from + i as f64 * r.step;
            let rounded: f64 = format!("{x:.10}").parse().unwrap_or(x);
            Value::Float(rounded).to_string()
        })
        .collect())
}

/// A stable 64-bit FNV-1a hash, used to tie a sweep's runs to its exact inputs.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(&[0xff]) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWEEP: &str = r#"
version = 1
name = "demo"
scenario = "base.toml"
replicates = 2
set = ["simulation.duration=\"1h\""]

[[axis]]
key = "policy.power.headroom"
range = { from = 0.1, to = 0.3, step = 0.1 }

[[axis]]
key = "policy.power.name"
values = ["keep-on", "spare-capacity"]
"#;

    #[test]
    fn expands_first_axis_slowest_and_seeds_innermost() {
        let s = Sweep::parse(SWEEP, "s.toml").unwrap();
        assert_eq!(s.len(), 3 * 2 * 2);
        let runs = s.runs(40);
        assert_eq!(runs[0].id, "headroom=0.1_name=keep-on_seed=40");
        assert_eq!(runs[1].id, "headroom=0.1_name=keep-on_seed=41");
        assert_eq!(runs[2].id, "headroom=0.1_name=spare-capacity_seed=40");
        assert_eq!(runs[11].id, "headroom=0.3_name=spare-capacity_seed=41");
        assert_eq!(
            runs[2].overrides,
            vec![
                "simulation.duration=\"1h\"".to_string(),
                "policy.power.headroom=0.1".into(),
                "policy.power.name=\"spare-capacity\"".into(),
                "simulation.seed=40".into()
            ]
        );
    }

    #[test]
    fn range_values_do_not_accumulate_error() {
        let s = Sweep::parse(SWEEP, "s.toml").unwrap();
        assert_eq!(s.axes[0].values, vec!["0.1", "0.2", "0.3"]);
    }

    #[test]
    fn ids_are_unique_and_folder_safe() {
        let s = Sweep::parse(SWEEP, "s.toml").unwrap();
        let mut ids: Vec<String> = s.runs(0).into_iter().map(|r| r.id).collect();
        assert!(ids.iter().all(|id| {
            id.chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-+=".contains(c))
        }));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 12);
    }

    #[test]
    fn shared_last_segments_use_the_full_key() {
        let text = "version = 1\nname = \"x\"\nscenario = \"b.toml\"\n[[axis]]\nkey = \"a.count\"\nvalues = [1]\n[[axis]]\nkey = \"b.count\"\nvalues = [2]\n";
        let s = Sweep::parse(text, "s.toml").unwrap();
        assert_eq!(s.run(0, 0).id, "a.count=1_b.count=2");
    }

    #[test]
    fn a_tiny_range_step_is_refused_not_wrapped() {
        // 1e-300 makes 1e299 values: refused by count, where the count used to wrap to 0.
        let e = Sweep::parse(&SWEEP.replace("step = 0.1", "step = 1e-300"), "s.toml").unwrap_err();
        let want = format!("in steps of 1e-300 has more than {MAX_RUNS} values, the limit");
        assert!(e.to_string().contains(&want), "{e}");
    }

    /// Issue 18 item 12: runs that would share an id (and so a folder) are refused when the
    /// sweep is read, not halfway through it.
    #[test]
    fn runs_that_would_share_a_folder_are_refused_up_front() {
        let seeds = SWEEP.replace("replicates = 2", "seeds = [1, 2, 1]");
        let e = Sweep::parse(&seeds, "s.toml").unwrap_err();
        assert!(e.message.contains("seeds: 1 is listed twice"), "{e}");
        let twice = r#"version = 1
name = "t"
scenario = "s.toml"
[[axis]]
key = "policy.power.name"
values = ["keep-on", "spare-capacity", "keep-on"]
"#;
        let e = Sweep::parse(twice, "s.toml").unwrap_err();
        assert!(
            e.message
                .contains(r#"axis[0] (policy.power.name): values: "keep-on" is listed twice"#),
            "{e}"
        );
        // "a b" and "a/b" both become the folder-safe "a-b".
        let slug = twice.replace(
            r#"["keep-on", "spare-capacity", "keep-on"]"#,
            r#"["a b", "a/b"]"#,
        );
        let e = Sweep::parse(&slug, "s.toml").unwrap_err();
        assert!(
            e.message
                .contains(r#""a b" and "a/b" would name the same run folder (a-b)"#),
            "{e}"
        );
    }

    #[test]
    fn bad_sweeps_are_explained() {
        let e = Sweep::parse(
            &SWEEP.replace("replicates = 2", "replicates = 2\nseeds = [1]"),
            "s.toml",
        )
        .unwrap_err();
        assert!(e.message.contains("not both"), "{e}");
        let e = Sweep::parse(&SWEEP.replace("step = 0.1", "step = 0"), "s.toml").unwrap_err();
        assert!(e.message.contains("step > 0"), "{e}");
        let e = Sweep::parse(
            &SWEEP.replace("key = \"policy.power.name\"", "kee = \"x\""),
            "s.toml",
        )
        .unwrap_err();
        assert_eq!(e.line, Some(13));
        assert!(e.message.contains("unknown field `kee`"), "{e}");
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"ab", b"c"]));
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
    }
}
