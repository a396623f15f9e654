//! Host power transitions (boot, shutdown, suspend to sleep, wake) and the power-management
//! step. A host takes VMs only while on; booting and shutting-down hosts only hold
//! reservations of migrations waiting for them.

use super::conflicts::ConflictKind;
use super::setup::Park;
use super::state::*;
use super::{Event, Simulation};
use crate::model::host::PowerState;
use crate::policy::power::{self, HostPower, is_parked};

impl Simulation<'_> {
    /// Powers up a parked host: boots it if off, wakes it if asleep.
    pub(super) fn start_boot(&mut self, h: HostId) {
        let state = self.hosts[h].state;
        if !is_parked(state) {
            return;
        }
        self.accrue(h);
        let class = &self.setup.host_classes[self.hosts[h].class];
        let host = &mut self.hosts[h];
        let duration = match (state, class.sleep) {
            (PowerState::Sleep, Some(sleep)) => {
                host.wakes += 1;
                host.via_sleep = true;
                sleep.wake_ms
            }
            _ => {
                host.boots += 1;
                host.via_sleep = false;
                class.boot_ms
            }
        };
        host.state = PowerState::Booting;
        host.generation += 1;
        let event = Event::BootDone {
            host: h,
            generation: host.generation,
        };
        self.queue.push(self.now + duration, event);
        self.refresh(h);
    }

    pub(super) fn on_boot_done(&mut self, h: HostId, generation: u32) {
        if self.hosts[h].generation != generation || self.hosts[h].state != PowerState::Booting {
            return;
        }
        self.accrue(h);
        self.hosts[h].state = PowerState::On;
        self.refresh(h);
        self.pump_migrations();
        self.place_waiting();
    }

    /// Parks an on host (switches it off, or suspends it if the scenario parks in sleep and
    /// its class can sleep). Refused, and logged, while VMs or migrations are on it: the host
    /// is then switched off once its migrations end, if nothing was committed to it meanwhile.
    pub(super) fn start_shutdown(&mut self, h: HostId) {
        let host = &self.hosts[h];
        if host.state != PowerState::On {
            return;
        }
        if !host.is_empty() {
            let draining = host.empty_since.is_some();
            self.hosts[h].shutdown_pending = draining;
            self.conflict(
                ConflictKind::ShutdownRefused,
                None,
                &[h],
                if draining {
                    "kept on while its migrations are in flight; switched off once they end"
                } else {
                    "kept on: VMs are placed on it"
                },
            );
            return;
        }
        self.accrue(h);
        let class = &self.setup.host_classes[self.hosts[h].class];
        let host = &mut self.hosts[h];
        let duration = match (self.setup.power.park, class.sleep) {
            (Park::Sleep, Some(sleep)) => {
                host.sleeps += 1;
                host.via_sleep = true;
                sleep.suspend_ms
            }
            _ => {
                host.shutdowns += 1;
                host.via_sleep = false;
                class.shutdown_ms
            }
        };
        host.state = PowerState::ShuttingDown;
        host.shutdown_pending = false;
        host.generation += 1;
        let event = Event::ShutdownDone {
            host: h,
            generation: host.generation,
        };
        self.queue.push(self.now + duration, event);
        self.refresh(h);
    }

    pub(super) fn on_shutdown_done(&mut self, h: HostId, generation: u32) {
        if self.hosts[h].generation != generation || self.hosts[h].state != PowerState::ShuttingDown
        {
            return;
        }
        self.accrue(h);
        let host = &mut self.hosts[h];
        host.state = if host.via_sleep {
            PowerState::Sleep
        } else {
            PowerState::Off
        };
        self.refresh(h);
        // A migration chose this host while it was going down: bring it back up.
        if !self.hosts[h].migrations.is_empty() {
            self.start_boot(h);
        }
    }

    /// Asks the power policy what to power up and down, with `extra` on top of what the hosts
    /// have committed and the waiting VMs need. Hosts with no VM committed (empty, or only
    /// draining VMs that migrate away) count as removable once idle for the grace time.
    pub(super) fn manage_power(&mut self, extra: power::Need) {
        if self.profile.rules().hosts_follow_load {
            return;
        }
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
                core_mips: class.core_mips(),
                removable: host.state == PowerState::On
                    && host.empty_since.is_some_and(|t| t + grace <= self.now),
                watts_per_mips: class.watts_per_mips(),
            });
        }
        // Deferred VMs are not counted: each has a host that fits it once its migrations end.
        for &vm in &self.waiting {
            let n = self.need(vm, self.fit);
            need.mips += n.mips;
            need.ram_mb += n.ram_mb;
            need.stranded_mips += n.mips;
            need.stranded_ram_mb += n.ram_mb;
            need.stranded_vcpu_mips = need.stranded_vcpu_mips.max(n.vcpu_mips);
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
