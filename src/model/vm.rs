//! VM types: the shapes VMs are made of.

/// A VM shape in the simulator's units.
#[derive(Debug, Clone, PartialEq)]
pub struct VmType {
    /// Name.
    pub name: String,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Size at 100 % demand, MIPS (vCPUs x MIPS per vCPU).
    pub mips: f64,
    /// Memory, MB.
    pub ram_mb: f64,
    /// Disk, MB.
    pub disk_mb: f64,
    /// Network bandwidth reserved on the host's link, Mbit/s (0: none).
    pub net_mbps: f64,
}
