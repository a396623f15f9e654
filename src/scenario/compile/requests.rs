//! `[requests]` and `[[teams]]`: teams asking for batches of VMs, and how requests wait.

use super::catalogue::{FitRule, check_fits, load_index, type_index};
use super::checks::{Check, tod_ms};
use super::lifetime;
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::ScenarioSpec;
use crate::scenario::limits;
use crate::workload::requests::{Arrivals, DayWindow, QueueOrder, RequestSetup, TeamSetup};

/// Compiles `[requests]` and `[[teams]]`.
pub(super) fn compile(
    s: &ScenarioSpec,
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
                .map(|l| lifetime::compile(&key("lifetime"), l))
                .transpose()?,
            priority: t.priority,
        });
    }
    Ok(RequestSetup { queue, teams })
}
