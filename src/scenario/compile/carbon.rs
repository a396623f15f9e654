//! `[carbon]`: the intensity (a constant, an hourly profile or a file read later), embodied
//! emissions per host class, and the work carbon-aware deferral may hold back.

use super::checks::Check;
use crate::model::carbon::{Embodied, Intensity};
use crate::model::host::HostClass;
use crate::scenario::error::FieldError;
use crate::scenario::file::ScenarioSpec;
use crate::scenario::limits;
use crate::sim::setup::{CarbonSetup, DeferSetup};

/// Checks and compiles `[carbon]`, if present.
pub(super) fn compile(s: &ScenarioSpec, classes: &[HostClass]) -> Check<Option<CarbonSetup>> {
    let Some(c) = &s.carbon else {
        return Ok(None);
    };
    if s.simulation.profile == crate::scenario::file::ProfileSpec::Cloudsim {
        return Err(FieldError::new(
            "carbon",
            "needs the realistic profile: `simulation.profile = \"cloudsim\"` reproduces CloudSim's accounting, which has no carbon",
        ));
    }
    let given = [
        c.intensity_g_per_kwh.is_some(),
        c.hourly_g_per_kwh.is_some(),
        c.intensity_file.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(FieldError::new(
            "carbon",
            "set exactly one of `intensity_g_per_kwh` (a constant), `hourly_g_per_kwh` (24 or 168 hourly values) or `intensity_file` (a CSV file)",
        ));
    }
    let (intensity, source) = if let Some(g) = c.intensity_g_per_kwh {
        limits::INTENSITY.check("carbon.intensity_g_per_kwh", g)?;
        (Some(Intensity::constant(g)), "constant".to_string())
    } else if let Some(values) = &c.hourly_g_per_kwh {
        if values.len() != 24 && values.len() != 168 {
            return Err(FieldError::new(
                "carbon.hourly_g_per_kwh",
                format!(
                    "must hold 24 values (a day) or 168 (a week, from Monday 00:00), got {}",
                    values.len()
                ),
            ));
        }
        for (i, &v) in values.iter().enumerate() {
            limits::INTENSITY.check(&format!("carbon.hourly_g_per_kwh[{i}]"), v)?;
        }
        (
            Some(Intensity::hourly(values.clone())),
            "hourly".to_string(),
        )
    } else {
        let path = c.intensity_file.clone().unwrap_or_default();
        if path.trim().is_empty() {
            return Err(FieldError::new(
                "carbon.intensity_file",
                "is empty: give the path of a CSV file (relative to the scenario)",
            ));
        }
        (None, path)
    };
    let mut embodied = vec![None; classes.len()];
    for (i, e) in c.embodied.iter().enumerate() {
        let key = |f: &str| format!("carbon.embodied[{i}].{f}");
        let Some(class) = classes.iter().position(|k| k.name == e.class) else {
            let names: Vec<String> = classes.iter().map(|k| format!("\"{}\"", k.name)).collect();
            return Err(FieldError::new(
                key("class"),
                format!(
                    "unknown host class \"{}\"; classes: {}",
                    e.class,
                    names.join(", ")
                ),
            ));
        };
        if embodied[class].is_some() {
            return Err(FieldError::new(
                key("class"),
                format!("host class \"{}\" is given twice", e.class),
            ));
        }
        limits::EMBODIED_KG.check(&key("kg_co2e"), e.kg_co2e)?;
        limits::LIFE_YEARS.check(&key("life_years"), e.life_years)?;
        embodied[class] = Some(Embodied {
            kg_per_host: e.kg_co2e,
            life_years: e.life_years,
        });
    }
    let defer = match &c.defer {
        None => None,
        Some(d) => {
            let max_delay = limits::check_duration(
                "carbon.defer.max_delay",
                d.max_delay,
                0,
                limits::MAX_DURATION_MS,
            )?;
            let mut teams = vec![false; s.teams.len()];
            let mut groups = vec![false; s.vms.len()];
            for (i, name) in d.work.iter().enumerate() {
                let key = format!("carbon.defer.work[{i}]");
                if let Some(t) = s.teams.iter().position(|t| &t.name == name) {
                    teams[t] = true;
                } else if let Some(g) = s
                    .vms
                    .iter()
                    .position(|g| g.name.as_deref() == Some(name.as_str()))
                {
                    if s.vms[g].trace.is_some() {
                        return Err(FieldError::new(
                            key,
                            format!(
                                "\"{name}\" replays a trace, whose VMs arrive when the trace says; only teams and load-curve groups can wait"
                            ),
                        ));
                    }
                    groups[g] = true;
                } else {
                    let mut names: Vec<String> =
                        s.teams.iter().map(|t| format!("\"{}\"", t.name)).collect();
                    names.extend(
                        s.vms
                            .iter()
                            .filter(|g| g.trace.is_none())
                            .filter_map(|g| g.name.as_ref().map(|n| format!("\"{n}\""))),
                    );
                    return Err(FieldError::new(
                        key,
                        format!(
                            "\"{name}\" is neither a team nor a named [[vms]] group; valid: {}",
                            if names.is_empty() {
                                "none (the scenario has no teams or named groups)".to_string()
                            } else {
                                names.join(", ")
                            }
                        ),
                    ));
                }
            }
            Some(DeferSetup {
                teams,
                groups,
                max_delay,
            })
        }
    };
    Ok(Some(CarbonSetup {
        file: intensity.is_none().then(|| source.clone()),
        intensity,
        source,
        embodied,
        defer,
    }))
}
