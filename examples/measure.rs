//! Measures each stage of compiling one program: the README's growth
//! figures at 10 MB, where criterion's fewest samples would take minutes.
//!
//! `cargo run --release --example measure -- FILE.medimg [OUT.json]`
//!
//! It lowers and emits whatever CloudFormation's quotas say of the
//! template (`medc build` refuses an oversized one before emitting it), and
//! prints the seconds of each stage and the sizes; with `OUT.json` it also
//! writes the template there, to compare the bytes of two builds of medc.
//! Peak memory comes from the operating system: run it under
//! `/usr/bin/time -v`.

use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: measure FILE.medimg");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let file = medc::source::SourceFile::new(path.as_str(), text);
    let cpu_start = cpu();
    let start = Instant::now();
    let analysis = medc::analyze(&file);
    let checked = start.elapsed().as_secs_f64();
    let rss_checked = resident();
    let cpu_checked = cpu();
    let Some(valid) = analysis.valid() else {
        eprintln!("{path} has errors; measure a valid program");
        return ExitCode::from(1);
    };
    let start = Instant::now();
    let template = match medc::lower::lower(valid) {
        Ok(template) => template,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    let lowered = start.elapsed().as_secs_f64();
    let rss_lowered = resident();
    let cpu_lowered = cpu();
    let start = Instant::now();
    let json = template.to_json();
    let emitted = start.elapsed().as_secs_f64();
    let rss_emitted = resident();
    let cpu_emitted = cpu();
    println!(
        "source {} bytes: check {checked:.3} s, lower {lowered:.3} s, emit {emitted:.3} s, build {:.3} s; \
         {} resources, template {} bytes",
        file.text.len(),
        checked + lowered + emitted,
        template.resources.len(),
        json.len()
    );
    if let [Some(start), Some(checked), Some(lowered), Some(emitted)] =
        [cpu_start, cpu_checked, cpu_lowered, cpu_emitted]
    {
        println!(
            "processor time (user and system): check {:.2} s, lower {:.2} s, emit {:.2} s",
            checked - start,
            lowered - checked,
            emitted - lowered
        );
    }
    if let (Some(checked), Some(lowered), Some(emitted)) = (rss_checked, rss_lowered, rss_emitted) {
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!(
            "resident memory: {:.1} MiB after check, {:.1} MiB after lower (+{:.0} bytes a resource), \
             {:.1} MiB after emit",
            mib(checked),
            mib(lowered),
            (lowered.saturating_sub(checked) * 1024) as f64 / template.resources.len().max(1) as f64,
            mib(emitted)
        );
    }
    if let Some(out) = std::env::args().nth(2) {
        if let Err(e) = std::fs::write(&out, &json) {
            eprintln!("cannot write {out}: {e}");
            return ExitCode::from(2);
        }
    }
    // The process ends here; the template is not worth dropping.
    std::mem::forget(template);
    ExitCode::SUCCESS
}

/// The process's resident memory in KiB (Linux's `VmRSS`), if known.
fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The processor time the process has used, user and system, in seconds
/// (Linux's `/proc/self/stat`, in clock ticks of 1/100 s): unlike the wall
/// clock, it does not count the time other processes held the processors.
fn cpu() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / 100.0)
}
