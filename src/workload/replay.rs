//! A trace on the simulated timeline: time shift, looping, scaling, and the mapping of trace
//! VMs onto VM types; and the replay seam the simulation consumes ([`Replay`]: every trace
//! VM's [`Level`] at a grid step, [`VmInfo`]: what a trace says about one VM). The trace
//! readers in `crate::trace` implement it; the core never imports them.

use crate::time::SimTime;

/// CPU utilisation in hundredths of a percent (0 ..= [`FULL`]): two bytes per sample.
pub type Level = u16;

/// The level of 100 % utilisation.
pub const FULL: Level = 10_000;

/// A level as a fraction of the VM's CPU (0..=1).
pub fn fraction(level: Level) -> f64 {
    f64::from(level) / f64::from(FULL)
}

/// Why a replay could not go on (a trace file that changed since it was scanned, say); its
/// message names the file.
pub type ReplayError = Box<dyn std::error::Error + Send + Sync>;

/// A trace being replayed: every VM's level, one grid step at a time.
pub trait Replay {
    /// Writes each VM's level at grid step `step` into `out` (one entry per VM, in the order
    /// of the scanned trace's VMs): the VM's latest sample at or before the step, 0 outside
    /// its first..end steps. Steps must not decrease, except that going back rewinds the
    /// replay (for looped traces).
    fn seek(&mut self, step: u32, out: &mut [Level]) -> Result<(), ReplayError>;
}

/// Per-VM attributes a scenario can map onto VM types (`type_by`).
pub const ATTRIBUTES: [&str; 3] = ["cores", "memory_gb", "category"];

/// One VM of a trace, as a trace reader found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmInfo {
    /// VM id: the file name (PlanetLab, Bitbrains without `.csv`) or the id column.
    pub id: String,
    /// First grid step with a sample.
    pub first_step: u32,
    /// One past the last grid step with a sample.
    pub end_step: u32,
    /// Cores (Bitbrains `CPU cores`, Azure metadata core bucket).
    pub cores: Option<String>,
    /// Memory in GB (Azure metadata memory bucket).
    pub memory_gb: Option<String>,
    /// Workload category (Azure metadata `vm_category`).
    pub category: Option<String>,
}

impl VmInfo {
    /// A VM with samples on steps `first_step .. end_step` and no attributes.
    pub fn new(id: impl Into<String>, first_step: u32, end_step: u32) -> Self {
        VmInfo {
            id: id.into(),
            first_step,
            end_step,
            cores: None,
            memory_gb: None,
            category: None,
        }
    }

    /// The attribute called `name` (one of [`ATTRIBUTES`]), if the trace has it.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        match name {
            "cores" => self.cores.as_deref(),
            "memory_gb" => self.memory_gb.as_deref(),
            "category" => self.category.as_deref(),
            _ => None,
        }
    }
}

/// A `[traces.<name>]` entry, compiled; `grid` is filled once the trace has been scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceSetup {
    /// Name in the scenario.
    pub name: String,
    /// Format: its scenario name, one of the trace registry's (checked when compiled).
    pub format: &'static str,
    /// Path as written in the scenario (relative to the scenario's folder).
    pub path: String,
    /// Trace time at simulated time 0, ms.
    pub shift: SimTime,
    /// Whether the replay starts again at the end of the trace.
    pub looped: bool,
    /// Multiplier on every level (the result is capped at 1).
    pub scale: f64,
    /// Step of a PlanetLab trace, if set.
    pub interval: Option<SimTime>,
    /// The trace's grid, once scanned.
    pub grid: Option<TraceGrid>,
    /// Whether it replays the VMs' memory utilisation (`metric = "memory"`) rather than CPU.
    pub memory: bool,
}

/// The shape of a scanned trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceGrid {
    /// Sampling interval, ms.
    pub interval: SimTime,
    /// Steps from the first sample of any VM to the last of any VM.
    pub steps: u32,
    /// VMs in the trace.
    pub vms: usize,
}

impl TraceSetup {
    /// The grid, which exists once [`crate::scenario::bind_traces`] has run.
    fn grid(&self) -> &TraceGrid {
        self.grid
            .as_ref()
            .expect("traces are bound before the simulation starts")
    }

    /// The trace step replayed at simulated time `t`.
    pub fn step_at(&self, t: SimTime) -> u32 {
        let g = self.grid();
        let k = (t + self.shift) / g.interval;
        if self.looped {
            (k % u64::from(g.steps.max(1))) as u32
        } else {
            k.min(u64::from(u32::MAX)) as u32
        }
    }

    /// The first simulated time after `t` at which the replayed step changes.
    pub fn next_step_time(&self, t: SimTime) -> SimTime {
        let interval = self.grid().interval;
        t + interval - (t + self.shift) % interval
    }

    /// A trace level as a fraction of the VM's CPU, scaled and capped at 1.
    pub fn fraction(&self, level: Level) -> f64 {
        (fraction(level) * self.scale).min(1.0)
    }

    /// When the VM sampled on steps `first .. end` is present in a run of `duration`: its
    /// arrival and, if within the run, its end; `None` if it is never present. A looped
    /// trace's VMs are present throughout (idle outside their samples).
    pub fn presence(
        &self,
        first: u32,
        end: u32,
        duration: SimTime,
    ) -> Option<(SimTime, Option<SimTime>)> {
        if self.looped {
            return Some((0, None));
        }
        let interval = self.grid().interval;
        let start = u64::from(first) * interval;
        let stop = u64::from(end) * interval;
        if stop <= self.shift {
            return None;
        }
        let arrive = start.saturating_sub(self.shift);
        if arrive >= duration {
            return None;
        }
        let end = stop - self.shift;
        Some((arrive, (end < duration).then_some(end)))
    }
}

/// How a trace group's VMs get their VM types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeMapping {
    /// Every VM gets this type.
    One(usize),
    /// VM `i` of `n` gets `types[i / ceil(n / k)]` (contiguous blocks, CloudSim's rule).
    Blocks(Vec<usize>),
    /// VM `i` gets `types[i mod k]`.
    Cycle(Vec<usize>),
    /// The VM's attribute value chooses the type; `fallback` takes any other value.
    ByAttribute {
        /// Attribute name (see [`ATTRIBUTES`]).
        attribute: String,
        /// Value -> type index.
        map: Vec<(String, usize)>,
        /// Type for values not in `map` (the `"*"` key).
        fallback: Option<usize>,
    },
}

impl TypeMapping {
    /// The type of VM `i` of `n`, described by `vm`; `Err` says why no type applies.
    pub fn type_of(&self, i: usize, n: usize, vm: &VmInfo) -> Result<usize, String> {
        match self {
            TypeMapping::One(t) => Ok(*t),
            TypeMapping::Blocks(types) => {
                let block = n.div_ceil(types.len()).max(1);
                Ok(types[(i / block).min(types.len() - 1)])
            }
            TypeMapping::Cycle(types) => Ok(types[i % types.len()]),
            TypeMapping::ByAttribute {
                attribute,
                map,
                fallback,
            } => {
                let Some(value) = vm.attribute(attribute) else {
                    return fallback.ok_or_else(|| {
                        format!(
                            "trace VM {:?} has no {attribute:?} attribute; add a \"*\" entry to type_map",
                            vm.id
                        )
                    });
                };
                map.iter()
                    .find(|(v, _)| v == value)
                    .map(|(_, t)| *t)
                    .or(*fallback)
                    .ok_or_else(|| {
                        let keys: Vec<String> = map.iter().map(|(v, _)| format!("{v:?}")).collect();
                        format!(
                            "trace VM {:?} has {attribute} = {value:?}, which type_map does not list (it has {}); add it or a \"*\" entry",
                            vm.id,
                            keys.join(", ")
                        )
                    })
            }
        }
    }
}

/// One VM of a trace group, placed on the simulated timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceVm {
    /// The VM's position in the trace (its column in a replay).
    pub column: u32,
    /// VM type index.
    pub vm_type: usize,
    /// Arrival time.
    pub arrive: SimTime,
    /// End time, if within the run.
    pub end: Option<SimTime>,
}

/// A `[[vms]]` group replaying a trace.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceGroup {
    /// Index into the setup's traces.
    pub trace: usize,
    /// Only the first `limit` trace VMs.
    pub limit: Option<u32>,
    /// Type mapping.
    pub mapping: TypeMapping,
    /// The VMs present during the run, filled by binding.
    pub vms: Vec<TraceVm>,
    /// The trace giving their memory in use (`ram_trace`: the same VMs' memory column), if
    /// any (index into the setup's traces).
    pub ram_trace: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(shift: SimTime, looped: bool) -> TraceSetup {
        TraceSetup {
            name: "t".into(),
            format: "planetlab",
            path: "p".into(),
            shift,
            looped,
            scale: 1.5,
            interval: None,
            memory: false,
            grid: Some(TraceGrid {
                interval: 300_000,
                steps: 288,
                vms: 1,
            }),
        }
    }

    #[test]
    fn steps_follow_the_shift_and_wrap_when_looped() {
        let s = setup(600_000, false);
        assert_eq!(s.step_at(0), 2);
        assert_eq!(s.step_at(299_999), 2);
        assert_eq!(s.step_at(300_000), 3);
        assert_eq!(s.next_step_time(0), 300_000);
        assert_eq!(s.next_step_time(100_000), 300_000);
        let odd = setup(100_000, true);
        assert_eq!(
            odd.next_step_time(0),
            200_000,
            "steps at trace multiples of 300 s"
        );
        assert_eq!(
            odd.step_at(288 * 300_000 - 100_000),
            0,
            "wraps after 288 steps"
        );
        assert_eq!(setup(0, false).step_at(288 * 300_000), 288, "past the end");
    }

    #[test]
    fn levels_are_hundredths_of_a_percent() {
        assert_eq!(fraction(2500), 0.25);
        assert_eq!(fraction(FULL), 1.0);
    }

    #[test]
    fn scale_multiplies_and_caps_at_one() {
        let s = setup(0, false);
        assert_eq!(s.fraction(4000), 0.6000000000000001);
        assert_eq!(s.fraction(8000), 1.0);
    }

    #[test]
    fn presence_follows_the_samples_shifted_and_clipped_to_the_run() {
        let day = 86_400_000;
        let s = setup(600_000, false);
        // Steps 0..288 shifted by 600 s: present from 0, ends at 86,400 - 600 s.
        assert_eq!(s.presence(0, 288, day), Some((0, Some(day - 600_000))));
        // Steps 10..20: arrives at 3000 - 600 s.
        assert_eq!(s.presence(10, 20, day), Some((2_400_000, Some(5_400_000))));
        assert_eq!(s.presence(0, 2, day), None, "over before the shift");
        assert_eq!(setup(0, false).presence(0, 288, day), Some((0, None)));
        assert_eq!(
            setup(0, false).presence(300, 400, day),
            None,
            "after the run"
        );
        assert_eq!(setup(0, true).presence(10, 20, day), Some((0, None)));
    }

    #[test]
    fn blocks_split_like_cloudsim_and_cycle_round_robins() {
        let vm = VmInfo::new("x", 0, 1);
        let blocks = TypeMapping::Blocks(vec![0, 1, 2, 3]);
        // 1052 VMs: blocks of ceil(1052 / 4) = 263.
        let t: Vec<usize> = [0, 262, 263, 525, 526, 788, 789, 1051]
            .iter()
            .map(|&i| blocks.type_of(i, 1052, &vm).unwrap())
            .collect();
        assert_eq!(t, vec![0, 0, 1, 1, 2, 2, 3, 3]);
        // 10 VMs on 4 types: blocks of 3, the last type gets one.
        let t: Vec<usize> = (0..10)
            .map(|i| blocks.type_of(i, 10, &vm).unwrap())
            .collect();
        assert_eq!(t, vec![0, 0, 0, 1, 1, 1, 2, 2, 2, 3]);
        let cycle = TypeMapping::Cycle(vec![5, 6]);
        assert_eq!(cycle.type_of(3, 10, &vm), Ok(6));
    }

    #[test]
    fn attributes_choose_types_with_a_fallback() {
        let mut vm = VmInfo::new("x", 0, 1);
        vm.cores = Some("2".into());
        let by = |fallback| TypeMapping::ByAttribute {
            attribute: "cores".into(),
            map: vec![("1".into(), 0), ("2".into(), 1)],
            fallback,
        };
        assert_eq!(by(None).type_of(0, 1, &vm), Ok(1));
        vm.cores = Some("8".into());
        let e = by(None).type_of(0, 1, &vm).unwrap_err();
        assert!(e.contains("cores = \"8\""), "{e}");
        assert_eq!(by(Some(2)).type_of(0, 1, &vm), Ok(2));
        vm.cores = None;
        assert!(
            by(None)
                .type_of(0, 1, &vm)
                .unwrap_err()
                .contains("no \"cores\"")
        );
    }
}
