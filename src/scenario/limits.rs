//! Size limits: a scenario too large to run on a big machine is refused before anything is
//! allocated, with the estimated memory and work, instead of meeting the OOM killer hours later.

use super::FieldError;
use super::types::Scenario;
use super::units::Duration;

/// Memory per host in the simulator's state (measured bound, bytes).
const BYTES_PER_HOST: u64 = 512;
/// Memory per VM in the simulator's state (measured bound, bytes).
const BYTES_PER_VM: u64 = 128;
/// The largest estimated memory a scenario may need.
pub const MAX_MEMORY_BYTES: u64 = 64 << 30;
/// The most host or VM updates a run may need (about a day of CPU at 10^8 updates/s).
pub const MAX_WORK: u64 = 10_000_000_000_000;
/// The most timeseries rows a run may write (about 20 GB of CSV).
pub const MAX_ROWS: u64 = 100_000_000;

/// What a scenario will cost to run, estimated from its sizes alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Hosts in the fleet.
    pub hosts: u64,
    /// VMs over all groups.
    pub vms: u64,
    /// Peak memory of the simulator's state, bytes.
    pub memory_bytes: u64,
    /// Host and VM updates over the run (load steps and control ticks).
    pub work: u64,
    /// Rows of `timeseries.csv`.
    pub rows: u64,
}

/// Estimates the cost of running `s`, without allocating anything proportional to it.
pub fn estimate(s: &Scenario) -> Estimate {
    let hosts: u64 = s.hosts.iter().map(|h| u64::from(h.count)).sum();
    let duration = s.simulation.duration.ms();
    // Trace groups without a count take every trace VM: unknown until the trace is read.
    let groups: u64 = s.vms.iter().map(|g| u64::from(g.count.unwrap_or(0))).sum();
    let replicas: u64 = s.services.iter().map(|v| u64::from(v.max_replicas)).sum();
    let hours = duration as f64 / 3.6e6;
    let requested: u64 = s
        .teams
        .iter()
        .map(|t| (t.day_rate.max(t.night_rate) * hours * f64::from(t.batch_max)).min(1e18) as u64)
        .fold(0u64, u64::saturating_add);
    let vms = groups.saturating_add(replicas).saturating_add(requested);
    let interval = s.simulation.control_interval.ms().max(1);
    let step = s.simulation.load_step.map_or(interval, Duration::ms).max(1);
    let ticks = duration / interval + 1;
    let steps = duration / step + 1;
    Estimate {
        hosts,
        vms,
        memory_bytes: hosts
            .saturating_mul(BYTES_PER_HOST)
            .saturating_add(vms.saturating_mul(BYTES_PER_VM)),
        work: steps
            .saturating_mul(hosts.saturating_add(vms))
            .saturating_add(ticks.saturating_mul(hosts)),
        rows: ticks,
    }
}

/// Refuses scenarios whose estimate exceeds the limits, saying by how much.
pub fn check(s: &Scenario) -> Result<Estimate, FieldError> {
    let e = estimate(s);
    let gib = |b: u64| b as f64 / (1u64 << 30) as f64;
    if e.memory_bytes > MAX_MEMORY_BYTES {
        return Err(FieldError::new(
            "vms",
            format!(
                "{} hosts and {} VMs need an estimated {:.0} GiB of memory; the limit is {:.0} GiB",
                e.hosts,
                e.vms,
                gib(e.memory_bytes),
                gib(MAX_MEMORY_BYTES)
            ),
        ));
    }
    if e.rows > MAX_ROWS {
        return Err(FieldError::new(
            "simulation.control_interval",
            format!(
                "the run would write {} timeseries rows (about {:.0} GiB); use a longer control interval or a shorter duration (limit {} rows)",
                e.rows,
                gib(e.rows.saturating_mul(200)),
                MAX_ROWS
            ),
        ));
    }
    if e.work > MAX_WORK {
        return Err(FieldError::new(
            "simulation.load_step",
            format!(
                "the run needs about {:.1e} host and VM updates (estimated memory {:.1} GiB), beyond the limit of {:.0e}; use a longer load step or a shorter duration",
                e.work as f64,
                gib(e.memory_bytes),
                MAX_WORK as f64
            ),
        ));
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    const BASE: &str = r#"
version = 1
[simulation]
name = "big"
[[hosts]]
class = "h"
count = 800
cores = 2
ram = "4 GB"
power = { model = "linear", idle_w = 1, max_w = 2 }
[[vm_types]]
name = "vm"
vcpus = 1
ram = "1 GB"
[[vms]]
type = "vm"
count = 1052
load = "l"
[loads.l]
shape = "constant"
level = 0.5
"#;

    #[test]
    fn the_reference_day_is_well_within_limits() {
        let e = check(&parse(BASE, "t", &[]).unwrap()).unwrap();
        // 289 load steps and 289 ticks of 5 min in a day.
        assert_eq!(e.rows, 289);
        assert_eq!(e.work, 289 * (800 + 1052) + 289 * 800);
        assert_eq!(e.memory_bytes, 800 * 512 + 1052 * 128);
    }

    #[test]
    fn billions_of_vms_are_refused_with_the_memory_estimate() {
        let s = parse(
            BASE,
            "t",
            &[
                "vms.0.count=4000000000".into(),
                "hosts.0.count=4000000000".into(),
            ],
        )
        .unwrap();
        let e = check(&s).unwrap_err();
        assert!(e.message.contains("GiB of memory"), "{}", e.message);
    }

    #[test]
    fn a_century_at_millisecond_steps_is_refused() {
        let s = parse(
            BASE,
            "t",
            &[
                "simulation.duration=\"36500d\"".into(),
                "simulation.control_interval=0.001".into(),
            ],
        )
        .unwrap();
        let e = check(&s).unwrap_err();
        assert_eq!(e.key, "simulation.control_interval");
        let s = parse(
            BASE,
            "t",
            &[
                "simulation.duration=\"36500d\"".into(),
                "simulation.load_step=0.001".into(),
            ],
        )
        .unwrap();
        let e = check(&s).unwrap_err();
        assert_eq!(e.key, "simulation.load_step");
        assert!(e.message.contains("estimated memory"), "{}", e.message);
    }
}
