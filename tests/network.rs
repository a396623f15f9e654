//! Network bandwidth as a static reservation (issue 25 item 1): a VM type's `network` is
//! reserved on its host's link (`hosts[].network`) and never over-committed, at placement and
//! for a migration's destination; bad values and groups whose type no link can hold are
//! refused (exit 2).
//! Hand-checked numbers on two-host fleets.

mod common;

use common::*;

/// Two linear hosts (100-200 W, 4 cores of 1000 MIPS, 16 GB, 1 Gbit/s links) and two VMs of
/// one 1000-MIPS vCPU and 1 GB at a constant 40 % (400 MIPS: 10 % of a host), reserving
/// `reserve` each (a `network = ...` line, or nothing). `extra` is appended.
fn two_vms(reserve: &str, extra: &str) -> String {
    [
        scenario_head("network", "2h"),
        linear_hosts("h", 2),
        "network = \"1 Gbit/s\"\n".to_string(),
        vm_type("vm", 1, "1 GB"),
        format!("{reserve}\n"),
        vm_group("g", "vm", 2, "light", ""),
        constant_load("light", 0.4),
        extra.to_string(),
    ]
    .concat()
}

#[test]
fn two_vms_whose_reservations_exceed_one_link_land_on_two_hosts() {
    // 600 + 600 Mbit/s > 1,000: first fit puts the second VM on host 1, though CPU (800 of
    // 4000 MIPS) and RAM (2 of 16 GB) would fit host 0. Each host runs one VM at 10 % for
    // 2 h: 10 W x 2 h = 0.02 kWh of dynamic energy each; IT energy 2 x 110 W x 2 h = 0.44 kWh.
    let (o, _) = simulate(&two_vms("network = \"600 Mbit/s\"", FIRST_FIT_KEPT_ON));
    close(o.hosts[0].dynamic_kwh, 0.02);
    close(o.hosts[1].dynamic_kwh, 0.02);
    close(o.summary.energy.it_kwh, 0.44);
    // Reserving 500 Mbit/s each fills the link exactly: both on host 0 (20 %: 0.04 kWh of
    // dynamic energy), host 1 idle.
    let (o, _) = simulate(&two_vms("network = \"500 Mbit/s\"", FIRST_FIT_KEPT_ON));
    close(o.hosts[0].dynamic_kwh, 0.04);
    close(o.hosts[1].dynamic_kwh, 0.0);
}

#[test]
fn the_vector_policies_keep_reservations_within_the_link() {
    // `cosine` scores CPU, RAM and disk only; the link is a fit test beside them. Host 0 is
    // empty when the first VM comes, so it goes there (ties to the lowest id); the second
    // cannot join it (1,200 Mbit/s): host 1, 0.02 kWh of dynamic energy each, as above.
    let cosine = FIRST_FIT_KEPT_ON.replace("first-fit", "cosine");
    let (o, _) = simulate(&two_vms("network = \"600 Mbit/s\"", &cosine));
    close(o.hosts[0].dynamic_kwh, 0.02);
    close(o.hosts[1].dynamic_kwh, 0.02);
}

#[test]
fn a_migration_that_would_overfill_the_destination_link_is_not_made() {
    // Reserving 600 Mbit/s each, neither host can take the other's VM (1,200 > 1,000): no
    // migration, both hosts on for the whole 2 h at 10 %: 2 x 110 W x 2 h = 0.44 kWh.
    let (o, _) = simulate(&two_vms(
        "network = \"600 Mbit/s\"",
        SPREAD_THEN_CONSOLIDATE,
    ));
    let s = &o.summary;
    assert_eq!(s.migrations.count, 0);
    assert_eq!((s.hosts.min_on, s.hosts.shutdowns), (2, 0));
    close(s.energy.it_kwh, 0.44);
    // Reserving nothing, the first tick evacuates one host onto the other and switches it off.
    let (o, _) = simulate(&two_vms("", SPREAD_THEN_CONSOLIDATE));
    let s = &o.summary;
    assert_eq!(s.migrations.count, 1);
    assert_eq!((s.hosts.min_on, s.hosts.shutdowns), (1, 1));
}

#[test]
fn bad_network_reservations_are_refused() {
    let bad = |value: &str, expected: &[&str]| {
        rejects(
            &two_vms(&format!("network = {value}"), FIRST_FIT_KEPT_ON),
            &[],
            expected,
        )
    };
    bad(
        "\"-5 Mbit/s\"",
        &["s.toml", "vm_types[0].network", "must not be negative"],
    );
    bad(
        "\"NaN Mbit/s\"",
        &["s.toml", "vm_types[0].network", "invalid bandwidth"],
    );
    bad("\"fast\"", &["s.toml", "vm_types[0].network", "Mbit/s"]);
    bad("600", &["s.toml", "vm_types[0].network", "Mbit/s"]);
    // More than every link (the only class has 1 Gbit/s): the group of that type is never
    // placeable, refused as a type too large on any dimension is.
    bad(
        "\"2 Gbit/s\"",
        &[
            "s.toml",
            "vms[0].type",
            "VM type \"vm\" (1000 MIPS, 1000 MB RAM, 0 MB disk, 2000 Mbit/s of network) is larger than every host class: too large on network (the widest link, `hosts[].network`, is 1000 Mbit/s",
        ],
    );
}

#[test]
fn a_vm_type_no_group_uses_is_not_held_to_the_links() {
    // A type reserving 2 Gbit/s (and 64 GB of RAM) that no group uses is never placed, so it
    // is not refused, on the link as on RAM: the run is the one without reservations, both
    // VMs on host 0 by first fit (20 %: 0.04 kWh of dynamic energy), host 1 idle.
    let unused = "[[vm_types]]\nname = \"wide\"\nvcpus = 1\nvcpu_mips = 1000\nram = \"64 GB\"\nnetwork = \"2 Gbit/s\"\n";
    let (o, _) = simulate(&two_vms("", &format!("{FIRST_FIT_KEPT_ON}{unused}")));
    close(o.hosts[0].dynamic_kwh, 0.04);
    close(o.hosts[1].dynamic_kwh, 0.0);
}

#[test]
fn a_keep_together_group_beyond_one_link_is_refused() {
    // Two VMs kept together reserve 1,200 Mbit/s on one host of 1,000.
    let text = two_vms("network = \"600 Mbit/s\"", FIRST_FIT_KEPT_ON)
        .replace("load = \"light\"", "load = \"light\"\naffinity = true");
    rejects(
        &text,
        &[],
        &[
            "vms[0].affinity",
            "1200 Mbit/s of network",
            "1000 Mbit/s of network",
        ],
    );
}

#[test]
fn the_cloudsim_profile_refuses_network_reservations() {
    let text = two_vms("network = \"100 Mbit/s\"", FIRST_FIT_KEPT_ON).replace(
        "duration = \"2h\"",
        "duration = \"2h\"\nprofile = \"cloudsim\"",
    );
    rejects(
        &text,
        &[],
        &["vm_types[0].network", "needs the realistic profile"],
    );
}

#[test]
fn an_ha_restart_keeps_the_link_reservation() {
    // Three hosts kept on; first fit puts VM 0 on host 0 and VM 1 on host 1 (1,200 Mbit/s
    // would not fit one link). Host 0 fails at 30 min for the rest of the run; VM 0 restarts
    // after the 60 s HA delay on host 2, not on host 1, whose link has 400 Mbit/s left. Host 2
    // then carries it at 10 % from 1,860 s to 7,200 s: 10 W x 5,340 s of dynamic energy.
    let extra = format!("{FIRST_FIT_KEPT_ON}{HOST0_FAILS}");
    let text = two_vms("network = \"600 Mbit/s\"", &extra).replacen("count = 2", "count = 3", 1);
    let (s, dynamic) = run_host0_failing(&text);
    assert_eq!(num(&s, "failures.restarts"), 1.0);
    close(dynamic[1], 0.02);
    close(dynamic[2], 10.0 * 5340.0 / 3_600_000.0);
}

#[test]
fn reservations_beyond_the_fleets_links_are_warned_up_front() {
    // Three VMs reserving 900 Mbit/s each (2.7 Gbit/s) on two 1 Gbit/s links: each VM fits a
    // link alone, so the scenario is valid, but no placement can run all three; `validate`
    // says so with the ratio (2.7 / 2 = 1.35).
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    let text = two_vms("network = \"900 Mbit/s\"", FIRST_FIT_KEPT_ON)
        .replace("count = 2\nload", "count = 3\nload");
    std::fs::write(&scenario, text).unwrap();
    let o = run_args(&["validate", scenario.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "the VMs' network reservations are 1.35 times the fleet's (2.7 against 2.0 Gbit/s)"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn disk_on_hosts_that_declare_none_is_not_warned() {
    // A class without `disk` takes any disk (as placement does), so VM types reserving
    // 100 GB each warn of nothing: no "disk is ... times the fleet's".
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("s.toml");
    std::fs::write(&scenario, two_vms("disk = \"100 GB\"", FIRST_FIT_KEPT_ON)).unwrap();
    let o = run_args(&["validate", scenario.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
