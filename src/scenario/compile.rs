//! Validation and compilation of a parsed scenario into a [`Setup`]: every semantic check, each
//! failing with the key path and what would be valid.

use super::limits::{self, short};
use super::types::*;
use super::workload_compile::{
    FitRule, check_fits, compile_requests, compile_services, compile_trace_group, compile_traces,
    load_index, type_index,
};
use super::{FieldError, units};
use crate::model::host::{HostClass as ClassModel, SleepState};
use crate::model::lifetime::Lifetime;
use crate::model::load::{LoadCurve as CurveModel, Noise as NoiseModel, Shape};
use crate::model::power::PowerModel;
use crate::model::tariff::{Period, Tariff};
use crate::model::vm::VmType as VmTypeModel;
use crate::policy::overload::DETECTORS;
use crate::policy::placement::PLACEMENTS;
use crate::policy::power::POWER_POLICIES;
use crate::policy::selection::SELECTIONS;
use crate::policy::{Entry, lookup, names};
use crate::sim::records::Night;
use crate::sim::setup::{
    ConflictSetup, ConsolidationSetup, GroupDemand, MigrationModel, MigrationSetup, Park,
    PowerSetup, Precopy, Profile, Provisioning, Setup, VmGroup as GroupModel,
};

type Check<T> = Result<T, FieldError>;

fn fraction(key: &str, v: f64) -> Check<f64> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            key,
            format!("must be a fraction between 0 and 1 (got {})", short(v)),
        ))
    }
}

/// `policy.consolidation.destination_headroom`: a fraction below the most a destination may
/// reach under the detector (its ceiling, as the control loop reads it, at most 100 %), so
/// that some destination can still take a VM. The detector's name was checked before.
fn destination_headroom(c: &Consolidation) -> Check<f64> {
    const KEY: &str = "policy.consolidation.destination_headroom";
    let h = fraction(KEY, c.destination_headroom)?;
    let ceiling = lookup(DETECTORS, &c.overload)
        .map_or(1.0, |d| (d.build)(c.overload_param, 0).most_within(1.0));
    if h >= ceiling {
        return Err(FieldError::new(
            KEY,
            format!(
                "is {h} but must be below {ceiling}, the most a destination may reach under \"{}\": no destination could take a VM",
                c.overload
            ),
        ));
    }
    Ok(h)
}

fn at_least_one(key: &str, v: u32, what: &str) -> Check<u32> {
    if v >= 1 {
        Ok(v)
    } else {
        Err(FieldError::new(
            key,
            format!("must be at least 1 {what} (got 0)"),
        ))
    }
}

fn policy_name<T: ?Sized>(key: &str, table: &[Entry<T>], name: &str) -> Check<()> {
    lookup(table, name).map(|_| ()).ok_or_else(|| {
        FieldError::new(
            key,
            format!("unknown policy \"{name}\"; valid: {}", names(table)),
        )
    })
}

/// Validates `s` and compiles it into a [`Setup`].
pub fn compile(s: &Scenario) -> Result<Setup, FieldError> {
    if s.version != 1 {
        return Err(FieldError::new(
            "version",
            format!(
                "unsupported version {}; this nightshift reads version 1",
                s.version
            ),
        ));
    }
    let sim = &s.simulation;
    if sim.name.is_empty()
        || !sim
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || sim.name.starts_with('.')
    {
        return Err(FieldError::new(
            "simulation.name",
            format!(
                "{:?} is not a valid name: use letters, digits, '-', '_' and '.' (it names the output folder)",
                sim.name
            ),
        ));
    }
    let duration = sim.duration.ms();
    if duration == 0 || duration > limits::MAX_DURATION_MS {
        return Err(FieldError::new(
            "simulation.duration",
            format!(
                "must be longer than 0 s and at most {} (ten years), e.g. \"1d\" (got {})",
                limits::span(limits::MAX_DURATION_MS),
                sim.duration
            ),
        ));
    }
    let interval = sim.control_interval.ms();
    if interval < limits::MIN_INTERVAL_MS || interval > duration {
        return Err(FieldError::new(
            "simulation.control_interval",
            format!(
                "must be between 1s and the duration ({}), e.g. \"5m\" (got {})",
                sim.duration, sim.control_interval
            ),
        ));
    }
    let load_step = limits::check_duration(
        "simulation.load_step",
        sim.load_step.unwrap_or(sim.control_interval),
        limits::MIN_INTERVAL_MS,
        limits::MAX_DURATION_MS,
    )?;

    super::workload_compile::check_autoscale_intervals(s)?;
    super::limits::check(s)?;
    let (host_classes, mut hosts) = compile_hosts(&s.hosts)?;
    if sim.host_order == HostOrderSpec::Interleaved {
        hosts = interleave(&hosts, host_classes.len());
    }
    let vm_types = compile_vm_types(&s.vm_types)?;
    let load_names: Vec<&String> = s.loads.keys().collect();
    let loads = s
        .loads
        .iter()
        .map(|(name, c)| compile_load(&format!("loads.{name}"), c))
        .collect::<Check<Vec<_>>>()?;
    let traces = compile_traces(s)?;
    let groups = compile_groups(s, &vm_types, &host_classes, &load_names)?;
    let requests = compile_requests(s, &vm_types, &host_classes, &load_names)?;
    let services = compile_services(s, &vm_types, &host_classes, &load_names, interval)?;

    let p = &s.policy;
    policy_name("policy.initial_placement", PLACEMENTS, &p.initial_placement)?;
    let c = &p.consolidation;
    let consolidation = if c.enabled {
        policy_name("policy.consolidation.overload", DETECTORS, &c.overload)?;
        policy_name("policy.consolidation.selection", SELECTIONS, &c.selection)?;
        policy_name("policy.consolidation.placement", PLACEMENTS, &c.placement)?;
        if let Some(v) = c.overload_param {
            limits::OVERLOAD_PARAM.check("policy.consolidation.overload_param", v)?;
        }
        Some(ConsolidationSetup {
            overload: c.overload.clone(),
            overload_param: c.overload_param,
            selection: c.selection.clone(),
            placement: c.placement.clone(),
            underload_threshold: fraction(
                "policy.consolidation.underload_threshold",
                c.underload_threshold,
            )?,
            evacuation_failures: c.evacuation_failures,
            destination_headroom: destination_headroom(c)?,
        })
    } else {
        None
    };
    if p.power.name == "always-on" {
        return Err(FieldError::new(
            "policy.power.name",
            "the power policy \"always-on\" is now called \"keep-on\" (every host stays on; \
             consolidation still runs unless policy.consolidation.enabled = false). \
             \"always-on\" names only the baseline: every host on and no consolidation",
        ));
    }
    policy_name("policy.power.name", POWER_POLICIES, &p.power.name)?;
    let headroom = fraction("policy.power.headroom", p.power.headroom)?;
    if headroom >= 1.0 {
        return Err(FieldError::new(
            "policy.power.headroom",
            "must be below 1 (a headroom of 1 leaves no usable capacity)",
        ));
    }
    if p.power.min_hosts_on as usize > hosts.len() {
        return Err(FieldError::new(
            "policy.power.min_hosts_on",
            format!(
                "is {} but the fleet has only {} hosts",
                p.power.min_hosts_on,
                hosts.len()
            ),
        ));
    }

    let warmup = sim.warmup.map_or(0, |w| w.ms());
    if warmup >= duration {
        return Err(FieldError::new(
            "simulation.warmup",
            format!(
                "must be shorter than the duration ({}), e.g. \"6h\"",
                sim.duration
            ),
        ));
    }
    if warmup > 0 && matches!(sim.profile, ProfileSpec::Cloudsim) {
        return Err(FieldError::new(
            "simulation.warmup",
            "the cloudsim profile measures from time 0, as CloudSim does: remove the warm-up",
        ));
    }
    let migration = compile_migration(&s.migration)?;
    let profile = match sim.profile {
        ProfileSpec::Realistic => Profile::Realistic,
        ProfileSpec::Cloudsim => {
            check_cloudsim(&migration, interval, duration)?;
            check_cloudsim_workload(s)?;
            if consolidation
                .as_ref()
                .is_some_and(|c| c.destination_headroom > 0.0)
            {
                return Err(FieldError::new(
                    "policy.consolidation.destination_headroom",
                    "must be 0 under the cloudsim profile (CloudSim only keeps a destination from becoming over-loaded)",
                ));
            }
            Profile::Cloudsim
        }
    };
    let conflicts = ConflictSetup {
        provisioning: match p.conflicts.provisioning {
            ProvisioningSpec::Allow => Provisioning::Allow,
            ProvisioningSpec::Deny => Provisioning::Deny,
            ProvisioningSpec::Defer => Provisioning::Defer,
        },
        ping_pong_window: limits::check_duration(
            "policy.conflicts.ping_pong_window",
            p.conflicts.ping_pong_window,
            0,
            limits::MAX_DURATION_MS,
        )?,
    };

    let e = &s.electricity;
    limits::PRICE_PER_KWH.check("electricity.price_per_kwh", e.price_per_kwh)?;
    limits::PUE.check("electricity.pue", e.pue)?;
    let mut periods = Vec::new();
    for (i, t) in e.tariff.iter().enumerate() {
        limits::PRICE_PER_KWH.check(
            &format!("electricity.tariff[{i}].price_per_kwh"),
            t.price_per_kwh,
        )?;
        if t.from == t.to {
            return Err(FieldError::new(
                format!("electricity.tariff[{i}].to"),
                "must differ from `from` (an empty period)",
            ));
        }
        periods.push(Period::from_hours(t.from.0, t.to.0, t.price_per_kwh));
    }

    // 24:00 is midnight, as 00:00 is.
    let night = Night {
        from_h: sim.night.from.0 % 24.0,
        to_h: sim.night.to.0 % 24.0,
    };
    if night.from_h == night.to_h {
        return Err(FieldError::new(
            "simulation.night.to",
            "must differ from `from` (the night would be empty); the default is from \"22:00\" to \"06:00\"",
        ));
    }

    Ok(Setup {
        name: sim.name.clone(),
        seed: sim.seed,
        duration,
        warmup,
        night,
        control_interval: interval,
        load_step,
        host_classes,
        hosts,
        vm_types,
        groups,
        loads,
        initial_placement: p.initial_placement.clone(),
        initial_fit: p.initial_fit.unwrap_or(FitBasis::Size),
        startup_fit: p.initial_fit.unwrap_or(
            if consolidation.is_some() && matches!(sim.profile, ProfileSpec::Realistic) {
                FitBasis::Demand
            } else {
                FitBasis::Size
            },
        ),
        baseline_startup_fit: p.initial_fit.unwrap_or(FitBasis::Size),
        consolidation,
        power: PowerSetup {
            name: p.power.name.clone(),
            headroom,
            min_hosts_on: p.power.min_hosts_on as usize,
            idle_grace: limits::check_duration(
                "policy.power.idle_grace",
                p.power.idle_grace,
                0,
                limits::MAX_DURATION_MS,
            )?,
            park: match p.power.park {
                ParkSpec::Off => Park::Off,
                ParkSpec::Sleep => Park::Sleep,
            },
        },
        migration,
        conflicts,
        tariff: Tariff {
            base: e.price_per_kwh,
            periods,
        },
        currency: e.currency.clone(),
        pue: e.pue,
        traces,
        requests,
        services,
        profile,
    })
}

/// Host classes in round robin (one host of each class in turn while its count lasts), from
/// the class of each host in class order.
fn interleave(hosts: &[usize], classes: usize) -> Vec<usize> {
    let mut left = vec![0usize; classes];
    for &c in hosts {
        left[c] += 1;
    }
    let mut out = Vec::with_capacity(hosts.len());
    while out.len() < hosts.len() {
        for (c, n) in left.iter_mut().enumerate() {
            if *n > 0 {
                *n -= 1;
                out.push(c);
            }
        }
    }
    out
}

/// What the `cloudsim` profile needs: CloudSim's migration model (one copy of the RAM at a
/// fixed rate, started at once) and room for its offset control ticks.
fn check_cloudsim(m: &MigrationSetup, interval: u64, duration: u64) -> Check<()> {
    if m.model != MigrationModel::Simple {
        return Err(FieldError::new(
            "migration.model",
            "the cloudsim profile uses the \"simple\" model (CloudSim copies the RAM once); use preset = \"cloudsim\"",
        ));
    }
    if m.max_concurrent != 0 {
        return Err(FieldError::new(
            "migration.max_concurrent",
            "must be 0 under the cloudsim profile (CloudSim starts every migration at once)",
        ));
    }
    if interval + crate::sim::cloudsim::TICK_OFFSET >= duration {
        return Err(FieldError::new(
            "simulation.control_interval",
            "under the cloudsim profile the first update runs 0.1 s after the first interval: make the duration longer than the interval",
        ));
    }
    Ok(())
}

/// What the `cloudsim` profile runs: the VMs of `[[vms]]` groups (curves or traces, at the
/// start or later). CloudSim's study has no team requests or scaled services, and the
/// profile's accounting (hosts switching on and off instantly with their load, per-VM state
/// histories of the VMs set up at the start) does not model what they measure: waits for
/// capacity and boots.
fn check_cloudsim_workload(s: &Scenario) -> Check<()> {
    let refuse = |what: &str| {
        FieldError::new(
            format!("{what}[0]"),
            format!(
                "[[{what}]] is not supported under the cloudsim profile, which runs [[vms]] groups only (curves or traces); remove it or use profile = \"realistic\""
            ),
        )
    };
    if !s.teams.is_empty() {
        return Err(refuse("teams"));
    }
    if !s.services.is_empty() {
        return Err(refuse("services"));
    }
    Ok(())
}

fn compile_migration(m: &Migration) -> Check<MigrationSetup> {
    let cloudsim = m.preset == Some(MigrationPreset::Cloudsim);
    if cloudsim && m.model != MigrationModelSpec::Simple {
        return Err(FieldError::new(
            "migration.model",
            "the \"cloudsim\" preset uses the \"simple\" model; remove `preset` to use \"precopy\"",
        ));
    }
    let share = fraction(
        "migration.bandwidth_share",
        m.bandwidth_share
            .unwrap_or(if cloudsim { 0.5 } else { 1.0 }),
    )?;
    if share == 0.0 {
        return Err(FieldError::new(
            "migration.bandwidth_share",
            "must be above 0 (a migration needs some bandwidth)",
        ));
    }
    let overhead = limits::CPU_OVERHEAD.check("migration.cpu_overhead", m.cpu_overhead)?;
    let model = match m.model {
        MigrationModelSpec::Simple => MigrationModel::Simple,
        MigrationModelSpec::Precopy => {
            let dirty_mb_s =
                limits::DIRTY_RATE_MBPS.check("migration.dirty_rate", m.dirty_rate.0)? / 8.0;
            at_least_one("migration.max_rounds", m.max_rounds, "round")?;
            limits::MAX_ROUNDS.check_count("migration.max_rounds", m.max_rounds)?;
            MigrationModel::Precopy(Precopy {
                dirty_mb_s,
                max_rounds: m.max_rounds,
                max_downtime: limits::check_duration(
                    "migration.max_downtime",
                    m.max_downtime,
                    0,
                    limits::MAX_STATE_TIME_MS,
                )?,
            })
        }
    };
    Ok(MigrationSetup {
        model,
        bandwidth_share: share,
        // CloudSim charges the extra CPU on the destination only.
        overhead_source: if cloudsim { 0.0 } else { overhead },
        overhead_destination: overhead,
        degradation: fraction("migration.degradation", m.degradation)?,
        max_concurrent: m.max_concurrent as usize,
    })
}

/// Compiles a lifetime (`vms[].lifetime`, `teams[].lifetime`) at `key`.
pub(super) fn compile_lifetime(key: &str, spec: &LifetimeSpec) -> Check<Lifetime> {
    let positive_ms = |k: &str, d: units::Duration| -> Check<f64> {
        if d.ms() == 0 {
            Err(FieldError::new(
                format!("{key}{k}"),
                "must be longer than 0 s, e.g. \"2h\"",
            ))
        } else {
            limits::check_duration(&format!("{key}{k}"), d, 1, limits::MAX_DURATION_MS)
                .map(|ms| ms as f64)
        }
    };
    Ok(match spec {
        LifetimeSpec::Fixed(d) => Lifetime::Fixed(positive_ms("", *d)? as u64),
        LifetimeSpec::Drawn(LifetimeDistribution::Exponential { mean }) => Lifetime::Exponential {
            mean_ms: positive_ms(".mean", *mean)?,
        },
        LifetimeSpec::Drawn(LifetimeDistribution::Uniform { min, max }) => {
            let min_ms = positive_ms(".min", *min)?;
            let max_ms = positive_ms(".max", *max)?;
            if max_ms < min_ms {
                return Err(FieldError::new(
                    format!("{key}.max"),
                    format!("must be at least min ({min}), got {max}"),
                ));
            }
            Lifetime::Uniform { min_ms, max_ms }
        }
        LifetimeSpec::Drawn(LifetimeDistribution::Lognormal { median, sigma }) => {
            Lifetime::LogNormal {
                median_ms: positive_ms(".median", *median)?,
                sigma: limits::SIGMA.check(&format!("{key}.sigma"), *sigma)?,
            }
        }
    })
}

fn compile_hosts(classes: &[HostClass]) -> Check<(Vec<ClassModel>, Vec<usize>)> {
    if classes.is_empty() {
        return Err(FieldError::new(
            "hosts",
            "the fleet is empty: add at least one [[hosts]] class with count >= 1",
        ));
    }
    let mut models = Vec::new();
    let mut hosts = Vec::new();
    for (i, c) in classes.iter().enumerate() {
        let key = |f: &str| format!("hosts[{i}].{f}");
        at_least_one(&key("count"), c.count, "host")?;
        limits::HOST_COUNT.check_count(&key("count"), c.count)?;
        at_least_one(&key("cores"), c.cores, "core")?;
        limits::CORES.check_count(&key("cores"), c.cores)?;
        limits::CORE_MIPS.check(&key("core_mips"), c.core_mips)?;
        limits::RAM_MB.check(&key("ram"), c.ram.0)?;
        if let Some(d) = c.disk {
            limits::DISK_MB.check(&key("disk"), d.0)?;
        }
        limits::NETWORK_MBPS.check(&key("network"), c.network.0)?;
        let power = match &c.power {
            PowerModelSpec::Linear { idle_w, max_w } => {
                limits::WATTS.check(&key("power.idle_w"), *idle_w)?;
                limits::WATTS.check(&key("power.max_w"), *max_w)?;
                if max_w < idle_w {
                    return Err(FieldError::new(
                        key("power.max_w"),
                        format!(
                            "must be at least idle_w ({} W), got {}",
                            short(*idle_w),
                            short(*max_w)
                        ),
                    ));
                }
                PowerModel::Linear {
                    idle_w: *idle_w,
                    max_w: *max_w,
                }
            }
            PowerModelSpec::Specpower { watts } => {
                let points: [f64; 11] = watts.as_slice().try_into().map_err(|_| {
                    FieldError::new(
                        key("power.watts"),
                        format!(
                            "needs 11 values (0 %, 10 %, ..., 100 % CPU), got {}",
                            watts.len()
                        ),
                    )
                })?;
                power_table(i, &points)?;
                PowerModel::Table(points)
            }
        };
        let st = &c.states;
        limits::WATTS.check(&key("states.off_w"), st.off_w)?;
        let boot_w =
            limits::WATTS.check(&key("states.boot_w"), st.boot_w.unwrap_or(power.max_w()))?;
        let shutdown_w = limits::WATTS.check(
            &key("states.shutdown_w"),
            st.shutdown_w.unwrap_or(power.idle_w()),
        )?;
        let state_time = |f: &str, d: units::Duration| {
            limits::check_duration(&key(f), d, 0, limits::MAX_STATE_TIME_MS)
        };
        let boot_ms = state_time("states.boot_time", st.boot_time)?;
        let shutdown_ms = state_time("states.shutdown_time", st.shutdown_time)?;
        let sleep = match st.sleep_w {
            None => None,
            Some(w) => Some(SleepState {
                draw_w: limits::WATTS.check(&key("states.sleep_w"), w)?,
                suspend_ms: state_time("states.suspend_time", st.suspend_time)?,
                wake_ms: state_time("states.wake_time", st.wake_time)?,
            }),
        };
        models.push(ClassModel {
            name: c.class.clone(),
            cores: c.cores,
            mips: c.cores as f64 * c.core_mips,
            ram_mb: c.ram.0,
            disk_mb: c.disk.map_or(0.0, |d| d.0),
            net_mbps: c.network.0,
            power,
            off_w: st.off_w,
            boot_ms,
            boot_w,
            shutdown_ms,
            shutdown_w,
            sleep,
        });
        hosts.extend(std::iter::repeat_n(i, c.count as usize));
    }
    Ok((models, hosts))
}

/// Checks host class `i`'s SPECpower table: each point a plausible draw, and never below the
/// point before it. More work at 10 % more CPU never draws less power; a table that dips (a
/// dropped digit: `116` typed `16`) would book negative dynamic and migration energy.
fn power_table(i: usize, points: &[f64; 11]) -> Check<()> {
    for (j, w) in points.iter().enumerate() {
        let key = format!("hosts[{i}].power.watts[{j}]");
        limits::WATTS.check(&key, *w)?;
        if j > 0 && *w < points[j - 1] {
            return Err(FieldError::new(
                key,
                format!(
                    "{} W at {} % CPU is below the {} W at {} %: a power table never decreases as load rises (a digit may be missing)",
                    short(*w),
                    j * 10,
                    short(points[j - 1]),
                    (j - 1) * 10
                ),
            ));
        }
    }
    Ok(())
}

fn compile_vm_types(types: &[VmType]) -> Check<Vec<VmTypeModel>> {
    let mut out: Vec<VmTypeModel> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let key = |f: &str| format!("vm_types[{i}].{f}");
        if out.iter().any(|o| o.name == t.name) {
            return Err(FieldError::new(
                key("name"),
                format!("duplicate VM type name {:?}", t.name),
            ));
        }
        at_least_one(&key("vcpus"), t.vcpus, "vCPU")?;
        limits::CORES.check_count(&key("vcpus"), t.vcpus)?;
        limits::CORE_MIPS.check(&key("vcpu_mips"), t.vcpu_mips)?;
        limits::RAM_MB.check(&key("ram"), t.ram.0)?;
        if let Some(d) = t.disk {
            limits::DISK_MB.check(&key("disk"), d.0)?;
        }
        out.push(VmTypeModel {
            name: t.name.clone(),
            vcpus: t.vcpus,
            mips: t.vcpus as f64 * t.vcpu_mips,
            ram_mb: t.ram.0,
            disk_mb: t.disk.map_or(0.0, |d| d.0),
        });
    }
    Ok(out)
}

fn compile_groups(
    s: &Scenario,
    types: &[VmTypeModel],
    classes: &[ClassModel],
    loads: &[&String],
) -> Check<Vec<GroupModel>> {
    if s.vms.is_empty() && s.teams.is_empty() && s.services.is_empty() {
        return Err(FieldError::new(
            "vms",
            "no VMs: add at least one [[vms]] group (or [[teams]] or [[services]])",
        ));
    }
    let mut out = Vec::new();
    for (i, g) in s.vms.iter().enumerate() {
        let key = |f: &str| format!("vms[{i}].{f}");
        if let Some(trace) = &g.trace {
            let (vm_type, group) = compile_trace_group(i, g, trace, s, types, classes)?;
            out.push(GroupModel {
                name: g.name.clone().unwrap_or_else(|| format!("{trace}-{i}")),
                vm_type,
                count: 0,
                demand: GroupDemand::Trace(group),
                start: 0,
                lifetime: None,
            });
            continue;
        }
        for (field, used) in [
            ("types", !g.types.is_empty()),
            ("type_by", g.type_by.is_some()),
            ("type_map", !g.type_map.is_empty()),
        ] {
            if used {
                return Err(FieldError::new(
                    key(field),
                    "only for groups that replay a trace (`trace = ...`)",
                ));
            }
        }
        let vm_type = type_index(
            &key("type"),
            types,
            g.vm_type.as_deref().ok_or_else(|| {
                FieldError::new(key("type"), "missing: name a VM type from [[vm_types]]")
            })?,
        )?;
        let load = load_index(
            &key("load"),
            loads,
            g.load.as_deref().ok_or_else(|| {
                FieldError::new(
                    key("load"),
                    "missing: name a load curve from [loads], or replay a trace with `trace`",
                )
            })?,
        )?;
        let count = g
            .count
            .ok_or_else(|| FieldError::new(key("count"), "missing: the number of VMs"))?;
        at_least_one(&key("count"), count, "VM")?;
        let t = &types[vm_type];
        check_fits(&key("type"), t, classes, FitRule::of(s))?;
        let lifetime = match &g.lifetime {
            None => None,
            Some(spec) => Some(compile_lifetime(&key("lifetime"), spec)?),
        };
        out.push(GroupModel {
            name: g.name.clone().unwrap_or_else(|| format!("{}-{i}", t.name)),
            vm_type,
            count,
            demand: GroupDemand::Curve(load),
            start: limits::check_duration(
                &key("start"),
                g.start.unwrap_or_default(),
                0,
                limits::MAX_DURATION_MS,
            )?,
            lifetime,
        });
    }
    Ok(out)
}

fn compile_load(key: &str, c: &LoadCurve) -> Check<CurveModel> {
    let k = |f: &str| format!("{key}.{f}");
    let noise = |n: &Option<Noise>| -> Check<Option<NoiseModel>> {
        Ok(match n {
            None => None,
            Some(Noise::Normal { sd }) => Some(NoiseModel::Normal(
                limits::NOISE.check(&k("noise.sd"), *sd)?,
            )),
            Some(Noise::Uniform { half_width }) => Some(NoiseModel::Uniform(
                limits::NOISE.check(&k("noise.half_width"), *half_width)?,
            )),
        })
    };
    Ok(match c {
        LoadCurve::Constant { level, noise: n } => CurveModel {
            shape: Shape::Constant(fraction(&k("level"), *level)?),
            weekend_factor: 1.0,
            noise: noise(n)?,
        },
        LoadCurve::Sinusoid {
            trough,
            peak,
            peak_hour,
            weekend_factor,
            noise: n,
        } => {
            fraction(&k("trough"), *trough)?;
            fraction(&k("peak"), *peak)?;
            if trough > peak {
                return Err(FieldError::new(
                    k("trough"),
                    format!("must not exceed peak ({peak}), got {trough}"),
                ));
            }
            CurveModel {
                shape: Shape::Sinusoid {
                    trough: *trough,
                    peak: *peak,
                    peak_hour: peak_hour.0,
                },
                weekend_factor: limits::WEEKEND_FACTOR
                    .check(&k("weekend_factor"), *weekend_factor)?,
                noise: noise(n)?,
            }
        }
        LoadCurve::Hourly {
            levels,
            weekend_factor,
            noise: n,
        } => {
            let arr: [f64; 24] = levels.as_slice().try_into().map_err(|_| {
                FieldError::new(
                    k("levels"),
                    format!("needs 24 values (00:00 to 23:00), got {}", levels.len()),
                )
            })?;
            for (i, v) in arr.iter().enumerate() {
                fraction(&format!("{key}.levels[{i}]"), *v)?;
            }
            CurveModel {
                shape: Shape::Hourly(arr),
                weekend_factor: limits::WEEKEND_FACTOR
                    .check(&k("weekend_factor"), *weekend_factor)?,
                noise: noise(n)?,
            }
        }
    })
}
