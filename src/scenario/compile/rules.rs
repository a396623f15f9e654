//! `[[vms]]` placement rules: `anti_affinity`, `affinity` and `host_classes` checked against
//! the fleet and compiled into a group's [`PlacementRule`]; refused under the `cloudsim`
//! profile.

use super::catalogue::{FitRule, check_fits};
use super::checks::Check;
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::{ProfileSpec, ScenarioSpec, VmGroupSpec};
use crate::sim::setup::PlacementRule;
use crate::workload::replay::TypeMapping;

/// The placement rule of group `i` (`anti_affinity` or `affinity`, `host_classes`), if it
/// has one; its VM types `used` must fit some allowed class. Refused under the `cloudsim` profile, whose
/// placement and consolidation are CloudSim's and know no rules.
pub(super) fn rule(
    i: usize,
    g: &VmGroupSpec,
    s: &ScenarioSpec,
    types: &[VmType],
    used: &[usize],
    classes: &[HostClass],
) -> Check<Option<PlacementRule>> {
    let key = |f: &str| format!("vms[{i}].{f}");
    if !g.anti_affinity && !g.affinity && g.host_classes.is_empty() {
        return Ok(None);
    }
    if g.anti_affinity && g.affinity {
        return Err(FieldError::new(
            key("affinity"),
            "a group's VMs are kept either apart (`anti_affinity = true`) or together (`affinity = true`), not both: drop one",
        ));
    }
    let field = if g.anti_affinity {
        "anti_affinity"
    } else if g.affinity {
        "affinity"
    } else {
        "host_classes"
    };
    if s.simulation.profile == ProfileSpec::Cloudsim {
        return Err(FieldError::new(
            key(field),
            "needs the realistic profile: `simulation.profile = \"cloudsim\"` reproduces CloudSim's placement, which has no placement rules",
        ));
    }
    let allowed = if g.host_classes.is_empty() {
        None
    } else {
        let mut allowed = vec![false; classes.len()];
        for (j, name) in g.host_classes.iter().enumerate() {
            let Some(c) = classes.iter().position(|c| &c.name == name) else {
                let known: Vec<String> =
                    classes.iter().map(|c| format!("\"{}\"", c.name)).collect();
                return Err(FieldError::new(
                    format!("vms[{i}].host_classes[{j}]"),
                    format!(
                        "unknown host class \"{name}\"; the [[hosts]] classes are {}",
                        known.join(", ")
                    ),
                ));
            };
            allowed[c] = true;
        }
        let subset: Vec<HostClass> = (classes.iter().zip(&allowed))
            .filter(|(_, a)| **a)
            .map(|(c, _)| c.clone())
            .collect();
        for &t in used {
            if check_fits(&key("host_classes"), &types[t], &subset, FitRule::of(s)).is_err() {
                return Err(FieldError::new(
                    key("host_classes"),
                    format!(
                        "VM type \"{}\" fits none of the host classes named here ({}): too little RAM, disk or network, or cores slower than its vCPUs; add a class it fits",
                        types[t].name,
                        g.host_classes.join(", ")
                    ),
                ));
            }
        }
        Some(allowed)
    };
    Ok(Some(PlacementRule {
        anti_affinity: g.anti_affinity,
        affinity: g.affinity,
        classes: allowed,
    }))
}

/// Every VM type a trace group's `mapping` may give its VMs.
pub(super) fn mapping_types(mapping: &TypeMapping) -> Vec<usize> {
    match mapping {
        TypeMapping::One(t) => vec![*t],
        TypeMapping::Blocks(list) | TypeMapping::Cycle(list) => list.clone(),
        TypeMapping::ByAttribute { map, fallback, .. } => {
            map.iter().map(|(_, t)| *t).chain(*fallback).collect()
        }
    }
}

/// An anti-affinity group of `count` VMs needs as many hosts of its allowed classes: a larger
/// one could never run whole, which is a mistake in the scenario, not a capacity question.
pub(super) fn check_group_size(
    i: usize,
    count: u32,
    rule: &PlacementRule,
    classes: &[HostClass],
    hosts: &[usize],
) -> Check<()> {
    if !rule.anti_affinity {
        return Ok(());
    }
    let allowed = hosts
        .iter()
        .filter(|&&c| rule.classes.as_ref().is_none_or(|a| a[c]))
        .count();
    if count as usize <= allowed {
        return Ok(());
    }
    let within = match &rule.classes {
        None => "in the fleet".to_string(),
        Some(a) => {
            let names: Vec<&str> = (classes.iter().zip(a))
                .filter(|(_, a)| **a)
                .map(|(c, _)| c.name.as_str())
                .collect();
            format!("of its host classes ({})", names.join(", "))
        }
    };
    Err(FieldError::new(
        format!("vms[{i}].count"),
        format!(
            "{count} VMs with anti_affinity = true need {count} hosts, one each, but there are {allowed} hosts {within}: lower the count or add hosts"
        ),
    ))
}

/// A keep-together group's VMs (`members`, their types) must fit one host of an allowed class
/// all at once, at full size: their CPU within what placement may commit (`by_size`: the
/// class's sized limit, over-commit included; by demand: its physical MIPS, what the VMs
/// demand at their peak), their RAM, disk and network reservations within the class's. A group that
/// cannot is a mistake in the scenario: its last VMs could never start.
pub(super) fn check_together<'t>(
    i: usize,
    members: impl Iterator<Item = &'t VmType>,
    rule: &PlacementRule,
    classes: &[HostClass],
    by_size: bool,
) -> Check<()> {
    if !rule.affinity {
        return Ok(());
    }
    let (mut n, mut mips, mut ram, mut disk, mut net) = (0usize, 0.0, 0.0, 0.0, 0.0);
    for t in members {
        n += 1;
        (mips, ram, disk) = (mips + t.mips, ram + t.ram_mb, disk + t.disk_mb);
        net += t.net_mbps;
    }
    let cpu = |c: &HostClass| {
        if by_size {
            c.sized_limit_mips()
        } else {
            c.mips
        }
    };
    let allowed = || {
        (classes.iter().enumerate())
            .filter(|(j, _)| rule.classes.as_ref().is_none_or(|a| a[*j]))
            .map(|(_, c)| c)
    };
    let fits = |c: &HostClass| {
        mips <= cpu(c) * (1.0 + 1e-9)
            && ram <= c.ram_limit_mb() * (1.0 + 1e-9)
            && (c.disk_mb == 0.0 || disk <= c.disk_mb * (1.0 + 1e-9))
            && net <= c.net_mbps * (1.0 + 1e-9)
    };
    if allowed().any(fits) {
        return Ok(());
    }
    let Some(largest) = allowed().max_by(|a, b| cpu(a).total_cmp(&cpu(b))) else {
        return Ok(());
    };
    let disk_part = |d: f64| {
        if disk > 0.0 && largest.disk_mb > 0.0 {
            format!(" / {d} MB of disk")
        } else {
            String::new()
        }
    };
    let net_part = |m: f64| {
        if net > 0.0 {
            format!(" / {m} Mbit/s of network")
        } else {
            String::new()
        }
    };
    Err(FieldError::new(
        format!("vms[{i}].affinity"),
        format!(
            "an affinity group of {n} VMs needs {mips} MIPS / {ram} MB of RAM{}{} on one host, but the largest host class it may use (\"{}\") has {} MIPS / {} MB{}{}: lower the count, use smaller VM types, or add a larger host class",
            disk_part(disk),
            net_part(net),
            largest.name,
            cpu(largest),
            largest.ram_limit_mb(),
            disk_part(largest.disk_mb),
            net_part(largest.net_mbps),
        ),
    ))
}
