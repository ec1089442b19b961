//! Many pipelines in one run: a hospital network has a pipeline per site and
//! per environment. `medc check` and `medc build` take files and
//! directories; this module finds the programs, runs the per-program work
//! in parallel (rayon) and gives the results back in a stable order: the
//! order the paths were given, a directory's programs sorted by path. It
//! also names each program's template in one output directory.

use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The extension of a program's file; a directory is searched for these.
pub const EXTENSION: &str = "medimg";

/// Whether the paths name several programs: more than one, or a directory.
pub fn several(paths: &[PathBuf]) -> bool {
    paths.len() > 1 || paths.iter().any(|p| p.is_dir())
}

/// The programs named by `paths`: files as given (`-` is standard input),
/// and the `.medimg` files anywhere under each directory, sorted by path.
pub fn programs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            let before = found.len();
            walk(path, &mut found)?;
            found[before..].sort();
            if found.len() == before {
                return Err(format!("`{}` holds no .{EXTENSION} file", path.display()));
            }
        } else {
            found.push(path.clone());
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {}", dir.display(), io_reason(&e)))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot read `{}`: {}", dir.display(), io_reason(&e)))?;
        let path = entry.path();
        // `file_type` does not follow symbolic links, so a link cycle cannot loop.
        let kind = entry.file_type().map_err(|e| format!("cannot read `{}`: {}", path.display(), io_reason(&e)))?;
        if kind.is_dir() {
            walk(&path, found)?;
        } else if path.extension().is_some_and(|e| e == EXTENSION) {
            found.push(path);
        }
    }
    Ok(())
}

/// `work` applied to every item (a program, a template to write), in
/// parallel; the results in the order of `items`.
pub fn map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().map(work).collect()
}

/// Where each program's template goes in `dir`: `NAME.template.json`, NAME
/// being the file's stem. Two programs with one stem would overwrite each
/// other, so that is refused before anything is written.
pub fn destinations(programs: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut seen: HashMap<PathBuf, &Path> = HashMap::new();
    let mut destinations = Vec::with_capacity(programs.len());
    for program in programs {
        let stem = match program.file_stem() {
            Some(stem) if program != Path::new("-") => stem.to_os_string(),
            _ => "stdin".into(),
        };
        let mut name = stem;
        name.push(".template.json");
        let destination = dir.join(name);
        if let Some(other) = seen.insert(destination.clone(), program) {
            return Err(format!(
                "`{}` and `{}` would both be written to `{}`; rename one of them",
                other.display(),
                program.display(),
                destination.display()
            ));
        }
        destinations.push(destination);
    }
    Ok(destinations)
}

fn io_reason(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_programs() {
        let programs: Vec<PathBuf> = (0..100).map(|i| PathBuf::from(format!("p{i}.medimg"))).collect();
        let names = map(&programs, |p| p.display().to_string());
        assert!(map(&[] as &[PathBuf], |p| p.clone()).is_empty());
        assert_eq!(names, programs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>());
    }

    #[test]
    fn a_directory_gives_its_programs_sorted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b.medimg", "a.medimg", "notes.txt"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/c.medimg"), "").unwrap();
        let found = programs(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<_> = found.iter().map(|p| p.strip_prefix(dir.path()).unwrap().to_path_buf()).collect();
        assert_eq!(names, [PathBuf::from("a.medimg"), "b.medimg".into(), "sub/c.medimg".into()]);
    }

    #[test]
    fn an_empty_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(programs(&[dir.path().to_path_buf()]).unwrap_err().contains("holds no .medimg file"));
    }

    #[test]
    fn two_programs_with_one_stem_are_refused() {
        let error =
            destinations(&["east/site.medimg".into(), "west/site.medimg".into()], Path::new("out")).unwrap_err();
        assert!(error.contains("would both be written to `out/site.template.json`"), "{error}");
        assert_eq!(
            destinations(&["east/a.medimg".into(), "west/b.medimg".into()], Path::new("out")).unwrap(),
            [PathBuf::from("out/a.template.json"), "out/b.template.json".into()]
        );
    }
}
