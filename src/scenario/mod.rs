//! Scenario files: parsing (TOML, version 1), `--set` overrides, validation with messages that
//! name the file, line and key, and compilation into a [`Setup`]. No file I/O here: callers
//! pass the text and a name for it.
//!
//! Naming rule: a type that mirrors the file (a section, a table, a choice written in it)
//! lives in [`file`] and ends in `Spec` (`HostClassSpec`, `MigrationSpec`); the compiled types
//! it becomes live in the core ([`crate::sim::setup`], [`crate::model`], [`crate::workload`])
//! and never end in `Spec` (`HostClass`, `MigrationSetup`). The value types of [`units`]
//! (`Duration`, `Megabytes`...) are how the file writes a quantity, read by both.
//!
//! The parts, each used only by those after it: [`units`] and [`file`] (the format),
//! [`error`], [`limits`], `compile` (one module per section), [`plausible`] (warnings), and
//! this module's [`parse`], [`load`] and [`bind`], which tie them together and give errors a
//! line.

mod compile;
pub mod error;
pub mod file;
pub mod limits;
mod messages;
mod overrides;
pub mod plausible;
pub mod units;

pub use compile::{bind_traces, compile};
pub use error::{FieldError, ScenarioError};
pub use file::ScenarioSpec;
pub use overrides::{Applied, apply_override};

use crate::sim::setup::Setup;

/// 1-based line and column of byte offset `pos` in `text`.
fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = &text[..pos.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// Finds the line of a dotted key path (`hosts[1].cores`) in the TOML `text`.
fn locate(text: &str, key: &str) -> Option<usize> {
    let root = toml::de::DeTable::parse(text).ok()?;
    let table = root.get_ref();
    let mut node: Option<&toml::Spanned<toml::de::DeValue>> = None;
    let mut span = None;
    for part in key.split('.') {
        let (name, indices) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        let mut here = match node {
            None => table.get(name)?,
            Some(n) => n.get_ref().get(name)?,
        };
        span = Some(here.span());
        for idx in indices.split('[').filter(|s| !s.is_empty()) {
            let i: usize = idx.trim_end_matches(']').parse().ok()?;
            here = here.get_ref().get(i)?;
            span = Some(here.span());
        }
        node = Some(here);
    }
    span.map(|s| line_col(text, s.start).0)
}

/// The overload detector `table` names (`policy.consolidation.overload`, or its default).
fn detector(table: &toml::Table) -> String {
    table
        .get("policy")
        .and_then(|p| p.get("consolidation"))
        .and_then(|c| c.get("overload"))
        .and_then(|o| o.as_str())
        .map_or_else(file::default_overload, str::to_string)
}

/// A detector's parameter means something else under another detector (THR's 0.85 is a
/// utilisation, LR's 1.2 a safety factor): when `--set` switches
/// `policy.consolidation.overload` to another detector than `before` (the file's) without
/// setting `overload_param`, the file's parameter is dropped so that the new detector's
/// default applies. Naming the file's own detector again keeps its parameter.
fn reset_detector_param(table: &mut toml::Table, keys: &[&str], before: &str) {
    let set = |k: &str| keys.contains(&k);
    if set("policy.consolidation.overload")
        && !set("policy.consolidation.overload_param")
        && detector(table) != before
    {
        let consolidation = table
            .get_mut("policy")
            .and_then(|p| p.get_mut("consolidation"))
            .and_then(|c| c.as_table_mut());
        if let Some(c) = consolidation {
            c.remove("overload_param");
        }
    }
}

/// Parses scenario `text` (from `origin`, e.g. its path) and applies `--set` overrides.
pub fn parse(
    text: &str,
    origin: &str,
    overrides: &[String],
) -> Result<ScenarioSpec, ScenarioError> {
    let err = |line: Option<(usize, usize)>, key: Option<String>, message: String| ScenarioError {
        origin: origin.to_string(),
        line: line.map(|l| l.0),
        column: line.map(|l| l.1),
        key,
        message,
    };
    let from_toml = |e: toml::de::Error| {
        err(
            e.span().map(|s| line_col(text, s.start)),
            e.span().and_then(|s| messages::key_at(text, s.start)),
            messages::tidy(e.message()),
        )
    };
    if overrides.is_empty() {
        return toml::from_str::<ScenarioSpec>(text).map_err(from_toml);
    }
    let mut table: toml::Table = toml::from_str(text).map_err(from_toml)?;
    let set_error = |o: &String, message: String| ScenarioError {
        origin: "--set".into(),
        line: None,
        column: None,
        key: Some(o.clone()),
        message,
    };
    let file_detector = detector(&table);
    let mut absent = Vec::new();
    for o in overrides {
        if let Applied::Absent(path) = apply_override(&mut table, o).map_err(|m| set_error(o, m))? {
            absent.push((o, path));
        }
    }
    for (o, path) in absent {
        removable_field(&table, o, &path).map_err(|m| set_error(o, m))?;
    }
    let keys: Vec<&str> = overrides
        .iter()
        .map(|o| o.split('=').next().unwrap_or("").trim())
        .collect();
    reset_detector_param(&mut table, &keys, &file_detector);
    ScenarioSpec::deserialize_table(table).map_err(|e| {
        err(
            None,
            None,
            format!(
                "{} (after --set {})",
                messages::tidy(e.message()),
                keys.join(", ")
            ),
        )
    })
}

/// Checks that override `o` (`KEY=`), which removed nothing from `table`, names a field of
/// the format (its default then applies), by asking the format: with a probe value at `path`,
/// the table must not fail on an unknown field along the path. So a typo
/// (`policy.power.headrom=`) is refused instead of doing nothing.
fn removable_field(table: &toml::Table, o: &str, path: &[String]) -> Result<(), String> {
    let key = o.split('=').next().unwrap_or(o).trim();
    let mut probe = table.clone();
    apply_override(&mut probe, &format!("{key}=false"))?;
    let Err(e) = ScenarioSpec::deserialize_table(probe) else {
        return Ok(());
    };
    let message = messages::tidy(e.message());
    if path
        .iter()
        .any(|name| message.contains(&format!("unknown field `{name}`")))
    {
        return Err(format!(
            "the scenario does not set this key, and it is not a field of the format ({message}); an empty value resets a field to its default"
        ));
    }
    Ok(())
}

impl ScenarioSpec {
    fn deserialize_table(table: toml::Table) -> Result<ScenarioSpec, toml::de::Error> {
        // Re-serialising keeps one code path (and its messages) for files and overrides.
        let text = toml::to_string(&table).expect("a TOML table serialises");
        toml::from_str(&text)
    }
}

/// Parses, validates and compiles a scenario into a [`Setup`] ready to run (once its traces,
/// if any, are bound with [`bind`]).
pub fn load(text: &str, origin: &str, overrides: &[String]) -> Result<Setup, ScenarioError> {
    let scenario = parse(text, origin, overrides)?;
    compile(&scenario).map_err(|e| locate_error(text, origin, overrides, e))
}

/// Binds the scanned traces (one index per `setup.traces` entry) to a setup loaded from
/// `text`: fills trace groups' VMs. Returns warnings (the scenario's implausible values, see
/// [`plausible`], then the binding's); errors name the line of the key.
pub fn bind(
    text: &str,
    origin: &str,
    overrides: &[String],
    setup: &mut Setup,
    indexes: &[impl std::borrow::Borrow<crate::trace::TraceIndex>],
) -> Result<Vec<String>, ScenarioError> {
    let mut warnings: Vec<String> = plausible::warnings(setup)
        .into_iter()
        .map(|w| locate_error(text, origin, overrides, w).to_string())
        .collect();
    warnings
        .extend(bind_traces(setup, indexes).map_err(|e| locate_error(text, origin, overrides, e))?);
    Ok(warnings)
}

/// A field error as a scenario error: blamed on `--set` if an override set that key, else
/// on the file at the key's line.
fn locate_error(text: &str, origin: &str, overrides: &[String], e: FieldError) -> ScenarioError {
    let overridden = overrides
        .iter()
        .any(|o| o.split('=').next().is_some_and(|k| same_key(k, &e.key)));
    ScenarioError {
        origin: if overridden {
            "--set".into()
        } else {
            origin.to_string()
        },
        line: if overridden {
            None
        } else {
            locate(text, &e.key)
        },
        column: None,
        key: Some(e.key),
        message: e.message,
    }
}

/// Whether an override key (`hosts.0.count`) names the same field as an error key
/// (`hosts[0].count`).
fn same_key(override_key: &str, error_key: &str) -> bool {
    let norm = |k: &str| k.replace('[', ".").replace(']', "");
    norm(override_key.trim()) == norm(error_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const MINIMAL: &str = r#"
version = 1

[simulation]
name = "tiny"

[[hosts]]
class = "small"
count = 2
cores = 8
ram = "16 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }

[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"

[[vms]]
type = "vm"
count = 3
load = "flat"

[loads.flat]
shape = "constant"
level = 0.5
"#;

    #[test]
    fn switching_the_detector_with_set_drops_the_files_parameter() {
        let text = format!(
            "{MINIMAL}\n[policy.consolidation]\noverload = \"thr\"\noverload_param = 0.85\n"
        );
        let param = |sets: &[&str]| {
            let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
            let s = parse(&text, "t.toml", &sets).unwrap();
            (
                s.policy.consolidation.overload,
                s.policy.consolidation.overload_param,
            )
        };
        // THR's 0.85 is no safety factor for LR: LR's own default (1.2) applies.
        let lr = "policy.consolidation.overload=lr";
        assert_eq!(param(&[lr]), ("lr".to_string(), None));
        let both = [lr, "policy.consolidation.overload_param=1.5"];
        assert_eq!(param(&both), ("lr".to_string(), Some(1.5)));
        // Other overrides leave the file's parameter alone.
        let other = ["policy.power.headroom=0.3"];
        assert_eq!(param(&other), ("thr".to_string(), Some(0.85)));
        // Naming the file's own detector again (compare's thr-mmt preset on a THR scenario)
        // keeps its 0.85, not THR's default 0.8.
        let same = ["policy.consolidation.overload=thr"];
        assert_eq!(param(&same), ("thr".to_string(), Some(0.85)));
    }

    #[test]
    fn minimal_scenario_parses_with_defaults() {
        let s = parse(MINIMAL, "tiny.toml", &[]).unwrap();
        assert_eq!(s.simulation.duration.ms(), 86_400_000);
        assert_eq!(s.simulation.control_interval.ms(), 300_000);
        assert_eq!(s.hosts[0].ram.0, 16_000.0);
        assert_eq!(s.policy.power.name, "spare-capacity");
    }

    /// serde quotes the name of an internally tagged enum of the format when a value is not a
    /// table; messages.rs says what the field takes instead, under the `...Spec` names of
    /// [`file`]. A renamed type missing there would show the user "LoadCurveSpec".
    #[test]
    fn the_formats_type_names_never_reach_the_user() {
        let power = "power = { model = \"linear\", idle_w = 100, max_w = 200 }";
        for (from, to, words) in [
            (power, "power = 5", "expected a power model, like"),
            (
                "level = 0.5",
                "level = 0.5\nnoise = 5",
                "expected a noise table, like",
            ),
            (
                "[loads.flat]\nshape = \"constant\"\nlevel = 0.5",
                "[loads]\nflat = 5",
                "expected a load curve with a shape, like",
            ),
        ] {
            let text = MINIMAL.replace(from, to);
            assert_ne!(text, MINIMAL, "{from:?} is in MINIMAL");
            let e = parse(&text, "t.toml", &[]).unwrap_err().to_string();
            assert!(e.contains(words), "{e}");
            assert!(!e.contains("Spec") && !e.contains("tagged"), "{e}");
        }
    }

    #[test]
    fn unknown_field_names_file_line_and_valid_fields() {
        let text = MINIMAL.replace("cores = 8", "corse = 8");
        let e = parse(&text, "tiny.toml", &[]).unwrap_err();
        assert_eq!(e.origin, "tiny.toml");
        assert_eq!(e.line, Some(10));
        assert!(e.message.contains("unknown field `corse`"), "{e}");
        assert!(e.message.contains("`cores`"), "lists valid fields: {e}");
    }

    #[test]
    fn wrong_type_names_the_line() {
        let text = MINIMAL.replace("count = 2", "count = \"two\"");
        let e = parse(&text, "tiny.toml", &[]).unwrap_err();
        assert_eq!(e.line, Some(9));
        assert!(e.to_string().starts_with("tiny.toml:9:"), "{e}");
    }

    #[test]
    fn overrides_replace_values_by_dotted_path() {
        let s = parse(
            MINIMAL,
            "tiny.toml",
            &["hosts.0.count=7".into(), "simulation.seed=9".into()],
        )
        .unwrap();
        assert_eq!(s.hosts[0].count, 7);
        assert_eq!(s.simulation.seed, 9);
    }

    #[test]
    fn validation_errors_name_the_line_of_the_key() {
        let text = MINIMAL.replace("cores = 8", "cores = 0");
        let e = load(&text, "tiny.toml", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("hosts[0].cores"));
        assert_eq!(e.line, Some(10));
    }

    #[test]
    fn validation_errors_from_overrides_blame_the_override() {
        let e = load(MINIMAL, "tiny.toml", &["hosts.0.cores=0".into()]).unwrap_err();
        assert_eq!(e.origin, "--set");
        assert_eq!(e.key.as_deref(), Some("hosts[0].cores"));
    }

    /// Either end of `simulation.night` may be left at its default (22:00 to 06:00), and
    /// 24:00 is midnight, so 24:00 to 00:00 is an empty night.
    #[test]
    fn night_ends_default_separately_and_midnight_is_one_time() {
        let with = |night: &str| {
            let text = MINIMAL.replace("name = \"tiny\"", &format!("name = \"tiny\"\n{night}"));
            load(&text, "tiny.toml", &[]).map(|s| (s.night.from_h, s.night.to_h))
        };
        assert_eq!(with("").unwrap(), (22.0, 6.0));
        assert_eq!(with("night = { from = \"20:30\" }").unwrap(), (20.5, 6.0));
        assert_eq!(with("night = { to = \"24:00\" }").unwrap(), (22.0, 0.0));
        let e = with("night = { from = \"24:00\", to = \"00:00\" }").unwrap_err();
        assert_eq!(e.key.as_deref(), Some("simulation.night.to"));
    }

    #[test]
    fn lifetimes_are_durations_or_distributions() {
        use crate::model::lifetime::Lifetime;
        let with = |life: &str| {
            MINIMAL.replace(
                "load = \"flat\"",
                &format!("load = \"flat\"\nlifetime = {life}"),
            )
        };
        let s = load(&with("\"2h\""), "t.toml", &[]).unwrap();
        assert_eq!(s.groups[0].lifetime, Some(Lifetime::Fixed(7_200_000)));
        let s = load(
            &with("{ distribution = \"uniform\", min = \"1h\", max = \"3h\" }"),
            "t.toml",
            &[],
        )
        .unwrap();
        assert_eq!(
            s.groups[0].lifetime,
            Some(Lifetime::Uniform {
                min_ms: 3_600_000.0,
                max_ms: 10_800_000.0
            })
        );
        let e = load(
            &with("{ distribution = \"uniform\", min = \"3h\", max = \"1h\" }"),
            "t.toml",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("vms[0].lifetime.max"));
        let e = parse(
            &with("{ distribution = \"weibull\", mean = \"1h\" }"),
            "t.toml",
            &[],
        )
        .unwrap_err();
        assert!(
            e.message.contains("weibull") && e.message.contains("exponential"),
            "{e}"
        );
        assert_eq!(e.line, Some(23), "the lifetime line: {e}");
    }

    #[test]
    fn interleaved_host_order_alternates_classes_while_counts_last() {
        let two = format!(
            "{MINIMAL}\n[[hosts]]\nclass = \"b\"\ncount = 2\ncores = 1\nram = \"1 GB\"\npower = {{ model = \"linear\", idle_w = 1, max_w = 2 }}\n"
        );
        // Two hosts of MINIMAL's class 0, then two of class 1; interleaved, they alternate.
        assert_eq!(load(&two, "t.toml", &[]).unwrap().hosts, vec![0, 0, 1, 1]);
        let over = ["simulation.host_order=interleaved".to_string()];
        assert_eq!(load(&two, "t.toml", &over).unwrap().hosts, vec![0, 1, 0, 1]);
    }

    #[test]
    fn migration_models_presets_and_conflict_policies_compile() {
        use crate::sim::setup::{MigrationModel, Provisioning};
        let text = format!(
            "{MINIMAL}\n[migration]\nmodel = \"precopy\"\ndirty_rate = \"20 MB/s\"\nmax_concurrent = 2\n\
             [policy.conflicts]\nprovisioning = \"defer\"\nping_pong_window = \"30m\"\n"
        );
        let s = load(&text, "t.toml", &[]).unwrap();
        let MigrationModel::Precopy(p) = s.migration.model else {
            panic!("precopy expected");
        };
        assert_eq!(
            (p.dirty_mb_s, p.max_rounds, p.max_downtime),
            (20.0, 30, 300)
        );
        assert_eq!(s.migration.max_concurrent, 2);
        assert_eq!(s.conflicts.provisioning, Provisioning::Defer);
        assert_eq!(s.conflicts.ping_pong_window, 1_800_000);

        let cloudsim = format!("{MINIMAL}\n[migration]\npreset = \"cloudsim\"\n");
        let m = load(&cloudsim, "t.toml", &[]).unwrap().migration;
        assert_eq!(m.model, MigrationModel::Simple);
        assert_eq!(m.bandwidth_share, 0.5);
        assert_eq!((m.overhead_source, m.overhead_destination), (0.0, 0.1));

        let e = load(&cloudsim, "t.toml", &["migration.model=precopy".into()]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("migration.model"));
        let e = parse(
            MINIMAL,
            "t.toml",
            &["policy.conflicts.provisioning=maybe".into()],
        )
        .unwrap_err();
        assert!(
            e.message.contains("allow") && e.message.contains("defer"),
            "{e}"
        );
    }
}
