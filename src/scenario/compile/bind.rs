//! Binding scanned traces to a compiled setup: each trace's grid, each trace group's VMs
//! (types, arrivals, ends) and count.

use crate::scenario::error::FieldError;
use crate::sim::setup::{FitBasis, GroupDemand, Setup};
use crate::trace::TraceIndex;
use crate::workload::replay::{TraceGrid, TraceVm, TypeMapping};
use std::borrow::Borrow;

/// Binds scanned traces to `setup`: one index per `setup.traces` entry, in order. Fills each
/// trace's grid and each trace group's VMs (types, arrivals, ends) and count. Returns
/// warnings (a replay shorter than the run).
pub fn bind_traces<I: Borrow<TraceIndex>>(
    setup: &mut Setup,
    indexes: &[I],
) -> Result<Vec<String>, FieldError> {
    assert_eq!(
        indexes.len(),
        setup.traces.len(),
        "one scanned index per trace"
    );
    let mut warnings = Vec::new();
    for (t, index) in setup.traces.iter_mut().zip(indexes) {
        let index = index.borrow();
        t.grid = Some(TraceGrid {
            interval: index.interval_ms,
            steps: index.steps,
            vms: index.vms.len(),
        });
        let length = u64::from(index.steps) * index.interval_ms;
        if !t.looped {
            if t.shift >= length {
                return Err(FieldError::new(
                    format!("traces.{}.shift", t.name),
                    format!(
                        "is beyond the end of the trace ({} steps of {} s = {} s)",
                        index.steps,
                        index.interval_ms / 1000,
                        length / 1000
                    ),
                ));
            }
            if length - t.shift < setup.duration {
                warnings.push(format!(
                    "trace {}: {} s of samples after the shift, the run lasts {} s: its VMs end with their samples (set loop = true to repeat it)",
                    t.name,
                    (length - t.shift) / 1000,
                    setup.duration / 1000
                ));
            }
        }
    }
    for (g, group) in setup.groups.iter_mut().enumerate() {
        let GroupDemand::Trace(tg) = &mut group.demand else {
            continue;
        };
        let trace = &setup.traces[tg.trace];
        let index = indexes[tg.trace].borrow();
        let n = match tg.limit {
            Some(limit) if limit as usize > index.vms.len() => {
                return Err(FieldError::new(
                    format!("vms[{g}].count"),
                    format!(
                        "asks for {limit} VMs but trace {} has {} VMs",
                        trace.name,
                        index.vms.len()
                    ),
                ));
            }
            Some(limit) => limit as usize,
            None => index.vms.len(),
        };
        let key = match tg.mapping {
            TypeMapping::ByAttribute { .. } => "type_by",
            _ => "types",
        };
        tg.vms.clear();
        for (column, vm) in index.vms.iter().take(n).enumerate() {
            let vm_type = tg
                .mapping
                .type_of(column, n, vm)
                .map_err(|m| FieldError::new(format!("vms[{g}].{key}"), m))?;
            if let Some((arrive, end)) = trace.presence(vm.first_step, vm.end_step, setup.duration)
            {
                tg.vms.push(TraceVm {
                    column: column as u32,
                    vm_type,
                    arrive,
                    end,
                });
            }
        }
        group.count = tg.vms.len() as u32;
        if let Some(rule) = &group.rule {
            super::rules::check_group_size(
                g,
                group.count,
                rule,
                &setup.host_classes,
                &setup.hosts,
            )?;
            let types = &setup.vm_types;
            super::rules::check_together(
                g,
                tg.vms.iter().map(|vm| &types[vm.vm_type]),
                rule,
                &setup.host_classes,
                setup.initial_fit == FitBasis::Size,
            )?;
        }
    }
    Ok(warnings)
}
