//! `[[hosts]]`: the classes of hypervisors, their power models and power states.

use super::defaults::default_mips;
use crate::scenario::units::{Duration, Mbps, Megabytes};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[[hosts]]`: a class of identical hypervisors.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostClassSpec {
    /// Class name, shown in hosts.csv.
    pub class: String,
    /// Number of hosts of this class.
    pub count: u32,
    /// Physical cores.
    pub cores: u32,
    /// Capacity of one core in MIPS (any consistent CPU unit; VMs use the same).
    #[serde(default = "default_mips")]
    pub core_mips: f64,
    /// Memory.
    pub ram: Megabytes,
    /// Local disk.
    #[serde(default)]
    pub disk: Option<Megabytes>,
    /// Network link used by live migration.
    #[serde(default = "default_network")]
    pub network: Mbps,
    /// Power draw as a function of CPU utilisation while on.
    pub power: PowerSpec,
    /// Power states: off draw, boot and shutdown durations and draws.
    #[serde(default)]
    pub states: PowerStatesSpec,
    /// How the class's hosts fail and are repaired; absent = they never fail (unless a
    /// failure trace names them).
    #[serde(default)]
    pub failure: Option<super::HostFailureSpec>,
    /// The rack of this class's hosts: one of `racks.names` (only with named racks).
    #[serde(default)]
    pub rack: Option<String>,
    /// Over-commit ratios placement admits VMs by, per resource (default 1: none).
    #[serde(default)]
    pub overcommit: Option<OvercommitSpec>,
}

/// `overcommit = { cpu = 4.0, ram = 1.2 }`: reservations placement admits per unit of a
/// host's physical capacity (OpenStack Nova's allocation ratios); a resource left out is 1.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OvercommitSpec {
    /// VM sizes (vCPUs x MIPS) per unit of the host's CPU, for placement by size.
    #[serde(default)]
    pub cpu: Option<f64>,
    /// Reserved VM memory per unit of the host's physical memory.
    #[serde(default)]
    pub ram: Option<f64>,
}

fn default_network() -> Mbps {
    Mbps(10_000.0)
}

/// `power`: a power model spelled out, or a server of the bundled library by name.
#[derive(Debug, Clone)]
pub enum PowerSpec {
    /// `{ model = "linear", ... }` or `{ model = "specpower", ... }`.
    Model(PowerModelSpec),
    /// `{ server = "NAME" }`: the published SPECpower curve of a library server
    /// (`crate::model::servers`).
    Server {
        /// The library name.
        server: String,
    },
}

/// `{ server = "NAME" }`, the library spelling of `power`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ServerSpec {
    server: String,
}

/// Either spelling: a power model, or a library server named alone.
impl JsonSchema for PowerSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PowerSpec".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let model = generator.subschema_for::<PowerModelSpec>();
        let server = generator.subschema_for::<ServerSpec>();
        schemars::json_schema!({ "anyOf": [model, server] })
    }
}

impl<'de> Deserialize<'de> for PowerSpec {
    /// A table with a `server` key names a library server; anything else is a power model
    /// (whose messages name what `model` can be).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let value = toml::Value::deserialize(d)?;
        let names_a_server = value.as_table().is_some_and(|t| t.contains_key("server"));
        if names_a_server {
            ServerSpec::deserialize(value)
                .map(|s| PowerSpec::Server { server: s.server })
                .map_err(|e| {
                    let hint = if e.message().starts_with("unknown field") {
                        " (a library server is named alone: { server = \"NAME\" })"
                    } else {
                        ""
                    };
                    D::Error::custom(format!("{}{hint}", e.message()))
                })
        } else {
            PowerModelSpec::deserialize(value)
                .map(PowerSpec::Model)
                .map_err(|e| {
                    let hint = if e.message().starts_with("missing field `model`") {
                        " (\"linear\" or \"specpower\"; or name a library server: { server = \"NAME\" })"
                    } else {
                        ""
                    };
                    D::Error::custom(format!("{}{hint}", e.message()))
                })
        }
    }
}

/// `power = { model = ... }`: a power model spelled out.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(tag = "model", rename_all = "kebab-case", deny_unknown_fields)]
pub enum PowerModelSpec {
    /// Linear between idle (0 % CPU) and max (100 % CPU) watts.
    Linear {
        /// Watts at 0 % CPU while on.
        idle_w: f64,
        /// Watts at 100 % CPU.
        max_w: f64,
    },
    /// A SPECpower_ssj2008 table: watts at 0, 10, ..., 100 % CPU, linear in between.
    Specpower {
        /// Eleven watt values.
        watts: Vec<f64>,
    },
}

/// `states`: power states of a host class other than On.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PowerStatesSpec {
    /// Draw while switched off (BMC, PSU standby), watts.
    #[serde(default = "default_off_w")]
    pub off_w: f64,
    /// Time from power-on to accepting VMs.
    #[serde(default = "default_boot_time")]
    pub boot_time: Duration,
    /// Draw while booting, watts.
    #[serde(default)]
    pub boot_w: Option<f64>,
    /// Time from shutdown decision to off.
    #[serde(default = "default_shutdown_time")]
    pub shutdown_time: Duration,
    /// Draw while shutting down, watts.
    #[serde(default)]
    pub shutdown_w: Option<f64>,
    /// Draw while asleep (suspended to RAM), watts; setting it gives the class a sleep state.
    #[serde(default)]
    pub sleep_w: Option<f64>,
    /// Time from the sleep decision to asleep (draws `shutdown_w`).
    #[serde(default = "default_suspend_time")]
    pub suspend_time: Duration,
    /// Time from the wake decision to accepting VMs (draws `boot_w`).
    #[serde(default = "default_wake_time")]
    pub wake_time: Duration,
}

impl Default for PowerStatesSpec {
    fn default() -> Self {
        PowerStatesSpec {
            off_w: default_off_w(),
            boot_time: default_boot_time(),
            boot_w: None,
            shutdown_time: default_shutdown_time(),
            shutdown_w: None,
            sleep_w: None,
            suspend_time: default_suspend_time(),
            wake_time: default_wake_time(),
        }
    }
}

fn default_off_w() -> f64 {
    5.0
}
fn default_boot_time() -> Duration {
    Duration::from_secs(180)
}
fn default_shutdown_time() -> Duration {
    Duration::from_secs(30)
}
fn default_suspend_time() -> Duration {
    Duration::from_secs(10)
}
fn default_wake_time() -> Duration {
    Duration::from_secs(20)
}
