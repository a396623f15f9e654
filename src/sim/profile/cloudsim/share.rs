//! CloudSim's CPU share of a host (a time-shared scheduler that allows over-subscription).
//!
//! Each VM asks for its demand, capped per vCPU at the speed of one core. A VM migrating away
//! gets `keep` (90 %) of its share on the source; a VM migrating in loads the destination with
//! `arrive` (10 %) of its share. VMs are served in list order while capacity lasts; as soon as
//! one does not fit, the whole host is over-subscribed and every VM gets its share scaled by
//! capacity / total asked, rounded down to whole MIPS.

/// How a VM sits on the host being shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Runs here and stays.
    Resident,
    /// Runs here and is being copied away (keeps `keep` of its share).
    Leaving,
    /// Being copied here (loads the host with `arrive` of its share).
    Arriving,
}

/// One VM's claim on the host.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Claim {
    /// CPU demand, MIPS (uncapped).
    pub requested: f64,
    /// Virtual CPUs (the demand is split evenly among them).
    pub vcpus: u32,
    /// Where it stands.
    pub role: Role,
}

/// The host's totals after sharing.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    /// CPU the host delivers, MIPS: what CloudSim calls the host's utilisation (a leaving VM
    /// counts its full share, an arriving one `arrive` of it).
    pub allocated: f64,
    /// CPU asked of the host, MIPS: every VM's full demand, arriving ones included.
    pub requested: f64,
    /// Capacity not handed out, MIPS (0 once over-subscribed).
    pub available: f64,
    /// Whether the claims did not fit.
    pub oversubscribed: bool,
}

/// The sharing rule of one host: its capacity and the migration split.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scheduler {
    /// Total capacity, MIPS.
    pub capacity: f64,
    /// Speed of one core, MIPS (a vCPU never gets more).
    pub core: f64,
    /// Share a leaving VM keeps (CloudSim: 0.9).
    pub keep: f64,
    /// Share of an arriving VM the destination carries (CloudSim: 0.1).
    pub arrive: f64,
}

impl Scheduler {
    /// A claim's demand capped at one core per vCPU.
    pub fn capped(&self, c: &Claim) -> f64 {
        if c.vcpus <= 1 {
            // Dividing and multiplying by one are exact: the same bits, without the division.
            return c.requested.min(self.core);
        }
        let per = c.requested / f64::from(c.vcpus);
        per.min(self.core) * f64::from(c.vcpus)
    }

    /// What a claim takes from the host's capacity when it fits, its demand being `capped`
    /// ([`Self::capped`]).
    fn need(&self, c: &Claim, capped: f64) -> f64 {
        if c.role == Role::Arriving {
            capped * self.arrive
        } else {
            capped
        }
    }

    /// Shares the host among `claims` (in list order), writing each VM's allocation into
    /// `out` (cleared first; the allocation of a leaving VM is its degraded share).
    pub fn share(&self, claims: &[Claim], out: &mut Vec<f64>) -> Totals {
        out.clear();
        let mut available = self.capacity;
        let mut oversubscribed = false;
        let mut requested = 0.0;
        // What the host delivers, summed in claim order as `Sum` would (from -0.0); redone
        // below if the claims over-subscribe it.
        let mut allocated = -0.0;
        for c in claims {
            requested += c.requested;
            let capped = self.capped(c);
            let need = self.need(c, capped);
            if !oversubscribed && available >= need {
                let share = match c.role {
                    Role::Resident => capped,
                    Role::Leaving => capped * self.keep,
                    Role::Arriving => capped * self.arrive,
                };
                out.push(share);
                allocated += delivered(c, share, self.keep);
                available -= need;
            } else if need > 0.0 {
                oversubscribed = true;
            } else {
                out.push(0.0);
                allocated += delivered(c, 0.0, self.keep);
            }
        }
        if oversubscribed {
            let asked: f64 = claims.iter().map(|c| self.need(c, self.capped(c))).sum();
            let scale = self.capacity / asked;
            out.clear();
            out.extend(claims.iter().map(|c| {
                let capped = self.capped(c);
                let share = match c.role {
                    Role::Resident => capped * scale,
                    Role::Leaving => capped * scale * self.keep,
                    Role::Arriving => capped * self.arrive * scale,
                };
                share.floor()
            }));
            available = 0.0;
            allocated = claims
                .iter()
                .zip(out.iter())
                .map(|(c, &a)| delivered(c, a, self.keep))
                .sum();
        }
        Totals {
            allocated,
            requested,
            available,
            oversubscribed,
        }
    }
}

/// The CPU a host delivers for claim `c` given `share`: a leaving VM's share is what is left
/// to it after degradation (`keep`), while the host still delivers all of it.
fn delivered(c: &Claim, share: f64, keep: f64) -> f64 {
    if c.role == Role::Leaving {
        share / keep
    } else {
        share
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A G5 host of CloudSim's set-up: 2 cores of 2660 MIPS.
    const G5: Scheduler = Scheduler {
        capacity: 5320.0,
        core: 2660.0,
        keep: 0.9,
        arrive: 0.1,
    };

    fn claim(requested: f64, role: Role) -> Claim {
        Claim {
            requested,
            vcpus: 1,
            role,
        }
    }

    #[test]
    fn claims_that_fit_get_their_demand_with_the_migration_split() {
        let mut out = Vec::new();
        let t = G5.share(
            &[
                claim(1000.0, Role::Resident),
                claim(500.0, Role::Leaving),
                claim(2000.0, Role::Arriving),
            ],
            &mut out,
        );
        // The leaving VM gets 450, the arriving one loads the host with 200.
        assert_eq!(out, vec![1000.0, 450.0, 200.0]);
        // Utilisation counts the leaving VM in full: 1000 + 500 + 200.
        assert_eq!(t.allocated, 1700.0);
        assert_eq!(t.requested, 3500.0);
        assert_eq!(t.available, 5320.0 - 1000.0 - 500.0 - 200.0);
        assert!(!t.oversubscribed);
    }

    #[test]
    fn a_vcpu_gets_at_most_one_core() {
        let mut out = Vec::new();
        let t = G5.share(&[claim(3000.0, Role::Resident)], &mut out);
        assert_eq!(out, vec![2660.0]);
        assert_eq!(t.requested, 3000.0);
    }

    #[test]
    fn oversubscription_scales_every_share_and_rounds_down() {
        let mut out = Vec::new();
        // Asked: 2600 + 2600 + 0.1 x 2000 = 5400 > 5320: scale 5320 / 5400.
        let t = G5.share(
            &[
                claim(2600.0, Role::Resident),
                claim(2600.0, Role::Leaving),
                claim(2000.0, Role::Arriving),
            ],
            &mut out,
        );
        let s: f64 = 5320.0 / 5400.0;
        assert_eq!(
            out,
            vec![
                (2600.0 * s).floor(),
                (2600.0 * s * 0.9).floor(),
                (2000.0 * 0.1 * s).floor()
            ]
        );
        assert_eq!(out, vec![2561.0, 2305.0, 197.0]);
        assert!(t.oversubscribed);
        assert_eq!(t.available, 0.0);
        assert!((t.allocated - (2561.0 + 2305.0 / 0.9 + 197.0)).abs() < 1e-9);
    }
}
