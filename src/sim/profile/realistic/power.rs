//! The realistic model's power management: the power policy decides, from what the hosts
//! have committed and what waiting VMs need, which hosts to boot and which to park. At each
//! control tick it first sees every host (policies that keep a history, like `dpm`, sample it).

use crate::model::host::PowerState;
use crate::policy::power::{self, HostPower};
use crate::sim::Simulation;

impl Simulation<'_> {
    /// Asks the power policy what to power up and down, with `extra` on top of what the hosts
    /// have committed and the waiting VMs need. Hosts with no VM committed (empty, or only
    /// draining VMs that migrate away) count as removable once idle for the grace time.
    pub(in crate::sim::profile) fn realistic_manage_power(&mut self, extra: power::Need) {
        let (view, need) = self.power_view(extra);
        self.apply_power_plan(&view, need);
    }

    /// Power management at a control tick: the policy observes every host, then plans.
    pub(super) fn realistic_tick_power(&mut self, extra: power::Need) {
        let (view, need) = self.power_view(extra);
        self.policies.power.observe(self.clock.now, &view);
        self.apply_power_plan(&view, need);
        self.meter_late_demand();
    }

    /// Demand served late: while a host boots (or wakes) after this tick's plan, the CPU
    /// demand above what the on hosts can run plus that of VMs waiting for a host, held until
    /// the next tick (or the end), vCPU x ms.
    fn meter_late_demand(&mut self) {
        let hosts = &self.fleet.hosts;
        if !self.measuring() || !hosts.iter().any(|h| h.state == PowerState::Booting) {
            return;
        }
        let mut cores = 0.0;
        for host in hosts {
            if host.state == PowerState::On && host.requested_mips > 0.0 {
                let mips = self.setup.host_classes[host.class].mips;
                let short = (host.requested_mips - mips).max(0.0);
                cores += short / host.requested_mips * host.requested_cores;
            }
        }
        for &vm in &self.fleet.waiting {
            let v = &self.fleet.vms[vm];
            cores += v.demand_mips * self.policies.cores_per_mips[v.vm_type];
        }
        let now = self.clock.now;
        let held = self
            .setup
            .control_interval
            .min(self.setup.duration.saturating_sub(now));
        self.accounts.late_core_ms += cores * held as f64;
    }

    /// Every host as the power policy sees it, and what the fleet must hold.
    fn power_view(&self, extra: power::Need) -> (Vec<HostPower>, power::Need) {
        let grace = self.setup.power.idle_grace;
        let mut need = extra;
        need.min_hosts = self.setup.power.min_hosts_on;
        let mut view = Vec::with_capacity(self.fleet.hosts.len());
        for (h, host) in self.fleet.hosts.iter().enumerate() {
            let class = &self.setup.host_classes[host.class];
            if matches!(host.state, PowerState::On | PowerState::Booting) {
                need.mips += host.committed_mips;
                need.ram_mb += host.ram_used - self.fleet.leaving(&self.setup.vm_types, h).0;
            }
            let on = host.state == PowerState::On;
            view.push(HostPower {
                id: h,
                state: host.state,
                mips: class.mips,
                // Reserved RAM is counted against what placement may reserve (over-commit).
                ram_mb: class.ram_limit_mb(),
                core_mips: class.core_mips(),
                removable: on
                    && host
                        .empty_since
                        .is_some_and(|t| t + grace <= self.clock.now),
                watts_per_mips: class.watts_per_mips(),
                demand_mips: if on { host.requested_mips } else { 0.0 },
                ram_used_mb: if on { host.ram_used } else { 0.0 },
                boot_ms: match (host.state, class.sleep) {
                    (PowerState::Sleep, Some(sleep)) => sleep.wake_ms,
                    _ => class.boot_ms,
                },
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
        (view, need)
    }

    /// Boots and parks what the power policy plans for `view` and `need`.
    fn apply_power_plan(&mut self, view: &[HostPower], need: power::Need) {
        let mut plan = self.policies.power.plan(view, need);
        self.prefer_empty_racks(view, &mut plan);
        for h in plan.boot {
            self.start_boot(h);
        }
        for h in self.calm_power_down(plan.shut_down) {
            self.start_shutdown(h);
        }
    }
}
