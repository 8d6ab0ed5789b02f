//! `sohoa lm …`: build the model, learn the OCR confusions, export ARPA.

use super::Error;
use super::build::{BuildOptions, build};
use super::model::Model;
use crate::command::exit_status;
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Build, inspect and adapt the language model.
#[derive(Args, Debug)]
#[command(
    after_help = "Examples:\n  sohoa lm build --corpus laws.txt.xz archive.txt --weight archive.txt=3 --out mymodel\n  sohoa lm confusions --pairs pairs/ --out mymodel/confusions.tsv\n  sohoa lm export --arpa --model dictionaries --out model.arpa\n\nThe exact commands that built dictionaries/ are in dictionaries/PROVENANCE.md (make model)."
)]
pub struct LmArgs {
    #[command(subcommand)]
    command: LmCommand,
}

#[derive(Subcommand, Debug)]
enum LmCommand {
    /// Count n-grams in clean text (plain or .xz; .tsv cells) and write the model.
    Build {
        /// Source files (repeatable).
        #[arg(long, num_args = 1.., required = true)]
        corpus: Vec<PathBuf>,
        /// Lists of word pairs, one pair per line (Tesseract's `vie.word.bigrams`): each pair
        /// of vocabulary words counts as one more bigram (its weight by --weight).
        #[arg(long, num_args = 1.., value_name = "FILE")]
        word_pairs: Vec<PathBuf>,
        /// Weight of a source or pair list, FILE=W (default 1).
        #[arg(long, value_name = "FILE=W")]
        weight: Vec<String>,
        /// Output directory.
        #[arg(long, default_value = "dictionaries")]
        out: PathBuf,
        /// Minimum weighted count of a stored trigram.
        #[arg(long, default_value_t = 2.0)]
        min_trigram: f32,
        /// Minimum weighted count of a stored bigram.
        #[arg(long, default_value_t = 1.0)]
        min_bigram: f32,
        /// Minimum weighted count of a vocabulary word.
        #[arg(long, default_value_t = 2.0)]
        min_unigram: f32,
        /// Abbreviation lists (first TSV column is the abbreviation, e.g. `BCĐ`), repeatable.
        #[arg(long, value_name = "FILE")]
        abbreviations: Vec<PathBuf>,
        /// Gazetteers (TSV) whose cells name places (`Phường Hạc Thành`), repeatable: the names
        /// help read capitalised runs of words.
        #[arg(long, value_name = "FILE")]
        names: Vec<PathBuf>,
        /// Drop corpus lines when this share of their word pairs look like lost or garbled
        /// diacritics (rare, while the same letters with other marks are common); 0 keeps all.
        #[arg(long, default_value_t = crate::lm::build::DEFAULT_NOISE_RATIO)]
        noise_ratio: f32,
        /// Count a line of at least this many words once, however often it repeats; 0 counts
        /// every repeat.
        #[arg(long, default_value_t = crate::lm::build::DEFAULT_DEDUP_MIN_WORDS)]
        dedup_min_words: usize,
    },
    /// Learn the OCR-confusion channel from aligned pairs (DIR/*.ocr.txt with *.truth.txt).
    Confusions {
        /// Directory of pairs (line N of X.ocr.txt is the OCR of line N of X.truth.txt).
        #[arg(long)]
        pairs: PathBuf,
        /// Output table.
        #[arg(long, default_value = "dictionaries/confusions.tsv")]
        out: PathBuf,
    },
    /// Write the model in ARPA format.
    Export {
        /// ARPA format (the only one).
        #[arg(long)]
        arpa: bool,
        /// Model directory.
        #[arg(long, default_value = "dictionaries")]
        model: PathBuf,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Runs `sohoa lm …` and returns the exit status (3 when it could not run).
pub fn lm(args: LmArgs) -> ExitCode {
    exit_status(args.run().map(|()| true))
}

impl LmArgs {
    /// Runs the subcommand.
    fn run(self) -> anyhow::Result<()> {
        match self.command {
            LmCommand::Build {
                corpus,
                word_pairs,
                weight,
                out,
                min_trigram,
                min_bigram,
                min_unigram,
                abbreviations,
                names,
                noise_ratio,
                dedup_min_words,
            } => {
                let mut weights = std::collections::HashMap::new();
                for w in &weight {
                    let (file, value) = w
                        .rsplit_once('=')
                        .ok_or_else(|| Error::Usage(format!("--weight {w}: expected FILE=W")))?;
                    let value: f32 = value
                        .parse()
                        .map_err(|_| Error::Usage(format!("--weight {w}: W is not a number")))?;
                    weights.insert(PathBuf::from(file), value);
                }
                let weighted = |files: Vec<PathBuf>| -> Vec<(PathBuf, f32)> {
                    files
                        .into_iter()
                        .map(|p| {
                            let w = weights.get(&p).copied().unwrap_or(1.0);
                            (p, w)
                        })
                        .collect()
                };
                let corpora = weighted(corpus);
                let word_pairs = weighted(word_pairs);
                let opts = BuildOptions {
                    corpora,
                    out,
                    min_trigram,
                    min_bigram,
                    min_unigram,
                    abbreviation_lists: abbreviations,
                    name_lists: names,
                    noise_ratio,
                    dedup_min_words,
                    word_pairs,
                    ..Default::default()
                };
                let report = build(&opts, &mut std::io::stderr())?;
                eprintln!("{}", serde_json::to_string(&report)?);
            }
            LmCommand::Confusions { pairs, out } => {
                let table = super::confusions::learn(&pairs)?;
                table.save(&out)?;
                eprintln!(
                    "{} confusion entries from {} aligned characters -> {}",
                    table.len(),
                    table.aligned_chars,
                    out.display()
                );
            }
            LmCommand::Export {
                arpa: _,
                model,
                out,
            } => {
                let quiet_pipe = |r: std::io::Result<()>| match r {
                    // `sohoa lm export --arpa | head` is not an error
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                    other => other,
                };
                let m = Model::load(&model)?;
                match out {
                    Some(path) => {
                        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
                        m.write_arpa(&mut f)?;
                        f.flush()?;
                    }
                    None => {
                        let stdout = std::io::stdout();
                        let mut f = std::io::BufWriter::new(stdout.lock());
                        quiet_pipe(m.write_arpa(&mut f).and_then(|()| f.flush()))?;
                    }
                }
            }
        }
        Ok(())
    }
}
