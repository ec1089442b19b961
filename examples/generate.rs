//! Writes generated `.medimg` programs for the measured commands of the
//! README's performance section.
//!
//! `cargo run --release --example generate -- SIZE` prints one program of
//! about SIZE bytes (`10KB`, `1MB`, `10MB`, or a plain number);
//! `cargo run --release --example generate -- SIZE COUNT DIR` writes COUNT
//! programs into DIR, `site0.medimg` and on.

#[path = "../benches/support/generate.rs"]
mod generate;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(bytes) = args.first().and_then(|s| size(s)) else {
        eprintln!("usage: generate SIZE [COUNT DIR]   (SIZE: 10KB, 1MB, 10MB or bytes)");
        return ExitCode::from(2);
    };
    match (args.get(1), args.get(2)) {
        (None, _) => print!("{}", generate::program("gen", bytes)),
        (Some(count), Some(dir)) => {
            let Ok(count) = count.parse() else {
                eprintln!("COUNT must be a number");
                return ExitCode::from(2);
            };
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("cannot create {dir}: {e}");
                return ExitCode::from(2);
            }
            for (name, text) in generate::pipelines(count, bytes) {
                let path = std::path::Path::new(dir).join(format!("{name}.medimg"));
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("cannot write {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            }
        }
        _ => {
            eprintln!("usage: generate SIZE [COUNT DIR]");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

/// `10KB`, `1MB`, `10MB` (decimal units) or a plain byte count.
fn size(text: &str) -> Option<usize> {
    let upper = text.to_ascii_uppercase();
    let (number, factor) = if let Some(n) = upper.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = upper.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (upper.as_str(), 1)
    };
    number.trim().parse::<usize>().ok().map(|n| n * factor)
}
