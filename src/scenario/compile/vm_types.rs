//! `[[vm_types]]`: the VM shapes.

use super::checks::{Check, at_least_one};
use crate::model::vm::VmType;
use crate::scenario::error::FieldError;
use crate::scenario::file::VmTypeSpec;
use crate::scenario::limits;

/// Compiles the VM types; their names must be unique.
pub(super) fn compile(types: &[VmTypeSpec]) -> Check<Vec<VmType>> {
    let mut out: Vec<VmType> = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let key = |f: &str| format!("vm_types[{i}].{f}");
        if out.iter().any(|o| o.name == t.name) {
            return Err(FieldError::new(
                key("name"),
                format!("duplicate VM type name {:?}", t.name),
            ));
        }
        at_least_one(&key("vcpus"), t.vcpus, "vCPU")?;
        limits::CORES.check_count(&key("vcpus"), t.vcpus)?;
        limits::CORE_MIPS.check(&key("vcpu_mips"), t.vcpu_mips)?;
        limits::RAM_MB.check(&key("ram"), t.ram.0)?;
        if let Some(d) = t.disk {
            limits::DISK_MB.check(&key("disk"), d.0)?;
        }
        if let Some(n) = t.network {
            limits::NETWORK_RESERVATION_MBPS.check(&key("network"), n.0)?;
        }
        out.push(VmType {
            name: t.name.clone(),
            vcpus: t.vcpus,
            mips: t.vcpus as f64 * t.vcpu_mips,
            ram_mb: t.ram.0,
            disk_mb: t.disk.map_or(0.0, |d| d.0),
            net_mbps: t.network.map_or(0.0, |n| n.0),
        });
    }
    Ok(out)
}
