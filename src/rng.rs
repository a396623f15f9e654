//! Independent random streams derived from the scenario seed, one per purpose, so that adding
//! draws for one purpose (say, noise) never shifts another (say, random VM selection).

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The purposes that draw random numbers; each gets its own stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Noise on load curves.
    Noise = 1,
    /// Random VM selection.
    Selection = 2,
    /// Request arrivals and sizes.
    Arrivals = 3,
    /// VM lifetimes.
    Lifetimes = 4,
    /// Request batches: their size and VM types.
    Requests = 5,
    /// Lifetimes of requested VMs.
    RequestLifetimes = 6,
    /// Noise on the demand of replicated services.
    Services = 7,
    /// Host failures and repairs (one substream per host, then one per rack).
    Failures = 8,
    /// Noise on memory curves (`vms[].ram_load`).
    MemoryNoise = 9,
}

/// The random generator of `stream` for `seed`.
pub fn stream(seed: u64, stream: Stream) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(seed ^ splitmix64(stream as u64)))
}

/// The generator of `stream` for the `index`-th member of a family (a team, a service), so
/// that adding a team never shifts another team's draws.
pub fn substream(seed: u64, stream: Stream, index: usize) -> Xoshiro256PlusPlus {
    let family = splitmix64(seed ^ splitmix64(stream as u64));
    Xoshiro256PlusPlus::seed_from_u64(splitmix64(family ^ splitmix64(index as u64 + 1)))
}

/// SplitMix64 finaliser: spreads nearby seeds far apart.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: u64 = stream(42, Stream::Noise).random();
        assert_eq!(a, stream(42, Stream::Noise).random::<u64>());
        assert_ne!(a, stream(42, Stream::Selection).random::<u64>());
        assert_ne!(a, stream(43, Stream::Noise).random::<u64>());
    }

    #[test]
    fn substreams_differ_by_member_and_from_the_parent_stream() {
        let a: u64 = substream(42, Stream::Arrivals, 0).random();
        assert_eq!(a, substream(42, Stream::Arrivals, 0).random::<u64>());
        assert_ne!(a, substream(42, Stream::Arrivals, 1).random::<u64>());
        assert_ne!(a, stream(42, Stream::Arrivals).random::<u64>());
    }
}
