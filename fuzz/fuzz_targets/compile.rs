//! Any text: the whole compile (analyze, lower, emit, render every format)
//! never panics, and a program without errors always lowers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medc::diagnostics::render::{render, FileReport, Format};

fuzz_target!(|text: &str| {
    let file = medc::source::SourceFile::new("fuzz.medimg", text);
    let analysis = medc::analyze(&file);
    for format in [Format::Human, Format::Short, Format::Json, Format::Sarif] {
        render(format, &[FileReport { file: &file, diagnostics: analysis.diagnostics() }], false);
    }
    match medc::compile(&file) {
        Ok(compiled) => assert!(compiled.json.starts_with('{')),
        Err(medc::Failed::Rejected { diagnostics }) => assert!(medc::diagnostics::has_errors(&diagnostics)),
        Err(medc::Failed::Internal { error, .. }) => panic!("{error}"),
    }
});
