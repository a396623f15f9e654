//! The realistic model's power management: the power policy decides, from what the hosts
//! have committed and what waiting VMs need, which hosts to boot and which to park.

use crate::model::host::PowerState;
use crate::policy::power::{self, HostPower};
use crate::sim::Simulation;

impl Simulation<'_> {
    /// Asks the power policy what to power up and down, with `extra` on top of what the hosts
    /// have committed and the waiting VMs need. Hosts with no VM committed (empty, or only
    /// draining VMs that migrate away) count as removable once idle for the grace time.
    pub(in crate::sim::profile) fn realistic_manage_power(&mut self, extra: power::Need) {
        let grace = self.setup.power.idle_grace;
        let mut need = extra;
        need.min_hosts = self.setup.power.min_hosts_on;
        let mut view = Vec::with_capacity(self.fleet.hosts.len());
        for (h, host) in self.fleet.hosts.iter().enumerate() {
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
                    && host
                        .empty_since
                        .is_some_and(|t| t + grace <= self.clock.now),
                watts_per_mips: class.watts_per_mips(),
            });
        }
        // Deferred VMs are not counted: each has a host that fits it once its migrations end.
        for &vm in &self.fleet.waiting {
            let n = self.need(vm, self.policies.fit);
            need.mips += n.mips;
            need.ram_mb += n.ram_mb;
            need.stranded_mips += n.mips;
            need.stranded_ram_mb += n.ram_mb;
            need.stranded_vcpu_mips = need.stranded_vcpu_mips.max(n.vcpu_mips);
        }
        let plan = self.policies.power.plan(&view, need);
        for h in plan.boot {
            self.start_boot(h);
        }
        for h in self.calm_power_down(plan.shut_down) {
            self.start_shutdown(h);
        }
    }
}
