//! `[policy]`: the initial placement, consolidation, power management and conflict
//! resolution, and what placement counts as a VM's CPU need.

use super::checks::{Check, fraction, policy_name};
use crate::policy::dpm::DpmConfig;
use crate::policy::forecast::Forecast;
use crate::policy::lookup;
use crate::policy::overload::DETECTORS;
use crate::policy::placement::PLACEMENTS;
use crate::policy::power::POWER_POLICIES;
use crate::policy::selection::SELECTIONS;
use crate::scenario::error::FieldError;
use crate::scenario::file::{
    ConflictPolicySpec, ConsolidationSpec, DimensionsSpec, FitBasisSpec, ForecastSpec, ParkSpec,
    PolicySpec, PowerPolicySpec, ProfileSpec, ProvisioningSpec,
};
use crate::scenario::limits;
use crate::sim::setup::{
    ConflictSetup, ConsolidationSetup, FitBasis, Park, PowerSetup, Provisioning,
};

/// The policies checked before the rest of the scenario: placement and consolidation, and
/// the power policy's name and headroom (its idle grace is checked last).
pub(super) struct Policies {
    /// Consolidation, if enabled.
    pub consolidation: Option<ConsolidationSetup>,
    /// `policy.power.headroom`, below 1.
    pub headroom: f64,
}

/// Checks the policy names and compiles consolidation, for a fleet of `hosts` hosts.
pub(super) fn compile(p: &PolicySpec, hosts: usize) -> Check<Policies> {
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
            all_dimensions: c.dimensions == DimensionsSpec::All,
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
    if p.power.min_hosts_on as usize > hosts {
        return Err(FieldError::new(
            "policy.power.min_hosts_on",
            format!(
                "is {} but the fleet has only {} hosts",
                p.power.min_hosts_on, hosts
            ),
        ));
    }
    Ok(Policies {
        consolidation,
        headroom,
    })
}

/// `policy.consolidation.destination_headroom`: a fraction below the most a destination may
/// reach under the detector (its ceiling, as the control loop reads it, at most 100 %), so
/// that some destination can still take a VM. The detector's name was checked before.
fn destination_headroom(c: &ConsolidationSpec) -> Check<f64> {
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

/// `[policy.conflicts]`: how provisioning meets migrations in flight, and the ping-pong window.
pub(super) fn conflicts(c: &ConflictPolicySpec) -> Check<ConflictSetup> {
    Ok(ConflictSetup {
        provisioning: match c.provisioning {
            ProvisioningSpec::Allow => Provisioning::Allow,
            ProvisioningSpec::Deny => Provisioning::Deny,
            ProvisioningSpec::Defer => Provisioning::Defer,
        },
        ping_pong_window: limits::check_duration(
            "policy.conflicts.ping_pong_window",
            c.ping_pong_window,
            0,
            limits::MAX_DURATION_MS,
        )?,
    })
}

/// `[policy.power]` with the `headroom` checked by [`compile`] and the `dpm` settings by
/// [`super::dpm::compile`].
pub(super) fn power(p: &PowerPolicySpec, headroom: f64, dpm: DpmConfig) -> Check<PowerSetup> {
    Ok(PowerSetup {
        name: p.name.clone(),
        headroom,
        min_hosts_on: p.min_hosts_on as usize,
        idle_grace: limits::check_duration(
            "policy.power.idle_grace",
            p.idle_grace,
            0,
            limits::MAX_DURATION_MS,
        )?,
        park: match p.park {
            ParkSpec::Off => Park::Off,
            ParkSpec::Sleep => Park::Sleep,
        },
        dpm,
        forecast: forecast(p)?,
    })
}

/// `policy.power.forecast`, for a power policy that switches hosts off.
fn forecast(p: &PowerPolicySpec) -> Check<Forecast> {
    match p.forecast {
        ForecastSpec::None => Ok(Forecast::None),
        ForecastSpec::Yesterday if matches!(p.name.as_str(), "keep-on" | "npa") => {
            Err(FieldError::new(
                "policy.power.forecast",
                format!(
                    "is \"yesterday\" but the power policy \"{}\" keeps every host on, so there is nothing to boot ahead; use it with a policy that switches hosts off (spare-capacity, dvfs, dpm), or set forecast = \"none\"",
                    p.name
                ),
            ))
        }
        ForecastSpec::Yesterday => Ok(Forecast::Yesterday),
    }
}

/// What placement counts as a VM's CPU need, from `policy.initial_fit`.
pub(super) struct Fits {
    /// For VMs arriving during the run: size unless set.
    pub initial: FitBasis,
    /// For the VMs present at time 0: demand in a realistic run that consolidates (its first
    /// tick then has nothing to re-pack), size otherwise, unless set.
    pub startup: FitBasis,
    /// For the VMs present at time 0 of the always-on baseline: size unless set.
    pub baseline_startup: FitBasis,
}

/// The fit bases of a run with `initial_fit` set or not, that consolidates or not.
pub(super) fn fits(
    initial_fit: Option<FitBasisSpec>,
    consolidates: bool,
    profile: ProfileSpec,
) -> Fits {
    let set = initial_fit.map(|f| match f {
        FitBasisSpec::Size => FitBasis::Size,
        FitBasisSpec::Demand => FitBasis::Demand,
    });
    Fits {
        initial: set.unwrap_or(FitBasis::Size),
        startup: set.unwrap_or(if consolidates && profile == ProfileSpec::Realistic {
            FitBasis::Demand
        } else {
            FitBasis::Size
        }),
        baseline_startup: set.unwrap_or(FitBasis::Size),
    }
}
