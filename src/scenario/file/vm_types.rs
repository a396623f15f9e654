//! `[[vm_types]]`: the VM shapes that groups, teams and services name.

use super::defaults::default_mips;
use crate::scenario::units::{Mbps, Megabytes};
use schemars::JsonSchema;
use serde::Deserialize;

/// `[[vm_types]]`: a VM shape.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VmTypeSpec {
    /// Name referred to by `vms[].type`.
    pub name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Capacity of one vCPU in MIPS at 100 % demand.
    #[serde(default = "default_mips")]
    pub vcpu_mips: f64,
    /// Memory; also the data a simple live migration copies.
    pub ram: Megabytes,
    /// Disk reserved on the host.
    #[serde(default)]
    pub disk: Option<Megabytes>,
    /// Network bandwidth reserved on the host's link (`hosts[].network`), never
    /// over-committed; absent: none.
    #[serde(default)]
    pub network: Option<Mbps>,
}
