//! Memory demand over time and over-commit (issue 25 item 1): memory curves on VM groups,
//! over-commit ratios per host class, and memory pressure (VMs using more memory than their
//! host has) served by ballooning and swapping as CPU demand not served. Hand-checked numbers
//! on one- and two-host fleets.

mod common;

use common::*;

/// One host of 8 cores, 16 GB and `overcommit`, always on, no consolidation; VMs of 2 vCPUs
/// and `vm_ram`, CPU at half their size; `vms` holds the `[[vms]]` groups.
fn one_host(overcommit: &str, vm_ram: &str, vms: &str, extra: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "memory"
duration = "3h"
[[hosts]]
class = "h"
count = 1
cores = 8
core_mips = 1000
ram = "16 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}
{overcommit}
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "{vm_ram}"
{vms}
[loads.half]
shape = "constant"
level = 0.5
[loads.ninety]
shape = "constant"
level = 0.9
[policy.consolidation]
enabled = false
[policy.power]
name = "keep-on"
{extra}
"#
    )
}

/// Two VMs using 90 % of their 10 GB on a 16 GB host that reserves up to 32 GB (RAM
/// over-commit 2). The first runs from 0 h, the second arrives at 1 h: 9 GB in use, then 18 GB
/// from 1 h, 2 GB above the host's 16 GB until the end (3 h).
const TWO_VMS: &str = r#"
[[vms]]
type = "vm"
count = 1
load = "half"
ram_load = "ninety"
[[vms]]
type = "vm"
count = 1
load = "half"
ram_load = "ninety"
start = "1h"
"#;

/// Overflow 2 GB for 2 h = 4 GB-hours, of 9 GB x 3 h + 9 GB x 2 h = 45 GB-hours in use, one
/// host under pressure for 2 h. The unserved share is 2 / 18 = 1/9 of the VMs' CPU demand
/// (1 vCPU each: half of 2): 2 vCPU x 1/9 x 2 h = 4/9 vCPU-hours of 5 demanded. The CPU itself
/// is far from full (2 of 8 cores), so memory is the only cause.
#[test]
fn two_vms_overflow_at_the_second_arrival() {
    let (o, rec) = simulate(&one_host(
        "overcommit = { ram = 2.0 }",
        "10 GB",
        TWO_VMS,
        "",
    ));
    let m = o.summary.memory.as_ref().expect("memory block");
    close(m.demand_gb_h, 45.0);
    close(m.overflow_gb_h, 4.0);
    close(m.overflow_fraction, 4.0 / 45.0);
    close(m.pressure_host_h, 2.0);
    assert_eq!((m.max_ram_overcommit, m.max_cpu_overcommit), (2.0, 1.0));
    close(o.summary.vms.demand_core_h, 5.0);
    close(o.summary.vms.unserved_demand_core_h, 4.0 / 9.0);
    // Rows every 5 minutes: the row at 0.5 h has 9 GB in use and no overflow, the row at
    // 2 h 18 GB and 2 GB over, one host under pressure.
    let at = |s: f64| {
        rec.intervals
            .iter()
            .find(|r| r.time_s == s)
            .and_then(|r| r.memory)
            .expect("row with memory columns")
    };
    let (early, late) = (at(1800.0), at(7200.0));
    close(early.ram_demand_gb, 9.0);
    assert_eq!((early.ram_overflow_gb, early.hosts_ram_pressure), (0.0, 0));
    close(late.ram_demand_gb, 18.0);
    close(late.ram_overflow_gb, 2.0);
    assert_eq!(late.hosts_ram_pressure, 1);
}

/// RAM over-commit 1.5 on a 16 GB host reserves up to 24 GB: six 4 GB VMs are placed and the
/// seventh waits (CPU is no limit: 7 x 2 vCPUs fit 8 cores by demand, 14 of 64 by size). The
/// six VMs use their whole RAM (no memory curve): 24 GB on 16 GB, 8 GB over, a third of their
/// demand not served. Without the ratio, four are placed.
#[test]
fn ram_overcommit_admits_exactly_what_the_ratio_allows() {
    let vms = r#"
[[vms]]
type = "vm"
count = 7
load = "half"
"#;
    let fit = "[policy]\ninitial_fit = \"size\"";
    let big = |oc: &str| one_host(oc, "4 GB", vms, fit).replace("cores = 8", "cores = 64");
    let (o, _) = simulate(&big("overcommit = { ram = 1.5 }"));
    assert_eq!(o.summary.vms.running_at_end, 6);
    assert_eq!(o.summary.vms.waiting_at_end, 1);
    let m = o.summary.memory.as_ref().expect("memory block");
    close(m.overflow_gb_h, 8.0 * 3.0);
    close(m.overflow_fraction, 8.0 / 24.0);
    // 6 VMs x 1 vCPU x 3 h demanded, a third not served (6), plus the waiting VM's 3.
    close(o.summary.vms.unserved_demand_core_h, 18.0 / 3.0 + 3.0);
    let (o, _) = simulate(&big(""));
    assert_eq!(o.summary.vms.running_at_end, 4);
    assert_eq!(o.summary.vms.waiting_at_end, 3);
    assert!(o.summary.memory.is_none(), "no memory modelled, no block");
}

/// CPU over-commit 2 on 4 cores of 1000 MIPS, placing by size: 8000 MIPS of VM sizes, so
/// four VMs of 2 vCPUs x 1000 MIPS and not a fifth; without it, two. Their demand (4 x 1000
/// MIPS) fits the 4000 MIPS, so all of it is served; only the waiting fifth VM's demand (1
/// vCPU for 3 h) is not.
#[test]
fn cpu_overcommit_admits_sizes_up_to_the_ratio() {
    let vms = r#"
[[vms]]
type = "vm"
count = 5
load = "half"
"#;
    let fit = "[policy]\ninitial_fit = \"size\"";
    let small = |oc: &str| one_host(oc, "1 GB", vms, fit).replace("cores = 8", "cores = 4");
    let (o, _) = simulate(&small("overcommit = { cpu = 2.0 }"));
    assert_eq!(o.summary.vms.running_at_end, 4);
    assert_eq!(o.summary.vms.waiting_at_end, 1);
    assert_eq!(o.summary.vms.unserved_demand_core_h, 3.0);
    let (o, _) = simulate(&small(""));
    assert_eq!(o.summary.vms.running_at_end, 2);
}

/// With consolidation on and a second host, the host under memory pressure is relieved: at
/// the first control tick after the second VM arrives, one VM is migrated to the empty host,
/// and the overflow ends. The overflow lasts from 1 h until that migration completes, far
/// less than the 2 h without consolidation.
#[test]
fn memory_pressure_is_relieved_by_consolidation() {
    let text = one_host("overcommit = { ram = 2.0 }", "10 GB", TWO_VMS, "")
        .replace("count = 1\ncores = 8", "count = 2\ncores = 8")
        .replace(
            "[policy.consolidation]\nenabled = false",
            "[policy.consolidation]\nunderload_threshold = 0",
        );
    let (o, rec) = simulate(&text);
    assert_eq!(o.summary.migrations.count, 1, "one VM moved off");
    let m = o.summary.memory.as_ref().unwrap();
    assert!(
        m.overflow_gb_h > 0.0 && m.overflow_gb_h < 0.5,
        "overflow until the move: {}",
        m.overflow_gb_h
    );
    let last = rec.intervals.last().unwrap().memory.unwrap();
    assert_eq!((last.ram_overflow_gb, last.hosts_ram_pressure), (0.0, 0));
}

/// The run folder: timeseries.csv ends with the memory columns and summary.json has the
/// `memory` block; a scenario without memory modelling has neither.
#[test]
fn run_folder_has_memory_columns_and_block() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.toml");
    std::fs::write(
        &path,
        one_host("overcommit = { ram = 2.0 }", "10 GB", TWO_VMS, ""),
    )
    .unwrap();
    let out = dir.path().join("out");
    run_ok(&path, &out, &["--no-charts"]);
    let (header, _) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(
        header[header.len() - 3..],
        ["ram_demand_gb", "ram_overflow_gb", "hosts_ram_pressure"]
    );
    let overflow = column(&out.join("timeseries.csv"), "ram_overflow_gb");
    assert_eq!(overflow.last(), Some(&2.0));
    let s = summary(&out);
    assert_eq!(num(&s, "memory.overflow_gb_h"), 4.0);
    assert_eq!(num(&s, "memory.pressure_host_h"), 2.0);

    let plain = dir.path().join("plain.toml");
    std::fs::write(
        &plain,
        one_host("", "1 GB", TWO_VMS, "").replace("ram_load = \"ninety\"\n", ""),
    )
    .unwrap();
    let out = dir.path().join("plain");
    run_ok(&plain, &out, &["--no-charts"]);
    let (header, _) = read_csv(&out.join("timeseries.csv"));
    assert!(!header.iter().any(|h| h.starts_with("ram_")), "{header:?}");
    assert!(summary(&out).get("memory").is_none());
}

/// Bad input: a ratio of 0 or below, above 64, a ratio below 1 that leaves no room for a VM
/// type, a key that is not a resource, a memory curve that names no load and over-commit
/// under the cloudsim profile are refused (exit 2, nothing written) naming the field.
#[test]
fn bad_memory_settings_are_refused() {
    let vms = "[[vms]]\ntype = \"vm\"\ncount = 1\nload = \"half\"\n";
    rejects(
        &one_host("overcommit = { ram = 0 }", "1 GB", vms, ""),
        &[],
        &["hosts[0].overcommit.ram", "above 0 and up to 64"],
    );
    rejects(
        &one_host("overcommit = { cpu = -1.5 }", "1 GB", vms, ""),
        &[],
        &["hosts[0].overcommit.cpu"],
    );
    rejects(
        &one_host("overcommit = { cpu = 100 }", "1 GB", vms, ""),
        &[],
        &["hosts[0].overcommit.cpu", "64"],
    );
    // A ratio below 1 leaves a 16 GB host 8 GB to reserve: a 10 GB VM fits no host, and the
    // error says the most a class admits.
    rejects(
        &one_host("overcommit = { ram = 0.5 }", "10 GB", vms, ""),
        &[],
        &[
            "vms[0].type",
            "larger than every host class: too large on RAM (the most a class admits is 8000 MB)",
        ],
    );
    rejects(
        &one_host("overcommit = { disk = 2 }", "1 GB", vms, ""),
        &[],
        &["overcommit", "disk"],
    );
    rejects(
        &one_host("", "1 GB", &format!("{vms}ram_load = \"nope\"\n"), ""),
        &[],
        &["vms[0].ram_load", "nope"],
    );
    rejects(
        &one_host("overcommit = { ram = 1.2 }", "1 GB", vms, "").replace(
            "name = \"memory\"",
            "name = \"memory\"\nprofile = \"cloudsim\"",
        ),
        &[],
        &["hosts[0].overcommit", "cloudsim"],
    );
}

/// A generic CSV trace of two VMs, one row an hour, CPU at 50 % and memory at 40 % then 90 %
/// of their 10 GB from 1 h: `metric = "memory"` on a second trace reading the same file
/// replays the `ram` column.
const TRACE: &str = "time,vm,cpu,ram\n\
    0,a,50,40\n0,b,50,40\n\
    3600,a,50,90\n3600,b,50,90\n\
    7200,a,50,90\n7200,b,50,90\n";

/// The two-VM host of [`two_vms_overflow_at_the_second_arrival`], its VMs replaying
/// `trace.csv` (`ram_trace` when `with_ram`).
fn trace_scenario(with_ram: bool, metric: &str) -> String {
    let group = format!(
        r#"
[[vms]]
trace = "cpu"
type = "vm"
{}
[traces.cpu]
format = "csv"
path = "trace.csv"
[traces.mem]
format = "csv"
path = "trace.csv"
metric = "{metric}"
"#,
        if with_ram { "ram_trace = \"mem\"" } else { "" }
    );
    one_host("overcommit = { ram = 2.0 }", "10 GB", &group, "")
}

/// 8 GB in use in the first hour, 18 GB from 1 h to 3 h: 2 GB over the 16 GB host for 2 h
/// = 4 GB-hours of 8 + 18 x 2 = 44 GB-hours; the VMs' 2 vCPUs lose 2/18 of their demand for
/// 2 h = 4/9 vCPU-hours. Without `ram_trace` each VM uses its whole 10 GB: 20 GB, 4 GB over
/// for all 3 h.
#[test]
fn a_trace_with_a_ram_column_replays_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("trace.csv"), TRACE).unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(&path, trace_scenario(true, "memory")).unwrap();
    let out = dir.path().join("out");
    run_ok(&path, &out, &["--no-charts"]);
    let s = summary(&out);
    assert!((num(&s, "memory.demand_gb_h") - 44.0).abs() < 1e-9, "{s}");
    assert!((num(&s, "memory.overflow_gb_h") - 4.0).abs() < 1e-9);
    assert!((num(&s, "vms.unserved_demand_core_h") - 4.0 / 9.0).abs() < 1e-9);
    let demand = column(&out.join("timeseries.csv"), "ram_demand_gb");
    assert_eq!(
        (demand[1], demand[13]),
        (8.0, 18.0),
        "rows at 5 min and 65 min"
    );

    std::fs::write(&path, trace_scenario(false, "memory")).unwrap();
    let out = dir.path().join("reserved");
    run_ok(&path, &out, &["--no-charts"]);
    let s = summary(&out);
    assert!((num(&s, "memory.overflow_gb_h") - 12.0).abs() < 1e-9, "{s}");
}

/// Bad memory traces: a file without the `ram` column (the error names the file, line 1 and
/// the column), a format without memory, a `ram_trace` naming a CPU trace, or reading other
/// files, exit 2 with nothing written.
#[test]
fn bad_memory_traces_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |scenario: &str, trace: &str| {
        std::fs::write(tmp.path().join("trace.csv"), trace).unwrap();
        std::fs::write(tmp.path().join("other.csv"), trace).unwrap();
        std::fs::write(tmp.path().join("s.toml"), scenario).unwrap();
        let o = run_in(
            tmp.path(),
            &["run", "s.toml", "--out", "out", "--no-charts"],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(!tmp.path().join("out").exists());
        stderr(&o)
    };
    let no_ram = "time,vm,cpu\n0,a,50\n3600,a,50\n";
    let e = run(&trace_scenario(true, "memory"), no_ram);
    assert!(
        e.contains("traces.mem") && e.contains("trace.csv:1:"),
        "{e}"
    );
    assert!(e.contains("header has no \"ram\" column"), "{e}");
    let e = run(&trace_scenario(true, "cpu"), TRACE);
    assert!(
        e.contains("vms[0].ram_trace") && e.contains("metric = \"memory\""),
        "{e}"
    );
    let e = run(
        &trace_scenario(true, "memory").replace(
            "format = \"csv\"\npath = \"trace.csv\"\nmetric",
            "format = \"csv\"\npath = \"other.csv\"\nmetric",
        ),
        TRACE,
    );
    assert!(
        e.contains("vms[0].ram_trace") && e.contains("same files"),
        "{e}"
    );
    let e = run(
        &trace_scenario(false, "memory")
            .replace("path = \"trace.csv\"\nmetric", "path = \"p\"\nmetric")
            .replace(
                "format = \"csv\"\npath = \"p\"",
                "format = \"planetlab\"\npath = \"p\"",
            ),
        TRACE,
    );
    assert!(
        e.contains("traces.mem.metric") && e.contains("\"csv\""),
        "{e}"
    );
}

/// A migrating VM's RAM counts once in what power management must hold, though it is
/// reserved on both hosts until its copy ends. Three 16 GB hosts, VMs of 7, 8 and 9 GB: the
/// 7 and 8 GB VMs share host 0, the 9 GB VM is on host 1, and the empty host 2 is switched
/// off (24 GB need room for 30 GB: two hosts at the default 0.2 head-room hold 25.6). From
/// 1 h the pair grows to 8 of host 0's 8 cores and relief moves the 7 GB VM (the quicker
/// copy) to host 1 (9 + 7 = 16 GB). Counted on both hosts during the copy it made 31 GB
/// of need and booted host 2 for nothing; counted once, 24 GB: no boot.
#[test]
fn a_migrating_vms_ram_is_needed_once() {
    let mut text = one_host("", "7 GB", "", "")
        .replace("count = 1\ncores = 8", "count = 3\ncores = 8")
        .replace("vcpus = 2", "vcpus = 4")
        .replace(
            "[policy.consolidation]\nenabled = false\n[policy.power]\nname = \"keep-on\"",
            "",
        );
    for (name, ram) in [("b", "8 GB"), ("c", "9 GB")] {
        text += &format!(
            "[[vm_types]]\nname = \"{name}\"\nvcpus = 4\nvcpu_mips = 1000\nram = \"{ram}\"\n"
        );
    }
    let levels = format!("[0.5{}]", ", 1.0".repeat(23));
    text += &format!(
        r#"
[[vms]]
type = "vm"
count = 1
load = "step"
[[vms]]
type = "b"
count = 1
load = "step"
[[vms]]
type = "c"
count = 1
load = "half"
[loads.step]
shape = "hourly"
levels = {levels}
"#
    );
    let (o, rec) = simulate(&text);
    assert_eq!(o.summary.migrations.count, 1);
    let m = &rec.migrations[0];
    assert_eq!((m.vm, m.source, m.destination), (0, 0, 1));
    assert_eq!((o.summary.hosts.boots, o.summary.hosts.shutdowns), (0, 1));
}

/// The up-front capacity warning counts RAM against what the hosts admit: two 10 GB VMs
/// (20 GB) on a 16 GB host are 1.25 times its RAM, but 0.625 times the 32 GB it admits with
/// over-commit 2, which is no warning.
#[test]
fn the_ram_warning_counts_the_over_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    let warned = |overcommit: &str| {
        std::fs::write(&scenario, one_host(overcommit, "10 GB", TWO_VMS, "")).unwrap();
        let o = run_args(&["validate", scenario.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        stderr(&o).contains("the VMs' RAM is 1.25 times the fleet's (20.0 against 16.0 GB)")
    };
    assert!(warned(""));
    assert!(!warned("overcommit = { ram = 2.0 }"));
}
