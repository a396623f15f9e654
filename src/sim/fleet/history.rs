//! Per-VM demand histories at control-interval steps, for the adaptive overload detectors and
//! MC selection. As in the reference, a host's history is built from its current VMs' own
//! histories (a VM keeps its history when it moves), so it follows the VMs, not the machine.
//!
//! All VMs record at the same control tick, so one ring position serves them all: no
//! allocation per tick, and reading value `age` steps back is an index computation. Each
//! value is written twice, `keep` apart, so that the last `keep` values always lie in one
//! run in age order: summing a history is then one loop, with no wrap-around.

use crate::policy::overload::HISTORY_LEN;
use crate::sim::state::{Vm, VmState};

/// Ring buffers of past CPU demand (MIPS), one per VM.
#[derive(Debug, Clone, Default)]
pub(crate) struct VmHistory {
    keep: usize,
    head: usize,
    values: Vec<f64>,
    len: Vec<u8>,
}

impl VmHistory {
    /// Histories of `keep` values (capped at [`HISTORY_LEN`]; 0 = record nothing).
    pub fn new(keep: usize) -> Self {
        VmHistory {
            keep: keep.min(HISTORY_LEN),
            ..VmHistory::default()
        }
    }

    /// Values kept per VM.
    pub fn keep(&self) -> usize {
        self.keep
    }

    /// Records every running VM's current demand as its newest value; VMs not running lose
    /// their history.
    pub fn record(&mut self, vms: &[Vm]) {
        if self.keep == 0 {
            return;
        }
        if self.len.len() < vms.len() {
            self.len.resize(vms.len(), 0);
            self.values.resize(vms.len() * 2 * self.keep, 0.0);
        }
        self.head = (self.head + 1) % self.keep;
        for (v, vm) in vms.iter().enumerate() {
            if matches!(vm.state, VmState::Running(_) | VmState::Migrating(_)) {
                let at = v * 2 * self.keep + self.head;
                self.values[at] = vm.demand_mips;
                self.values[at + self.keep] = vm.demand_mips;
                self.len[v] = (self.len[v] as usize + 1).min(self.keep) as u8;
            } else {
                self.len[v] = 0;
            }
        }
    }

    /// Number of values recorded for `vm`.
    pub fn len(&self, vm: usize) -> usize {
        self.len.get(vm).map_or(0, |&l| l as usize)
    }

    /// The last `n` values of `vm` (at most `keep`), oldest first.
    fn recent(&self, vm: usize, n: usize) -> &[f64] {
        if n == 0 {
            // Before the first record (a placement at time 0) the ring is not allocated.
            return &[];
        }
        // Slots head + 1 ..= head + keep of the doubled ring hold the last `keep` values.
        let newest = vm * 2 * self.keep + self.head + self.keep;
        &self.values[newest + 1 - n..=newest]
    }

    /// Adds `scale x` the history of `vm` into `out`, newest value in the last slot; returns
    /// the history's length.
    pub fn add_into(&self, vm: usize, out: &mut [f64], scale: f64) -> usize {
        let n = self.len(vm).min(out.len());
        let end = out.len();
        out[end - n..]
            .iter_mut()
            .zip(self.recent(vm, n))
            .for_each(|(d, s)| *d += s * scale);
        n
    }

    /// The history of `vm`, oldest first, into `out` (cleared first).
    pub fn copy_into(&self, vm: usize, out: &mut Vec<f64>) {
        out.clear();
        let n = self.len(vm);
        out.extend_from_slice(self.recent(vm, n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::state::{Demand, Origin, Rates};

    fn vm(demand: f64, running: bool) -> Vm {
        Vm {
            origin: Origin::Group(0),
            vm_type: 0,
            demand: Demand::Curve(0),
            state: if running {
                VmState::Running(0)
            } else {
                VmState::Waiting
            },
            demand_mips: demand,
            metered: Rates::IDLE,
            ram_demand_mb: 0.0,
            ram: crate::sim::state::RamDemand::Reserved,
        }
    }

    #[test]
    fn ring_keeps_the_last_values_oldest_first() {
        let mut h = VmHistory::new(3);
        let mut vms = vec![vm(0.0, true), vm(0.0, false)];
        for d in [1.0, 2.0, 3.0, 4.0] {
            vms[0].demand_mips = d;
            vms[1].demand_mips = d;
            h.record(&vms);
        }
        let mut out = Vec::new();
        h.copy_into(0, &mut out);
        assert_eq!(out, vec![2.0, 3.0, 4.0]);
        assert_eq!(h.len(1), 0, "a VM that is not running has no history");
        let mut sum = [0.0; 5];
        assert_eq!(h.add_into(0, &mut sum, 0.5), 3);
        assert_eq!(sum, [0.0, 0.0, 1.0, 1.5, 2.0]);
    }

    #[test]
    fn summing_into_a_buffer_matches_the_history_at_every_ring_position() {
        let mut h = VmHistory::new(4);
        let mut vms = vec![vm(0.0, true)];
        for step in 1..=9u32 {
            vms[0].demand_mips = step as f64;
            h.record(&vms);
            let mut sum = [0.0; 6];
            let n = h.add_into(0, &mut sum, 1.0);
            // The last min(step, 4) values, newest last: step-3 .. step.
            let expect: Vec<f64> = (step.saturating_sub(3).max(1)..=step)
                .map(f64::from)
                .collect();
            assert_eq!(n, expect.len());
            assert_eq!(&sum[6 - n..], expect.as_slice(), "after {step} records");
            assert!(sum[..6 - n].iter().all(|&v| v == 0.0));
        }
    }
}
