//! Host power transitions (boot, shutdown, suspend to sleep, wake); the power policy that
//! starts them is the profile's ([`crate::sim::profile`]). A host takes VMs only while on;
//! booting and shutting-down hosts only hold reservations of migrations waiting for them.

use crate::model::host::PowerState;
use crate::policy::power::is_parked;
use crate::sim::conflicts::ConflictKind;
use crate::sim::setup::Park;
use crate::sim::state::*;
use crate::sim::{Event, Simulation};

impl Simulation<'_> {
    /// Powers up a parked host: boots it if off, wakes it if asleep.
    pub(in crate::sim) fn start_boot(&mut self, h: HostId) {
        let state = self.fleet.hosts[h].state;
        if !is_parked(state) {
            return;
        }
        self.accrue(h);
        let class = &self.setup.host_classes[self.fleet.hosts[h].class];
        let host = &mut self.fleet.hosts[h];
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
        host.generation += 1;
        let event = Event::BootDone {
            host: h,
            generation: host.generation,
        };
        self.clock.queue.push(self.clock.now + duration, event);
        self.set_power_state(h, PowerState::Booting);
        self.refresh(h);
    }

    pub(in crate::sim) fn on_boot_done(&mut self, h: HostId, generation: u32) {
        if self.fleet.hosts[h].generation != generation
            || self.fleet.hosts[h].state != PowerState::Booting
        {
            return;
        }
        self.accrue(h);
        self.set_power_state(h, PowerState::On);
        self.refresh(h);
        self.pump_migrations();
        self.place_waiting();
    }

    /// Parks an on host (switches it off, or suspends it if the scenario parks in sleep and
    /// its class can sleep). Refused, and logged, while VMs or migrations are on it: the host
    /// is then switched off once its migrations end, if nothing was committed to it meanwhile.
    pub(in crate::sim) fn start_shutdown(&mut self, h: HostId) {
        let host = &self.fleet.hosts[h];
        if host.state != PowerState::On {
            return;
        }
        if !host.is_empty() {
            let draining = host.empty_since.is_some();
            self.fleet.hosts[h].shutdown_pending = draining;
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
        let class = &self.setup.host_classes[self.fleet.hosts[h].class];
        let host = &mut self.fleet.hosts[h];
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
        host.shutdown_pending = false;
        host.generation += 1;
        let event = Event::ShutdownDone {
            host: h,
            generation: host.generation,
        };
        self.clock.queue.push(self.clock.now + duration, event);
        self.set_power_state(h, PowerState::ShuttingDown);
        self.refresh(h);
    }

    pub(in crate::sim) fn on_shutdown_done(&mut self, h: HostId, generation: u32) {
        if self.fleet.hosts[h].generation != generation
            || self.fleet.hosts[h].state != PowerState::ShuttingDown
        {
            return;
        }
        self.accrue(h);
        let parked = if self.fleet.hosts[h].via_sleep {
            PowerState::Sleep
        } else {
            PowerState::Off
        };
        self.set_power_state(h, parked);
        self.refresh(h);
        // A migration chose this host while it was going down: bring it back up.
        if !self.fleet.hosts[h].migrations.is_empty() {
            self.start_boot(h);
        }
    }
}
