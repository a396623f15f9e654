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

#[cfg(test)]
mod tests {
    use super::*;

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
