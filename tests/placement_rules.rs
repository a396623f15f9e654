//! Placement rules (issue 25 item 5): an anti-affinity group that keeps hosts on that
//! consolidation would otherwise switch off (energy by hand), a host-class rule first-fit
//! would break, a failure restart that keeps anti-affinity, the rules' cost in the summary,
//! and bad rules refused (exit 2).

mod common;

use common::simulate as run;
use common::*;

/// Three linear hosts (100-200 W, 4 cores of 1000 MIPS) of class `a`, `b_hosts` hosts of
/// class `b`, three VMs of one 1000-MIPS vCPU at a constant 40 % (400 MIPS: 10 % of a host)
/// spread one a host by worst-fit at start; consolidation evacuates hosts below 50 %, and
/// the power policy switches empty hosts off down to one. `group` is added to the group.
fn three_light_vms(group: &str, b_hosts: u32, extra: &str) -> String {
    let b = if b_hosts == 0 {
        String::new()
    } else {
        linear_hosts("b", b_hosts)
    };
    [
        scenario_head("placement-rules", "2h"),
        linear_hosts("a", 3),
        b,
        vm_type("vm", 1, "1 GB"),
        vm_group("replicas", "vm", 3, "light", group),
        constant_load("light", 0.4),
        SPREAD_THEN_CONSOLIDATE.to_string(),
        extra.to_string(),
    ]
    .concat()
}

#[test]
fn an_anti_affinity_group_keeps_hosts_on_that_consolidation_would_switch_off() {
    // With the rule: each VM stays on its own host (no evacuation can leave two replicas
    // together), so the three hosts are on for the whole 2 h at 10 % CPU:
    // 100 W + 100 W x 0.1 = 110 W each, 3 x 110 W x 2 h = 0.66 kWh, and no migration.
    let (o, _) = run(&three_light_vms("anti_affinity = true", 0, ""));
    let s = &o.summary;
    close(s.energy.it_kwh, 0.66);
    assert_eq!(s.migrations.count, 0);
    assert_eq!(
        (s.hosts.min_on, s.hosts.max_on, s.hosts.shutdowns),
        (3, 3, 0)
    );
    // Without it: the first tick evacuates two hosts onto the third, and both switch off.
    let (o, _) = run(&three_light_vms("", 0, ""));
    let s = &o.summary;
    assert_eq!((s.hosts.min_on, s.hosts.shutdowns), (1, 2));
    assert_eq!(s.migrations.count, 2);
    assert!(s.energy.it_kwh < 0.66, "{}", s.energy.it_kwh);
}

#[test]
fn the_summary_says_what_the_rules_cost() {
    // The run (three hosts on, 0.66 kWh) against the same scenario without the rules (one
    // host on after the first tick): the `rules` block holds both, and the report says so.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, three_light_vms("anti_affinity = true", 0, "")).unwrap();
    let out = tmp.path().join("out");
    let (scenario_arg, out_arg) = (scenario.to_str().unwrap(), out.to_str().unwrap());
    let o = run_args(&["run", scenario_arg, "--out", out_arg, "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&out);
    // The printed summary says what the rules cost, in the summary's numbers.
    let printed = stdout(&o);
    let line = format!(
        "  rules       1 anti-affinity and 0 host-class groups: they keep {:.1} more hosts on (mean) and cost {:.1} kWh of IT energy\n",
        num(&s, "rules.extra_hosts_on"),
        num(&s, "rules.extra_it_kwh")
    );
    assert!(printed.contains(&line), "{line:?} not in {printed}");
    assert_eq!(num(&s, "rules.anti_affinity_groups"), 1.0);
    assert_eq!(num(&s, "rules.affinity_groups"), 0.0);
    assert_eq!(num(&s, "rules.class_groups"), 0.0);
    close(num(&s, "rules.it_kwh"), 0.66);
    close(num(&s, "rules.mean_hosts_on"), 3.0);
    let (without_kwh, without_on) = (
        num(&s, "rules.without_rules_it_kwh"),
        num(&s, "rules.without_rules_mean_hosts_on"),
    );
    assert!(without_kwh < 0.66 && without_on < 3.0, "{s}");
    close(num(&s, "rules.extra_it_kwh"), 0.66 - without_kwh);
    // The report's row: the run's figures by hand as above; the run without the rules is
    // measured (one host at 30 % for 2 h is 0.26 kWh, plus the other two until they are
    // off and the two migrations).
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let row = format!(
        "| Placement rules | 1 anti-affinity and 0 host-class group(s): 3.00 hosts on (mean) and 0.660 kWh with them, 1.00 and {without_kwh:.3} kWh without: +2.00 hosts and +{:.3} kWh |",
        0.66 - without_kwh
    );
    assert!(report.contains(&row), "{row} not in {report}");
    assert!(report.contains("Placement rules are hard"), "{report}");
}

#[test]
fn without_the_baseline_the_rules_block_has_no_comparison() {
    // `--no-baseline` skips the run without the rules as it skips the baseline: the block
    // keeps the run's own figures (0.66 kWh, three hosts on) and nothing to compare.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, three_light_vms("anti_affinity = true", 0, "")).unwrap();
    let out = tmp.path().join("out");
    run_ok(&scenario, &out, &["--no-charts", "--no-baseline"]);
    let s = summary(&out);
    close(num(&s, "rules.it_kwh"), 0.66);
    let rules = s["rules"].as_object().unwrap();
    let mut keys: Vec<&str> = rules.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "affinity_groups",
            "anti_affinity_groups",
            "class_groups",
            "it_kwh",
            "mean_hosts_on"
        ]
    );
    // A scenario without rules has no block at all.
    let plain = tmp.path().join("plain.toml");
    std::fs::write(&plain, three_light_vms("", 0, "")).unwrap();
    let out = tmp.path().join("plain");
    run_ok(&plain, &out, &["--no-charts"]);
    assert!(summary(&out).get("rules").is_none());
}

#[test]
fn a_vm_restricted_to_class_b_never_lands_on_class_a() {
    // First-fit would put all three VMs on host 0 (class a, first in the fleet); restricted
    // to class b (hosts 3 and 4), they go to host 3, and consolidation keeps them on b.
    let text = three_light_vms("host_classes = [\"b\"]", 2, "").replace(
        "initial_placement = \"worst-fit\"",
        "initial_placement = \"first-fit\"",
    );
    let (o, _) = run(&text);
    let hosts: Vec<_> = o.hosts.iter().map(|h| h.class.as_str()).collect();
    assert_eq!(hosts, ["a", "a", "a", "b", "b"]);
    // Energy on class a's hosts is only what they drew idle before switching off; the
    // VMs' 10 % each ran on host 3: its dynamic energy is 3 x 10 W x 2 h = 0.06 kWh.
    assert!(o.hosts[0..3].iter().all(|h| h.dynamic_kwh == 0.0));
    close(o.hosts[3].dynamic_kwh, 0.06);
}

#[test]
fn a_failure_restart_keeps_anti_affinity() {
    // Three replicas on three hosts of a and one spare host of b, every host kept on; host 0
    // fails at 30 min for the rest of the run. Its replica restarts after the HA delay on the only host that
    // holds no replica: host 3 (class b), not on hosts 1 or 2 that have room.
    let text = three_light_vms("anti_affinity = true", 1, HOST0_FAILS)
        .replace("min_hosts_on = 1", "name = \"keep-on\"");
    let (s, dynamic) = run_host0_failing(&text);
    assert_eq!(num(&s, "failures.restarts"), 1.0, "{s}");
    // Host 3 carried the restarted replica from 1860 s: 10 W x 5340 s of dynamic energy.
    close(dynamic[3], 10.0 * 5340.0 / 3_600_000.0);
}

#[test]
fn bad_rules_are_refused() {
    rejects(
        &three_light_vms("host_classes = [\"c\"]", 0, ""),
        &[],
        &[
            "vms[0].host_classes[0]",
            "unknown host class \"c\"",
            "\"a\"",
        ],
    );
    rejects(
        &three_light_vms("anti_affinity = true", 0, "")
            .replace("count = 3\nload", "count = 4\nload"),
        &[],
        &[
            "vms[0].count",
            "4 VMs with anti_affinity = true need 4 hosts",
            "there are 3 hosts",
        ],
    );
    rejects(
        &three_light_vms("anti_affinity = true\nhost_classes = [\"b\"]", 2, ""),
        &[],
        &["vms[0].count", "there are 2 hosts of its host classes (b)"],
    );
    // Class b's hosts have 512 MB of RAM: the 1 GB VMs fit none of the classes they may use.
    let mut small_b = three_light_vms("host_classes = [\"b\"]", 1, "");
    let at = small_b.rfind("ram = \"16 GB\"").unwrap();
    small_b.replace_range(at..at + "ram = \"16 GB\"".len(), "ram = \"512 MB\"");
    rejects(
        &small_b,
        &[],
        &[
            "vms[0].host_classes",
            "VM type \"vm\" fits none of the host classes named here (b)",
        ],
    );
    rejects(
        &three_light_vms("anti_affinity = true", 0, "").replace(
            "duration = \"2h\"",
            "duration = \"2h\"\nprofile = \"cloudsim\"",
        ),
        &[],
        &["vms[0].anti_affinity", "needs the realistic profile"],
    );
}

/// Three hosts kept on (4 cores of 1000 MIPS, linear, so power-aware placement ties and the
/// lowest id wins); two 1-vCPU replicas at 80 % (800 MIPS) and a 3-vCPU `hog` whose load
/// ramps from 10 % (00:30) to 100 % (01:30). `replicas` is added to the replicas' group.
fn relief(replicas: &str) -> String {
    [
        scenario_head("relief", "3h"),
        linear_hosts("a", 3),
        vm_type("small", 1, "1 GB"),
        vm_type("big", 3, "4 GB"),
        vm_group("replicas", "small", 2, "busy", replicas),
        vm_group("hog", "big", 1, "ramp", ""),
        constant_load("busy", 0.8),
        "[loads.ramp]\nshape = \"hourly\"\nlevels = [0.1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.1]\n".to_string(),
        "[policy]\ninitial_placement = \"first-fit\"\n[policy.power]\nname = \"keep-on\"\n".to_string(),
    ]
    .concat()
}

/// The migrations of a run of `text`: (vm, source, destination, start s) each.
fn migrations(text: &str) -> Vec<(String, String, String, String)> {
    let (_tmp, out) = run_checked(text, &[]);
    let file = out.join("migrations.csv");
    let col = |name| text_column(&file, name);
    let (vm, src, dst, start) = (col("vm"), col("source"), col("destination"), col("start_s"));
    (0..vm.len())
        .map(|i| {
            (
                vm[i].clone(),
                src[i].clone(),
                dst[i].clone(),
                start[i].clone(),
            )
        })
        .collect()
}

#[test]
fn overload_relief_sends_a_replica_past_the_host_of_its_sibling() {
    // With the rule, first-fit puts replica 0 and the hog on host 0 and replica 1 on host 1.
    // Host 0 passes THR's 90 % when 800 + 3000 x ramp > 3600 MIPS (ramp above 0.933, after
    // 5133 s); the tick at 5400 s moves the replica (least RAM: MMT's choice) off it. Host 1,
    // the lowest id among tied linear hosts, holds its sibling: it goes to host 2.
    let m = migrations(&relief("anti_affinity = true"));
    let as_str: Vec<(&str, &str, &str, &str)> = m
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(as_str, [("0", "0", "2", "5400.0")]);
    // Without it both replicas start on host 0 and both end on host 1.
    let m = migrations(&relief(""));
    assert!(m.iter().all(|(_, _, dst, _)| dst == "1"), "{m:?}");
    assert_eq!(m.len(), 2);
}

#[test]
fn a_trace_group_larger_than_the_fleet_is_refused_once_its_trace_is_read() {
    // The trace holds four VMs (a to d) and the fleet three hosts: the group's size is known
    // only once the trace is scanned, and is refused then, at the group's count.
    let text = three_light_vms("", 0, "").replace(
        "[[vms]]\nname = \"replicas\"\ntype = \"vm\"\ncount = 3\nload = \"light\"\n",
        "[[vms]]\nname = \"replicas\"\ntype = \"vm\"\ntrace = \"t\"\nanti_affinity = true\n[traces.t]\nformat = \"csv\"\npath = \"trace.csv\"\n",
    );
    assert!(text.contains("trace = \"t\""));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    let rows: String = ["a", "b", "c", "d"]
        .iter()
        .flat_map(|vm| [format!("0,{vm},40\n"), format!("3600,{vm},40\n")])
        .collect();
    std::fs::write(tmp.path().join("trace.csv"), format!("time,vm,cpu\n{rows}")).unwrap();
    let out = run_in(
        tmp.path(),
        &["run", "s.toml", "--out", "out", "--no-charts"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("vms[0].count")
            && err.contains("4 VMs with anti_affinity = true need 4 hosts")
            && err.contains("there are 3 hosts in the fleet"),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists());
}

/// Three linear hosts (100-200 W, 4 cores of 1000 MIPS, 16 GB) placed first fit by size:
/// two 1-vCPU VMs (1000 MIPS, 1 GB) of group `pair` at a constant 40 % (400 MIPS each)
/// first, then two 4-vCPU `hog`s filling hosts 1 and 2 by size, at `hog1` and `hog2` of
/// their 4000 MIPS. `pair` is added to the pair's group, `extra` to the end.
fn pair_and_hogs(pair: &str, hog1: f64, hog2: f64, extra: &str) -> String {
    [
        scenario_head("keep-together", "2h"),
        linear_hosts("a", 3),
        vm_type("small", 1, "1 GB"),
        vm_type("hog", 4, "4 GB"),
        vm_group("pair", "small", 2, "light", pair),
        vm_group("hog1", "hog", 1, "hog1", ""),
        vm_group("hog2", "hog", 1, "hog2", ""),
        constant_load("light", 0.4),
        constant_load("hog1", hog1),
        constant_load("hog2", hog2),
        "[policy]\ninitial_placement = \"first-fit\"\ninitial_fit = \"size\"\n[policy.power]\nheadroom = 0\n".to_string(),
        extra.to_string(),
    ]
    .concat()
}

/// (vm, source, destination) of each migration of a run.
fn moves(rec: &nightshift::sim::records::MemoryRecorder) -> Vec<(usize, usize, usize)> {
    (rec.migrations.iter())
        .map(|m| (m.vm, m.source, m.destination))
        .collect()
}

#[test]
fn a_keep_together_group_starts_on_a_host_with_room_for_both() {
    // Host 0 holds a 3000-MIPS VM first (by size), so it has room for one 1000-MIPS member;
    // first fit would put member 0 there and member 1 on host 1. Kept together, the first
    // member looks for room for both (2000 MIPS): host 1. Dynamic energy over the hour, by
    // hand: host 0 carries 3000 x 0.5 = 1500 MIPS (37.5 % of 4000: 37.5 W), host 1 the pair's
    // 2 x 500 = 1000 MIPS (25 W); apart, host 0 would carry 2000 MIPS (50 W) and host 1
    // 500 (12.5 W).
    let text = |rule: &str| {
        [
            scenario_head("start-together", "1h"),
            linear_hosts("a", 2),
            vm_type("big", 3, "2 GB"),
            vm_type("small", 1, "1 GB"),
            vm_group("filler", "big", 1, "half", ""),
            vm_group("pair", "small", 2, "half", rule),
            constant_load("half", 0.5),
            FIRST_FIT_KEPT_ON.to_string(),
        ]
        .concat()
    };
    let (o, _) = run(&text("affinity = true"));
    let dynamic: Vec<f64> = o.hosts.iter().map(|h| h.dynamic_kwh).collect();
    close(dynamic[0], 0.0375);
    close(dynamic[1], 0.025);
    let (o, _) = run(&text(""));
    let dynamic: Vec<f64> = o.hosts.iter().map(|h| h.dynamic_kwh).collect();
    close(dynamic[0], 0.05);
    close(dynamic[1], 0.0125);
}

#[test]
fn evacuation_moves_a_keep_together_group_whole_or_not_at_all() {
    // The pair (2 x 400 MIPS) starts on host 0 (u = 0.2, under 0.5); host 1 carries 3000
    // MIPS (0.75: room for one member below THR's 0.9, 3400, not both, 3800), host 2 2400
    // (0.6: room for both, 3200). Kept together, the first tick (300 s) moves both members to
    // host 2 (power-aware best fit ties on linear hosts; only host 2 takes 800 MIPS), and host
    // 0, empty, goes off: 2 migrations, 1 shutdown.
    let (o, rec) = run(&pair_and_hogs("affinity = true", 0.75, 0.6, ""));
    assert_eq!(moves(&rec), [(0, 0, 2), (1, 0, 2)]);
    assert_eq!(o.summary.hosts.shutdowns, 1);
    // Apart, the same tick splits them: member 0 to host 1 (the lowest id of the tie),
    // member 1 on to host 2.
    let (_, rec) = run(&pair_and_hogs("", 0.75, 0.6, ""));
    assert_eq!(moves(&rec), [(0, 0, 1), (1, 0, 2)]);
    // Host 2 at 0.75 as well: no host has room for both, so kept together the pair stays on
    // host 0 and all three hosts stay on for the 2 h (no migration, no shutdown); apart,
    // host 0 is emptied (one member each to hosts 1 and 2) and switched off.
    let (o, rec) = run(&pair_and_hogs("affinity = true", 0.75, 0.75, ""));
    assert!(rec.migrations.is_empty(), "{:?}", moves(&rec));
    assert_eq!((o.summary.hosts.min_on, o.summary.hosts.shutdowns), (3, 0));
    let (o, rec) = run(&pair_and_hogs("", 0.75, 0.75, ""));
    assert_eq!(moves(&rec), [(0, 0, 1), (1, 0, 2)]);
    assert_eq!(o.summary.hosts.shutdowns, 1);
}

#[test]
fn a_failure_restarts_a_keep_together_group_on_one_host() {
    // Consolidation off, every host kept on; first fit by size puts the pair (2 x 1000 MIPS
    // by size) on host 0 and the 3000-MIPS hog on host 1 (room for one member by size), host 2
    // empty. Host 0 fails at 1800 s; after the 60 s HA delay the first member restarts where
    // both fit (host 2, 2000 MIPS by size), the second follows. Host 2's dynamic energy is
    // the pair's 2 x 400 MIPS (20 W) from 1860 s to 7200 s; apart, member 0 would restart on
    // host 1 and host 2 would carry one member (10 W).
    let extra = format!("{HOST0_FAILS}[policy.consolidation]\nenabled = false\n");
    let run_failing = |pair: &str| {
        let text = pair_and_hogs(pair, 0.5, 0.5, &extra)
            .replace("headroom = 0", "name = \"keep-on\"")
            .replace(
                "[[vms]]\nname = \"hog2\"\ntype = \"hog\"\ncount = 1\nload = \"hog2\"\n",
                "",
            )
            .replace("name = \"hog\"\nvcpus = 4", "name = \"hog\"\nvcpus = 3");
        let (s, dynamic) = run_host0_failing(&text);
        assert_eq!(num(&s, "failures.restarts"), 2.0, "{s}");
        dynamic
    };
    let dynamic = run_failing("affinity = true");
    close(dynamic[2], 20.0 * 5340.0 / 3_600_000.0);
    let dynamic = run_failing("");
    close(dynamic[2], 10.0 * 5340.0 / 3_600_000.0);
}

#[test]
fn bad_keep_together_groups_are_refused() {
    rejects(
        &pair_and_hogs("affinity = true\nanti_affinity = true", 0.5, 0.5, ""),
        &[],
        &["vms[0].affinity", "not both"],
    );
    // Five 1000-MIPS members need 5000 MIPS on one host; a host has 4000.
    rejects(
        &pair_and_hogs("affinity = true", 0.5, 0.5, "")
            .replace("count = 2\nload", "count = 5\nload"),
        &[],
        &[
            "vms[0].affinity",
            "an affinity group of 5 VMs needs 5000 MIPS / 5000 MB of RAM on one host",
            "the largest host class it may use (\"a\") has 4000 MIPS / 16000 MB",
        ],
    );
    rejects(
        &pair_and_hogs("affinity = true", 0.5, 0.5, "").replace(
            "duration = \"2h\"",
            "duration = \"2h\"\nprofile = \"cloudsim\"",
        ),
        &[],
        &["vms[0].affinity", "needs the realistic profile"],
    );
}

#[test]
fn the_report_names_keep_together_groups_and_their_cost() {
    // Host 2 at 0.75 like host 1: kept together the pair holds host 0 on for the whole 2 h
    // (3.00 hosts on), while the run without the rule empties it at the first tick (host 0
    // on for 300 s and its shutdown: a mean under 3). The summary counts the group, the
    // printed line and the report's row name it.
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, pair_and_hogs("affinity = true", 0.75, 0.75, "")).unwrap();
    let out = tmp.path().join("out");
    let (scenario_arg, out_arg) = (scenario.to_str().unwrap(), out.to_str().unwrap());
    let o = run_args(&["run", scenario_arg, "--out", out_arg, "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = summary(&out);
    assert_eq!(num(&s, "rules.affinity_groups"), 1.0);
    assert_eq!(num(&s, "rules.anti_affinity_groups"), 0.0);
    close(num(&s, "rules.mean_hosts_on"), 3.0);
    let extra = num(&s, "rules.extra_hosts_on");
    assert!(extra > 0.0 && extra < 1.0, "{s}");
    assert!(
        stdout(&o).contains(
            "  rules       0 anti-affinity, 1 keep-together and 0 host-class groups: they keep"
        ),
        "{}",
        stdout(&o)
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("| Placement rules | 0 anti-affinity, 1 keep-together and 0 host-class group(s): 3.00 hosts on (mean)"),
        "{report}"
    );
    assert!(
        report.contains("keep-together group share one host"),
        "{report}"
    );
}

#[test]
fn overload_relief_moves_a_keep_together_group_as_one() {
    // Kept together, the replicas (2 x 800 MIPS) start on host 0 with the hog (first fit by
    // demand below THR's 0.9: 1600 + 300 MIPS). Host 0 passes 90 % when
    // 1600 + 3000 x ramp > 3600, ramp = 0.1 + 0.9 x (t - 1800 s) / 3600 s above 0.667, after
    // 4067 s; the tick at 4200 s selects a replica (least RAM: MMT's choice), which takes its
    // sibling along: both leave in that tick, to one host (host 1, the lowest id among tied
    // linear hosts).
    let m = migrations(&relief("affinity = true"));
    let as_str: Vec<(&str, &str, &str, &str)> = m
        .iter()
        .map(|(a, b, c, d)| (a.as_str(), b.as_str(), c.as_str(), d.as_str()))
        .collect();
    assert_eq!(
        as_str,
        [("0", "0", "1", "4200.0"), ("1", "0", "1", "4200.0")]
    );
    // Apart, one replica leaving is enough at 4200 s (2900 MIPS stay): the other leaves at a
    // later tick.
    let m = migrations(&relief(""));
    let starts: Vec<&str> = m.iter().map(|(_, _, _, s)| s.as_str()).collect();
    assert_eq!(starts[0], "4200.0");
    assert!(starts[1..].iter().all(|&s| s != "4200.0"), "{m:?}");
}

#[test]
fn a_keep_together_group_starts_together_before_other_vms_take_its_room() {
    // Two hosts of 4000 MIPS, placed first fit decreasing by demand: the pair's trace VMs
    // `a` (2000 MIPS) and `b` (1000), and a 1500-MIPS filler, in the order a, filler, b.
    // Kept together, `a` looks for room for both (3000 MIPS: host 0) and `b` starts with it
    // at once, so the filler goes to host 1: host 0 at 75 % (75 W dynamic) and host 1 at
    // 37.5 % (37.5 W) for the hour. Had `b` waited its turn, the filler would have taken its
    // room on host 0 (3500 MIPS) and `b`, bound there, would never start. Apart: `a` and the
    // filler on host 0 (87.5 W), `b` on host 1 (25 W).
    let text = |rule: &str| {
        [
            scenario_head("gang-start", "1h"),
            linear_hosts("a", 2),
            vm_type("two", 2, "2 GB"),
            format!("[[vms]]\nname = \"pair\"\ntype = \"two\"\ntrace = \"t\"\n{rule}\n"),
            vm_group("filler", "two", 1, "filler", ""),
            "[traces.t]\nformat = \"csv\"\npath = \"trace.csv\"\n".to_string(),
            constant_load("filler", 0.75),
            FIRST_FIT_KEPT_ON.replace(
                "\"first-fit\"",
                "\"first-fit-decreasing\"\ninitial_fit = \"demand\"",
            ),
        ]
        .concat()
    };
    let dynamic = |rule: &str| {
        let rows = "time,vm,cpu\n0,a,100\n0,b,50\n3600,a,100\n3600,b,50\n";
        let (_tmp, out) = run_checked(&text(rule), &[("trace.csv", rows)]);
        column(&out.join("hosts.csv"), "dynamic_kwh")
    };
    let with = dynamic("affinity = true");
    close(with[0], 0.075);
    close(with[1], 0.0375);
    let apart = dynamic("");
    close(apart[0], 0.0875);
    close(apart[1], 0.025);
}

#[test]
fn a_keep_together_trace_group_too_large_for_a_host_is_refused_once_read() {
    // Five trace VMs of 1000 MIPS kept together need 5000 MIPS on one host of 4000: known
    // only once the trace is read, and refused then, at the group's `affinity`.
    let text = three_light_vms("", 0, "").replace(
        "[[vms]]\nname = \"replicas\"\ntype = \"vm\"\ncount = 3\nload = \"light\"\n",
        "[[vms]]\nname = \"replicas\"\ntype = \"vm\"\ntrace = \"t\"\naffinity = true\n[traces.t]\nformat = \"csv\"\npath = \"trace.csv\"\n",
    );
    assert!(text.contains("affinity = true"));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), text).unwrap();
    let rows: String = ["a", "b", "c", "d", "e"]
        .iter()
        .flat_map(|vm| [format!("0,{vm},40\n"), format!("3600,{vm},40\n")])
        .collect();
    std::fs::write(tmp.path().join("trace.csv"), format!("time,vm,cpu\n{rows}")).unwrap();
    let out = run_in(
        tmp.path(),
        &["run", "s.toml", "--out", "out", "--no-charts"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("vms[0].affinity")
            && err.contains(
                "an affinity group of 5 VMs needs 5000 MIPS / 5000 MB of RAM on one host"
            ),
        "{err}"
    );
    assert!(!tmp.path().join("out").exists());
}
