//! Issue 16's wording and verdict bugs, end to end through the `nightshift` binary: spans as
//! a planner says them, and comparisons that crown no winner on a metric that is 0 in every
//! variant. (The drawing bugs are pinned by unit tests beside the chart code.)

mod common;

use common::{nightshift, root, stderr, stdout};
use std::fs;

/// `validate` states a week as `7 days simulated` (it printed humantime's `7days`).
#[test]
fn validate_says_seven_days() {
    let o = nightshift()
        .args(["validate", "scenarios/night-consolidation.toml"])
        .args(["--set", "simulation.duration=7d"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(", 7 days simulated)"), "{out}");
    assert!(!out.contains("7days"), "{out}");
}

/// Always-on and power-only on a small fleet for a day: neither migrates, so SLAV is 0 in
/// both, and neither leaves CPU demand unserved. The reports say there is none (never
/// `0.000e0`), do not call always-on the least demand not served (the verdict's impact
/// metric), state the tolerance, and say what SLAV measures; each run's report reads `SLAV
/// none` too.
#[test]
fn compare_reports_a_metric_zero_everywhere_as_none() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let o = nightshift()
        .args(["compare", "scenarios/night-consolidation.toml"])
        .args(["--policies", "always-on,power-only", "-q", "--no-charts"])
        .arg("--out")
        .arg(&out)
        .args(["--set", "hosts.0.count=4", "--set", "hosts.1.count=6"])
        .args(["--set", "vms.0.count=30", "--set", "vms.1.count=15"])
        .args(["--set", "vms.2.count=3", "--set", "vms.3.count=6"])
        .args(["--set", "simulation.duration=1d"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    for name in ["report.md", "report.html"] {
        let text = fs::read_to_string(out.join(name)).unwrap();
        assert!(!text.contains("0.000e0"), "{name}: {text}");
        assert!(!text.contains("Least CPU demand not served"), "{name}");
        assert!(
            text.contains("CPU demand not served: none in any variant."),
            "{name}"
        );
        assert!(
            text.contains("Tolerance: a difference counts only"),
            "{name}"
        );
        assert!(
            text.contains("SLAV (SLATAH × PDM) is none in every variant"),
            "{name}"
        );
    }
    let run = fs::read_to_string(out.join("runs/power-only/report.md")).unwrap();
    assert!(run.contains("SLAV none"), "{run}");
    assert!(!run.contains("0.000e0"), "{run}");
}
