//! Shards of a batch: which documents one of N cooperating `sohoa run` processes takes.
//!
//! A run deals its documents out by weight, in a plan its first shard writes to the output
//! folder ([`super::shard_plan`]). A document the plan does not know (added later) belongs to
//! shard `K` of `N` when the SHA-256 of its path relative to its input root (the same string
//! its outputs are named after), read as a big-endian number, is `K` modulo `N`. The hash is
//! fixed (never std's randomised hasher), so every node computes the same partition from the
//! same listing, whatever machine or build it runs on.
//!
//! The shard comes from `--shard K/N`, or else from the scheduler's environment: a SLURM array
//! task (`SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`, `_MIN` and `_STEP` when the
//! array does not start at 0 or skips), or a Kubernetes Indexed Job (`JOB_COMPLETION_INDEX`,
//! with the count from `--shards N`). Each shard keeps its own manifest and run report, so
//! shards on different nodes can share one output folder without two writers on one file.
//!
//! ```
//! use sohoa::pipeline::shard::Shard;
//! let shard: Shard = "1/4".parse()?;
//! assert_eq!((shard.index, shard.count), (1, 4));
//! assert_eq!(shard.manifest_file(), "manifest.shard-1-of-4.jsonl");
//! // Every document is in exactly one of the four shards.
//! let owners = (0..4).filter(|k| Shard { index: *k, count: 4 }.contains("sub/a.pdf")).count();
//! assert_eq!(owners, 1);
//! # Ok::<(), sohoa::pipeline::shard::ShardError>(())
//! ```

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Environment variable of a SLURM array task's index.
pub const SLURM_TASK_ID: &str = "SLURM_ARRAY_TASK_ID";
/// Environment variable of a SLURM array's task count.
pub const SLURM_TASK_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";
/// Environment variable of a SLURM array's first index (`--array=1-4` starts at 1).
pub const SLURM_TASK_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// Environment variable of a SLURM array's step (`--array=0-7:2`).
pub const SLURM_TASK_STEP: &str = "SLURM_ARRAY_TASK_STEP";
/// Environment variable of a Kubernetes Indexed Job's completion index.
pub const K8S_COMPLETION_INDEX: &str = "JOB_COMPLETION_INDEX";

/// Shard `index` (0-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// Which shard, from 0.
    pub index: u32,
    /// How many shards there are, at least 1.
    pub count: u32,
}

/// Why a shard could not be chosen (a usage error: exit status 2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `K/N` with whole numbers.
    #[error("--shard {0:?}: expected K/N, e.g. 0/4 (shard K of N, K from 0)")]
    Syntax(String),
    /// N is 0.
    #[error("shard {index}/{count}: the number of shards must be at least 1")]
    NoShards {
        /// K.
        index: u32,
        /// N.
        count: u32,
    },
    /// K is N or more.
    #[error("shard {index}/{count}: the shard index must be below {count} (shards are 0 to {last})", last = count.saturating_sub(1))]
    IndexTooLarge {
        /// K.
        index: u32,
        /// N.
        count: u32,
    },
    /// An environment variable holds something other than a whole number.
    #[error("{name}={value:?}: not a whole number")]
    BadVariable {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The environment gives an index but nothing says how many shards there are.
    #[error("{name} is set but the number of shards is not: pass --shards N (or --shard K/N)")]
    NoCount {
        /// The variable holding the index.
        name: &'static str,
    },
    /// `--shards` without an index in the environment.
    #[error(
        "--shards {0}: no shard index in the environment ({K8S_COMPLETION_INDEX} or {SLURM_TASK_ID}); pass --shard K/N instead"
    )]
    NoIndex(u32),
}

impl Shard {
    /// Shard `index` of `count`, checked.
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoShards { index, count });
        }
        if index >= count {
            return Err(ShardError::IndexTooLarge { index, count });
        }
        Ok(Shard { index, count })
    }

    /// True when the document with this path (relative to its input root) is in this shard.
    pub fn contains(&self, rel: &str) -> bool {
        shard_of(rel, self.count) == self.index
    }

    /// The manifest of this shard inside the output folder: `manifest.shard-K-of-N.jsonl`.
    pub fn manifest_file(&self) -> String {
        format!("manifest.shard-{}-of-{}.jsonl", self.index, self.count)
    }

    /// The run report of this shard inside the output folder: `run-report.shard-K-of-N.json`.
    pub fn report_file(&self) -> String {
        format!("run-report.shard-{}-of-{}.json", self.index, self.count)
    }

    /// The shard a manifest or report file name belongs to (`None` for any other name).
    ///
    /// ```
    /// use sohoa::pipeline::shard::Shard;
    /// assert_eq!(Shard::from_file_name("run-report.shard-2-of-8.json"), Some(Shard { index: 2, count: 8 }));
    /// assert_eq!(Shard::from_file_name("manifest.jsonl"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<Shard> {
        let rest = name
            .strip_prefix("manifest.shard-")
            .or_else(|| name.strip_prefix("run-report.shard-"))?;
        let rest = rest
            .strip_suffix(".jsonl")
            .or_else(|| rest.strip_suffix(".json"))?;
        let (index, count) = rest.split_once("-of-")?;
        Shard::new(index.parse().ok()?, count.parse().ok()?).ok()
    }

    /// The shard of this process: `--shard` when given, else the scheduler's environment
    /// (read through `env`), else `None` (the whole batch).
    ///
    /// ```
    /// use sohoa::pipeline::shard::Shard;
    /// let slurm = |name: &str| match name {
    ///     "SLURM_ARRAY_TASK_ID" => Some("3".to_string()),
    ///     "SLURM_ARRAY_TASK_COUNT" => Some("4".to_string()),
    ///     _ => None,
    /// };
    /// assert_eq!(Shard::choose(None, None, slurm)?, Some(Shard { index: 3, count: 4 }));
    /// let k8s = |name: &str| (name == "JOB_COMPLETION_INDEX").then(|| "5".to_string());
    /// assert_eq!(Shard::choose(None, Some(8), k8s)?, Some(Shard { index: 5, count: 8 }));
    /// assert!(Shard::choose(None, None, k8s).is_err()); // an index without a count
    /// assert_eq!(Shard::choose(None, None, |_| None)?, None);
    /// # Ok::<(), sohoa::pipeline::shard::ShardError>(())
    /// ```
    pub fn choose(
        flag: Option<Shard>,
        shards: Option<u32>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ShardError> {
        if let Some(shard) = flag {
            return Ok(Some(shard));
        }
        let number = |name: &'static str| -> Result<Option<u32>, ShardError> {
            match env(name) {
                None => Ok(None),
                Some(value) => value
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ShardError::BadVariable { name, value }),
            }
        };
        if let Some(task) = number(SLURM_TASK_ID)? {
            let min = number(SLURM_TASK_MIN)?.unwrap_or(0);
            let step = number(SLURM_TASK_STEP)?.unwrap_or(1).max(1);
            let index = task.saturating_sub(min) / step;
            let count = match shards.or(number(SLURM_TASK_COUNT)?) {
                Some(count) => count,
                None => {
                    return Err(ShardError::NoCount {
                        name: SLURM_TASK_ID,
                    });
                }
            };
            return Shard::new(index, count).map(Some);
        }
        if let Some(index) = number(K8S_COMPLETION_INDEX)? {
            let Some(count) = shards else {
                return Err(ShardError::NoCount {
                    name: K8S_COMPLETION_INDEX,
                });
            };
            return Shard::new(index, count).map(Some);
        }
        match shards {
            Some(count) => Err(ShardError::NoIndex(count)),
            None => Ok(None),
        }
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(text.to_string());
        let (index, count) = text.trim().split_once('/').ok_or_else(syntax)?;
        let index = index.trim().parse().map_err(|_| syntax())?;
        let count = count.trim().parse().map_err(|_| syntax())?;
        Shard::new(index, count)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shard (0 to `count - 1`) of a document path among `count` shards: the first eight
/// bytes of the SHA-256 of its UTF-8 bytes, big-endian, modulo `count`.
///
/// ```
/// // Fixed for all time: nodes with different builds must agree.
/// assert_eq!(sohoa::pipeline::shard::shard_of("a.pdf", 1), 0);
/// assert!(sohoa::pipeline::shard::shard_of("a.pdf", 4) < 4);
/// ```
pub fn shard_of(rel: &str, count: u32) -> u32 {
    let digest = Sha256::digest(rel.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parses_k_of_n_and_refuses_what_is_not_a_shard() {
        assert_eq!("0/1".parse(), Ok(Shard { index: 0, count: 1 }));
        assert_eq!(" 3 / 4 ".parse(), Ok(Shard { index: 3, count: 4 }));
        assert_eq!(
            "4/4".parse::<Shard>(),
            Err(ShardError::IndexTooLarge { index: 4, count: 4 })
        );
        assert_eq!(
            "1/0".parse::<Shard>(),
            Err(ShardError::NoShards { index: 1, count: 0 })
        );
        for bad in ["", "1", "1/", "/4", "a/4", "-1/4", "1/4/5", "1.5/4"] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Syntax(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_partition_is_fixed_and_covers_every_path_once() {
        // Pinned values (computed independently with Python's hashlib): a change of algorithm
        // would silently re-partition running batches.
        assert_eq!(shard_of("bc-42-head.office.pdf", 4), 3);
        assert_eq!(shard_of("sub/dir/file.pdf", 4), 3);
        assert_eq!(shard_of("Đảng ủy/báo cáo.tif", 7), 3);
        let paths: Vec<String> = (0..2000).map(|i| format!("box-{i}/page.tif")).collect();
        let mut sizes = [0usize; 4];
        for path in &paths {
            let owners: Vec<u32> = (0..4)
                .filter(|&k| Shard { index: k, count: 4 }.contains(path))
                .collect();
            assert_eq!(owners.len(), 1, "{path}");
            sizes[owners[0] as usize] += 1;
        }
        // Spread evenly enough that no shard is idle or doubled.
        assert!(sizes.iter().all(|&n| (400..600).contains(&n)), "{sizes:?}");
    }

    #[test]
    fn the_environment_gives_the_shard_when_the_flag_does_not() {
        let flag = Some(Shard { index: 1, count: 2 });
        let slurm = [(SLURM_TASK_ID, "2"), (SLURM_TASK_COUNT, "4")];
        assert_eq!(Shard::choose(flag, None, env(&slurm)), Ok(flag));
        assert_eq!(
            Shard::choose(None, None, env(&slurm)),
            Ok(Some(Shard { index: 2, count: 4 }))
        );
        // --array=1-4 and --array=0-6:2: the shard is the task's position in the array.
        let from_one = [
            (SLURM_TASK_ID, "4"),
            (SLURM_TASK_COUNT, "4"),
            (SLURM_TASK_MIN, "1"),
        ];
        assert_eq!(
            Shard::choose(None, None, env(&from_one)),
            Ok(Some(Shard { index: 3, count: 4 }))
        );
        let stepped = [
            (SLURM_TASK_ID, "6"),
            (SLURM_TASK_COUNT, "4"),
            (SLURM_TASK_MIN, "0"),
            (SLURM_TASK_STEP, "2"),
        ];
        assert_eq!(
            Shard::choose(None, None, env(&stepped)),
            Ok(Some(Shard { index: 3, count: 4 }))
        );
        let k8s = [(K8S_COMPLETION_INDEX, "7")];
        assert_eq!(
            Shard::choose(None, Some(8), env(&k8s)),
            Ok(Some(Shard { index: 7, count: 8 }))
        );
    }

    #[test]
    fn an_index_without_a_count_or_out_of_range_is_a_usage_error() {
        assert_eq!(
            Shard::choose(None, None, env(&[(K8S_COMPLETION_INDEX, "0")])),
            Err(ShardError::NoCount {
                name: K8S_COMPLETION_INDEX
            })
        );
        assert_eq!(
            Shard::choose(None, None, env(&[(SLURM_TASK_ID, "0")])),
            Err(ShardError::NoCount {
                name: SLURM_TASK_ID
            })
        );
        assert_eq!(
            Shard::choose(None, Some(4), env(&[(K8S_COMPLETION_INDEX, "4")])),
            Err(ShardError::IndexTooLarge { index: 4, count: 4 })
        );
        assert!(matches!(
            Shard::choose(None, Some(4), env(&[(K8S_COMPLETION_INDEX, "x")])),
            Err(ShardError::BadVariable { .. })
        ));
        assert_eq!(
            Shard::choose(None, Some(4), env(&[])),
            Err(ShardError::NoIndex(4))
        );
    }

    #[test]
    fn file_names_round_trip() {
        let shard = Shard { index: 2, count: 5 };
        assert_eq!(Shard::from_file_name(&shard.manifest_file()), Some(shard));
        assert_eq!(Shard::from_file_name(&shard.report_file()), Some(shard));
        assert_eq!(Shard::from_file_name("manifest.shard-5-of-5.jsonl"), None);
        assert_eq!(Shard::from_file_name("run-report.json"), None);
    }
}
