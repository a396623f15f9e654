//! `[racks]`: racks filled by count or named per host class, the top-of-rack switch's power
//! and mode. Refused under the `cloudsim` profile, which has no racks.

use super::checks::Check;
use crate::model::racks::{RackMap, RackSetup, SwitchMode};
use crate::scenario::error::FieldError;
use crate::scenario::file::{ProfileSpec, ScenarioSpec, SwitchModeSpec};
use crate::scenario::limits;

/// Checks and compiles `[racks]`, if present; `hosts` is the class index of each host.
pub(super) fn compile(s: &ScenarioSpec, hosts: &[usize]) -> Check<Option<RackSetup>> {
    let Some(r) = &s.racks else {
        if let Some((i, _)) = s.hosts.iter().enumerate().find(|(_, c)| c.rack.is_some()) {
            return Err(FieldError::new(
                format!("hosts[{i}].rack"),
                "names a rack but the scenario has no [racks] section: add one with `names = [...]`",
            ));
        }
        return Ok(None);
    };
    if s.simulation.profile == ProfileSpec::Cloudsim {
        return Err(FieldError::new(
            "racks",
            "needs the realistic profile: `simulation.profile = \"cloudsim\"` reproduces CloudSim's accounting, which has no racks or switches",
        ));
    }
    let map = match (r.hosts_per_rack, &r.names) {
        (Some(n), None) => {
            limits::HOSTS_PER_RACK.check_count("racks.hosts_per_rack", n)?;
            RackMap::filled(hosts.len(), n as usize)
        }
        (None, Some(names)) => named(s, names, hosts)?,
        _ => {
            return Err(FieldError::new(
                "racks",
                "set exactly one of `hosts_per_rack` (racks filled in host order) or `names` (each host class naming its `rack`)",
            ));
        }
    };
    let switch_w = limits::SWITCH_WATTS.check("racks.switch.watts", r.switch.watts)?;
    let switch_off_w = limits::SWITCH_WATTS.check("racks.switch.off_w", r.switch.off_w)?;
    if switch_off_w > switch_w {
        return Err(FieldError::new(
            "racks.switch.off_w",
            format!(
                "must be at most the switch's on draw `watts` ({} W), got {}",
                limits::short(switch_w),
                limits::short(switch_off_w)
            ),
        ));
    }
    Ok(Some(RackSetup {
        map,
        switch_w,
        switch_off_w,
        mode: match r.switch_mode {
            SwitchModeSpec::WithHosts => SwitchMode::WithHosts,
            SwitchModeSpec::AlwaysOn => SwitchMode::AlwaysOn,
        },
        prefer_empty: r.prefer_empty,
        source: r.switch.source.clone().unwrap_or_default(),
    }))
}

/// Racks named in `racks.names`, each host class naming its own in `hosts[].rack`.
fn named(s: &ScenarioSpec, names: &[String], hosts: &[usize]) -> Check<RackMap> {
    if names.is_empty() {
        return Err(FieldError::new(
            "racks.names",
            "is empty: name at least one rack, or fill racks with `hosts_per_rack`",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(FieldError::new(
                format!("racks.names[{i}]"),
                "is empty: give the rack a name",
            ));
        }
        if names[..i].contains(name) {
            return Err(FieldError::new(
                format!("racks.names[{i}]"),
                format!("\"{name}\" is named twice: rack names are unique"),
            ));
        }
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let mut class_rack = Vec::with_capacity(s.hosts.len());
    for (i, c) in s.hosts.iter().enumerate() {
        let key = format!("hosts[{i}].rack");
        let Some(rack) = &c.rack else {
            return Err(FieldError::new(
                key,
                format!(
                    "is missing: with `racks.names` every host class names its rack, one of {}",
                    quoted.join(", ")
                ),
            ));
        };
        let Some(r) = names.iter().position(|n| n == rack) else {
            return Err(FieldError::new(
                key,
                format!(
                    "unknown rack \"{rack}\"; racks.names has {}",
                    quoted.join(", ")
                ),
            ));
        };
        class_rack.push(r);
    }
    Ok(RackMap::new(
        names.to_vec(),
        hosts.iter().map(|&c| class_rack[c]).collect(),
    ))
}
