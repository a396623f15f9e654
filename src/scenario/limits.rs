//! Limits on what a scenario may ask for, all in one place:
//!
//! - [`Range`]s: the values a real datacenter can have for each kind of numeric field (watts,
//!   prices, PUE, sizes, bandwidths, rates, durations...). A value outside is a typo or a
//!   unit slip, and is refused with the range in the message, before it can turn into an
//!   infinite energy or a run that never ends. `docs/reliability.md` lists every field's range.
//! - Size estimates: a scenario too large to run on a big machine is refused before anything
//!   is allocated, with the estimated memory and work, instead of meeting the OOM killer (or
//!   a clock that never reaches the end) hours later.

use super::error::FieldError;
use super::file::ScenarioSpec;
use super::units::Duration;
pub use crate::quote::short;

/// The values a kind of scenario field may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The smallest value.
    pub min: f64,
    /// Whether `min` itself is valid (false: the value must be above it).
    pub min_included: bool,
    /// The largest value (included).
    pub max: f64,
    /// The unit the range is written in, in messages (may be empty).
    pub unit: &'static str,
}

impl Range {
    const fn closed(min: f64, max: f64, unit: &'static str) -> Range {
        Range {
            min,
            min_included: true,
            max,
            unit,
        }
    }

    const fn above(min: f64, max: f64, unit: &'static str) -> Range {
        Range {
            min,
            min_included: false,
            max,
            unit,
        }
    }

    /// Whether `v` is in the range (NaN never is).
    pub fn contains(&self, v: f64) -> bool {
        let low = if self.min_included {
            v >= self.min
        } else {
            v > self.min
        };
        low && v <= self.max
    }

    /// The range in words: `0 to 50000 W`, `above 0 and up to 1e6 MIPS`.
    pub fn describe(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        if self.min_included {
            format!("{} to {}{unit}", short(self.min), short(self.max))
        } else {
            format!(
                "above {} and up to {}{unit}",
                short(self.min),
                short(self.max)
            )
        }
    }

    /// `v`, or an error at `key` giving the range.
    pub fn check(&self, key: &str, v: f64) -> Result<f64, FieldError> {
        if self.contains(v) {
            Ok(v)
        } else {
            Err(FieldError::new(
                key,
                format!("must be {} (got {})", self.describe(), short(v)),
            ))
        }
    }

    /// An integer `v`, or an error at `key` giving the range.
    pub fn check_count(&self, key: &str, v: u32) -> Result<u32, FieldError> {
        self.check(key, f64::from(v)).map(|_| v)
    }
}

/// A host's draw in any power state (a two-socket server draws 100-500 W, an eight-GPU
/// server about 10 kW; 50 kW would be a whole rack).
pub const WATTS: Range = Range::closed(0.0, 50_000.0, "W");
/// A top-of-rack switch's draw (a 48-port 10/25 GbE switch draws some 100-500 W; a modular
/// chassis several kW).
pub const SWITCH_WATTS: Range = Range::closed(0.0, 10_000.0, "W");
/// Hosts in one rack (a 42U rack holds about 40 one-unit servers, a blade rack a few hundred).
pub const HOSTS_PER_RACK: Range = Range::closed(1.0, 1_000.0, "hosts");
/// Price of a kWh, in the scenario's currency (0.05-0.50 in EUR or USD; currencies with small
/// units, such as JPY or INR, reach a few hundred; price spikes a few times more).
pub const PRICE_PER_KWH: Range = Range::closed(0.0, 10_000.0, "per kWh");
/// Power usage effectiveness (1.1 in the best hyperscale halls, 2 to 3 in old rooms).
pub const PUE: Range = Range::closed(1.0, 5.0, "");
/// Speed of one core or vCPU (a modern core is some 10^4 MIPS).
pub const CORE_MIPS: Range = Range::above(0.0, 1e6, "MIPS");
/// Cores of a host, vCPUs of a VM (the largest machines have a few thousand hardware threads).
pub const CORES: Range = Range::closed(1.0, 10_000.0, "");
/// Hosts of one class (the largest clouds run a few million servers in all).
pub const HOST_COUNT: Range = Range::closed(1.0, 10_000_000.0, "hosts");
/// RAM of a host or VM, MB (the largest servers have 32 TB).
pub const RAM_MB: Range = Range::above(0.0, 1e8, "MB (100 TB)");
/// Local disk of a host or VM, MB (a storage server holds about a petabyte).
pub const DISK_MB: Range = Range::closed(0.0, 1e10, "MB (10 PB)");
/// A host's network link, Mbit/s (links are 1 to 800 Gbit/s).
pub const NETWORK_MBPS: Range = Range::above(0.0, 1e7, "Mbit/s (10 Tbit/s)");
/// A VM type's reserved network bandwidth, Mbit/s (0: none; at most the largest link).
pub const NETWORK_RESERVATION_MBPS: Range = Range::closed(0.0, 1e7, "Mbit/s (10 Tbit/s)");
/// The rate a running VM dirties memory, Mbit/s (bounded by memory bandwidth).
pub const DIRTY_RATE_MBPS: Range = Range::closed(0.0, 1e7, "Mbit/s (10 Tbit/s)");
/// An over-commit ratio (`[[hosts]] overcommit`): reservations per unit of capacity.
pub const OVERCOMMIT: Range = Range::above(0.0, 64.0, "");
/// A fraction (utilisation, share, threshold, probability).
pub const FRACTION: Range = Range::closed(0.0, 1.0, "");
/// An overload detector's parameter: THR's threshold (a fraction) or the safety factor of
/// MAD, IQR, LR and LRR (CloudSim's study uses 0.7 to 3).
pub const OVERLOAD_PARAM: Range = Range::above(0.0, 10.0, "");
/// Migration CPU overhead, a fraction of the VM's demand.
pub const CPU_OVERHEAD: Range = Range::closed(0.0, 1.0, "of the VM's demand");
/// Migration energy per MB sent, J (measurements are around 0.5).
pub const JOULES_PER_MB: Range = Range::closed(0.0, 1000.0, "J per MB");
/// Migration energy per migration, J (measurements are tens of joules).
pub const JOULES_PER_MIGRATION: Range = Range::closed(0.0, 1e7, "J per migration");
/// Network energy per GB sent, J.
pub const JOULES_PER_GB: Range = Range::closed(0.0, 1e7, "J per GB");
/// Pre-copy rounds.
pub const MAX_ROUNDS: Range = Range::closed(1.0, 1000.0, "rounds");
/// Multiplier of a load curve on weekends.
pub const WEEKEND_FACTOR: Range = Range::closed(0.0, 10.0, "");
/// Spread of load noise, a fraction of the VM's size.
pub const NOISE: Range = Range::closed(0.0, 1.0, "of the VM's size");
/// Spread (sigma) of a log-normal lifetime, on the log scale.
pub const SIGMA: Range = Range::closed(0.0, 10.0, "");
/// The shape of a Weibull time to failure or repair (field data: 0.5 to 3).
pub const WEIBULL_SHAPE: Range = Range::closed(0.1, 20.0, "");
/// Multiplier of a trace's samples.
pub const TRACE_SCALE: Range = Range::above(0.0, 100.0, "");
/// Grid carbon intensity, gCO2e per kWh (the cleanest grids reach about 10, coal-fired
/// generation about 1,000 and lignite some 1,200; twice that is a unit slip such as kg for g).
pub const INTENSITY: Range =
    Range::closed(0.0, crate::model::carbon::MAX_INTENSITY, "gCO2e per kWh");
/// Embodied emissions of one host over its life, kgCO2e (published server footprints are
/// hundreds to a few thousand kg; a GPU server's manufacture some ten thousand).
pub const EMBODIED_KG: Range = Range::closed(0.0, 1e6, "kgCO2e");
/// Service life of a host, years (servers are kept 3 to 7 years).
pub const LIFE_YEARS: Range = Range::above(0.0, 50.0, "years");
/// Requests a team makes per hour (one a second at most).
pub const TEAM_RATE: Range = Range::closed(0.0, 3600.0, "requests per hour");
/// VMs in one request (the design's requests ask for 1 to 50 VMs; a big batch job for more).
pub const BATCH: Range = Range::closed(1.0, 10_000.0, "VMs");
/// Relative weight of a VM type in a team's draws.
pub const WEIGHT: Range = Range::closed(0.0, 1e6, "");
/// Replicas of a service.
pub const REPLICAS: Range = Range::closed(0.0, 100_000.0, "replicas");

/// The longest simulated span: ten years (a planning horizon; a run that long already takes
/// hours). Longer ones (a 584-million-year run) are refused at `simulation.duration`.
pub const MAX_DURATION_MS: u64 = 10 * 365 * 86_400_000;
/// The shortest period of anything periodic (control interval, load step, autoscaler
/// interval, trace interval): 1 s, the resolution of every trace format and controller the
/// simulator models (Kubernetes' autoscaler looks every 15 s).
pub const MIN_INTERVAL_MS: u64 = 1000;
/// The longest boot, shutdown, suspend or wake time: a day (servers boot in minutes).
pub const MAX_STATE_TIME_MS: u64 = 86_400_000;

/// A span as limits are written: whole days as `3650d` (humantime would say
/// `9years 11months ...`), anything else as the scenario writes durations (`1s`, `5m`).
pub fn span(ms: u64) -> String {
    const DAY: u64 = 86_400_000;
    if ms >= DAY && ms.is_multiple_of(DAY) {
        format!("{}d", ms / DAY)
    } else {
        Duration(ms).to_string()
    }
}

/// A duration at `key` within `min_ms..=max_ms`, or an error giving the range.
pub fn check_duration(key: &str, d: Duration, min_ms: u64, max_ms: u64) -> Result<u64, FieldError> {
    if (min_ms..=max_ms).contains(&d.ms()) {
        return Ok(d.ms());
    }
    Err(FieldError::new(
        key,
        format!("must be {} to {} (got {d})", span(min_ms), span(max_ms)),
    ))
}

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
    /// Host and VM updates over the run: load steps, control ticks, tariff changes (each
    /// accrues every host), autoscaler decisions (each rescans its window) and scheduled
    /// scalings.
    pub work: u64,
    /// Rows of `timeseries.csv`.
    pub rows: u64,
    /// What most of `work` goes to.
    pub busiest: WorkSource,
}

/// A part of a run's work, to name the setting that would reduce it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkSource {
    /// Load steps: every host and VM re-sampled.
    LoadSteps,
    /// Control ticks: every host looked at.
    ControlTicks,
    /// Tariff changes: every host accrued.
    Tariff,
    /// Hourly carbon intensity steps: every host accrued (a file's steps are bounded by its
    /// rows, read later).
    Intensity,
    /// Service `i`'s scaling decisions.
    Service(usize),
}

/// Estimates the cost of running `s`, without allocating anything proportional to it.
pub fn estimate(s: &ScenarioSpec) -> Estimate {
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
    let days = duration / 86_400_000 + 1;
    // A tariff period starts and ends once a day; each change accrues every host.
    let tariff_changes = days.saturating_mul(2 * s.electricity.tariff.len() as u64);
    // An hourly intensity profile may step every hour; each step accrues every host.
    let intensity_changes = if s
        .carbon
        .as_ref()
        .is_some_and(|c| c.hourly_g_per_kwh.is_some())
    {
        days.saturating_mul(24)
    } else {
        0
    };
    let per_service: Vec<u64> = s
        .services
        .iter()
        .map(|v| {
            let max = u64::from(v.max_replicas);
            match v.scaling.as_str() {
                "autoscale" => {
                    let every = v.autoscale.interval.map_or(interval, Duration::ms).max(1);
                    let window = v.autoscale.scale_down_window.ms() / every + 1;
                    (duration / every + 1).saturating_mul(window.saturating_add(max))
                }
                "schedule" => days
                    .saturating_mul(v.schedule.len() as u64)
                    .saturating_mul(max.saturating_add(1)),
                _ => 0,
            }
        })
        .collect();
    let mut parts = vec![
        (
            WorkSource::LoadSteps,
            steps.saturating_mul(hosts.saturating_add(vms)),
        ),
        (WorkSource::ControlTicks, ticks.saturating_mul(hosts)),
        (WorkSource::Tariff, tariff_changes.saturating_mul(hosts)),
        (
            WorkSource::Intensity,
            intensity_changes.saturating_mul(hosts),
        ),
    ];
    parts.extend(
        per_service
            .iter()
            .enumerate()
            .map(|(i, &w)| (WorkSource::Service(i), w)),
    );
    let work = parts.iter().fold(0u64, |a, p| a.saturating_add(p.1));
    // The first of the largest parts, so ties name the load step as before.
    let busiest = parts
        .iter()
        .fold(parts[0], |best, &p| if p.1 > best.1 { p } else { best })
        .0;
    Estimate {
        hosts,
        vms,
        memory_bytes: hosts
            .saturating_mul(BYTES_PER_HOST)
            .saturating_add(vms.saturating_mul(BYTES_PER_VM)),
        work,
        rows: ticks,
        busiest,
    }
}

/// Refuses scenarios whose estimate exceeds the limits, saying by how much.
pub fn check(s: &ScenarioSpec) -> Result<Estimate, FieldError> {
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
        let (key, hint) = match e.busiest {
            WorkSource::LoadSteps => (
                "simulation.load_step".to_string(),
                "use a longer load step or a shorter duration",
            ),
            WorkSource::ControlTicks => (
                "simulation.control_interval".to_string(),
                "use a longer control interval or a shorter duration",
            ),
            WorkSource::Tariff => (
                "electricity.tariff".to_string(),
                "each daily tariff change accrues every host: use fewer periods or a shorter duration",
            ),
            WorkSource::Intensity => (
                "carbon.hourly_g_per_kwh".to_string(),
                "each hourly intensity step accrues every host: use a constant intensity or a shorter duration",
            ),
            WorkSource::Service(i) => (
                format!("services[{i}]"),
                "each scaling decision looks at every replica and rescans the scale-down window: use a longer autoscaler interval, a shorter window or a shorter duration",
            ),
        };
        return Err(FieldError::new(
            key,
            format!(
                "the run needs about {:.1e} host and VM updates (estimated memory {:.1} GiB), beyond the limit of {:.0e}; {hint}",
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

    /// Issue 18 items 7 and 8: a tariff's changes (two a period a day, each accruing every
    /// host) and an autoscaler's decisions (each rescanning its window) are work too.
    #[test]
    fn tariffs_and_autoscalers_count_in_the_work() {
        let tariff = format!(
            "{BASE}[electricity]\ntariff = [{{ from = \"22:00\", to = \"06:00\", price_per_kwh = 0.1 }}]\n"
        );
        let e = estimate(&parse(&tariff, "t", &[]).unwrap());
        // A day is 2 calendar days at most: 2 x 2 changes x 800 hosts on top of the base.
        assert_eq!(e.work, 289 * (800 + 1052) + 289 * 800 + 2 * 2 * 800);
        let service = format!(
            "{BASE}[[services]]\nname = \"s\"\ntype = \"vm\"\nload = \"l\"\nmax_replicas = 10\nscaling = \"autoscale\"\nautoscale = {{ interval = \"1s\", scale_down_window = \"5m\" }}\n"
        );
        let e = estimate(&parse(&service, "t", &[]).unwrap());
        // 86,401 decisions, each over 301 window entries and 10 replicas.
        let decisions = 86_401 * (301 + 10);
        assert_eq!(e.work, 289 * (800 + 1052 + 10) + 289 * 800 + decisions);
        assert_eq!(e.busiest, WorkSource::Service(0));
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
