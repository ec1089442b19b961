//! Any bytes: decoding and parsing return diagnostics, never panic, and every
//! diagnostic's span lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let file = match medc::source::decode("fuzz.medimg", bytes.to_vec()) {
        Ok(file) => file,
        Err((file, diagnostic)) => {
            assert!(diagnostic.primary.span.end <= file.text.len());
            return;
        }
    };
    let parsed = medc::syntax::parse(&file.text);
    for diagnostic in &parsed.diagnostics {
        assert!(diagnostic.primary.span.start <= diagnostic.primary.span.end);
        assert!(diagnostic.primary.span.end <= file.text.len());
    }
});
