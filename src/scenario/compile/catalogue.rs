//! What groups, teams and services refer to: VM types and load curves by name, and the host
//! classes a VM type must fit in.

use super::checks::Check;
use crate::model::host::HostClass;
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::{FitBasisSpec, ProfileSpec, ScenarioSpec};

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

/// What a VM type must find in some host class to be placed at all (RAM, disk and network
/// reservations always).
#[derive(Debug, Clone, Copy)]
pub(super) struct FitRule {
    /// Its full CPU size (placement counts sizes).
    pub(super) by_size: bool,
    /// Cores as fast as its vCPUs (the realistic model always asks it; CloudSim when it
    /// counts sizes).
    cores: bool,
}

impl FitRule {
    /// The rule of scenario `s`'s placement.
    pub(super) fn of(s: &ScenarioSpec) -> Self {
        // The baseline places by size unless the scenario says otherwise: VMs must fit so.
        let by_size = s.policy.initial_fit.unwrap_or(FitBasisSpec::Size) == FitBasisSpec::Size;
        let realistic = matches!(s.simulation.profile, ProfileSpec::Realistic);
        FitRule {
            by_size,
            cores: by_size || realistic,
        }
    }
}

/// An error at `key` unless VM type `t` fits some host class under `rule`: within its
/// physical size and, under an over-commit ratio below 1, within what placement may reserve.
pub(super) fn check_fits(key: &str, t: &VmType, classes: &[HostClass], rule: FitRule) -> Check<()> {
    let room = |c: &HostClass| {
        t.ram_mb <= c.ram_mb.min(c.ram_limit_mb())
            && (c.disk_mb == 0.0 || t.disk_mb <= c.disk_mb)
            && t.net_mbps <= c.net_mbps
            && (!rule.by_size || t.mips <= c.mips.min(c.sized_limit_mips()))
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
            "VM type \"{}\" ({} MIPS, {} MB RAM, {} MB disk{}) is larger than every host class: {}",
            t.name,
            t.mips,
            t.ram_mb,
            t.disk_mb,
            if t.net_mbps > 0.0 {
                format!(", {} Mbit/s of network", t.net_mbps)
            } else {
                String::new()
            },
            short_of(t, classes, rule)
        )
    };
    Err(FieldError::new(key, message))
}

/// What no host class offers VM type `t` under `rule`, with the most any class offers (the
/// dimensions it is too large on), or that no one class has room on every dimension at once.
fn short_of(t: &VmType, classes: &[HostClass], rule: FitRule) -> String {
    let most = |f: fn(&HostClass) -> f64| classes.iter().map(f).fold(0.0, f64::max);
    let (ram, disk, net) = (
        most(|c| c.ram_mb.min(c.ram_limit_mb())),
        most(|c| c.disk_mb),
        most(|c| c.net_mbps),
    );
    let mips = most(|c| c.mips.min(c.sized_limit_mips()));
    let unlimited_disk = classes.iter().any(|c| c.disk_mb == 0.0);
    let mut short = Vec::new();
    if t.ram_mb > ram {
        short.push(format!("RAM (the most a class admits is {ram} MB)"));
    }
    if !unlimited_disk && t.disk_mb > disk {
        short.push(format!("disk (the most a class has is {disk} MB)"));
    }
    if t.net_mbps > net {
        short.push(format!(
            "network (the widest link, `hosts[].network`, is {net} Mbit/s; reservations are never over-committed)"
        ));
    }
    if rule.by_size && t.mips > mips {
        short.push(format!(
            "CPU (the most a class admits by size is {mips} MIPS)"
        ));
    }
    if short.is_empty() {
        "no one class has room for it on every dimension at once".to_string()
    } else {
        format!("too large on {}", short.join(" and "))
    }
}
