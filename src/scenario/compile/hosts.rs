//! `[[hosts]]`: the host classes (sizes, power model, power states) and the order in which
//! hosts get their ids.

use super::checks::{Check, at_least_one};
use crate::model::host::{HostClass, Overcommit, SleepState};
use crate::model::power::PowerModel;
use crate::model::servers;
use crate::scenario::error::FieldError;
use crate::scenario::file::{
    HostClassSpec, HostOrderSpec, OvercommitSpec, PowerModelSpec, PowerSpec,
};
use crate::scenario::limits::{self, short};
use crate::scenario::units::Duration;

/// The compiled fleet.
pub(super) struct Fleet {
    /// Host classes, in the order of `[[hosts]]`.
    pub classes: Vec<HostClass>,
    /// Class index of each host, in host-id order.
    pub hosts: Vec<usize>,
}

/// Compiles the host classes, and gives each host its class: class by class, or in turn
/// (`order`).
pub(super) fn compile(classes: &[HostClassSpec], order: HostOrderSpec) -> Check<Fleet> {
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
            PowerSpec::Server { server } => PowerModel::Table(library_server(i, server)?),
            PowerSpec::Model(PowerModelSpec::Linear { idle_w, max_w }) => {
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
            PowerSpec::Model(PowerModelSpec::Specpower { watts }) => {
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
        let state_time =
            |f: &str, d: Duration| limits::check_duration(&key(f), d, 0, limits::MAX_STATE_TIME_MS);
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
        models.push(HostClass {
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
            overcommit: overcommit(i, c.overcommit)?,
        });
        hosts.extend(std::iter::repeat_n(i, c.count as usize));
    }
    if order == HostOrderSpec::Interleaved {
        hosts = interleave(&hosts, models.len());
    }
    Ok(Fleet {
        classes: models,
        hosts,
    })
}

/// Host class `i`'s over-commit ratios: each above 0 and at most 64 (1 when left out).
fn overcommit(i: usize, spec: Option<OvercommitSpec>) -> Check<Overcommit> {
    let Some(spec) = spec else {
        return Ok(Overcommit::default());
    };
    let ratio = |f: &str, v: Option<f64>| match v {
        None => Ok(1.0),
        Some(v) => limits::OVERCOMMIT.check(&format!("hosts[{i}].overcommit.{f}"), v),
    };
    Ok(Overcommit {
        cpu: ratio("cpu", spec.cpu)?,
        ram: ratio("ram", spec.ram)?,
    })
}

/// The eleven points of library server `name` for host class `i`, or an error that lists the
/// library's names closest to it.
fn library_server(i: usize, name: &str) -> Check<[f64; 11]> {
    if let Some(server) = servers::find(name) {
        return Ok(server.watts);
    }
    let close = servers::close_matches(name);
    let hint = if close.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = close.iter().map(|n| format!("\"{n}\"")).collect();
        format!("; close names: {}", quoted.join(", "))
    };
    Err(FieldError::new(
        format!("hosts[{i}].power.server"),
        format!(
            "no server {} in the library of {} published SPECpower curves{hint} (`nightshift servers` lists them all; docs/scenario.md says how to add one)",
            crate::quote::excerpt(name),
            servers::library().len()
        ),
    ))
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
