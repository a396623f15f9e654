//! Racks: which hosts share a top-of-rack switch, and that switch's power. Rack membership
//! is fixed for a run; the failure model reads it to fail a rack's hosts as a unit.

/// Rack index, in the order racks are named (or filled).
pub type RackId = usize;

/// Which rack each host is in, and which hosts each rack holds (host ids ascending).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RackMap {
    /// Rack names: given in `racks.names`, or `rack-1`, `rack-2`, ... when filled by count.
    names: Vec<String>,
    /// The rack of each host, in host-id order.
    of_host: Vec<RackId>,
    /// The hosts of each rack, ascending.
    members: Vec<Vec<usize>>,
}

impl RackMap {
    /// The map of `names.len()` racks where host `h` is in rack `of_host[h]`. Every entry of
    /// `of_host` must index `names` (the scenario compiler checks it).
    pub fn new(names: Vec<String>, of_host: Vec<RackId>) -> RackMap {
        let mut members = vec![Vec::new(); names.len()];
        for (h, &r) in of_host.iter().enumerate() {
            members[r].push(h);
        }
        RackMap {
            names,
            of_host,
            members,
        }
    }

    /// Racks of `per_rack` hosts each, filled in host-id order; the last may hold fewer.
    pub fn filled(hosts: usize, per_rack: usize) -> RackMap {
        let per_rack = per_rack.max(1);
        let racks = hosts.div_ceil(per_rack);
        let names = (1..=racks).map(|i| format!("rack-{i}")).collect();
        RackMap::new(names, (0..hosts).map(|h| h / per_rack).collect())
    }

    /// Number of racks.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there is no rack.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The rack host `h` is in.
    pub fn rack_of(&self, h: usize) -> RackId {
        self.of_host[h]
    }

    /// The hosts of rack `r`, ascending.
    pub fn hosts(&self, r: RackId) -> &[usize] {
        &self.members[r]
    }

    /// Rack `r`'s name.
    pub fn name(&self, r: RackId) -> &str {
        &self.names[r]
    }
}

/// When a top-of-rack switch is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SwitchMode {
    /// On while any host of its rack is not off (booting, on, shutting down or asleep).
    WithHosts,
    /// On for the whole run.
    AlwaysOn,
}

/// `[racks]` compiled: membership, each switch's draw and when it is on, and whether power
/// management prefers emptying whole racks.
#[derive(Debug, Clone, PartialEq)]
pub struct RackSetup {
    /// Which hosts share a switch.
    pub map: RackMap,
    /// A switch's draw while on, W.
    pub switch_w: f64,
    /// A switch's draw while off (0: cut at the rack's power strip), W.
    pub switch_off_w: f64,
    /// When a switch is on.
    pub mode: SwitchMode,
    /// Power management and consolidation empty whole racks first.
    pub prefer_empty: bool,
    /// Where the switch figure comes from, as the scenario says (`racks.switch.source`).
    pub source: String,
}

impl RackSetup {
    /// A switch's draw, W, when `awake` hosts of its rack are not off.
    pub fn draw(&self, awake: usize) -> f64 {
        if self.mode == SwitchMode::AlwaysOn || awake > 0 {
            self.switch_w
        } else {
            self.switch_off_w
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn racks_fill_in_host_order_and_the_last_holds_the_rest() {
        // 5 hosts, 2 a rack: rack-1 = {0, 1}, rack-2 = {2, 3}, rack-3 = {4}.
        let map = RackMap::filled(5, 2);
        assert_eq!(map.len(), 3);
        assert_eq!(map.hosts(2), &[4]);
        assert_eq!(map.rack_of(3), 1);
        assert_eq!(map.name(0), "rack-1");
    }

    #[test]
    fn a_with_hosts_switch_draws_its_off_power_only_with_every_host_off() {
        let setup = RackSetup {
            map: RackMap::filled(2, 2),
            switch_w: 150.0,
            switch_off_w: 0.0,
            mode: SwitchMode::WithHosts,
            prefer_empty: false,
            source: String::new(),
        };
        assert_eq!(setup.draw(0), 0.0);
        assert_eq!(setup.draw(1), 150.0);
        let always = RackSetup {
            mode: SwitchMode::AlwaysOn,
            ..setup
        };
        assert_eq!(always.draw(0), 150.0);
    }
}
