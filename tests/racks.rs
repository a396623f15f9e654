//! Racks (issue 21 item 3): top-of-rack switch energy in closed form under both switch
//! modes, its place in IT energy, cost, carbon and the baseline; a rack emptied by
//! `racks.prefer_empty` that the default leaves half-used; bad `[racks]` input refused.

mod common;

use common::simulate as run;
use common::*;

/// Two linear hosts (100-200 W) in one rack of a 150 W switch, both switched off at time 0
/// (empty, `min_hosts_on = 0`; shutdown 60 s), one VM arriving at 1 h boots one (120 s).
/// `racks` is appended to the `[racks]` section, `extra` after it.
fn dark_rack(racks: &str, extra: &str) -> String {
    format!(
        r#"
version = 1
[simulation]
name = "racks-closed-form"
duration = "2h"
[[hosts]]
class = "h"
count = 2
cores = 4
core_mips = 1000
ram = "16 GB"
power = {{ model = "linear", idle_w = 100, max_w = 200 }}
states = {{ shutdown_time = "60s", boot_time = "120s" }}
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "2 GB"
[[vms]]
name = "late"
type = "vm"
count = 1
load = "half"
start = "1h"
[loads.half]
shape = "constant"
level = 0.5
[policy.consolidation]
enabled = false
[policy.power]
name = "spare-capacity"
min_hosts_on = 0
[racks]
hosts_per_rack = 2
switch = {{ watts = 150 }}
{racks}
{extra}
"#
    )
}

#[test]
fn a_rack_with_every_host_off_draws_no_switch_power() {
    // Both hosts are off from 60 s (their shutdown ends) to 3600 s (the boot starts): the
    // switch is on 60 s + 3600 s = 3660 s of the 7200 s: 150 W x 3660 s = 549,000 J =
    // 0.1525 kWh.
    let (o, rec) = run(&dark_rack("", ""));
    let racks = o.summary.racks.as_ref().expect("a racks block");
    close(racks.switch_kwh, 0.1525);
    close(racks.switch_on_hours, 3660.0 / 3600.0);
    assert_eq!(racks.count, 1);
    assert_eq!(racks.switch_mode, "with-hosts");
    assert_eq!(o.summary.energy.switch_kwh, Some(racks.switch_kwh));
    // IT energy is the hosts' parts plus the switch's.
    let e = &o.summary.energy;
    let hosts = e.idle_kwh + e.dynamic_kwh + e.migration_kwh + e.transition_kwh + e.standby_kwh;
    close(e.it_kwh, hosts + 0.1525);
    close(e.facility_kwh, e.it_kwh * 1.5);
    // The rows: at 300 s the rack is dark (0 switches, 0 W); at 3600 s its host boots.
    let row = |t: f64| rec.intervals.iter().find(|r| r.time_s == t).unwrap();
    let dark = row(300.0).racks.unwrap();
    assert_eq!((dark.racks_on, dark.switch_w), (0, 0.0));
    assert_eq!(row(3600.0).racks.unwrap().switch_w, 150.0);
    // The last row's cumulative energy is the summary's IT energy, switch included.
    close(rec.intervals.last().unwrap().energy_kwh, e.it_kwh);
}

#[test]
fn an_always_on_switch_draws_for_the_whole_run() {
    // 150 W x 2 h = 0.3 kWh whatever its hosts do.
    let (o, _) = run(&dark_rack("switch_mode = \"always-on\"", ""));
    let racks = o.summary.racks.unwrap();
    close(racks.switch_kwh, 0.3);
    close(racks.switch_on_hours, 2.0);
}

#[test]
fn a_rack_of_sleeping_hosts_keeps_its_switch_on() {
    // Parked in sleep (10 s to suspend), the hosts are woken through their network: the
    // switch stays on the whole 2 h, 150 W x 7200 s = 0.3 kWh.
    let text = dark_rack("", "")
        .replace(
            "boot_time = \"120s\" }",
            "boot_time = \"120s\", sleep_w = 10 }",
        )
        .replace("min_hosts_on = 0", "min_hosts_on = 0\npark = \"sleep\"");
    let (o, _) = run(&text);
    assert!(o.summary.hosts.sleeps > 0, "the hosts were parked in sleep");
    close(o.summary.racks.unwrap().switch_kwh, 0.3);
}

#[test]
fn the_warm_up_is_left_out_of_the_switch_energy() {
    // With a 1 h warm-up only the second hour counts, when a host is up: 150 W x 1 h.
    let text = dark_rack("", "").replace("duration = \"2h\"", "duration = \"2h\"\nwarmup = \"1h\"");
    let (o, _) = run(&text);
    let racks = o.summary.racks.unwrap();
    close(racks.switch_kwh, 0.15);
    close(racks.switch_on_hours, 1.0);
    close(racks.mean_on, 1.0);
}

#[test]
fn switch_energy_is_priced_and_emits_like_the_hosts() {
    // Default price 0.15 per kWh, PUE 1.5; at 400 g/kWh. The switch's 0.1525 kWh costs
    // 0.1525 x 0.15 x 1.5 on top of the hosts' and emits 0.1525 x 400 g = 61 g (IT).
    let (with, _) = run(&dark_rack("", "[carbon]\nintensity_g_per_kwh = 400\n"));
    let (without, _) =
        run(&dark_rack("", "[carbon]\nintensity_g_per_kwh = 400\n")
            .replace("watts = 150", "watts = 0"));
    close(
        with.summary.energy.cost - without.summary.energy.cost,
        0.1525 * 0.15 * 1.5,
    );
    let (a, b) = (
        with.summary.carbon.unwrap(),
        without.summary.carbon.unwrap(),
    );
    close(a.it_operational_kg - b.it_operational_kg, 0.061);
}

#[test]
fn the_baseline_keeps_every_switch_on_and_the_saving_counts_it() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, dark_rack("", "")).unwrap();
    let out = tmp.path().join("out");
    run_ok(&scenario, &out, &["--no-charts"]);
    let s = summary(&out);
    // The baseline's hosts are all on: its switch draws 150 W x 2 h.
    close(num(&s, "racks.baseline_switch_kwh"), 0.3);
    close(num(&s, "energy.switch_kwh"), 0.1525);
    let (header, _) = read_csv(&out.join("timeseries.csv"));
    assert_eq!(&header[header.len() - 2..], ["racks_on", "switch_w"]);
}

#[test]
fn without_racks_there_is_no_racks_block_or_column() {
    let text = dark_rack("", "").replace(
        "[racks]\nhosts_per_rack = 2\nswitch = { watts = 150 }\n",
        "",
    );
    let (o, rec) = run(&text);
    assert!(o.summary.racks.is_none());
    assert!(o.summary.energy.switch_kwh.is_none());
    assert!(rec.intervals.iter().all(|r| r.racks.is_none()));
}

/// Four identical hosts, interleaved: ids 0 and 2 in rack r1, 1 and 3 in rack r2; one VM on
/// host 0; `spare-capacity` keeps two hosts on, switching the other two off at time 0.
fn half_used_racks(prefer: bool) -> String {
    let class = |name: &str, rack: &str| {
        format!(
            "[[hosts]]\nclass = \"{name}\"\ncount = 2\ncores = 4\ncore_mips = 1000\nram = \"16 GB\"\n\
             power = {{ model = \"linear\", idle_w = 100, max_w = 200 }}\n\
             states = {{ shutdown_time = \"60s\" }}\nrack = \"{rack}\"\n"
        )
    };
    format!(
        r#"
version = 1
[simulation]
name = "racks-prefer-empty"
duration = "2h"
host_order = "interleaved"
{}{}
[[vm_types]]
name = "vm"
vcpus = 2
vcpu_mips = 1000
ram = "2 GB"
[[vms]]
name = "g"
type = "vm"
count = 1
load = "half"
[loads.half]
shape = "constant"
level = 0.5
[policy.consolidation]
enabled = false
[policy.power]
name = "spare-capacity"
min_hosts_on = 2
[racks]
names = ["r1", "r2"]
switch = {{ watts = 150 }}
prefer_empty = {prefer}
"#,
        class("x", "r1"),
        class("y", "r2")
    )
}

#[test]
fn preferring_empty_racks_switches_a_whole_rack_off() {
    // The policy switches two of the three empty hosts off. By default it takes the highest
    // ids, 3 and 2: hosts 0 (r1) and 1 (r2) stay on, both switches draw for 2 h: 4
    // switch-hours, 0.6 kWh. Preferring empty racks it takes 1 and 3, all of r2: r2's switch
    // goes off when their shutdown ends at 60 s: 2 h + 60 s of switch time, 0.3025 kWh.
    let (default, _) = run(&half_used_racks(false));
    let (prefer, _) = run(&half_used_racks(true));
    let (d, p) = (
        default.summary.racks.clone().unwrap(),
        prefer.summary.racks.clone().unwrap(),
    );
    close(d.switch_on_hours, 4.0);
    close(d.switch_kwh, 0.6);
    close(p.switch_on_hours, 2.0 + 60.0 / 3600.0);
    close(p.switch_kwh, 0.3025);
    // The hosts are identical: the same two are on, so the IT saving is the switch's.
    close(
        default.summary.energy.it_kwh - prefer.summary.energy.it_kwh,
        0.6 - 0.3025,
    );
    let off = |o: &nightshift::sim::Outcome| -> Vec<usize> {
        o.hosts
            .iter()
            .filter(|h| h.shutdowns > 0)
            .map(|h| h.host)
            .collect()
    };
    assert_eq!(off(&default), [2, 3]);
    assert_eq!(off(&prefer), [1, 3]);
}

#[test]
fn bad_racks_are_refused_with_what_is_valid() {
    rejects(
        &dark_rack("", "").replace("hosts_per_rack = 2", "hosts_per_rack = 0"),
        &[],
        &["racks.hosts_per_rack", "1 to 1000"],
    );
    rejects(
        &half_used_racks(false).replace("rack = \"r2\"", "rack = \"r9\""),
        &[],
        &["hosts[1].rack", "unknown rack \"r9\"", "\"r1\", \"r2\""],
    );
    rejects(
        &half_used_racks(false).replace("rack = \"r2\"\n", ""),
        &[],
        &["hosts[1].rack", "is missing"],
    );
    rejects(
        &dark_rack("names = [\"a\"]", ""),
        &[],
        &["racks", "exactly one of `hosts_per_rack`"],
    );
    rejects(
        &dark_rack("", "").replace("watts = 150", "watts = 150, off_w = 200"),
        &[],
        &["racks.switch.off_w", "at most"],
    );
    rejects(
        &dark_rack("switch_mode = \"sometimes\"", ""),
        &[],
        &["switch_mode", "with-hosts", "always-on"],
    );
    rejects(
        &dark_rack("", "").replace("[simulation]\n", "[simulation]\nprofile = \"cloudsim\"\n"),
        &[],
        &["racks", "realistic profile"],
    );
}

/// Four hosts of 4 x 1000 MIPS, interleaved: r1 = {0, 2}, r2 = {1, 3}. One VM of 3 vCPUs on
/// each (first fit by size), at 50, 20, 10 and 30 %: utilisations 0.375, 0.15, 0.075, 0.225,
/// all below the under-load threshold 0.5; `thr` at 0.8, first-fit destinations.
fn evacuations(prefer: bool) -> String {
    let class = |name: &str, rack: &str| {
        format!(
            "[[hosts]]\nclass = \"{name}\"\ncount = 2\ncores = 4\ncore_mips = 1000\nram = \"16 GB\"\n\
             power = {{ model = \"linear\", idle_w = 100, max_w = 200 }}\nrack = \"{rack}\"\n"
        )
    };
    let groups: String = [0.5, 0.2, 0.1, 0.3]
        .iter()
        .enumerate()
        .map(|(i, level)| {
            format!(
                "[[vms]]\nname = \"g{i}\"\ntype = \"three\"\ncount = 1\nload = \"l{i}\"\n\
                 [loads.l{i}]\nshape = \"constant\"\nlevel = {level}\n"
            )
        })
        .collect();
    format!(
        r#"
version = 1
[simulation]
name = "racks-evacuations"
duration = "1h"
host_order = "interleaved"
{}{}
[[vm_types]]
name = "three"
vcpus = 3
vcpu_mips = 1000
ram = "1 GB"
{groups}
[policy]
initial_placement = "first-fit"
initial_fit = "size"
[policy.consolidation]
overload = "thr"
overload_param = 0.8
placement = "first-fit"
underload_threshold = 0.5
destination_headroom = 0
[policy.power]
name = "spare-capacity"
[racks]
names = ["r1", "r2"]
switch = {{ watts = 150 }}
prefer_empty = {prefer}
"#,
        class("x", "r1"),
        class("y", "r2")
    )
}

#[test]
fn preferring_empty_racks_evacuates_the_least_used_rack_first() {
    let moves = |o: &(
        nightshift::sim::Outcome,
        nightshift::sim::records::MemoryRecorder,
    )| {
        o.1.migrations
            .iter()
            .map(|m| (m.vm, m.source, m.destination))
            .collect::<Vec<_>>()
    };
    // By default the least-loaded hosts go first, each to the first busier host that keeps
    // under 0.8: host 2 (0.075) to host 0 (0.45), host 1 (0.15) to host 0 (0.6); host 3's
    // 0.225 would take host 0 to 0.825 and stays. Hosts 0 (r1) and 3 (r2) stay on: both
    // switches draw for the whole hour.
    let default = run(&evacuations(false));
    assert_eq!(moves(&default), [(2, 2, 0), (1, 1, 0)]);
    // Preferring empty racks, r2 (mean use (0.15 + 0.225) / 2 = 0.1875) goes before r1
    // ((0.375 + 0.075) / 2 = 0.225): host 1 to host 0 (0.525), host 3 to host 0 (0.75); host
    // 2 would take host 0 to 0.825 and stays. r2 empties and its switch goes off.
    let prefer = run(&evacuations(true));
    assert_eq!(moves(&prefer), [(1, 1, 0), (3, 3, 0)]);
    let (d, p) = (
        default.0.summary.racks.clone().unwrap(),
        prefer.0.summary.racks.clone().unwrap(),
    );
    close(d.switch_on_hours, 2.0);
    // r2's switch: the copies (1 GB at the 10 Gbit/s link, 0.8 s) end, hosts 1 and 3 are
    // empty and switched off (30 s): on for 30.8 s of the hour.
    close(p.switch_on_hours, 1.0 + 30.8 / 3600.0);
}
