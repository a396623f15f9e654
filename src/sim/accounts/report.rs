//! Timeseries rows and the end-of-run summary.

use crate::model::host::PowerState;
use crate::sim::energy::Split;
use crate::sim::records::*;
use crate::sim::state::*;
use crate::sim::{Outcome, Simulation};
use crate::time::{MS_PER_DAY, secs};

impl Simulation<'_> {
    pub(in crate::sim) fn record_interval(&mut self) {
        self.accrue_all();
        let (moved_mb, peak_mb_s) = self.fleet.traffic.take(self.clock.now);
        if !self.measuring() {
            self.accounts.started_since_row = 0;
            return;
        }
        self.accounts.traffic.0 += moved_mb;
        self.accounts.traffic.1 = self.accounts.traffic.1.max(peak_mb_s);
        let mut row = IntervalRow {
            time_s: secs(self.clock.now),
            hosts_on: 0,
            hosts_booting: 0,
            hosts_shutting_down: 0,
            hosts_off: 0,
            vms_running: 0,
            vms_waiting: self.fleet.waiting.len() + self.fleet.deferred.len(),
            demand_mips: 0.0,
            capacity_on_mips: 0.0,
            power_w: 0.0,
            energy_kwh: 0.0,
            cost: 0.0,
            price_per_kwh: self.accounts.price,
            migrations_in_flight: self.fleet.in_flight,
            migrations_started: std::mem::take(&mut self.accounts.started_since_row),
            hosts_sleeping: 0,
            migrations_queued: self.fleet.mig_queue.len(),
            migration_traffic_gb: moved_mb / 1000.0,
            migration_peak_gbit_s: peak_mb_s * 8.0 / 1000.0,
            hosts_needed: 0,
            unserved_core_h: 0.0,
            hosts_above: 0,
            hosts_lower_bound: 0,
            carbon: None,
            failures: None,
            racks: None,
            memory: self.memory_row(),
        };
        let mut hosts_failed = 0;
        let mut idle_on_w = 0.0;
        let mut ram_used = 0.0;
        let mut unserved_core_ms = 0.0;
        for host in &self.fleet.hosts {
            match host.state {
                PowerState::On => {
                    let mips = self.setup.host_classes[host.class].mips;
                    row.hosts_on += 1;
                    row.capacity_on_mips += mips;
                    idle_on_w += self.setup.host_classes[host.class].power.idle_w();
                    if host.load_mips > mips * self.setup.high_utilisation {
                        row.hosts_above += 1;
                    }
                }
                PowerState::Booting => row.hosts_booting += 1,
                PowerState::ShuttingDown => row.hosts_shutting_down += 1,
                PowerState::Off => row.hosts_off += 1,
                PowerState::Sleep => row.hosts_sleeping += 1,
                PowerState::Failed => hosts_failed += 1,
            }
            if host.state == PowerState::On {
                ram_used += host.ram_used;
            }
            row.vms_running += host.vms.len();
            row.demand_mips += host.requested_mips;
            row.power_w += host.draw.total();
            row.energy_kwh += crate::time::kwh(host.energy.joules.total());
            row.cost += host.energy.cost;
            unserved_core_ms += host.meters.unserved_core_ms;
        }
        let usable = self.policies.power.usable_share().unwrap_or(1.0);
        row.hosts_needed = self.accounts.spread.hosts_needed(
            self.setup,
            &self.fleet.hosts,
            usable,
            row.demand_mips,
            ram_used,
        );
        // The last row of a run that ends at midnight starts no day.
        let day_starts =
            self.clock.now < self.setup.duration || !self.clock.now.is_multiple_of(MS_PER_DAY);
        // One pass over the VMs for the day marks and the lower bound (`accounts::bound`).
        let bound = self.accounts.bound.get_or_insert_with(|| {
            let rules = self.profile.rules();
            super::bound::LowerBound::new(
                &self.setup.host_classes,
                self.fleet.hosts.iter().map(|h| h.class),
                &self.setup.vm_types,
                rules.vcpu_by_share,
                !rules.ram_overcommits,
            )
        });
        bound.clear();
        let mark = (self.accounts.spread).day_mark(self.clock.now, self.fleet.vms.len());
        for (vm, v) in self.fleet.vms.iter().enumerate() {
            if matches!(v.state, VmState::Running(_) | VmState::Migrating(_)) {
                bound.add(v.vm_type, v.demand_mips);
                if day_starts {
                    self.accounts.spread.mark_on(vm, mark);
                }
            }
        }
        row.hosts_lower_bound = bound.total();
        let idle_bound_w = bound.idle_w();
        self.accounts.packing.add(
            self.setup.night,
            super::spread::hour_of_day(self.clock.now),
            (row.hosts_on, row.hosts_lower_bound),
            (idle_on_w, idle_bound_w),
        );
        let mut switch_carbon_g = 0.0;
        if let (Some(racks), Some(sw)) = (&self.setup.racks, &self.accounts.switches) {
            let (racks_on, switch_w) = sw.now(racks);
            let (joules, cost, carbon_g) = sw.totals();
            row.power_w += switch_w;
            row.energy_kwh += crate::time::kwh(joules);
            row.cost += cost;
            switch_carbon_g = carbon_g;
            row.racks = Some(RackRow { racks_on, switch_w });
        }
        if self.setup.carbon.is_some() {
            let mut carbon_g: f64 = self.fleet.hosts.iter().map(|h| h.energy.carbon_g).sum();
            if row.racks.is_some() {
                carbon_g += switch_carbon_g;
            }
            row.carbon = Some(CarbonRow {
                intensity_g_per_kwh: self.accounts.intensity,
                carbon_kg: carbon_g * self.setup.pue / 1000.0,
            });
        }
        row.failures = self.failure_columns(hosts_failed);
        row.unserved_core_h = (unserved_core_ms - self.accounts.unserved_reported).max(0.0) / 3.6e6;
        self.accounts.unserved_reported = unserved_core_ms;
        self.accounts.on_counts = (
            self.accounts.on_counts.0.min(row.hosts_on),
            self.accounts.on_counts.1.max(row.hosts_on),
        );
        self.recorder.interval(&row);
        if !self.accounts.utilisation.is_empty() {
            for (slot, host) in self.accounts.utilisation.iter_mut().zip(&self.fleet.hosts) {
                *slot = (host.state == PowerState::On)
                    .then(|| host.load_mips / self.setup.host_classes[host.class].mips);
            }
            self.recorder
                .host_utilisation(row.time_s, &self.accounts.utilisation);
        }
    }

    /// Ends the warm-up: what happened so far is dropped from every total, so the run's
    /// metrics cover the time after it alone.
    pub(in crate::sim) fn on_warmup_end(&mut self) {
        self.accrue_all();
        for vm in 0..self.fleet.vms.len() {
            self.meter_waiting(vm);
        }
        self.accounts.waiting_core_ms = 0.0;
        for host in &mut self.fleet.hosts {
            host.energy = crate::sim::energy::EnergyAccount {
                since: self.clock.now,
                ..Default::default()
            };
            host.meters = Meters::default();
            (host.boots, host.shutdowns, host.sleeps, host.wakes) = (0, 0, 0, 0);
            (host.migrations_in, host.migrations_out) = (0, 0);
        }
        self.diagnostics.conflicts = Default::default();
        self.accounts.first_reported_mig = self.fleet.migrations.len();
        self.accounts.started_since_row = 0;
        self.fleet.traffic.take(self.clock.now);
        self.accounts.traffic = (0.0, 0.0);
        self.accounts.on_counts = (usize::MAX, 0);
        let vms = &self.fleet.vms;
        let rates = |vm: VmId| vms.get(vm).map_or(Rates::IDLE, |v| v.metered);
        self.accounts.vm_hours.restart(self.clock.now, rates);
        self.accounts.unserved_reported = 0.0;
        self.accounts.deferred = (0, 0);
        if let Some(f) = &mut self.failures {
            f.restart(self.clock.now);
        }
        if let Some(sw) = &mut self.accounts.switches {
            sw.restart(self.clock.now);
        }
        for s in &mut self.workload.services {
            s.restart_meters(self.clock.now);
        }
    }

    /// Whether the warm-up is over (or there is none): rows and counts are reported.
    pub(in crate::sim) fn measuring(&self) -> bool {
        self.clock.now >= self.setup.warmup
    }

    pub(in crate::sim) fn on_end(&mut self) {
        self.record_interval();
    }

    pub(in crate::sim) fn finish(mut self) -> Outcome {
        self.finish_profile();
        for vm in 0..self.fleet.vms.len() {
            self.meter_waiting(vm);
        }
        let setup = self.setup;
        let down = self.down_at_end();
        let (requests, request_summary) = self.request_report();
        let services = self.service_report();
        let mut joules = Split::default();
        let mut it_cost = 0.0;
        let (mut on_ms, mut overload_ms, mut requested, mut lost) = (0u64, 0u64, 0.0, 0.0);
        let (mut demand_core_ms, mut unserved_core_ms) =
            (self.accounts.waiting_core_ms, self.accounts.waiting_core_ms);
        let mut rows = Vec::with_capacity(self.fleet.hosts.len());
        for (h, host) in self.fleet.hosts.iter().enumerate() {
            joules.add_scaled(&host.energy.joules, 1.0);
            it_cost += host.energy.cost;
            on_ms += host.meters.on_ms;
            overload_ms += host.meters.overload_ms;
            requested += host.meters.requested_mips_ms;
            lost += host.meters.lost_mips_ms;
            demand_core_ms += host.meters.requested_core_ms;
            unserved_core_ms += host.meters.unserved_core_ms;
            let k = host.energy.joules.to_kwh();
            rows.push(HostRow {
                host: h,
                class: setup.host_classes[host.class].name.clone(),
                on_hours: host.meters.on_ms as f64 / 3.6e6,
                overload_hours: host.meters.overload_ms as f64 / 3.6e6,
                mean_utilisation: if host.meters.on_ms > 0 {
                    host.meters.utilisation_ms / host.meters.on_ms as f64
                } else {
                    0.0
                },
                boots: host.boots,
                shutdowns: host.shutdowns,
                migrations_in: host.migrations_in,
                migrations_out: host.migrations_out,
                it_kwh: k.total(),
                idle_kwh: k.idle,
                dynamic_kwh: k.dynamic,
                migration_kwh: k.migration,
                transition_kwh: k.transition,
                standby_kwh: k.standby,
                cost: host.energy.cost,
                sleeps: host.sleeps,
                wakes: host.wakes,
                hours_above: host.meters.above_ms as f64 / 3.6e6,
            });
        }
        let mut energy = EnergySummary::new(&joules, it_cost, setup.pue, &setup.currency);
        let racks = self.rack_summary();
        if let Some(sw) = &self.accounts.switches {
            let (joules, cost, _) = sw.totals();
            energy.add_switches(joules, cost);
        }
        let vms = &self.fleet.vms;
        let rates = |vm: VmId| vms.get(vm).map_or(Rates::IDLE, |v| v.metered);
        self.accounts.vm_hours.close_all(self.clock.now, rates);
        // Migrations started during the warm-up are left out.
        let first = self
            .accounts
            .first_reported_mig
            .min(self.fleet.migrations.len());
        let reported = &self.fleet.migrations[first..];
        let done: Vec<&Migration> = reported
            .iter()
            .filter(|m| m.outcome == MigrationOutcome::Done)
            .collect();
        let total_duration: f64 = done.iter().map(|m| secs(m.end - m.start)).sum();
        let migrations = MigrationSummary {
            count: reported.len(),
            completed: done.len(),
            aborted: reported
                .iter()
                .filter(|m| m.outcome == MigrationOutcome::Aborted)
                .count(),
            in_flight: reported
                .iter()
                .filter(|m| m.outcome == MigrationOutcome::InFlight)
                .count(),
            mean_duration_s: if done.is_empty() {
                0.0
            } else {
                total_duration / done.len() as f64
            },
            total_duration_s: total_duration,
            // Float sums start at -0.0: adding 0.0 reads an empty sum as 0.
            data_gb: done.iter().map(|m| m.data_mb).sum::<f64>() / 1000.0 + 0.0,
            total_downtime_s: done.iter().map(|m| secs(m.downtime)).sum(),
            max_downtime_s: done.iter().map(|m| secs(m.downtime)).fold(0.0, f64::max),
            mean_wait_s: if done.is_empty() {
                0.0
            } else {
                done.iter().map(|m| secs(m.start - m.planned)).sum::<f64>() / done.len() as f64
            },
            traffic_gb: self.accounts.traffic.0 / 1000.0,
            peak_traffic_gbit_s: self.accounts.traffic.1 * 8.0 / 1000.0,
            per_day: self.per_day(reported.iter().map(|m| m.start / MS_PER_DAY)),
        };
        let slatah = if on_ms > 0 {
            overload_ms as f64 / on_ms as f64
        } else {
            0.0
        };
        let pdm = if requested > 0.0 {
            lost / requested
        } else {
            0.0
        };
        let sla = SlaSummary {
            slatah,
            pdm,
            slav: slatah * pdm,
            esv: energy.it_kwh * slatah * pdm,
        };
        let mut summary = Summary {
            scenario: setup.name.clone(),
            seed: setup.seed,
            duration_s: secs(setup.duration),
            warmup_s: secs(setup.warmup),
            night: setup.night,
            energy,
            migrations,
            sla,
            conflicts: ConflictSummary {
                total: self.diagnostics.conflicts.iter().sum(),
                by_kind: crate::sim::conflicts::counts_by_name(&self.diagnostics.conflicts),
            },
            hosts: HostSummary {
                count: self.fleet.hosts.len(),
                boots: self.fleet.hosts.iter().map(|h| h.boots as u64).sum(),
                shutdowns: self.fleet.hosts.iter().map(|h| h.shutdowns as u64).sum(),
                sleeps: self.fleet.hosts.iter().map(|h| h.sleeps as u64).sum(),
                wakes: self.fleet.hosts.iter().map(|h| h.wakes as u64).sum(),
                mean_on: on_ms as f64 / (setup.duration - setup.warmup).max(1) as f64,
                min_on: if self.accounts.on_counts.0 == usize::MAX {
                    0
                } else {
                    self.accounts.on_counts.0
                },
                max_on: self.accounts.on_counts.1,
            },
            vms: VmSummary {
                count: self.fleet.vms.len(),
                ended: self
                    .fleet
                    .vms
                    .iter()
                    .filter(|v| v.state == VmState::Ended)
                    .count(),
                // A VM a failure stopped waits for its restart (down, or queued after it): it
                // is waiting at the end, but it ran, so it is not unplaced.
                waiting_at_end: self.fleet.waiting.len() + self.fleet.deferred.len() + down.0,
                unplaced: self.fleet.waiting.len() + self.fleet.deferred.len() - down.1,
                demand_core_h: demand_core_ms / 3.6e6,
                unserved_demand_core_h: unserved_core_ms / 3.6e6,
                waiting_core_h: self.accounts.waiting_core_ms / 3.6e6,
                unserved_fraction: if demand_core_ms > 0.0 {
                    unserved_core_ms / demand_core_ms
                } else {
                    0.0
                },
                running_at_end: self
                    .fleet
                    .vms
                    .iter()
                    .filter(|v| matches!(v.state, VmState::Running(_) | VmState::Migrating(_)))
                    .count(),
            },
            requests: request_summary,
            calm: setup
                .calm
                .is_active()
                .then(|| self.policies.calm.counts.clone()),
            services,
            events: self.clock.events,
            migration_spread: self.accounts.spread.summary(setup, reported),
            late_demand: LateDemandSummary {
                forecast: setup.power.forecast.name().into(),
                core_h: self.accounts.late_core_ms / 3.6e6,
            },
            impact: self.impact_summary(reported, on_ms),
            carbon: self.carbon_summary(),
            packing: Some(self.accounts.packing.summary()),
            failures: self.failure_summary(),
            racks,
            memory: self.memory_summary(),
            rules: None,
        };
        let rules = setup.groups.iter().filter_map(|g| g.rule.as_ref());
        summary.rules = RulesSummary::of(
            [
                rules.clone().filter(|r| r.anti_affinity).count(),
                rules.clone().filter(|r| r.affinity).count(),
                rules.filter(|r| r.classes.is_some()).count(),
            ],
            &summary,
        );
        Outcome {
            summary,
            hosts: rows,
            requests,
        }
    }
}

impl Simulation<'_> {
    /// `summary.json` → `impact` at the end of the run, from the hosts' meters, the VM-hour
    /// meters and the migrations reported (`reported`, those started after the warm-up);
    /// `on_ms` is the hosts' total time on. The VM-hour meters are closed already.
    fn impact_summary(&self, reported: &[Migration], on_ms: u64) -> ImpactSummary {
        let above_ms: u64 = self.fleet.hosts.iter().map(|h| h.meters.above_ms).sum();
        // Each VM's total pause, over its completed migrations (VMs without one: none).
        let mut paused: Vec<Option<f64>> = vec![None; self.fleet.vms.len()];
        for m in reported {
            if m.outcome == MigrationOutcome::Done {
                *paused[m.vm].get_or_insert(0.0) += secs(m.downtime);
            }
        }
        let stun: Vec<f64> = paused.into_iter().flatten().collect();
        // (day, VM) pairs with a migration started that day.
        let mut disturbed: Vec<(u64, VmId)> = reported
            .iter()
            .map(|m| (m.start / MS_PER_DAY, m.vm))
            .collect();
        disturbed.sort_unstable();
        disturbed.dedup();
        let per_day = self.per_day(disturbed.iter().map(|&(day, _)| day));
        let days = per_day.len();
        ImpactSummary {
            high_utilisation: self.setup.high_utilisation,
            host_hours_above: above_ms as f64 / 3.6e6,
            host_share_above: if on_ms > 0 {
                above_ms as f64 / on_ms as f64
            } else {
                0.0
            },
            unserved_p99_vm_hour: self.accounts.vm_hours.p99(),
            vm_hours: self.accounts.vm_hours.count(),
            stun_worst_vm_s: stun.iter().copied().fold(0.0, f64::max),
            stun_mean_vm_s: if stun.is_empty() {
                0.0
            } else {
                stun.iter().sum::<f64>() / stun.len() as f64
            },
            vms_disturbed_per_day: disturbed.len() as f64 / days as f64,
            vms_disturbed_max_day: per_day.iter().copied().max().unwrap_or(0),
        }
    }
}

impl Simulation<'_> {
    /// How many of `day_numbers` (days from the start, 0 for the first) fall on each simulated
    /// day from the one the warm-up ends on to the last (others are not counted).
    fn per_day(&self, day_numbers: impl Iterator<Item = u64>) -> Vec<usize> {
        let first_day = self.setup.warmup / MS_PER_DAY;
        let days = (self.setup.duration.max(1) - 1) / MS_PER_DAY - first_day + 1;
        let mut per_day = vec![0usize; days as usize];
        for day in day_numbers {
            if let Some(n) = day
                .checked_sub(first_day)
                .and_then(|d| per_day.get_mut(d as usize))
            {
                *n += 1;
            }
        }
        per_day
    }

    /// `summary.json` → `carbon` at the end of the run (none without `[carbon]`): the hosts'
    /// emissions since the warm-up, and the embodied share of the simulated time after it.
    fn carbon_summary(&self) -> Option<CarbonSummary> {
        let c = self.setup.carbon.as_ref()?;
        let intensity = c.intensity.as_ref()?;
        let pue = self.setup.pue;
        let (mut it_g, mut joules) = (0.0, 0.0);
        for host in &self.fleet.hosts {
            it_g += host.energy.carbon_g;
            joules += host.energy.joules.total();
        }
        if let Some(sw) = &self.accounts.switches {
            let (switch_joules, _, switch_g) = sw.totals();
            it_g += switch_g;
            joules += switch_joules;
        }
        let facility_kwh = crate::time::kwh(joules) * pue;
        let span = self.setup.duration - self.setup.warmup;
        let mut embodied_kg = 0.0;
        for (class, e) in c.embodied.iter().enumerate() {
            if let Some(e) = e {
                let hosts = self.fleet.hosts.iter().filter(|h| h.class == class).count();
                embodied_kg += e.amortised_kg(hosts, span);
            }
        }
        let operational_kg = it_g * pue / 1000.0;
        let (min, max) = intensity.range(self.setup.warmup, self.setup.duration);
        Some(CarbonSummary {
            intensity_source: c.source.clone(),
            mean_intensity_g_per_kwh: if facility_kwh > 0.0 {
                it_g * pue / facility_kwh
            } else {
                0.0
            },
            min_intensity_g_per_kwh: min,
            max_intensity_g_per_kwh: max,
            it_operational_kg: it_g / 1000.0,
            operational_kg,
            embodied_kg,
            total_kg: operational_kg + embodied_kg,
            baseline_operational_kg: None,
            saved_kg: None,
            deferral: c.defer.as_ref().map(|d| {
                let (vms, waited_ms) = self.accounts.deferred;
                DeferralSummary {
                    max_delay_h: d.max_delay as f64 / 3.6e6,
                    vms_deferred: vms,
                    mean_delay_h: if vms > 0 {
                        waited_ms as f64 / vms as f64 / 3.6e6
                    } else {
                        0.0
                    },
                    without_deferral_kg: None,
                    saved_kg: None,
                }
            }),
        })
    }
}

impl Simulation<'_> {
    /// `summary.json` → `racks` at the end of the run (none without `[racks]`).
    fn rack_summary(&self) -> Option<RackSummary> {
        let (racks, sw) = (self.setup.racks.as_ref()?, self.accounts.switches.as_ref()?);
        let on_ms: u64 = sw.on_ms.iter().sum();
        let span = (self.setup.duration - self.setup.warmup).max(1);
        Some(RackSummary {
            count: racks.map.len(),
            switch_w: racks.switch_w,
            switch_mode: match racks.mode {
                crate::model::racks::SwitchMode::WithHosts => "with-hosts",
                crate::model::racks::SwitchMode::AlwaysOn => "always-on",
            }
            .into(),
            switch_source: racks.source.clone(),
            prefer_empty: racks.prefer_empty,
            switch_kwh: crate::time::kwh(sw.totals().0),
            switch_on_hours: on_ms as f64 / 3.6e6,
            mean_on: on_ms as f64 / span as f64,
            baseline_switch_kwh: None,
        })
    }
}
