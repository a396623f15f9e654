//! Closed-form energy and cost checks: small fleets whose totals can be computed by hand.

mod common;

use common::{close, closed_form, simulate as run};

/// A one-host fleet at constant load, always on, no consolidation, for `hours`.
fn constant_load(power: &str, hours: u32, extra: &str) -> String {
    closed_form(1, power, hours, extra)
}

#[test]
fn linear_host_at_constant_load_draws_power_times_time() {
    // Demand 0.45 x 2000 MIPS = 900 of 4000 MIPS: u = 0.225, P = 100 + 100 x 0.225 = 122.5 W.
    // Ten hours: 1.225 kWh, of which idle 1.0 and dynamic 0.225.
    let (o, _) = run(&constant_load(
        "{ model = \"linear\", idle_w = 100, max_w = 200 }",
        10,
        "",
    ));
    let e = &o.summary.energy;
    close(e.it_kwh, 1.225);
    close(e.idle_kwh, 1.0);
    close(e.dynamic_kwh, 0.225);
    close(e.transition_kwh + e.migration_kwh + e.standby_kwh, 0.0);
    // Default PUE 1.5.
    close(e.facility_kwh, 1.8375);
}

#[test]
fn specpower_host_interpolates_the_table() {
    // u = 0.225 on the HP ML110 G4 table: between 20 % (92.6 W) and 30 % (96 W), a quarter of
    // the way: 92.6 + 0.25 x 3.4 = 93.45 W. Ten hours: 0.9345 kWh.
    let g4 = "{ model = \"specpower\", watts = [86, 89.4, 92.6, 96, 99.5, 102, 106, 108, 112, 114, 117] }";
    let (o, _) = run(&constant_load(g4, 10, ""));
    close(o.summary.energy.it_kwh, 0.9345);
}

#[test]
fn two_rate_tariff_costs_the_hand_computed_sum() {
    // 122.5 W for 24 h: 0.1225 kWh an hour. Night 22:00-06:00 (8 h) at 0.10, day (16 h) at
    // 0.30: IT cost 8 x 0.1225 x 0.10 + 16 x 0.1225 x 0.30 = 0.098 + 0.588 = 0.686; x PUE 1.2.
    let tariff = r#"
[electricity]
price_per_kwh = 0.30
pue = 1.2
tariff = [{ from = "22:00", to = "06:00", price_per_kwh = 0.10 }]
"#;
    let (o, rec) = run(&constant_load(
        "{ model = \"linear\", idle_w = 100, max_w = 200 }",
        24,
        tariff,
    ));
    close(o.summary.energy.cost, 0.686 * 1.2);
    close(o.hosts[0].cost, 0.686);
    // The timeseries shows the price in force: night at 00:00, day at 12:00.
    assert_eq!(rec.intervals[0].price_per_kwh, 0.10);
    assert_eq!(rec.intervals[144].time_s, 43_200.0);
    assert_eq!(rec.intervals[144].price_per_kwh, 0.30);
}

/// Two one-core hosts; one VM fills host 0 (by size) from the start, a second arrives at 1 h.
const BOOT: &str = r#"
version = 1
[simulation]
name = "boot"
duration = "2h"
[[hosts]]
class = "h"
count = 2
cores = 1
core_mips = 1000
ram = "1000 MB"
power = { model = "linear", idle_w = 100, max_w = 200 }
states = { off_w = 10, boot_time = "2m", boot_w = 300, shutdown_time = "1m", shutdown_w = 50 }
[[vm_types]]
name = "vm"
vcpus = 1
vcpu_mips = 1000
ram = "600 MB"
[[vms]]
type = "vm"
count = 1
load = "half"
[[vms]]
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
headroom = 0
min_hosts_on = 1
"#;

#[test]
fn a_host_that_boots_draws_boot_power_for_exactly_the_boot_time() {
    // Host 1 is empty at t = 0 and is switched off: 60 s at 50 W. It stays off (10 W) until the
    // second VM arrives at 3600 s and finds no room (RAM 600 + 600 > 1000 MB), then boots:
    // 120 s at 300 W, on from 3720 s to 7200 s at 100 + 100 x 0.5 = 150 W.
    let (o, _) = run(BOOT);
    let h1 = &o.hosts[1];
    assert_eq!((h1.boots, h1.shutdowns), (1, 1));
    close(h1.transition_kwh, (60.0 * 50.0 + 120.0 * 300.0) / 3.6e6);
    close(h1.standby_kwh, (3600.0 - 60.0) * 10.0 / 3.6e6);
    close(h1.idle_kwh, (7200.0 - 3720.0) * 100.0 / 3.6e6);
    close(h1.dynamic_kwh, (7200.0 - 3720.0) * 50.0 / 3.6e6);
    close(h1.on_hours, (7200.0 - 3720.0) / 3600.0);
    // Host 0 runs the first VM all along at 150 W.
    close(o.hosts[0].it_kwh, 7200.0 * 150.0 / 3.6e6);
    assert_eq!(o.summary.vms.waiting_at_end, 0);
}
