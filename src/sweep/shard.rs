//! Sharding: split a sweep's runs among N independent processes (Slurm array tasks,
//! Kubernetes Indexed Job pods, GNU parallel slots). Shard K runs the runs whose index mod N
//! is K; which runs a shard does never depends on anything but K and N.

use std::fmt;

/// One shard of N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: usize,
    /// Number of shards.
    pub count: usize,
}

impl Shard {
    /// The whole sweep in one process.
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    /// Whether run `i` belongs to this shard.
    pub fn owns(&self, i: usize) -> bool {
        i % self.count == self.index
    }

    /// Parses `K/N` (0 <= K < N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || {
            format!("invalid shard {text:?}: expected K/N with 0 <= K < N, e.g. 0/4, or \"auto\"")
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, count): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// The shard from a scheduler's environment: Slurm job arrays
    /// (`SLURM_ARRAY_TASK_ID` - `SLURM_ARRAY_TASK_MIN` of `SLURM_ARRAY_TASK_COUNT`) or
    /// Kubernetes Indexed Jobs (`JOB_COMPLETION_INDEX` of `count`, from `--shards` or
    /// `NIGHTSHIFT_SHARDS`). `env` looks a variable up (the real environment, or a map in tests).
    pub fn from_env(
        env: impl Fn(&str) -> Option<String>,
        count: Option<usize>,
    ) -> Result<Shard, String> {
        let num = |name: &str| -> Result<Option<usize>, String> {
            env(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("{name}={v:?} is not a number"))
                })
                .transpose()
        };
        if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            let n = num("SLURM_ARRAY_TASK_COUNT")?
                .ok_or("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")?;
            let index = id
                .checked_sub(min)
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?;
            return Shard::parse(&format!("{index}/{n}"));
        }
        if let Some(index) = num("JOB_COMPLETION_INDEX")? {
            let n = match count {
                Some(n) => n,
                None => num("NIGHTSHIFT_SHARDS")?
                    .ok_or("JOB_COMPLETION_INDEX is set: give the shard count with --shards N or NIGHTSHIFT_SHARDS")?,
            };
            return Shard::parse(&format!("{index}/{n}"));
        }
        Err("--shard auto: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into())
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn shards_partition_the_runs() {
        let shards: Vec<Shard> = (0..3)
            .map(|k| Shard::parse(&format!("{k}/3")).unwrap())
            .collect();
        for i in 0..10 {
            assert_eq!(shards.iter().filter(|s| s.owns(i)).count(), 1);
        }
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("1").is_err());
        assert!(Shard::parse("0/0").is_err());
    }

    #[test]
    fn slurm_arrays_are_rebased_on_their_minimum() {
        let s = Shard::from_env(
            env(&[
                ("SLURM_ARRAY_TASK_ID", "5"),
                ("SLURM_ARRAY_TASK_MIN", "4"),
                ("SLURM_ARRAY_TASK_COUNT", "3"),
            ]),
            None,
        );
        assert_eq!(s, Ok(Shard { index: 1, count: 3 }));
    }

    #[test]
    fn indexed_jobs_need_a_count() {
        assert_eq!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")]), Some(4)),
            Ok(Shard { index: 2, count: 4 })
        );
        assert_eq!(
            Shard::from_env(
                env(&[("JOB_COMPLETION_INDEX", "2"), ("NIGHTSHIFT_SHARDS", "3")]),
                None
            ),
            Ok(Shard { index: 2, count: 3 })
        );
        assert!(
            Shard::from_env(env(&[("JOB_COMPLETION_INDEX", "2")]), None)
                .unwrap_err()
                .contains("--shards")
        );
        assert!(Shard::from_env(env(&[]), None).is_err());
    }
}
