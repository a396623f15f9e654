//! Live-migration arithmetic at a constant bandwidth: the simple one-copy model and iterative
//! pre-copy (Clark et al. 2005): copy all memory while the VM runs, then the pages it dirtied
//! meanwhile, round after round, until the rest is small enough to send with the VM paused
//! (stop-and-copy) or the round cap is reached.
//!
//! The simulator applies the same rules round by round with a rate that changes as other
//! migrations share the link; these closed forms give the uncontended case.

/// Duration and data of one migration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CopyPlan {
    /// Pre-copy rounds (the first full copy included).
    pub rounds: u32,
    /// Total time from start to the VM running on the destination, s.
    pub duration_s: f64,
    /// Time the VM is paused (stop-and-copy), s.
    pub downtime_s: f64,
    /// Data sent, MB.
    pub data_mb: f64,
}

/// The simple model: the RAM once, no downtime.
pub fn simple(ram_mb: f64, rate_mb_s: f64) -> CopyPlan {
    CopyPlan {
        rounds: 1,
        duration_s: ram_mb / rate_mb_s,
        downtime_s: 0.0,
        data_mb: ram_mb,
    }
}

/// Whether pre-copy stops after `rounds` rounds, with `dirty_mb` left to send at `rate_mb_s`.
pub fn stop_copying(
    rounds: u32,
    dirty_mb: f64,
    rate_mb_s: f64,
    max_rounds: u32,
    max_downtime_s: f64,
) -> bool {
    rounds >= max_rounds || dirty_mb / rate_mb_s <= max_downtime_s + 1e-12
}

/// Iterative pre-copy at a constant `rate_mb_s` with memory dirtied at `dirty_mb_s`: round 1
/// sends the RAM, round k+1 what round k's duration dirtied (at most the whole RAM), until the
/// remainder fits in `max_downtime_s` or `max_rounds` rounds are done; then the remainder goes
/// with the VM paused.
pub fn precopy(
    ram_mb: f64,
    rate_mb_s: f64,
    dirty_mb_s: f64,
    max_rounds: u32,
    max_downtime_s: f64,
) -> CopyPlan {
    let (mut rounds, mut duration, mut data) = (0, 0.0, 0.0);
    let mut volume = ram_mb;
    loop {
        let t = volume / rate_mb_s;
        rounds += 1;
        duration += t;
        data += volume;
        volume = (dirty_mb_s * t).min(ram_mb);
        if stop_copying(rounds, volume, rate_mb_s, max_rounds, max_downtime_s) {
            break;
        }
    }
    let downtime = volume / rate_mb_s;
    CopyPlan {
        rounds,
        duration_s: duration + downtime,
        downtime_s: downtime,
        data_mb: data + volume,
    }
}

/// The energy a live migration costs the two hosts beyond their CPU overhead: a part per MB
/// sent and a fixed part per migration, each split between source and destination (Liu et
/// al. 2011 measured migration energy on Xen growing linearly with the data sent; see
/// docs/scenario.md, `[migration.energy]`). The per-MB part is drawn while data flows, so a
/// host's migration draw is `rate (MB/s) x J/MB`; the fixed part is booked when copying starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MigrationEnergy {
    /// Joules per MB sent booked on the source.
    pub source_j_per_mb: f64,
    /// Joules per MB sent booked on the destination.
    pub destination_j_per_mb: f64,
    /// Joules per migration booked on the source.
    pub source_j_fixed: f64,
    /// Joules per migration booked on the destination.
    pub destination_j_fixed: f64,
}

impl MigrationEnergy {
    /// No energy beyond the CPU overhead (CloudSim's accounting).
    pub const NONE: MigrationEnergy = MigrationEnergy {
        source_j_per_mb: 0.0,
        destination_j_per_mb: 0.0,
        source_j_fixed: 0.0,
        destination_j_fixed: 0.0,
    };

    /// `j_per_mb` per MB sent plus `j_fixed` per migration at the hosts, plus
    /// `network_j_per_gb` per GB (1000 MB) for the network between them; a fraction
    /// `source_share` of each on the source, the rest on the destination.
    pub fn new(j_per_mb: f64, j_fixed: f64, network_j_per_gb: f64, source_share: f64) -> Self {
        let per_mb = j_per_mb + network_j_per_gb / 1000.0;
        MigrationEnergy {
            source_j_per_mb: per_mb * source_share,
            destination_j_per_mb: per_mb * (1.0 - source_share),
            source_j_fixed: j_fixed * source_share,
            destination_j_fixed: j_fixed * (1.0 - source_share),
        }
    }

    /// Joules one migration sending `data_mb` costs, both hosts together.
    pub fn joules(&self, data_mb: f64) -> f64 {
        (self.source_j_per_mb + self.destination_j_per_mb) * data_mb
            + self.source_j_fixed
            + self.destination_j_fixed
    }

    /// Whether the per-MB part is zero (no draw follows the transfer rate).
    pub fn per_mb_is_zero(&self) -> bool {
        self.source_j_per_mb == 0.0 && self.destination_j_per_mb == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn energy_is_linear_in_data_and_split_by_share() {
        // 0.5 J/MB + 20 J, network 100 J/GB (0.1 J/MB), 60 % on the source: a 1000 MB move
        // costs 0.6 x 1000 + 20 = 620 J; the source books 0.36 J/MB and 12 J.
        let e = MigrationEnergy::new(0.5, 20.0, 100.0, 0.6);
        assert!((e.joules(1000.0) - 620.0).abs() < 1e-9);
        assert!((e.source_j_per_mb - 0.36).abs() < 1e-12);
        assert!((e.destination_j_fixed - 8.0).abs() < 1e-12);
        assert!(MigrationEnergy::NONE.per_mb_is_zero());
        assert_eq!(MigrationEnergy::NONE.joules(1e6), 0.0);
    }

    #[test]
    fn precopy_by_hand() {
        // 1024 MB at 100 MB/s, dirtying 25 MB/s, downtime target 0.1 s: rounds of 1024, 256,
        // 64 and 16 MB (10.24 + 2.56 + 0.64 + 0.16 s); 16 MB dirties 4 MB, sent paused in
        // 0.04 s. Total 13.64 s, 1364 MB.
        let p = precopy(1024.0, 100.0, 25.0, 30, 0.1);
        assert_eq!(p.rounds, 4);
        assert!((p.duration_s - 13.64).abs() < 1e-9, "{p:?}");
        assert!((p.downtime_s - 0.04).abs() < 1e-12, "{p:?}");
        assert!((p.data_mb - 1364.0).abs() < 1e-9, "{p:?}");
    }

    #[test]
    fn round_cap_forces_stop_and_copy_when_dirtying_outpaces_the_link() {
        // Dirtying 200 MB/s on a 100 MB/s link never converges: 2 rounds of the whole 1000 MB
        // (a VM cannot dirty more memory than it has) in 10 s each, then 1000 MB paused for
        // 10 s.
        let p = precopy(1000.0, 100.0, 200.0, 2, 0.3);
        assert_eq!(p.rounds, 2);
        assert!((p.downtime_s - 10.0).abs() < 1e-9);
        assert!((p.duration_s - 30.0).abs() < 1e-9);
        assert!((p.data_mb - 3000.0).abs() < 1e-9);
    }

    #[test]
    fn simple_model_is_ram_over_rate() {
        // CloudSim: 870 MB over half a 1 Gbit/s link (62.5 MB/s) = 13.92 s.
        let p = simple(870.0, 62.5);
        assert!((p.duration_s - 13.92).abs() < 1e-12);
        assert_eq!(p.downtime_s, 0.0);
    }
}
