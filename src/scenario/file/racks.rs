//! `[racks]`: hosts grouped into racks, each with a top-of-rack switch drawing power.

use schemars::JsonSchema;
use serde::Deserialize;

/// `[racks]`: how hosts fill racks, the switch's power, when it is on, and whether power
/// management prefers emptying whole racks. Racks are filled by `hosts_per_rack`, or named in
/// `names` with each host class giving its `rack`: exactly one of the two.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RacksSpec {
    /// Hosts per rack, filled in host-id order (class by class, or in turn with
    /// `simulation.host_order = "interleaved"`); the last rack may hold fewer.
    #[serde(default)]
    pub hosts_per_rack: Option<u32>,
    /// Rack names, each host class naming its own in `hosts[].rack`.
    #[serde(default)]
    pub names: Option<Vec<String>>,
    /// The top-of-rack switch's power.
    pub switch: SwitchSpec,
    /// When a switch is on: while any host of its rack is not off, or always.
    #[serde(default)]
    pub switch_mode: SwitchModeSpec,
    /// Power management and consolidation prefer emptying whole racks, so that their
    /// switches go off.
    #[serde(default)]
    pub prefer_empty: bool,
}

/// `racks.switch`: one top-of-rack switch's draw.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SwitchSpec {
    /// Draw while on, watts (constant: a switch's draw hardly varies with traffic).
    pub watts: f64,
    /// Draw while off, watts (0: its power is cut).
    #[serde(default)]
    pub off_w: f64,
    /// Where `watts` comes from (a datasheet, a measurement), quoted in the report.
    #[serde(default)]
    pub source: Option<String>,
}

/// `racks.switch_mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SwitchModeSpec {
    /// On while any host of the rack is not off.
    #[default]
    WithHosts,
    /// On for the whole run.
    AlwaysOn,
}
