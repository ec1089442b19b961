//! Writes a program with many waived findings, the shape of the issue's
//! "60,000 waived findings" case: buckets that turn off five protections
//! each, every one waived with its reason. Each waived finding is recorded
//! in the template's metadata and on the resources it concerns.
//!
//! `cargo run --release --example waived -- [FINDINGS]` prints a program
//! with about FINDINGS waived findings (60,000 by default); measure it
//! with `examples/measure.rs` or `medc build`.

use std::fmt::Write;
use std::process::ExitCode;

/// The settings a bucket turns off, each with the rule that requires it.
const OFF: [(&str, &str); 5] = [
    ("versioning", "MEDC-1012"),
    ("encrypted", "MEDC-1001"),
    ("tls", "MEDC-1003"),
    ("access_logs", "MEDC-1013"),
    ("backup", "MEDC-1011"),
];

fn main() -> ExitCode {
    let findings = match std::env::args().nth(1).map(|n| n.parse::<usize>()) {
        None => 60_000,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: waived [FINDINGS]");
            return ExitCode::from(2);
        }
    };
    let mut text = String::from(
        "// Generated: buckets with waived findings.\n\
         pipeline waived <\n  region sa-east-1\n  jurisdiction brazil\n  compliance hipaa\n  \
         owner \"imaging-platform\"\n  key phi < rotation on >\n  network < azs 2 >\n  \
         alarms < notify param AlarmEmail >\n  backup < retention 35d >\n",
    );
    for bucket in 0..findings.div_ceil(OFF.len()).max(1) {
        let _ = write!(text, "  bucket s3 replay{bucket} <");
        for (setting, _) in OFF {
            let _ = write!(text, " {setting} off");
        }
        for (_, rule) in OFF {
            let _ = write!(text, "\n    waive {rule} \"synthetic studies replayed in CI, never patient data\"");
        }
        text.push_str("\n  >\n");
    }
    text.push_str(">\n");
    print!("{text}");
    ExitCode::SUCCESS
}
