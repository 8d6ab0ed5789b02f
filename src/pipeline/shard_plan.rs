//! A balanced partition of a batch over N shards, frozen in the output folder.
//!
//! Hashing paths (see [`shard_of`]) evens out how many documents each shard gets, not how much
//! work: a batch of a few hundred documents where some are 40-page scans and some one-page
//! letters leaves one shard running long after the others (measured: two shards over the
//! fixtures took 82.9 s and 56.8 s for the same core-seconds as one two-job process). So the
//! first shard process of a run weighs every document by its file size, a cheap stand-in for
//! the pixels to read that needs one `stat` per file, and deals the documents out heaviest first
//! to the lightest shard so far (longest-processing-time-first scheduling). The plan is written
//! to `OUT/shard-plan.of-N.json` with an atomic link, so when several shards start at once
//! exactly one plan wins and every shard, on any node, reads that one.
//!
//! Freezing the plan keeps the partition stable while the listing changes: a re-submitted shard
//! finds its documents where it left them, and a file added after the plan was made (absent
//! from it) falls back to the path hash, which every node computes alike. A plan for another
//! shard count is a different file, so `--shard K/4` and `--shard K/8` never mix.
//!
//! ```
//! use sohoa::pipeline::shard_plan::ShardPlan;
//! let batch = [("big.pdf".to_string(), 900), ("a.png".to_string(), 500), ("b.png".to_string(), 400)];
//! let plan = ShardPlan::balance(&batch, 2);
//! // The big scan has a shard to itself; the two smaller ones share the other.
//! assert_ne!(plan.owner("big.pdf"), plan.owner("a.png"));
//! assert_eq!(plan.owner("a.png"), plan.owner("b.png"));
//! // A file the plan never saw goes by its path hash.
//! assert_eq!(plan.owner("new.pdf"), sohoa::pipeline::shard::shard_of("new.pdf", 2));
//! ```

use super::shard::shard_of;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What a plan file says it is, so that another file under the same name is refused.
const FORMAT: &str = "sohoa shard plan 1";

/// Which shard runs which document, for one shard count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardPlan {
    /// Always `sohoa shard plan 1`.
    pub format: String,
    /// How many shards the plan is for.
    pub count: u32,
    /// What a document's weight is (`bytes`: its file size).
    pub weight: String,
    /// Per shard: how many documents and how many bytes it was dealt.
    pub shards: Vec<ShardLoad>,
    /// Each planned document's path relative to its input root, and its shard.
    pub documents: BTreeMap<String, u32>,
}

/// One shard's share of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ShardLoad {
    /// Documents dealt to the shard.
    pub documents: u64,
    /// Their total weight.
    pub bytes: u64,
}

/// A plan file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Reading or writing the plan file failed.
    #[error("shard plan {path}: {source}")]
    Io {
        /// The plan file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a plan for this shard count.
    #[error("shard plan {path}: {reason}; remove it to plan the run again")]
    Invalid {
        /// The plan file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

impl ShardPlan {
    /// The plan file of `count` shards inside the output folder.
    ///
    /// ```
    /// assert_eq!(sohoa::pipeline::shard_plan::ShardPlan::file_name(4), "shard-plan.of-4.json");
    /// ```
    pub fn file_name(count: u32) -> String {
        format!("shard-plan.of-{count}.json")
    }

    /// Deals `documents` (relative path, weight) out to `count` shards: heaviest first, each to
    /// the shard with the least weight so far (the lowest index on a tie). Equal weights are
    /// taken in path order, so the plan depends only on the listing, never on its order.
    pub fn balance(documents: &[(String, u64)], count: u32) -> ShardPlan {
        let count = count.max(1);
        let mut order: Vec<&(String, u64)> = documents.iter().collect();
        order.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut lightest: BinaryHeap<Reverse<(u64, u32)>> =
            (0..count).map(|k| Reverse((0, k))).collect();
        let mut shards = vec![ShardLoad::default(); count as usize];
        let mut owners = BTreeMap::new();
        for (rel, weight) in order {
            if owners.contains_key(rel) {
                continue;
            }
            let Some(Reverse((load, shard))) = lightest.pop() else {
                break;
            };
            // A zero-byte file still costs an open and a record: count it as one byte.
            let weight = (*weight).max(1);
            lightest.push(Reverse((load.saturating_add(weight), shard)));
            let share = &mut shards[shard as usize];
            share.documents += 1;
            share.bytes = share.bytes.saturating_add(weight);
            owners.insert(rel.clone(), shard);
        }
        ShardPlan {
            format: FORMAT.into(),
            count,
            weight: "bytes".into(),
            shards,
            documents: owners,
        }
    }

    /// The shard of the document at `rel`: the planned one, or the path hash's for a document
    /// added after the plan was made.
    pub fn owner(&self, rel: &str) -> u32 {
        self.documents
            .get(rel)
            .copied()
            .unwrap_or_else(|| shard_of(rel, self.count))
    }

    /// The run's plan for `count` shards from `OUT/shard-plan.of-N.json`; when there is none
    /// yet, plans `documents` (weighed by `weigh`, called only then) and writes it. When other
    /// shards write theirs at the same moment, the first link wins and all use that one.
    pub fn load_or_create<T>(
        out: &Path,
        count: u32,
        documents: &[T],
        weigh: impl Fn(&T) -> (String, u64),
    ) -> Result<ShardPlan, PlanError> {
        let path = out.join(Self::file_name(count));
        if let Some(plan) = Self::read(&path, count)? {
            return Ok(plan);
        }
        let weighed: Vec<(String, u64)> = documents.iter().map(weigh).collect();
        let plan = Self::balance(&weighed, count);
        let io = |source| PlanError::Io {
            path: path.clone(),
            source,
        };
        let temp = out.join(format!(
            ".{}.{}.{}.sohoa-tmp",
            Self::file_name(count),
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        // Ok(true): this plan is the one in place; Ok(false): another shard's may be.
        let written = (|| {
            let mut file = std::fs::File::create(&temp)?;
            serde_json::to_writer(&mut file, &plan)?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            // A hard link fails when the name exists, on local and network file systems
            // alike, so two shards planning at once cannot both win.
            match std::fs::hard_link(&temp, &path) {
                Ok(()) => Ok(true),
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
                Err(err) if path.exists() => Err(err),
                // A share without hard links (some SMB volumes): rename, which replaces.
                // Shards that saw the same listing made the same plan, so whichever lands
                // last agrees with the others; the one left is read back below.
                Err(_) => std::fs::rename(&temp, &path).map(|()| false),
            }
        })();
        let _ = std::fs::remove_file(&temp);
        match written {
            Ok(true) => Ok(plan),
            Ok(false) => Self::read(&path, count)?
                .ok_or_else(|| io(std::io::Error::other("vanished while it was being read"))),
            Err(err) => Err(io(err)),
        }
    }

    /// The plan for `count` shards in the output folder `out`, `None` when none was written.
    pub fn find(out: &Path, count: u32) -> Result<Option<ShardPlan>, PlanError> {
        Self::read(&out.join(Self::file_name(count)), count)
    }

    /// The shard count of a plan file's name (`shard-plan.of-4.json` → 4).
    ///
    /// ```
    /// use sohoa::pipeline::shard_plan::ShardPlan;
    /// assert_eq!(ShardPlan::count_of_file_name("shard-plan.of-4.json"), Some(4));
    /// assert_eq!(ShardPlan::count_of_file_name("manifest.jsonl"), None);
    /// ```
    pub fn count_of_file_name(name: &str) -> Option<u32> {
        let count = name.strip_prefix("shard-plan.of-")?.strip_suffix(".json")?;
        count.parse().ok().filter(|n| *n > 0)
    }

    /// The plan at `path`, `None` when there is no such file.
    fn read(path: &Path, count: u32) -> Result<Option<ShardPlan>, PlanError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => {
                return Err(PlanError::Io {
                    path: path.into(),
                    source,
                });
            }
        };
        let invalid = |reason: String| PlanError::Invalid {
            path: path.into(),
            reason,
        };
        let plan: ShardPlan =
            serde_json::from_slice(&bytes).map_err(|err| invalid(format!("not a plan: {err}")))?;
        if plan.format != FORMAT {
            return Err(invalid(format!("unknown format {:?}", plan.format)));
        }
        if plan.count != count {
            return Err(invalid(format!(
                "made for {} shards, not {count}",
                plan.count
            )));
        }
        if let Some((rel, shard)) = plan.documents.iter().find(|(_, k)| **k >= count) {
            return Err(invalid(format!("{rel} is given shard {shard} of {count}")));
        }
        Ok(Some(plan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(weights: &[(&str, u64)]) -> Vec<(String, u64)> {
        weights.iter().map(|(r, w)| (r.to_string(), *w)).collect()
    }

    #[test]
    fn deals_heavy_documents_apart_and_evens_the_weight() {
        // Two heavy scans and many light letters: hashing could put both scans together.
        let mut docs = batch(&[("scan-a.pdf", 1_500_000), ("scan-b.pdf", 1_400_000)]);
        for i in 0..20 {
            docs.push((format!("letter-{i:02}.txt"), 100_000 + i));
        }
        let plan = ShardPlan::balance(&docs, 2);
        assert_ne!(plan.owner("scan-a.pdf"), plan.owner("scan-b.pdf"));
        let loads: Vec<u64> = plan.shards.iter().map(|s| s.bytes).collect();
        let total: u64 = docs.iter().map(|d| d.1).sum();
        assert_eq!(loads.iter().sum::<u64>(), total);
        let spread = loads.iter().max().unwrap() - loads.iter().min().unwrap();
        // Longest-first leaves at most one light document's weight between the shards.
        assert!(spread <= 120_000, "{loads:?}");
        assert_eq!(plan.shards.iter().map(|s| s.documents).sum::<u64>(), 22);
    }

    #[test]
    fn copies_of_one_batch_are_shared_alike() {
        // Four copies of the same five documents: each shard gets two of every kind.
        let kinds = [
            ("office.pdf", 1_499_121),
            ("poor.pdf", 862_826),
            ("p.tif", 667_888),
        ];
        let mut docs = Vec::new();
        for c in 0..4 {
            for (name, w) in kinds {
                docs.push((format!("copy-{c}/{name}"), w));
            }
        }
        let plan = ShardPlan::balance(&docs, 2);
        for (name, _) in kinds {
            let in_first = (0..4)
                .filter(|c| plan.owner(&format!("copy-{c}/{name}")) == 0)
                .count();
            assert_eq!(in_first, 2, "{name}");
        }
    }

    #[test]
    fn the_listing_order_does_not_change_the_plan() {
        let docs = batch(&[("b", 5), ("a", 5), ("c", 9), ("d", 1)]);
        let mut reversed = docs.clone();
        reversed.reverse();
        assert_eq!(
            ShardPlan::balance(&docs, 3),
            ShardPlan::balance(&reversed, 3)
        );
    }

    #[test]
    fn the_first_plan_written_is_the_one_every_shard_uses() {
        let out = tempfile::tempdir().unwrap();
        let first = batch(&[("a.pdf", 10), ("b.pdf", 20), ("c.pdf", 30)]);
        let plan = ShardPlan::load_or_create(out.path(), 2, &first, |d| d.clone()).unwrap();
        // A later shard sees a listing with one more file and other sizes: the written plan
        // still decides, and the new file goes by its hash.
        let later = batch(&[("a.pdf", 99), ("b.pdf", 1), ("c.pdf", 30), ("new.pdf", 50)]);
        let again = ShardPlan::load_or_create(out.path(), 2, &later, |_| panic!("re-weighed"));
        let again = again.unwrap();
        assert_eq!(again, plan);
        assert_eq!(again.owner("new.pdf"), shard_of("new.pdf", 2));
        // Another shard count has its own plan.
        let four = ShardPlan::load_or_create(out.path(), 4, &later, |d| d.clone()).unwrap();
        assert_eq!(four.count, 4);
        assert!(out.path().join("shard-plan.of-4.json").is_file());
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().all(|n| !n.ends_with(".sohoa-tmp")),
            "{names:?}"
        );
    }

    #[test]
    fn shards_planning_at_once_agree() {
        let out = tempfile::tempdir().unwrap();
        let docs: Vec<(String, u64)> = (0..200)
            .map(|i| (format!("d{i}.png"), i * 7 % 31))
            .collect();
        let plans: Vec<ShardPlan> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| ShardPlan::load_or_create(out.path(), 4, &docs, |d| d.clone()))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap().unwrap())
                .collect()
        });
        assert!(plans.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn a_damaged_or_foreign_plan_is_refused_with_its_path() {
        let out = tempfile::tempdir().unwrap();
        let path = out.path().join(ShardPlan::file_name(2));
        std::fs::write(&path, b"{\"format\": \"sohoa shard plan 1\"").unwrap();
        let err = ShardPlan::load_or_create(out.path(), 2, &[0u8], |_| ("a".into(), 1));
        let message = err.unwrap_err().to_string();
        assert!(
            message.contains("shard-plan.of-2.json") && message.contains("not a plan"),
            "{message}"
        );
        let mut other = ShardPlan::balance(&batch(&[("a", 1)]), 3);
        other.count = 2;
        other.documents.insert("b".into(), 2);
        std::fs::write(&path, serde_json::to_vec(&other).unwrap()).unwrap();
        let err = ShardPlan::load_or_create(out.path(), 2, &[0u8], |_| ("a".into(), 1));
        assert!(
            err.unwrap_err()
                .to_string()
                .contains("b is given shard 2 of 2")
        );
    }
}
