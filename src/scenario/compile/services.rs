//! `[[services]]`: replicated services, fixed or scaled by a schedule or an autoscaler.

use super::catalogue::{FitRule, check_fits, load_index, type_index};
use super::checks::{Check, tod_ms};
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::{ScenarioSpec, ServiceSpec};
use crate::scenario::limits;
use crate::time::SimTime;
use crate::workload::scaling::{
    AutoscaleSetup, DAY_NAMES, EVERY_DAY, Scaling, Schedule, ScheduleEntry, ServiceSetup,
};

/// Checks the autoscalers' intervals before the size estimate divides by them: at least
/// [`limits::MIN_INTERVAL_MS`] (each decision rescans its window, so a 1 ms autoscaler would
/// take hours over a day), at most the longest run.
pub(super) fn check_autoscale_intervals(services: &[ServiceSpec]) -> Check<()> {
    for (i, v) in services.iter().enumerate() {
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
pub(super) fn compile(
    s: &ScenarioSpec,
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
