//! `nightshift compare SCENARIO... --policies a,b,c`: run the same workload and seed under
//! several policies (or several scenario files), then write `comparison.csv`, comparison
//! charts and reports, with each variant's full run in `runs/<variant>/`.
//!
//! A policy name is a preset that stands for `--set` overrides (see [`policy_overrides`]);
//! `--variant NAME:KEY=VALUE,...` gives a variant any overrides at all.

use super::destination::{check_apart, check_replace, parent_of, remove_leftovers};
use super::{CliError, json, read_scenario_arg, say, stdin_at_most_once};
use crate::output::files::RUNS_DIR;
use crate::output::{self, ComparisonRow, Scope, Staging};
use crate::pipeline::{self, Drawn, Folder, FolderOptions, RunOptions};
use crate::policy::overload::DETECTORS;
use crate::policy::selection::SELECTIONS;
use crate::policy::{lookup, names};
use crate::scenario;
use crate::sim::setup::Setup;
use crate::trace::TraceIndex;
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Arguments of `compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files; each runs under every policy (or as written when no policy is given).
    /// `-` reads one from standard input (relative trace paths from the current folder).
    #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
    scenarios: Vec<PathBuf>,
    /// Policies to compare, comma-separated: `as-is` (the scenario as written), `always-on`,
    /// `power-only` (switch idle hosts off, no migrations), or OVERLOAD-SELECTION such as
    /// `thr-mmt` (consolidation with that overload detector and VM selection).
    #[arg(long, value_delimiter = ',', value_name = "POLICY,...")]
    policies: Vec<String>,
    /// A variant with its own overrides: NAME:KEY=VALUE[,KEY=VALUE...] (repeatable).
    #[arg(long = "variant", value_name = "NAME:KEY=VALUE,...")]
    variants: Vec<String>,
    /// Print the result as one line of JSON on stdout instead of the text lines: the
    /// comparison folder and one object per variant (docs/cli.md).
    #[arg(long)]
    json: bool,
    /// Where and what to write.
    #[command(flatten)]
    output: super::OutputArgs,
}

/// Named policy presets besides OVERLOAD-SELECTION pairs: name, overrides, description.
pub const PRESETS: &[(&str, &[&str], &str)] = &[
    ("as-is", &[], "the scenario's own policies, as written"),
    (
        "always-on",
        &[
            "policy.consolidation.enabled=false",
            "policy.power.name=keep-on",
        ],
        "every host on, no migrations (the baseline)",
    ),
    (
        "power-only",
        &[
            "policy.consolidation.enabled=false",
            "policy.power.name=spare-capacity",
        ],
        "no migrations; hosts that empty switch off, keeping the scenario's headroom",
    ),
];

/// The overrides a policy name stands for. `scenario_detector` is the overload detector the
/// scenario configures (None when its consolidation is off): a pair naming another detector
/// also clears `overload_param`, since a threshold for one detector is not a parameter of
/// another, so the new detector's default applies.
pub fn policy_overrides(
    name: &str,
    scenario_detector: Option<&str>,
) -> Result<Vec<String>, String> {
    if let Some((_, overrides, _)) = PRESETS.iter().find(|(n, _, _)| *n == name) {
        return Ok(overrides.iter().map(|s| s.to_string()).collect());
    }
    for (i, _) in name.match_indices('-') {
        let (detector, selection) = (&name[..i], &name[i + 1..]);
        if lookup(DETECTORS, detector).is_some() && lookup(SELECTIONS, selection).is_some() {
            let mut o = vec![
                "policy.consolidation.enabled=true".to_string(),
                format!("policy.consolidation.overload={detector}"),
                format!("policy.consolidation.selection={selection}"),
            ];
            if scenario_detector != Some(detector) {
                o.push("policy.consolidation.overload_param=".to_string());
            }
            return Ok(o);
        }
    }
    let presets: Vec<&str> = PRESETS.iter().map(|p| p.0).collect();
    Err(format!(
        "unknown policy \"{name}\"; valid: {}, or OVERLOAD-SELECTION with OVERLOAD {} and SELECTION {} (e.g. thr-mmt)",
        presets.join(", "),
        names(DETECTORS),
        names(SELECTIONS)
    ))
}

/// Parses `NAME:KEY=VALUE,KEY=VALUE`. A comma starts a new override only when what follows
/// looks like `KEY=`; otherwise it belongs to the value (`hosts.0.tags=[1, 2]`).
pub fn parse_variant(spec: &str) -> Result<(String, Vec<String>), String> {
    let (name, rest) = spec.split_once(':').ok_or_else(|| {
        format!("--variant {spec:?}: expected NAME:KEY=VALUE[,KEY=VALUE...], e.g. lazy:policy.power.headroom=0.4")
    })?;
    let name = name.trim();
    if name.is_empty() || name.contains('=') {
        return Err(format!(
            "--variant {spec:?}: the variant needs a name before the ':'"
        ));
    }
    let mut overrides: Vec<String> = Vec::new();
    for piece in rest.split(',') {
        let starts_key = piece.split_once('=').is_some_and(|(k, _)| {
            let k = k.trim();
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.[]".contains(c))
        });
        match overrides.last_mut() {
            Some(last) if !starts_key => {
                last.push(',');
                last.push_str(piece);
            }
            _ if !starts_key => {
                return Err(format!(
                    "--variant {spec:?}: expected KEY=VALUE after the ':', found {piece:?}"
                ));
            }
            _ => overrides.push(piece.trim().to_string()),
        }
    }
    Ok((name.to_string(), overrides))
}

/// A variant to run.
struct Variant {
    name: String,
    overrides: Vec<String>,
    setup: Setup,
    /// The scanned traces `setup` replays, bound to it.
    traces: Vec<TraceIndex>,
    origin: String,
    /// The file it was read from (None for standard input).
    file: Option<PathBuf>,
    text: String,
    /// Overrides in force (global `--set`, the variant's, the seed), for the scenario copy.
    applied: Vec<String>,
    /// What preparing it found worth saying, for its run's report.
    warnings: Vec<String>,
}

/// A folder name for a variant: letters, digits, `-`, `_` and `.`; anything else becomes `_`.
fn folder_name(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("v{s}")
    } else {
        s
    }
}

fn load_variants(args: &CompareArgs) -> Result<Vec<Variant>, CliError> {
    let mut specs: Vec<(Option<String>, Vec<String>)> = Vec::new();
    for p in &args.policies {
        let p = p.trim();
        if !p.is_empty() {
            specs.push((Some(p.to_string()), Vec::new()));
        }
    }
    let explicit: Vec<(String, Vec<String>)> = args
        .variants
        .iter()
        .map(|v| parse_variant(v))
        .collect::<Result<_, _>>()
        .map_err(CliError::Input)?;
    if specs.is_empty() && explicit.is_empty() && args.scenarios.len() < 2 {
        return Err(CliError::Input(
            "nothing to compare: give --policies (e.g. always-on,power-only,thr-mmt), --variant NAME:KEY=VALUE, or several scenario files".into(),
        ));
    }
    stdin_at_most_once(&args.scenarios)?;
    let seed = args.output.seed.map(|s| format!("simulation.seed={s}"));
    let mut variants = Vec::new();
    for arg in &args.scenarios {
        let source = read_scenario_arg(arg)?;
        let (text, path) = (source.text, &source.path);
        let origin = path.display().to_string();
        let base = scenario::load(&text, &origin, &args.output.set)
            .map_err(|e| CliError::Input(e.to_string()))?;
        let detector = base.consolidation.as_ref().map(|c| c.overload.clone());
        let many = args.scenarios.len() > 1;
        let label = |v: &str| {
            if many {
                format!("{}:{v}", base.name)
            } else {
                v.to_string()
            }
        };
        let mut todo: Vec<(String, Vec<String>)> = Vec::new();
        for (policy, _) in &specs {
            let policy = policy.as_deref().unwrap_or("as-is");
            let o = policy_overrides(policy, detector.as_deref()).map_err(CliError::Input)?;
            todo.push((label(policy), o));
        }
        for (name, o) in &explicit {
            todo.push((label(name), o.clone()));
        }
        if todo.is_empty() {
            todo.push((base.name.clone(), Vec::new()));
        }
        for (name, overrides) in todo {
            let mut applied = args.output.set.clone();
            applied.extend(overrides.iter().cloned());
            applied.extend(seed.clone());
            let prepared = pipeline::prepare(&text, path, &applied)
                .map_err(|e| e.within(&format!("variant {name}")))?;
            variants.push(Variant {
                name,
                overrides,
                setup: prepared.setup,
                traces: prepared.traces,
                origin: origin.clone(),
                file: source.file.clone(),
                text: text.clone(),
                applied,
                warnings: prepared.warnings,
            });
        }
    }
    for (i, v) in variants.iter().enumerate() {
        if variants[..i]
            .iter()
            .any(|w| folder_name(&w.name) == folder_name(&v.name))
        {
            return Err(CliError::Input(format!(
                "variant \"{}\" is given twice (or two names share the folder {}); names must be distinct",
                v.name,
                folder_name(&v.name)
            )));
        }
    }
    Ok(variants)
}

/// Runs every variant and writes the comparison.
pub fn compare(args: CompareArgs) -> Result<(), CliError> {
    let variants = load_variants(&args)?;
    let first = &variants[0].setup.name;
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("{first}-compare")));
    let mut inputs: Vec<PathBuf> = Vec::new();
    for v in &variants {
        inputs.extend(v.file.clone());
        inputs.extend(pipeline::trace_paths(&v.setup, Path::new(&v.origin)));
    }
    check_apart(&out, &inputs)?;
    check_replace(&out, args.output.force)?;
    remove_leftovers(parent_of(&out), Scope::Folders, args.output.quiet);
    let clock = Instant::now();
    let staging = Staging::create(&out)
        .map_err(|e| CliError::Other(format!("{}: cannot create: {e}", out.display())))?;
    let io_err = |e: std::io::Error| {
        CliError::Other(format!("{}: cannot write outputs: {e}", out.display()))
    };
    let options = FolderOptions {
        run: RunOptions {
            baseline: !args.output.no_baseline,
            check: false,
            host_utilisation: !args.output.no_host_utilisation,
            baseline_timeseries: true,
            format: args.output.format.format(),
            overrides: &[],
        },
        charts: !args.output.no_charts && args.output.format.has_csv(),
    };
    let mut rows = Vec::with_capacity(variants.len());
    let mut drawn = Drawn::default();
    let width = variants
        .iter()
        .map(|v| v.name.chars().count())
        .max()
        .unwrap_or(0);
    for v in &variants {
        let folder = format!("{RUNS_DIR}/{}", folder_name(&v.name));
        let dir = staging.path().join(&folder);
        std::fs::create_dir_all(&dir).map_err(io_err)?;
        let copy = output::scenario_copy(&v.origin, &v.applied, &v.text);
        let shown = out.join(&folder);
        let (summary, d) = pipeline::write_run_folder(
            &v.setup,
            &v.traces,
            &copy,
            Folder {
                dir: &dir,
                shown: &shown,
            },
            FolderOptions {
                run: RunOptions {
                    overrides: &v.applied,
                    ..options.run
                },
                ..options
            },
            &v.warnings,
            &|_, _| {},
        )?;
        drawn.charts += d.charts;
        drawn.files += d.files;
        let row = ComparisonRow::new(&v.name, &v.overrides, &folder, &summary);
        if !args.output.quiet && !args.json {
            say(&format!(
                "  {:<width$} {:>10} kWh IT  {:>10} {}  {:>7} migrations  {:>7} % demand not served  {:>7} host-h above {} %  SLAV {}\n",
                v.name,
                format!("{:.1}", row.it_kwh),
                format!("{:.2}", row.cost),
                row.currency,
                row.migrations,
                format!("{:.3}", row.unserved_fraction * 100.0),
                format!("{:.1}", row.host_hours_above),
                summary.summary.impact.high_utilisation * 100.0,
                super::slav_text(row.slav)
            ))?;
        }
        rows.push(row);
    }
    output::write_comparison(staging.path(), &rows).map_err(io_err)?;
    let folder = Folder {
        dir: staging.path(),
        shown: &out,
    };
    let d = pipeline::render_comparison(folder, !args.output.no_charts)
        .map_err(|e| e.into_error(false))?;
    drawn.charts += d.charts;
    drawn.files += d.files;
    staging.commit(args.output.force).map_err(io_err)?;
    if args.json {
        json::print(&json::CompareResult::new(&out, &rows))?;
    } else if !args.output.quiet {
        say(&format!(
            "nightshift: compared {} variants in {:.2} s; {} charts; outputs in {}/ (comparison.csv, report.html)\n",
            rows.len(),
            clock.elapsed().as_secs_f64(),
            drawn.charts,
            out.display()
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Presets map to fixed overrides; a detector-selection pair switches consolidation on
    /// and, when it changes detector, clears the old detector's parameter.
    #[test]
    fn policy_names_map_to_overrides() {
        assert!(policy_overrides("as-is", Some("thr")).unwrap().is_empty());
        assert_eq!(
            policy_overrides("always-on", None).unwrap(),
            vec![
                "policy.consolidation.enabled=false",
                "policy.power.name=keep-on"
            ]
        );
        assert_eq!(
            policy_overrides("thr-mmt", Some("thr")).unwrap(),
            vec![
                "policy.consolidation.enabled=true",
                "policy.consolidation.overload=thr",
                "policy.consolidation.selection=mmt",
            ]
        );
        let switched = policy_overrides("thr-mmt", None).unwrap();
        assert_eq!(
            switched.last().map(String::as_str),
            Some("policy.consolidation.overload_param=")
        );
        let e = policy_overrides("fastest", None).unwrap_err();
        assert!(
            e.contains("unknown policy \"fastest\"") && e.contains("thr-mmt"),
            "{e}"
        );
    }

    /// Commas inside a value stay in it; the name is what precedes the first colon.
    #[test]
    fn variants_parse_name_and_overrides() {
        assert_eq!(
            parse_variant("lazy:policy.power.headroom=0.4,policy.power.idle_grace=30m").unwrap(),
            (
                "lazy".to_string(),
                vec![
                    "policy.power.headroom=0.4".to_string(),
                    "policy.power.idle_grace=30m".to_string()
                ]
            )
        );
        assert_eq!(
            parse_variant("t:electricity.tariff=[1, 2],pue=1.2")
                .unwrap()
                .1,
            vec!["electricity.tariff=[1, 2]", "pue=1.2"]
        );
        assert!(
            parse_variant("no-colon")
                .unwrap_err()
                .contains("NAME:KEY=VALUE")
        );
        assert!(parse_variant(":a=1").unwrap_err().contains("needs a name"));
        assert!(
            parse_variant("x:oops")
                .unwrap_err()
                .contains("expected KEY=VALUE")
        );
    }

    /// Folder names keep safe characters only.
    #[test]
    fn folder_names_are_safe() {
        assert_eq!(folder_name("thr-mmt"), "thr-mmt");
        assert_eq!(folder_name("night:thr-mmt"), "night_thr-mmt");
        assert_eq!(folder_name("../x"), "v.._x");
    }
}
