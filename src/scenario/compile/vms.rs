//! `[[vms]]`: VM groups that follow a load curve, or replay a trace.

use super::catalogue::{FitRule, check_fits, load_index, type_index};
use super::checks::{Check, at_least_one};
use super::lifetime;
use super::rules::{check_group_size, check_together, mapping_types, rule};
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::{ScenarioSpec, TraceMetricSpec, TypeRuleSpec, VmGroupSpec};
use crate::scenario::limits;
use crate::sim::setup::{GroupDemand, VmGroup};
use crate::trace::ATTRIBUTES;
use crate::workload::replay::{TraceGroup, TypeMapping};

/// Compiles the `[[vms]]` groups (there must be some VMs: groups, teams or services).
pub(super) fn compile(
    s: &ScenarioSpec,
    types: &[VmType],
    classes: &[HostClass],
    hosts: &[usize],
    loads: &[&String],
) -> Check<Vec<VmGroup>> {
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
            let rule = rule(i, g, s, types, &mapping_types(&group.mapping), classes)?;
            if let (Some(r), Some(limit)) = (&rule, group.limit) {
                check_group_size(i, limit, r, classes, hosts)?;
            }
            out.push(VmGroup {
                name: g.name.clone().unwrap_or_else(|| format!("{trace}-{i}")),
                vm_type,
                count: 0,
                demand: GroupDemand::Trace(group),
                start: 0,
                lifetime: None,
                ram_load: None,
                rule,
            });
            continue;
        }
        for (field, used) in [
            ("ram_trace", g.ram_trace.is_some()),
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
            Some(spec) => Some(lifetime::compile(&key("lifetime"), spec)?),
        };
        let rule = rule(i, g, s, types, &[vm_type], classes)?;
        if let Some(r) = &rule {
            check_group_size(i, count, r, classes, hosts)?;
            let by_size = FitRule::of(s).by_size;
            let members = (0..count).map(|_| t);
            check_together(i, members, r, classes, by_size)?;
        }
        out.push(VmGroup {
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
            ram_load: match &g.ram_load {
                None => None,
                Some(name) => Some(load_index(&key("ram_load"), loads, name)?),
            },
            rule,
        });
    }
    Ok(out)
}

/// Compiles a `[[vms]]` group that replays a trace (`g.trace` is set).
fn compile_trace_group(
    i: usize,
    g: &VmGroupSpec,
    trace_name: &str,
    s: &ScenarioSpec,
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
    if g.ram_load.is_some() {
        return Err(FieldError::new(
            key("ram_load"),
            "a trace group's memory in use comes from its trace: name a trace with metric = \"memory\" in ram_trace, or leave it out (each VM uses its whole RAM)",
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
            TypeRuleSpec::Blocks => TypeMapping::Blocks(list),
            TypeRuleSpec::Cycle => TypeMapping::Cycle(list),
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
            ram_trace: ram_trace(i, g, trace_name, s)?,
        },
    ))
}

/// The memory trace of trace group `i` (`ram_trace`), replaying trace `cpu_name`: a trace
/// with `metric = "memory"` reading the same files (format, path, shift and loop), so that
/// its VMs are the group's, in the same order, on the same grid.
fn ram_trace(i: usize, g: &VmGroupSpec, cpu_name: &str, s: &ScenarioSpec) -> Check<Option<usize>> {
    let key = |f: &str| format!("vms[{i}].{f}");
    let cpu = &s.traces[cpu_name];
    if cpu.metric == TraceMetricSpec::Memory {
        return Err(FieldError::new(
            key("trace"),
            format!(
                "trace \"{cpu_name}\" replays memory (metric = \"memory\"): name a CPU trace here, and the memory trace in ram_trace"
            ),
        ));
    }
    let Some(name) = &g.ram_trace else {
        return Ok(None);
    };
    let Some((index, (_, mem))) = s.traces.iter().enumerate().find(|(_, (n, _))| *n == name) else {
        return Err(FieldError::new(
            key("ram_trace"),
            format!("unknown trace \"{name}\"; define it in [traces] with metric = \"memory\""),
        ));
    };
    if mem.metric != TraceMetricSpec::Memory {
        return Err(FieldError::new(
            key("ram_trace"),
            format!(
                "trace \"{name}\" replays CPU: set traces.{name}.metric = \"memory\" to read its memory column"
            ),
        ));
    }
    let same = mem.format == cpu.format
        && mem.path == cpu.path
        && mem.shift.ms() == cpu.shift.ms()
        && mem.looped == cpu.looped;
    if !same {
        return Err(FieldError::new(
            key("ram_trace"),
            format!(
                "trace \"{name}\" must read the same files as \"{cpu_name}\" (the same format, path, shift and loop), so that its VMs are the group's"
            ),
        ));
    }
    Ok(Some(index))
}
