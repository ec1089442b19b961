//! `cargo bench`: each stage on the reference example, the whole compile,
//! and the compile of pipelines of growing size (it should grow linearly).
//! Figures go in the README; no test asserts a timing.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use medc::source::SourceFile;
use std::hint::black_box;

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

/// A pipeline with `n` copies of the example's data tier and a service.
fn pipeline_of(n: usize) -> String {
    let mut text = String::from(
        "pipeline scale <\n  lifecycle disposable\n  waive MEDC-1022 \"a benchmark stack that is never deployed with patient data\"\n",
    );
    for i in 0..n {
        text.push_str(&format!(
            "  secret db{i} < existing \"scale/db{i}\" >\n  database aurora db{i} < credentials db{i} >\n  \
             storage efs fs{i} < path \"/data\" >\n  stream kinesis ev{i} < shards 1 >\n  \
             service fargate svc{i} < image param Image  mount fs{i} at \"/mnt\"  connects db{i}  writes ev{i} >\n"
        ));
    }
    text.push_str(">\n");
    text
}

fn growth(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile by size");
    for n in [1, 10, 100] {
        let text = pipeline_of(n);
        let file = SourceFile::new("scale.medimg", text.clone());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &file, |b, file| {
            b.iter(|| medc::compile(file).map(|c| c.json))
        });
    }
    group.finish();
}

criterion_group!(benches, stages, growth);
criterion_main!(benches);
