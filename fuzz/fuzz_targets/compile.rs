//! Any text: the whole compile (check, lower, emit, render every format)
//! never panics, and a program without errors always lowers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medc::diagnostics::render::{render, FileReport, Format};

fuzz_target!(|text: &str| {
    let file = medc::source::SourceFile::new("fuzz.medimg", text);
    let Ok(checked) = medc::check_file(&file) else { return };
    for format in [Format::Human, Format::Short, Format::Json, Format::Sarif] {
        render(format, &[FileReport { file: &file, diagnostics: &checked.diagnostics }], false);
    }
    if !checked.has_errors() {
        if let Some(program) = checked.program {
            let json = medc::lower::lower(&program).to_json();
            assert!(json.starts_with('{'));
        }
    }
});
