//! Issue 22 item 5, the command-line habits users expect: shell completions and man pages
//! generated from clap, `--json` results on `run`, `validate` and `compare`, and `-` for a
//! scenario on standard input. (A closed pipe and `generate` without `--force` are pinned in
//! tests/output_safety.rs.)

mod common;

use common::{nightshift, read_csv, root, run_in, stderr, stdout};
use serde_json::Value;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

/// Every command of the binary, as `nightshift --help` lists them.
const COMMANDS: [&str; 9] = [
    "run",
    "validate",
    "generate",
    "sweep",
    "merge",
    "compare",
    "plot",
    "completions",
    "man",
];

/// A day of exercise-1: 5 hosts, 12 VMs, a few dozen migrations; fast under the invariant
/// checker of debug builds.
const ONE_DAY: &str = "simulation.duration=1d";

fn exercise() -> String {
    root()
        .join("scenarios/exercise-1.toml")
        .to_string_lossy()
        .into_owned()
}

/// Runs `nightshift args` in `dir` with `input` on standard input.
fn with_stdin(dir: &Path, args: &[&str], input: &str) -> Output {
    let mut child = nightshift()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A command that refuses its arguments exits without reading: the write may then fail
    // with a broken pipe, which is no concern of the test.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

/// Stdout as exactly one line of JSON.
fn json_line(o: &Output) -> Value {
    let text = stdout(o);
    assert_eq!(text.lines().count(), 1, "one line of JSON: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect();
    k.sort();
    k
}

/// `names`, sorted, to compare with [`keys`].
fn sorted<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    let mut k: Vec<String> = names.iter().map(|n| n.as_ref().to_string()).collect();
    k.sort();
    k
}

/// The value at a dotted path.
fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| {
        v.get(k).unwrap_or_else(|| panic!("no key {path}"))
    })
}

/// The bash script completes every command (clap_complete names each subcommand's state
/// `nightshift__NAME`), and every supported shell gets a script.
#[test]
fn completions_name_every_command() {
    let o = run_in(&root(), &["completions", "bash"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let script = stdout(&o);
    assert!(script.contains("complete -F _nightshift"), "{script}");
    for c in COMMANDS {
        assert!(
            script.contains(&format!("nightshift,{c})")),
            "bash completes {c}"
        );
    }
    // zsh completes file names for a scenario and folder names for --out (value hints).
    let zsh = stdout(&run_in(&root(), &["completions", "zsh"]));
    let line = |start: &str| {
        zsh.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start} in {zsh}"))
            .to_string()
    };
    assert!(line("':scenario -- Scenario file").ends_with(":_files' \\"));
    assert!(line("'--out=[Output folder").ends_with(":DIR:_files -/' \\"));
    for shell in ["zsh", "fish", "powershell", "elvish"] {
        let o = run_in(&root(), &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("validate"),
            "{shell} completes validate"
        );
    }
    let o = run_in(&root(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2), "an unknown shell is bad input");
    assert!(stderr(&o).contains("[possible values: bash, elvish, fish, powershell, zsh]"));
}

/// `man` prints roff: a title line for nightshift(1) and a SUBCOMMANDS section that refers
/// to each command's own page, which `man COMMAND` prints with that command's options.
#[test]
fn man_pages_are_roff_and_cover_every_command() {
    let o = run_in(&root(), &["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        page.contains(&format!("\n.TH nightshift 1  \"nightshift {version}\"")),
        "{page}"
    );
    assert!(page.contains("\n.SH SUBCOMMANDS\n"), "{page}");
    for c in COMMANDS {
        assert!(
            page.contains(&format!("nightshift\\-{c}(1)")),
            "the page lists {c}"
        );
        let o = run_in(&root(), &["man", c]);
        assert!(o.status.success(), "man {c}: {}", stderr(&o));
        let sub = stdout(&o);
        assert!(
            sub.contains(&format!("\n.TH nightshift-{c} 1  \"nightshift {version}\"")),
            "{sub}"
        );
    }
    let run = stdout(&run_in(&root(), &["man", "run"]));
    assert!(
        run.contains("\\fB\\-\\-json\\fR"),
        "man run documents --json"
    );
    let o = run_in(&root(), &["man", "runn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("man runn: no such command; valid: run, validate,"),
        "{}",
        stderr(&o)
    );
}

/// `run --json`: one line of JSON with stable keys; every number sits at the same path as in
/// summary.json and equals it; `out` is the folder asked for; warnings are a list (the
/// conflicts scenario warns that its VMs overbook the fleet, on stderr too).
#[test]
fn run_json_carries_the_summary_headline() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/conflicts.toml");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--out",
        "out",
        "--no-charts",
        "--json",
        "--set",
        "simulation.duration=2h",
    ];
    let o = run_in(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_line(&o);
    assert_eq!(
        keys(&v),
        sorted(&[
            "command",
            "out",
            "scenario",
            "seed",
            "duration_s",
            "energy",
            "migrations",
            "sla",
            "conflicts",
            "hosts",
            "vms",
            "baseline",
            "savings",
            "warnings"
        ])
    );
    assert_eq!(v["command"], "run");
    assert_eq!(v["out"], "out");
    let summary = common::summary(&tmp.path().join("out"));
    for path in [
        "scenario",
        "seed",
        "duration_s",
        "energy.it_kwh",
        "energy.facility_kwh",
        "energy.cost",
        "energy.currency",
        "migrations.count",
        "migrations.aborted",
        "sla.slatah",
        "sla.pdm",
        "sla.slav",
        "sla.esv",
        "conflicts.total",
        "hosts.count",
        "hosts.boots",
        "hosts.shutdowns",
        "hosts.mean_on",
        "vms.count",
        "vms.unplaced",
        "vms.unserved_fraction",
        "baseline",
        "savings",
    ] {
        assert_eq!(at(&v, path), at(&summary, path), "{path}");
    }
    assert_eq!(at(&v, "duration_s").as_f64(), Some(7200.0), "2 h simulated");
    let warnings: Vec<&str> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert_eq!(warnings.len(), 2, "CPU and RAM overbooked: {warnings:?}");
    for w in &warnings {
        assert!(stderr(&o).contains(&format!("warning: {w}")), "{w}");
    }
}

/// Without `--json` the text summary is unchanged; with `--no-baseline` the baseline and
/// savings are null, not missing.
#[test]
fn run_json_without_baseline_has_null_savings() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = exercise();
    let base = ["run", &scenario, "--no-charts", "--set", ONE_DAY];
    let o = run_in(tmp.path(), &[&base[..], &["--out", "text"]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("nightshift: exercise-1 (seed 1), 1 day simulated in "),
        "{}",
        stdout(&o)
    );
    let args = [&base[..], &["--out", "j", "--no-baseline", "--json", "-q"]].concat();
    let o = run_in(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_line(&o);
    assert_eq!(v["baseline"], Value::Null);
    assert_eq!(v["savings"], Value::Null);
    assert_eq!(v["warnings"], serde_json::json!([]));
}

/// `validate --json`: one entry per file in the order given; a bad file has ok = false and
/// the error printed on stderr (file, line, field), the exit status is still 2.
#[test]
fn validate_json_gives_each_files_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = "version = 1\n[simulation]\nname = \"x\"\nduration = \"1q\"\n";
    std::fs::write(tmp.path().join("bad.toml"), bad).unwrap();
    let scenario = exercise();
    let o = run_in(tmp.path(), &["validate", &scenario, "bad.toml", "--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v = json_line(&o);
    assert_eq!(keys(&v), sorted(&["command", "ok", "files"]));
    assert_eq!(v["command"], "validate");
    assert_eq!(v["ok"], false);
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let fields = [
        "path",
        "ok",
        "scenario",
        "hosts",
        "vms",
        "duration_s",
        "warnings",
        "error",
    ];
    assert_eq!(keys(&files[0]), sorted(&fields));
    assert_eq!(keys(&files[1]), sorted(&fields));
    // exercise-1: 5 hosts, 12 VMs (8 web + 4 workers), a week.
    assert_eq!(files[0]["ok"], true);
    assert_eq!(files[0]["scenario"], "exercise-1");
    assert_eq!(files[0]["hosts"], 5);
    assert_eq!(files[0]["vms"], 12);
    assert_eq!(files[0]["duration_s"].as_f64(), Some(604800.0));
    assert_eq!(files[0]["error"], Value::Null);
    assert_eq!(files[1]["path"], "bad.toml");
    assert_eq!(files[1]["ok"], false);
    assert_eq!(files[1]["scenario"], Value::Null);
    let error = files[1]["error"].as_str().unwrap();
    assert!(
        error.starts_with("bad.toml:4:12: simulation.duration: invalid duration \"1q\""),
        "{error}"
    );
    assert!(stderr(&o).contains(&format!("error: {error}")));
}

/// `compare --json`: the comparison folder and one object per variant whose keys are
/// comparison.csv's columns and whose numbers are the variant's summary.json's.
#[test]
fn compare_json_has_one_object_per_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = exercise();
    let args = [
        "compare",
        &scenario,
        "--policies",
        "always-on,as-is",
        "--out",
        "cmp",
        "--no-charts",
        "--set",
        ONE_DAY,
        "--json",
    ];
    let o = run_in(tmp.path(), &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json_line(&o);
    assert_eq!(keys(&v), sorted(&["command", "out", "variants"]));
    assert_eq!(v["out"], "cmp");
    let variants = v["variants"].as_array().unwrap();
    let (header, rows) = read_csv(&tmp.path().join("cmp/comparison.csv"));
    assert_eq!(variants.len(), rows.len());
    assert_eq!(variants.len(), 2);
    for (variant, name) in variants.iter().zip(["always-on", "as-is"]) {
        assert_eq!(
            keys(variant),
            sorted(&header),
            "keys are comparison.csv's columns"
        );
        assert_eq!(variant["variant"], name);
        let run = tmp
            .path()
            .join("cmp")
            .join(variant["run_dir"].as_str().unwrap());
        let summary = common::summary(&run);
        assert_eq!(variant["energy_it_kwh"], summary["energy"]["it_kwh"]);
        assert_eq!(variant["migrations_count"], summary["migrations"]["count"]);
        assert_eq!(variant["sla_slav"], summary["sla"]["slav"]);
    }
    assert_eq!(
        variants[0]["migrations_count"], 0,
        "always-on never migrates"
    );
}

/// A scenario on standard input runs as from its file: summary.json and every CSV are
/// byte-identical. Only the scenario copy's header line, which names the origin (the file's
/// path, or `<stdin>`), differs: in scenario.toml, report.md and report.html.
#[test]
fn a_scenario_from_stdin_runs_as_from_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    for sub in ["file", "stdin"] {
        std::fs::create_dir(tmp.path().join(sub)).unwrap();
    }
    let scenario = exercise();
    let base = ["--out", "out", "--no-charts", "--set", ONE_DAY, "-q"];
    let o = run_in(
        &tmp.path().join("file"),
        &[&["run", &scenario][..], &base].concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(&scenario).unwrap();
    let o = with_stdin(
        &tmp.path().join("stdin"),
        &[&["run", "-"][..], &base].concat(),
        &text,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let (a, b) = (tmp.path().join("file/out"), tmp.path().join("stdin/out"));
    let mut names: Vec<String> = std::fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.contains(&"summary.json".to_string()), "{names:?}");
    let header = |s: &str| {
        s.replace(&scenario, "ORIGIN")
            .replace("&lt;stdin&gt;", "ORIGIN")
            .replace("<stdin>", "ORIGIN")
    };
    for name in &names {
        let (x, y) = (
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
        );
        if ["scenario.toml", "report.md", "report.html"].contains(&name.as_str()) {
            let (x, y) = (String::from_utf8(x).unwrap(), String::from_utf8(y).unwrap());
            assert!(y.contains("# nightshift: copy of <stdin> as run") || name != "scenario.toml");
            assert_eq!(header(&x), header(&y), "{name} differs beyond the origin");
        } else {
            assert!(x == y, "{name} differs between the file and stdin");
        }
    }
}

/// Relative trace paths of a scenario on standard input start from the current folder:
/// planetlab-day's `../traces/planetlab/20110303` is found from scenarios/ and not from the
/// project root, where the error names `<stdin>` and says where relative paths start.
/// `-` given twice is refused: standard input can be read once.
#[test]
fn stdin_traces_are_relative_to_the_current_folder() {
    let text = std::fs::read_to_string(root().join("scenarios/planetlab-day.toml")).unwrap();
    let o = with_stdin(&root().join("scenarios"), &["validate", "-"], &text);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("ok: <stdin> (planetlab-day: 800 hosts, 1052 VMs,"),
        "{}",
        stdout(&o)
    );
    let o = with_stdin(&root(), &["validate", "-"], &text);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "error: <stdin>: traces.planetlab: ../traces/planetlab/20110303: no such folder"
        ) && stderr(&o).contains("at the current folder for a scenario read from standard input"),
        "{}",
        stderr(&o)
    );
    let o = with_stdin(&root(), &["validate", "-", "-"], &text);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is given more than once"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
}

/// An empty standard input (the command feeding the pipe failed) is bad input that says so,
/// not a scenario missing its `version`; nothing is written.
#[test]
fn an_empty_stdin_is_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let o = with_stdin(tmp.path(), &["run", "-", "--out", "out"], " \n");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: <stdin>: standard input is empty; give the scenario there"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        std::fs::read_dir(tmp.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

/// The bash script works in bash: sourced, it completes `nightshift va` to `validate` and
/// `nightshift run --j` to `--json` (what a user's Tab does).
#[test]
fn bash_completes_commands_and_options() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run_in(tmp.path(), &["completions", "bash"]);
    std::fs::write(tmp.path().join("c.bash"), o.stdout).unwrap();
    let complete = |words: &str| {
        let script = format!(
            "source ./c.bash; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _nightshift nightshift \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD - 1]}}\"; \
             echo \"${{COMPREPLY[@]}}\""
        );
        let o = std::process::Command::new("bash")
            .args(["-c", &script])
            .current_dir(tmp.path())
            .output()
            .expect("bash runs");
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o).trim().to_string()
    };
    assert_eq!(complete("nightshift va"), "validate");
    assert_eq!(complete("nightshift run --j"), "--json");
    assert_eq!(complete("nightshift completions e"), "elvish");
}
