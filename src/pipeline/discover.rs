//! Finding the documents of a run: files as given, folders walked recursively.

use std::path::{Path, PathBuf};

/// One input document and the relative path its outputs are named after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// Where to read it.
    pub path: PathBuf,
    /// `sub/dir/file.pdf`: relative to the folder given (or the file name for a file given).
    pub rel: String,
}

/// Lists the documents under `inputs`, sorted, skipping hidden entries and the output folder.
/// Paths that cannot be read are returned with the reason.
pub fn discover(inputs: &[PathBuf], out_dir: &Path) -> (Vec<Input>, Vec<(PathBuf, String)>) {
    let out_dir = out_dir
        .canonicalize()
        .unwrap_or_else(|_| out_dir.to_path_buf());
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    // With several inputs, each one's outputs go under its own name so they cannot collide.
    let prefix_each = inputs.len() > 1;
    for input in inputs {
        let meta = match std::fs::metadata(input) {
            Ok(meta) => meta,
            Err(err) => {
                unreadable.push((input.clone(), format!("cannot read: {err}")));
                continue;
            }
        };
        let base = input
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "input".into());
        if meta.is_file() {
            found.push(Input {
                path: input.clone(),
                rel: base,
            });
            continue;
        }
        let walker = walkdir::WalkDir::new(input)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
                let is_out = e.path().canonicalize().is_ok_and(|p| p == out_dir);
                !hidden && !is_out
            });
        for entry in walker {
            match entry {
                Ok(entry) if entry.file_type().is_file() => {
                    let rel = entry
                        .path()
                        .strip_prefix(input)
                        .unwrap_or(entry.path())
                        .to_string_lossy()
                        .into_owned();
                    let rel = if prefix_each {
                        format!("{base}/{rel}")
                    } else {
                        rel
                    };
                    found.push(Input {
                        path: entry.path().to_path_buf(),
                        rel,
                    });
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or(input.clone());
                    unreadable.push((path, format!("cannot read: {err}")));
                }
            }
        }
    }
    // Two inputs with the same name (a.pdf from two folders given as files) must not share
    // outputs: later ones get a numbered suffix.
    let mut seen = std::collections::HashSet::new();
    for input in &mut found {
        if !seen.insert(input.rel.clone()) {
            let mut n = 2;
            while !seen.insert(format!("{}~{n}", input.rel)) {
                n += 1;
            }
            input.rel = format!("{}~{n}", input.rel);
        }
    }
    (found, unreadable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_folders_skipping_hidden_and_output() {
        let dir = std::env::temp_dir().join(format!("sohoa-discover-{}", std::process::id()));
        for p in [
            "a/x.pdf",
            "a/sub/y.tif",
            "a/.hidden/z.pdf",
            "a/.w.pdf",
            "a/out/r.json",
        ] {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"x").unwrap();
        }
        let (found, bad) = discover(&[dir.join("a"), dir.join("missing")], &dir.join("a/out"));
        let rels: Vec<_> = found.iter().map(|i| i.rel.as_str()).collect();
        assert_eq!(rels, ["a/sub/y.tif", "a/x.pdf"]);
        assert_eq!(bad.len(), 1);
        let (found, _) = discover(&[dir.join("a")], &dir.join("a/out"));
        assert_eq!(found[0].rel, "sub/y.tif");
        let (found, _) = discover(
            &[dir.join("a/x.pdf"), dir.join("a/x.pdf")],
            &dir.join("out"),
        );
        let rels: Vec<_> = found.iter().map(|i| i.rel.as_str()).collect();
        assert_eq!(rels, ["x.pdf", "x.pdf~2"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
