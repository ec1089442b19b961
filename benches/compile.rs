//! `cargo bench`: each stage on the reference example, the whole compile,
//! `check` of generated programs of 10 KB, 100 KB, 1 MB and 10 MB, and
//! `build` of the first three (they should grow linearly).
//! Figures go in the README; no test asserts a timing.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medc::source::SourceFile;
use std::hint::black_box;
use std::time::Duration;

#[path = "support/generate.rs"]
#[allow(dead_code)]
mod generate;

const EXAMPLE: &str = include_str!("../examples/medimg.medimg");

fn stages(c: &mut Criterion) {
    let file = SourceFile::new("medimg.medimg", EXAMPLE);
    let analysis = medc::analyze(&file);
    let valid = analysis.valid().expect("the example has no errors");
    let template = medc::lower::lower(valid).expect("the example lowers");

    c.bench_function("parse", |b| b.iter(|| medc::syntax::parse(black_box(EXAMPLE))));
    c.bench_function("analyze (parse + check)", |b| b.iter(|| medc::analyze(black_box(&file))));
    c.bench_function("lower", |b| b.iter(|| medc::lower::lower(black_box(valid))));
    c.bench_function("emit", |b| b.iter(|| black_box(&template).to_json()));
    c.bench_function("compile", |b| b.iter(|| medc::compile(black_box(&file)).map(|c| c.json)));
    c.bench_function("standard library from its sources", |b| b.iter(medc::stdlib::from_sources));
    c.bench_function("format", |b| b.iter(|| medc::fmt::format(black_box(EXAMPLE))));
}

/// The sizes of generated source `check` and `build` are measured at.
/// `build` stops at 1 MB: its 10 MB point (650,000 resources, a 1.2 GB
/// template, 7 GiB) is measured once by `examples/measure.rs`, since
/// criterion's fewest samples of it would take minutes.
const SIZES: [(&str, usize); 4] = [("10KB", 10_000), ("100KB", 100_000), ("1MB", 1_000_000), ("10MB", 10_000_000)];

fn growth(c: &mut Criterion) {
    for (stage, build) in [("check by size", false), ("build by size", true)] {
        let mut group = c.benchmark_group(stage);
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
        for (label, bytes) in SIZES.into_iter().filter(|(_, bytes)| !build || *bytes < 10_000_000) {
            let text = generate::program("scale", bytes);
            let file = SourceFile::new("scale.medimg", text.clone());
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(label), &file, |b, file| {
                b.iter(|| {
                    let analysis = medc::analyze(file);
                    // Lowering and emitting, whatever CloudFormation's quotas
                    // would say of the template (`medc build` refuses it).
                    let json =
                        analysis.valid().filter(|_| build).map(|valid| medc::lower::lower(valid).map(|t| t.to_json()));
                    (analysis.diagnostics().len(), json.map(|j| j.map(|j| j.len())))
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, stages, growth);
criterion_main!(benches);
