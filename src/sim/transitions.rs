//! Host power transitions and the power-management step.

use super::state::*;
use super::{Event, Simulation};
use crate::model::host::PowerState;
use crate::policy::power::{self, HostPower};

impl Simulation<'_> {
    pub(super) fn start_boot(&mut self, h: HostId) {
        if self.hosts[h].state != PowerState::Off {
            return;
        }
        self.accrue(h);
        let class = &self.setup.host_classes[self.hosts[h].class];
        let host = &mut self.hosts[h];
        host.state = PowerState::Booting;
        host.generation += 1;
        host.boots += 1;
        let event = Event::BootDone {
            host: h,
            generation: host.generation,
        };
        self.queue.push(self.now + class.boot_ms, event);
        self.refresh(h);
    }

    pub(super) fn on_boot_done(&mut self, h: HostId, generation: u32) {
        if self.hosts[h].generation != generation || self.hosts[h].state != PowerState::Booting {
            return;
        }
        self.accrue(h);
        self.hosts[h].state = PowerState::On;
        self.hosts[h].empty_since = Some(self.now);
        self.refresh(h);
        self.place_waiting();
    }

    pub(super) fn start_shutdown(&mut self, h: HostId) {
        let host = &self.hosts[h];
        if host.state != PowerState::On || !host.is_empty() {
            let hosts = [h];
            self.conflict(
                "shutdown-refused",
                None,
                &hosts,
                "host kept on: it hosts VMs or migrations",
            );
            return;
        }
        self.accrue(h);
        let class = &self.setup.host_classes[self.hosts[h].class];
        let host = &mut self.hosts[h];
        host.state = PowerState::ShuttingDown;
        host.generation += 1;
        host.shutdowns += 1;
        host.empty_since = None;
        let event = Event::ShutdownDone {
            host: h,
            generation: host.generation,
        };
        self.queue.push(self.now + class.shutdown_ms, event);
        self.refresh(h);
    }

    pub(super) fn on_shutdown_done(&mut self, h: HostId, generation: u32) {
        if self.hosts[h].generation != generation || self.hosts[h].state != PowerState::ShuttingDown
        {
            return;
        }
        self.accrue(h);
        self.hosts[h].state = PowerState::Off;
        self.refresh(h);
    }

    /// Asks the power policy what to boot and switch off, with `extra` on top of what the
    /// hosts have committed and the waiting VMs need.
    pub(super) fn manage_power(&mut self, extra: power::Need) {
        let grace = self.setup.power.idle_grace;
        let mut need = extra;
        need.min_hosts = self.setup.power.min_hosts_on;
        let mut view = Vec::with_capacity(self.hosts.len());
        for (h, host) in self.hosts.iter().enumerate() {
            let class = &self.setup.host_classes[host.class];
            if matches!(host.state, PowerState::On | PowerState::Booting) {
                need.mips += host.committed_mips;
                need.ram_mb += host.ram_used;
            }
            view.push(HostPower {
                id: h,
                state: host.state,
                mips: class.mips,
                ram_mb: class.ram_mb,
                removable: host.state == PowerState::On
                    && host.is_empty()
                    && host.empty_since.is_some_and(|t| t + grace <= self.now),
                watts_per_mips: class.watts_per_mips(),
            });
        }
        for &vm in &self.waiting {
            let n = self.need(vm, self.setup.initial_fit);
            need.mips += n.mips;
            need.ram_mb += n.ram_mb;
        }
        let plan = self.power.plan(&view, need);
        for h in plan.boot {
            self.start_boot(h);
        }
        for h in plan.shut_down {
            self.start_shutdown(h);
        }
    }
}
