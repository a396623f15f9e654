//! `[[vms]]`: the VM groups, with a load curve or a trace, and their lifetimes (also used by
//! `[[teams]]`).

use crate::scenario::units::Duration;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// `[[vms]]`: a group of VMs sharing a load curve, or replaying a trace.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VmGroupSpec {
    /// Name of the group, shown in outputs; defaults to `<type>-<index>`.
    #[serde(default)]
    pub name: Option<String>,
    /// A `vm_types` name (for a trace group: every VM gets it).
    #[serde(rename = "type", default)]
    pub vm_type: Option<String>,
    /// Number of VMs (for a trace group: the first `count` trace VMs; default all).
    #[serde(default)]
    pub count: Option<u32>,
    /// A `loads` name giving CPU demand over time (fraction of the VM's size).
    #[serde(default)]
    pub load: Option<String>,
    /// A `traces` name, instead of `load`: one VM per trace VM, replaying its samples.
    #[serde(default)]
    pub trace: Option<String>,
    /// Trace groups: VM types the trace's VMs are spread over by `type_rule`.
    #[serde(default)]
    pub types: Vec<String>,
    /// How `types` are spread: `blocks` (default; CloudSim's rule) or `cycle`.
    #[serde(default)]
    pub type_rule: TypeRuleSpec,
    /// Trace groups: a per-VM trace attribute (`cores`, `memory_gb`, `category`) choosing
    /// each VM's type through `type_map`.
    #[serde(default)]
    pub type_by: Option<String>,
    /// Attribute value -> VM type for `type_by`; the key `"*"` matches any other value.
    #[serde(default)]
    pub type_map: BTreeMap<String, String>,
    /// When the group's VMs arrive; 0 = present at start.
    #[serde(default)]
    pub start: Option<Duration>,
    /// How long each VM runs once started: a duration, or a distribution drawn per VM;
    /// absent = until the end.
    #[serde(default)]
    pub lifetime: Option<LifetimeSpec>,
    /// A `loads` name giving memory demand over time (fraction of the VM type's RAM); absent:
    /// each VM's memory demand is its whole RAM reservation.
    #[serde(default)]
    pub ram_load: Option<String>,
    /// Trace groups: a `traces` name with `metric = "memory"` reading the same files, giving
    /// each VM's memory in use; absent: each VM's memory demand is its whole RAM reservation.
    #[serde(default)]
    pub ram_trace: Option<String>,
    /// Hard anti-affinity: no two VMs of the group on one host, running or arriving by
    /// migration (vSphere's "separate virtual machines", OpenStack's `anti-affinity`).
    #[serde(default)]
    pub anti_affinity: bool,
    /// Hard keep-together affinity: every running VM of the group on one host, counting VMs
    /// arriving by migration (OpenStack's `affinity` server group policy, vSphere's "keep
    /// virtual machines together"); not with `anti_affinity`.
    #[serde(default)]
    pub affinity: bool,
    /// Hard VM-to-host rule: the group's VMs run only on host classes named here (vSphere's
    /// "must run on hosts in group"); empty = any class.
    #[serde(default)]
    pub host_classes: Vec<String>,
}

/// `vms[].lifetime`: a fixed duration (`"2h"`, seconds) or a table naming a distribution.
// Read by hand below, to word the error; its JSON Schema is either form (`untagged`).
#[derive(Debug, Clone, JsonSchema)]
#[schemars(untagged)]
pub enum LifetimeSpec {
    /// Every VM runs this long.
    Fixed(Duration),
    /// Each VM draws its own lifetime.
    Drawn(LifetimeDistributionSpec),
}

impl<'de> Deserialize<'de> for LifetimeSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        if value.is_table() {
            LifetimeDistributionSpec::deserialize(value)
                .map(LifetimeSpec::Drawn)
                .map_err(|e| D::Error::custom(e.message()))
        } else {
            Duration::deserialize(value)
                .map(LifetimeSpec::Fixed)
                .map_err(|e| {
                    D::Error::custom(format!(
                        "{}; or a table like {{ distribution = \"exponential\", mean = \"2h\" }}",
                        e.message()
                    ))
                })
        }
    }
}

/// A lifetime distribution, `{ distribution = "...", ... }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "distribution", rename_all = "kebab-case", deny_unknown_fields)]
pub enum LifetimeDistributionSpec {
    /// Exponential with this mean.
    Exponential {
        /// Mean lifetime.
        mean: Duration,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// Shortest lifetime.
        min: Duration,
        /// Longest lifetime.
        max: Duration,
    },
    /// Log-normal with this median and shape.
    Lognormal {
        /// Median lifetime.
        median: Duration,
        /// Standard deviation of the logarithm (0.5 = moderate spread, 1.5 = heavy tail).
        sigma: f64,
    },
}

/// How a trace group spreads its VMs over `types`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TypeRuleSpec {
    /// Contiguous blocks: VM `i` of `n` gets type `i / ceil(n / k)` (CloudSim's rule).
    #[default]
    Blocks,
    /// Round robin: VM `i` gets type `i mod k`.
    Cycle,
}
