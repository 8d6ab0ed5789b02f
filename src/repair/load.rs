//! Loading the model: the language model (`sohoa.lm`), the confusion table
//! (`confusions.tsv`), the abbreviations (`abbreviations.tsv`) and, if present, the place names
//! (`names.tsv`), from a folder found as [`Repairer::load_default`] says.

use super::candidates::ascii::fold_index;
use super::candidates::ocr::next_instance;
use super::names::Names;
use super::rules::Abbreviations;
use super::spelling::Spellings;
use super::{Error, Params, Repairer};
use crate::lm::build::{ABBREV_FILE, NAMES_FILE};
use crate::lm::confusions::{CONFUSION_FILE, Channel, Table};
use crate::lm::model::{MODEL_FILE, Model};
use std::path::{Path, PathBuf};

impl Repairer {
    /// Loads the model from `dir` (`sohoa.lm`, `confusions.tsv`, `abbreviations.tsv`).
    pub fn load(dir: &Path) -> Result<Repairer, Error> {
        let err = |file: &str, reason: String| Error::Model {
            file: dir.join(file).display().to_string(),
            reason,
        };
        let model = Model::load(dir).map_err(|e| err(MODEL_FILE, source_text(&e)))?;
        let table = Table::load(&dir.join(CONFUSION_FILE))
            .map_err(|e| err(CONFUSION_FILE, source_text(&e)))?;
        if table.is_empty() {
            return Err(err(CONFUSION_FILE, "the table is empty".into()));
        }
        let abbr_text = std::fs::read_to_string(dir.join(ABBREV_FILE))
            .map_err(|e| err(ABBREV_FILE, e.to_string()))?;
        // place names are optional: a model built without `--names` reads no names
        let names_text = std::fs::read_to_string(dir.join(NAMES_FILE)).ok();
        Ok(Repairer {
            instance: next_instance(),
            names: Names::new(names_text.as_deref(), &model),
            spellings: Spellings::new(&model),
            fold_index: fold_index(&model),
            model,
            trie: std::sync::OnceLock::new(),
            channel: Channel::from_table(&table),
            abbreviations: Abbreviations::parse(&abbr_text),
            params: Params::from_env(),
        })
    }

    /// Loads the model from `$SOHOA_MODEL`, else `dictionaries/` in the crate, beside the
    /// executable, or in the working directory.
    pub fn load_default() -> Result<Repairer, Error> {
        let mut tried = Vec::new();
        for dir in default_dirs() {
            if dir.join(MODEL_FILE).exists() {
                return Repairer::load(&dir);
            }
            tried.push(dir.display().to_string());
        }
        Err(Error::NotFound(tried.join(", ")))
    }
}

fn source_text(e: &crate::lm::Error) -> String {
    match e {
        crate::lm::Error::Io(_, io) => io.to_string(),
        crate::lm::Error::Corrupt(_, why) => why.clone(),
        crate::lm::Error::Usage(why) => why.clone(),
    }
}

/// The model folder [`Repairer::load_default`] would load, if any.
pub fn default_model_dir() -> Option<PathBuf> {
    default_dirs()
        .into_iter()
        .find(|dir| dir.join(MODEL_FILE).exists())
}

/// A short fingerprint of a model folder's files (names, sizes and contents), so outputs made
/// with another model can be recognised and redone.
pub fn model_fingerprint(dir: &Path) -> std::io::Result<String> {
    use std::hash::Hasher;
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    let mut hasher = rustc_hash::FxHasher::default();
    for path in names {
        let bytes = std::fs::read(&path)?;
        hasher.write(
            path.file_name()
                .map(|n| n.as_encoded_bytes())
                .unwrap_or_default(),
        );
        hasher.write_usize(bytes.len());
        hasher.write(&bytes);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

fn default_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = std::env::var_os("SOHOA_MODEL") {
        dirs.push(PathBuf::from(d));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("dictionaries"));
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            dirs.push(dir.join("dictionaries"));
        }
    }
    dirs.push(PathBuf::from("dictionaries"));
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_damaged_model_is_named() {
        let dir = std::env::temp_dir().join(format!("sohoa-load-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let Err(Error::Model { file, .. }) = Repairer::load(&dir) else {
            panic!("an empty folder is no model");
        };
        assert!(file.ends_with(MODEL_FILE));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_fingerprint_changes_with_the_files() {
        let dir = std::env::temp_dir().join(format!("sohoa-print-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        std::fs::write(dir.join("a"), "1").expect("a file");
        let before = model_fingerprint(&dir).expect("a fingerprint");
        std::fs::write(dir.join("a"), "2").expect("a file");
        assert_ne!(model_fingerprint(&dir).expect("a fingerprint"), before);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
