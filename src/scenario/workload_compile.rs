//! Validation of the workload sections (`traces`, trace groups, `requests`, `teams`,
//! `services`) and the binding of scanned traces to a compiled setup.

use super::FieldError;
use super::compile::compile_lifetime;
use super::limits;
use super::types::{Scenario, VmGroup as GroupSpec};
use super::units::TimeOfDay;
use super::workload::{TraceDef, TypeRule};
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::sim::setup::{GroupDemand, Setup};
use crate::time::{MS_PER_HOUR, SimTime};
use crate::trace::{self, ATTRIBUTES, TraceIndex};
use crate::workload::replay::{TraceGrid, TraceGroup, TraceSetup, TraceVm, TypeMapping};
use crate::workload::requests::{Arrivals, DayWindow, QueueOrder, RequestSetup, TeamSetup};
use crate::workload::scaling::{
    AutoscaleSetup, DAY_NAMES, EVERY_DAY, Scaling, Schedule, ScheduleEntry, ServiceSetup,
};
use std::borrow::Borrow;

type Check<T> = Result<T, FieldError>;

fn tod_ms(t: TimeOfDay) -> SimTime {
    (t.0 * MS_PER_HOUR as f64).round() as SimTime
}

/// The index of VM type `name`, or an error at `key` listing the types.
pub(super) fn type_index(key: &str, types: &[VmType], name: &str) -> Check<usize> {
    types.iter().position(|t| t.name == name).ok_or_else(|| {
        let known: Vec<String> = types.iter().map(|t| format!("\"{}\"", t.name)).collect();
        FieldError::new(
            key,
            format!(
                "unknown VM type \"{name}\"; defined in [[vm_types]]: {}",
                known.join(", ")
            ),
        )
    })
}

/// The index of load curve `name`, or an error at `key` listing the curves.
pub(super) fn load_index(key: &str, loads: &[&String], name: &str) -> Check<usize> {
    loads.iter().position(|l| *l == name).ok_or_else(|| {
        let known: Vec<String> = loads.iter().map(|l| format!("\"{l}\"")).collect();
        FieldError::new(
            key,
            format!(
                "unknown load \"{name}\"; defined in [loads]: {}",
                known.join(", ")
            ),
        )
    })
}

/// What a VM type must find in some host class to be placed at all (RAM and disk always).
#[derive(Debug, Clone, Copy)]
pub(super) struct FitRule {
    /// Its full CPU size (placement counts sizes).
    by_size: bool,
    /// Cores as fast as its vCPUs (the realistic model always asks it; CloudSim when it
    /// counts sizes).
    cores: bool,
}

impl FitRule {
    /// The rule of scenario `s`'s placement.
    pub(super) fn of(s: &Scenario) -> Self {
        // The baseline places by size unless the scenario says otherwise: VMs must fit so.
        let by_size =
            s.policy.initial_fit.unwrap_or(super::FitBasis::Size) == super::FitBasis::Size;
        let realistic = matches!(s.simulation.profile, super::types::ProfileSpec::Realistic);
        FitRule {
            by_size,
            cores: by_size || realistic,
        }
    }
}

/// An error at `key` unless VM type `t` fits some host class under `rule`.
pub(super) fn check_fits(key: &str, t: &VmType, classes: &[HostClass], rule: FitRule) -> Check<()> {
    let room = |c: &HostClass| {
        t.ram_mb <= c.ram_mb
            && (c.disk_mb == 0.0 || t.disk_mb <= c.disk_mb)
            && (!rule.by_size || t.mips <= c.mips)
    };
    let vcpu_mips = t.mips / f64::from(t.vcpus.max(1));
    let cores = |c: &HostClass| !rule.cores || c.runs_vcpu(vcpu_mips);
    if classes.iter().any(|c| room(c) && cores(c)) {
        return Ok(());
    }
    let message = if classes.iter().any(room) {
        let fastest = (classes.iter().filter(|c| room(c)))
            .map(HostClass::core_mips)
            .fold(0.0, f64::max);
        format!(
            "VM type \"{}\" has vCPUs of {vcpu_mips} MIPS, faster than the cores of every host class that has room for it (fastest core: {fastest} MIPS); a vCPU runs on one core",
            t.name
        )
    } else {
        format!(
            "VM type \"{}\" ({} MIPS, {} MB RAM, {} MB disk) is larger than every host class",
            t.name, t.mips, t.ram_mb, t.disk_mb
        )
    };
    Err(FieldError::new(key, message))
}

/// Compiles `[traces.<name>]` entries, in name order.
pub(super) fn compile_traces(s: &Scenario) -> Check<Vec<TraceSetup>> {
    s.traces
        .iter()
        .map(|(name, t)| compile_trace(name, t))
        .collect()
}

fn compile_trace(name: &str, t: &TraceDef) -> Check<TraceSetup> {
    let key = |f: &str| format!("traces.{name}.{f}");
    let format = trace::format(&t.format).ok_or_else(|| {
        FieldError::new(
            key("format"),
            format!(
                "unknown trace format \"{}\"; valid: {}",
                t.format,
                trace::formats::names()
            ),
        )
    })?;
    if t.path.trim().is_empty() {
        return Err(FieldError::new(
            key("path"),
            "must name the trace's folder or file",
        ));
    }
    limits::TRACE_SCALE.check(&key("scale"), t.scale)?;
    limits::check_duration(&key("shift"), t.shift, 0, limits::MAX_DURATION_MS)?;
    let interval = match t.interval {
        None => None,
        Some(_) if format.has_timestamps() => {
            return Err(FieldError::new(
                key("interval"),
                format!(
                    "only for planetlab traces: the {} format has timestamps, its interval is taken from the data",
                    format.name()
                ),
            ));
        }
        Some(d) => Some(limits::check_duration(
            &key("interval"),
            d,
            limits::MIN_INTERVAL_MS,
            limits::MAX_DURATION_MS,
        )?),
    };
    Ok(TraceSetup {
        name: name.to_string(),
        format: format.name(),
        path: t.path.clone(),
        shift: t.shift.ms(),
        looped: t.looped,
        scale: t.scale,
        interval,
        grid: None,
    })
}

/// Compiles a `[[vms]]` group that replays a trace (`g.trace` is set).
pub(super) fn compile_trace_group(
    i: usize,
    g: &GroupSpec,
    trace_name: &str,
    s: &Scenario,
    types: &[VmType],
    classes: &[HostClass],
) -> Check<(usize, TraceGroup)> {
    let key = |f: &str| format!("vms[{i}].{f}");
    let trace = s
        .traces
        .keys()
        .position(|n| n == trace_name)
        .ok_or_else(|| {
            let known: Vec<String> = s.traces.keys().map(|n| format!("\"{n}\"")).collect();
            FieldError::new(
                key("trace"),
                format!(
                    "unknown trace \"{trace_name}\"; defined in [traces]: {}",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            )
        })?;
    if g.load.is_some() {
        return Err(FieldError::new(
            key("load"),
            "a group replays either a load curve (`load`) or a trace (`trace`), not both",
        ));
    }
    if g.start.is_some() || g.lifetime.is_some() {
        return Err(FieldError::new(
            key(if g.start.is_some() {
                "start"
            } else {
                "lifetime"
            }),
            "trace VMs arrive at their first sample and end after their last; use traces.<name>.shift to move the replay",
        ));
    }
    let given = [
        g.vm_type.is_some(),
        !g.types.is_empty(),
        g.type_by.is_some(),
    ];
    if given.iter().filter(|&&b| b).count() != 1 {
        return Err(FieldError::new(
            key("type"),
            "a trace group needs exactly one of `type` (one type for all), `types` (spread by type_rule) or `type_by` with `type_map`",
        ));
    }
    if g.type_by.is_none() && !g.type_map.is_empty() {
        return Err(FieldError::new(
            key("type_map"),
            "needs `type_by` (the attribute it maps)",
        ));
    }
    let fit_rule = FitRule::of(s);
    let mut used = Vec::new();
    let mapping = if let Some(name) = &g.vm_type {
        let t = type_index(&key("type"), types, name)?;
        used.push((key("type"), t));
        TypeMapping::One(t)
    } else if let Some(attribute) = &g.type_by {
        if !ATTRIBUTES.contains(&attribute.as_str()) {
            return Err(FieldError::new(
                key("type_by"),
                format!(
                    "unknown attribute \"{attribute}\"; valid: {}",
                    ATTRIBUTES.map(|a| format!("\"{a}\"")).join(", ")
                ),
            ));
        }
        if g.type_map.is_empty() {
            return Err(FieldError::new(
                key("type_map"),
                "must map attribute values to VM types, e.g. { \"1\" = \"small\", \"*\" = \"large\" }",
            ));
        }
        let mut map = Vec::new();
        let mut fallback = None;
        for (value, name) in &g.type_map {
            let k = format!("vms[{i}].type_map.{value}");
            let t = type_index(&k, types, name)?;
            used.push((k, t));
            if value == "*" {
                fallback = Some(t);
            } else {
                map.push((value.clone(), t));
            }
        }
        TypeMapping::ByAttribute {
            attribute: attribute.clone(),
            map,
            fallback,
        }
    } else {
        let mut list = Vec::new();
        for (j, name) in g.types.iter().enumerate() {
            let k = format!("vms[{i}].types[{j}]");
            let t = type_index(&k, types, name)?;
            used.push((k, t));
            list.push(t);
        }
        match g.type_rule {
            TypeRule::Blocks => TypeMapping::Blocks(list),
            TypeRule::Cycle => TypeMapping::Cycle(list),
        }
    };
    for (k, t) in &used {
        check_fits(k, &types[*t], classes, fit_rule)?;
    }
    if g.count == Some(0) {
        return Err(FieldError::new(
            key("count"),
            "must be at least 1 VM (got 0)",
        ));
    }
    Ok((
        used[0].1,
        TraceGroup {
            trace,
            limit: g.count,
            mapping,
            vms: Vec::new(),
        },
    ))
}

/// Compiles `[requests]` and `[[teams]]`.
pub(super) fn compile_requests(
    s: &Scenario,
    types: &[VmType],
    classes: &[HostClass],
    loads: &[&String],
) -> Check<RequestSetup> {
    let r = &s.requests;
    let queue = match r.queue.as_str() {
        "fifo" => QueueOrder::Fifo,
        "priority" => QueueOrder::Priority,
        other => {
            return Err(FieldError::new(
                "requests.queue",
                format!("unknown queue order \"{other}\"; valid: \"fifo\", \"priority\""),
            ));
        }
    };
    if r.day_from == r.day_to {
        return Err(FieldError::new(
            "requests.day_to",
            "must differ from day_from (the day would be empty)",
        ));
    }
    let window = DayWindow {
        from: tod_ms(r.day_from),
        to: tod_ms(r.day_to),
    };
    let fit_rule = FitRule::of(s);
    let mut teams: Vec<TeamSetup> = Vec::new();
    for (i, t) in s.teams.iter().enumerate() {
        let key = |f: &str| format!("teams[{i}].{f}");
        if t.name.is_empty() || teams.iter().any(|o| o.name == t.name) {
            return Err(FieldError::new(
                key("name"),
                format!("team names must be unique and not empty (got {:?})", t.name),
            ));
        }
        for (f, rate) in [("day_rate", t.day_rate), ("night_rate", t.night_rate)] {
            limits::TEAM_RATE.check(&key(f), rate)?;
        }
        if t.batch_min == 0 {
            return Err(FieldError::new(
                key("batch_min"),
                "must be at least 1 VM (got 0)",
            ));
        }
        limits::BATCH.check_count(&key("batch_max"), t.batch_max)?;
        if t.batch_max < t.batch_min {
            return Err(FieldError::new(
                key("batch_max"),
                format!(
                    "must be at least batch_min ({}), got {}",
                    t.batch_min, t.batch_max
                ),
            ));
        }
        if t.types.is_empty() {
            return Err(FieldError::new(
                key("types"),
                "must list at least one VM type",
            ));
        }
        let mut type_ids = Vec::new();
        for (j, name) in t.types.iter().enumerate() {
            let k = format!("teams[{i}].types[{j}]");
            let id = type_index(&k, types, name)?;
            check_fits(&k, &types[id], classes, fit_rule)?;
            type_ids.push(id);
        }
        if !t.weights.is_empty() {
            if t.weights.len() != t.types.len() {
                return Err(FieldError::new(
                    key("weights"),
                    format!(
                        "has {} weights for {} types; give one per type or none",
                        t.weights.len(),
                        t.types.len()
                    ),
                ));
            }
            for (j, w) in t.weights.iter().enumerate() {
                limits::WEIGHT.check(&format!("teams[{i}].weights[{j}]"), *w)?;
            }
            if t.weights.iter().sum::<f64>() <= 0.0 {
                return Err(FieldError::new(
                    key("weights"),
                    "must be zero or more, and not all zero",
                ));
            }
        }
        teams.push(TeamSetup {
            name: t.name.clone(),
            arrivals: Arrivals {
                day: t.day_rate,
                night: t.night_rate,
                window,
            },
            batch_min: t.batch_min,
            batch_max: t.batch_max,
            cumulative: TeamSetup::cumulative_weights(&t.weights, type_ids.len()),
            types: type_ids,
            load: load_index(&key("load"), loads, &t.load)?,
            lifetime: t
                .lifetime
                .as_ref()
                .map(|l| compile_lifetime(&key("lifetime"), l))
                .transpose()?,
            priority: t.priority,
        });
    }
    Ok(RequestSetup { queue, teams })
}

/// Checks the autoscalers' intervals before the size estimate divides by them: at least
/// [`limits::MIN_INTERVAL_MS`] (each decision rescans its window, so a 1 ms autoscaler would
/// take hours over a day), at most the longest run.
pub(super) fn check_autoscale_intervals(s: &Scenario) -> Check<()> {
    for (i, v) in s.services.iter().enumerate() {
        if let Some(d) = v.autoscale.interval {
            limits::check_duration(
                &format!("services[{i}].autoscale.interval"),
                d,
                limits::MIN_INTERVAL_MS,
                limits::MAX_DURATION_MS,
            )?;
        }
    }
    Ok(())
}

/// Compiles `[[services]]`.
pub(super) fn compile_services(
    s: &Scenario,
    types: &[VmType],
    classes: &[HostClass],
    loads: &[&String],
    control_interval: SimTime,
) -> Check<Vec<ServiceSetup>> {
    let fit_rule = FitRule::of(s);
    let mut out: Vec<ServiceSetup> = Vec::new();
    for (i, v) in s.services.iter().enumerate() {
        let key = |f: &str| format!("services[{i}].{f}");
        if v.name.is_empty() || out.iter().any(|o| o.name == v.name) {
            return Err(FieldError::new(
                key("name"),
                format!(
                    "service names must be unique and not empty (got {:?})",
                    v.name
                ),
            ));
        }
        let vm_type = type_index(&key("type"), types, &v.vm_type)?;
        check_fits(&key("type"), &types[vm_type], classes, fit_rule)?;
        let load = load_index(&key("load"), loads, &v.load)?;
        if !(0.0..1.0).contains(&v.idle) {
            return Err(FieldError::new(
                key("idle"),
                format!(
                    "must be a fraction of the replica's CPU, at least 0 and below 1 (got {})",
                    limits::short(v.idle)
                ),
            ));
        }
        limits::REPLICAS.check_count(&key("max_replicas"), v.max_replicas)?;
        if v.max_replicas == 0 || v.max_replicas < v.min_replicas {
            return Err(FieldError::new(
                key("max_replicas"),
                format!(
                    "must be at least 1 and at least min_replicas ({}), got {}",
                    v.min_replicas, v.max_replicas
                ),
            ));
        }
        let within = |k: &str, n: u32| {
            if (v.min_replicas..=v.max_replicas).contains(&n) {
                Ok(n)
            } else {
                Err(FieldError::new(
                    k,
                    format!(
                        "must be between min_replicas ({}) and max_replicas ({}), got {n}",
                        v.min_replicas, v.max_replicas
                    ),
                ))
            }
        };
        let mut entries = Vec::new();
        for (j, e) in v.schedule.iter().enumerate() {
            let k = |f: &str| format!("services[{i}].schedule[{j}].{f}");
            let mut days = if e.days.is_empty() { EVERY_DAY } else { 0 };
            for d in &e.days {
                let bits = DAY_NAMES
                    .iter()
                    .find(|(n, _)| n == &d.to_ascii_lowercase())
                    .map(|(_, b)| *b)
                    .ok_or_else(|| {
                        FieldError::new(
                            k("days"),
                            format!(
                                "unknown day \"{d}\"; valid: {}",
                                DAY_NAMES.map(|(n, _)| format!("\"{n}\"")).join(", ")
                            ),
                        )
                    })?;
                days |= bits;
            }
            entries.push(ScheduleEntry {
                at: tod_ms(e.at) % crate::time::MS_PER_DAY,
                replicas: within(&k("replicas"), e.replicas)?,
                days,
            });
        }
        let schedule = Schedule { entries };
        let scaling = match v.scaling.as_str() {
            "fixed" => Scaling::Fixed,
            "schedule" => {
                if schedule.entries.is_empty() {
                    return Err(FieldError::new(
                        key("schedule"),
                        "scaling = \"schedule\" needs entries, e.g. [{ at = \"22:00\", replicas = 4 }, { at = \"07:00\", replicas = 20 }]",
                    ));
                }
                Scaling::Schedule(schedule.clone())
            }
            "autoscale" => {
                let a = &v.autoscale;
                if !(a.target > 0.0 && a.target <= 1.0) {
                    return Err(FieldError::new(
                        key("autoscale.target"),
                        format!(
                            "must be a utilisation above 0 and at most 1 (got {})",
                            limits::short(a.target)
                        ),
                    ));
                }
                if !(0.0..1.0).contains(&a.tolerance) {
                    return Err(FieldError::new(
                        key("autoscale.tolerance"),
                        format!(
                            "must be at least 0 and below 1 (got {})",
                            limits::short(a.tolerance)
                        ),
                    ));
                }
                let interval = a.interval.map_or(control_interval, |d| d.ms());
                if v.min_replicas == 0 {
                    return Err(FieldError::new(
                        key("min_replicas"),
                        "must be at least 1 with an autoscaler: with no replica it sees no utilisation",
                    ));
                }
                Scaling::Autoscale(AutoscaleSetup {
                    target: a.target,
                    interval,
                    tolerance: a.tolerance,
                    window: limits::check_duration(
                        &key("autoscale.scale_down_window"),
                        a.scale_down_window,
                        0,
                        limits::MAX_DURATION_MS,
                    )?,
                })
            }
            other => {
                return Err(FieldError::new(
                    key("scaling"),
                    format!(
                        "unknown scaling \"{other}\"; valid: \"fixed\", \"schedule\", \"autoscale\""
                    ),
                ));
            }
        };
        let initial = match v.replicas {
            Some(n) => within(&key("replicas"), n)?,
            None => match &scaling {
                Scaling::Schedule(s) => s.in_force(0).unwrap_or(v.max_replicas),
                _ => v.max_replicas,
            },
        };
        out.push(ServiceSetup {
            name: v.name.clone(),
            vm_type,
            load,
            idle: v.idle,
            min: v.min_replicas,
            max: v.max_replicas,
            initial,
            scaling,
        });
    }
    Ok(out)
}

/// Binds scanned traces to `setup`: one index per `setup.traces` entry, in order. Fills each
/// trace's grid and each trace group's VMs (types, arrivals, ends) and count. Returns
/// warnings (a replay shorter than the run).
pub fn bind_traces<I: Borrow<TraceIndex>>(
    setup: &mut Setup,
    indexes: &[I],
) -> Result<Vec<String>, FieldError> {
    assert_eq!(
        indexes.len(),
        setup.traces.len(),
        "one scanned index per trace"
    );
    let mut warnings = Vec::new();
    for (t, index) in setup.traces.iter_mut().zip(indexes) {
        let index = index.borrow();
        t.grid = Some(TraceGrid {
            interval: index.interval_ms,
            steps: index.steps,
            vms: index.vms.len(),
        });
        let length = u64::from(index.steps) * index.interval_ms;
        if !t.looped {
            if t.shift >= length {
                return Err(FieldError::new(
                    format!("traces.{}.shift", t.name),
                    format!(
                        "is beyond the end of the trace ({} steps of {} s = {} s)",
                        index.steps,
                        index.interval_ms / 1000,
                        length / 1000
                    ),
                ));
            }
            if length - t.shift < setup.duration {
                warnings.push(format!(
                    "trace {}: {} s of samples after the shift, the run lasts {} s: its VMs end with their samples (set loop = true to repeat it)",
                    t.name,
                    (length - t.shift) / 1000,
                    setup.duration / 1000
                ));
            }
        }
    }
    for (g, group) in setup.groups.iter_mut().enumerate() {
        let GroupDemand::Trace(tg) = &mut group.demand else {
            continue;
        };
        let trace = &setup.traces[tg.trace];
        let index = indexes[tg.trace].borrow();
        let n = match tg.limit {
            Some(limit) if limit as usize > index.vms.len() => {
                return Err(FieldError::new(
                    format!("vms[{g}].count"),
                    format!(
                        "asks for {limit} VMs but trace {} has {} VMs",
                        trace.name,
                        index.vms.len()
                    ),
                ));
            }
            Some(limit) => limit as usize,
            None => index.vms.len(),
        };
        let key = match tg.mapping {
            TypeMapping::ByAttribute { .. } => "type_by",
            _ => "types",
        };
        tg.vms.clear();
        for (column, vm) in index.vms.iter().take(n).enumerate() {
            let vm_type = tg
                .mapping
                .type_of(column, n, vm)
                .map_err(|m| FieldError::new(format!("vms[{g}].{key}"), m))?;
            if let Some((arrive, end)) = trace.presence(vm.first_step, vm.end_step, setup.duration)
            {
                tg.vms.push(TraceVm {
                    column: column as u32,
                    vm_type,
                    arrive,
                    end,
                });
            }
        }
        group.count = tg.vms.len() as u32;
    }
    Ok(warnings)
}

#[cfg(test)]
mod tests {
    use crate::scenario::load;

    const BASE: &str = r#"
version = 1
[simulation]
name = "w"
[[hosts]]
class = "h"
count = 2
cores = 8
ram = "32 GB"
power = { model = "linear", idle_w = 100, max_w = 200 }
[[vm_types]]
name = "vm"
vcpus = 2
ram = "4 GB"
[loads.flat]
shape = "constant"
level = 0.5
[requests]
queue = "fifo"
[[teams]]
name = "a"
day_rate = 1
batch_max = 5
types = ["vm"]
load = "flat"
[[services]]
name = "s"
type = "vm"
load = "flat"
max_replicas = 4
scaling = "schedule"
schedule = [{ at = "22:00", replicas = 1 }, { at = "07:00", replicas = 4, days = ["weekdays"] }]
"#;

    /// The key and message of the error after replacing `from` by `to` in the base.
    fn error(from: &str, to: &str) -> (String, String) {
        let text = BASE.replacen(from, to, 1);
        assert_ne!(text, BASE, "{from:?} is in the base scenario");
        let e = load(&text, "w.toml", &[]).unwrap_err();
        (e.key.unwrap_or_default(), e.message)
    }

    #[test]
    fn the_base_compiles_with_teams_and_a_schedule_and_no_vms() {
        let setup = load(BASE, "w.toml", &[]).unwrap();
        assert_eq!(setup.requests.teams[0].batch_min, 1);
        // Monday 00:00: the 22:00 entry (1 replica) is in force.
        assert_eq!(setup.services[0].initial, 1);
        assert_eq!(setup.vm_count(), 0);
    }

    #[test]
    fn request_settings_are_checked() {
        let (k, m) = error("queue = \"fifo\"", "queue = \"lifo\"");
        assert_eq!(k, "requests.queue");
        assert!(m.contains("valid: \"fifo\", \"priority\""), "{m}");
        let (k, m) = error("batch_max = 5", "batch_max = 5\nbatch_min = 6");
        assert_eq!(k, "teams[0].batch_max");
        assert!(m.contains("at least batch_min (6)"), "{m}");
        let (k, _) = error("types = [\"vm\"]", "types = [\"vm\"]\nweights = [1, 2]");
        assert_eq!(k, "teams[0].weights");
        let (k, _) = error("types = [\"vm\"]", "types = [\"xl\"]");
        assert_eq!(k, "teams[0].types[0]");
        let (k, _) = error("day_rate = 1", "day_rate = -1");
        assert_eq!(k, "teams[0].day_rate");
        let (k, _) = error(
            "load = \"flat\"\n[[services]]",
            "load = \"flat\"\nlifetime = { distribution = \"uniform\", min = \"2h\", max = \"1h\" }\n[[services]]",
        );
        assert_eq!(k, "teams[0].lifetime.max");
    }

    #[test]
    fn service_settings_are_checked() {
        let (k, m) = error("replicas = 1 }", "replicas = 9 }");
        assert_eq!(k, "services[0].schedule[0].replicas");
        assert!(
            m.contains("between min_replicas (1) and max_replicas (4)"),
            "{m}"
        );
        let (k, m) = error("[\"weekdays\"]", "[\"someday\"]");
        assert_eq!(k, "services[0].schedule[1].days");
        assert!(m.contains("unknown day \"someday\""), "{m}");
        let (k, _) = error("scaling = \"schedule\"", "scaling = \"cron\"");
        assert_eq!(k, "services[0].scaling");
        let (k, _) = error(
            "scaling = \"schedule\"",
            "scaling = \"autoscale\"\nmin_replicas = 0",
        );
        assert_eq!(k, "services[0].min_replicas");
        let (k, _) = error(
            "scaling = \"schedule\"",
            "scaling = \"autoscale\"\nautoscale = { target = 1.5 }",
        );
        assert_eq!(k, "services[0].autoscale.target");
        let (k, _) = error("max_replicas = 4", "max_replicas = 4\nidle = 1.0");
        assert_eq!(k, "services[0].idle");
    }

    #[test]
    fn trace_groups_need_one_way_to_get_types() {
        let traced = BASE.to_string()
            + "[traces.t]\nformat = \"planetlab\"\npath = \"d\"\n[[vms]]\ntrace = \"t\"\n";
        let e = load(&traced, "w.toml", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("vms[0].type"));
        assert!(e.message.contains("exactly one of"), "{e}");
        let e = load(
            &(traced.clone() + "type = \"vm\"\ntypes = [\"vm\"]\n"),
            "w.toml",
            &[],
        )
        .unwrap_err();
        assert!(e.message.contains("exactly one of"), "{e}");
        let e = load(
            &(traced.clone() + "type_by = \"colour\"\ntype_map = { a = \"vm\" }\n"),
            "w.toml",
            &[],
        )
        .unwrap_err();
        assert_eq!(e.key.as_deref(), Some("vms[0].type_by"));
        let e = load(&(traced + "types = [\"vm\"]\nstart = 60\n"), "w.toml", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("vms[0].start"));
        let curve = BASE.to_string()
            + "[[vms]]\ntype = \"vm\"\ncount = 1\nload = \"flat\"\ntypes = [\"vm\"]\n";
        let e = load(&curve, "w.toml", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("vms[0].types"));
        let interval =
            BASE.to_string() + "[traces.t]\nformat = \"azure\"\npath = \"d\"\ninterval = \"5m\"\n";
        let e = load(&interval, "w.toml", &[]).unwrap_err();
        assert_eq!(e.key.as_deref(), Some("traces.t.interval"));
    }
}
