//! Valid programs, mutated: libFuzzer starts from the examples and the
//! accepted golden cases and edits them. Whatever the edit, medc
//! never panics or fails internally, and a program without any `waive`
//! that compiles gives a template with no breach of docs/security.md: no
//! wildcard or escalating action in a role, no ingress from 0.0.0.0/0, no
//! plaintext secret, no resource dropped by a name collision.
//!
//! `cargo fuzz run secure fuzz/corpus/secure examples tests/cases/ok` (the
//! first directory collects what libFuzzer finds; the others seed it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let file = medc::source::SourceFile::new("fuzz.medimg", text);
    match medc::compile(&file) {
        Ok(compiled) => {
            if !text.contains("waive") {
                let breaches = medc::audit::breaches(&compiled.template);
                assert!(breaches.is_empty(), "{breaches:?}");
            }
        }
        Err(medc::Failed::Rejected { diagnostics }) => assert!(medc::diagnostics::has_errors(&diagnostics)),
        Err(medc::Failed::Internal { error, .. }) => panic!("{error}"),
    }
});
