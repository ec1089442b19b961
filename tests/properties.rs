//! Property tests: no input makes medc panic, and the same input always
//! gives the same diagnostics.

use medc::diagnostics::render::{render, FileReport, Format};
use medc::source::{self, SourceFile};
use proptest::prelude::*;

/// Tokens of the language and near misses, so generated programs reach the
/// parser's and the checker's corners rather than failing at the first byte.
const TOKENS: &[&str] = &[
    "pipeline",
    "p",
    "<",
    ">",
    "<",
    ">",
    "database",
    "aurora",
    "bucket",
    "s3",
    "service",
    "fargate",
    "x",
    "api",
    "network",
    "secret",
    "multi_az",
    "on",
    "off",
    "backup",
    "7d",
    "1d",
    "7x",
    "0.5..4",
    "6..2",
    "2GiB",
    "70%",
    "\"s\"",
    "\"unterminated",
    "\"bad\\q\"",
    "route",
    "GET",
    "\"/a\"",
    "->",
    "waive",
    "MEDC-1007",
    "\"a long enough reason for the waiver\"",
    "param",
    "P",
    ",",
    "// c\n",
    "\n",
    "\t",
    "é",
    "{",
    "16.4",
    "tasks",
    "2..6",
    "on",
    "cpu",
    "mount",
    "at",
    "connects",
    "writes",
    "grant",
    "\"*\"",
    "tags",
    "lifecycle",
    "disposable",
    "region",
    "us-east-1",
    "1_0",
    "99999999999999999999999",
    "..",
    "-",
    "\u{201c}",
];

fn program() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|tokens| tokens.join(" "))
}

fn diagnostics_json(text: &str) -> String {
    let file = SourceFile::new("p.medimg", text);
    let checked = medc::analyze(&file);
    render(Format::Json, &[FileReport { file: &file, diagnostics: checked.diagnostics() }], false)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn token_soup_never_panics(text in program()) {
        let file = SourceFile::new("p.medimg", text);
        let checked = medc::analyze(&file);
        for format in [Format::Human, Format::Short, Format::Json, Format::Sarif] {
            render(format, &[FileReport { file: &file, diagnostics: checked.diagnostics() }], false);
        }
        // A program without errors lowers: the typed views find every
        // setting the checker promised.
        if let Err(medc::Failed::Internal { error, .. }) = medc::compile(&file) {
            prop_assert!(false, "{}", error);
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        match source::decode("b.medimg", bytes) {
            Ok(file) => { assert!(medc::analyze(&file).internal().is_none()); }
            Err((file, diagnostic)) => {
                render(Format::Human, &[FileReport { file: &file, diagnostics: &[diagnostic] }], false);
            }
        }
    }

    #[test]
    fn checking_is_deterministic(text in program()) {
        prop_assert_eq!(diagnostics_json(&text), diagnostics_json(&text));
    }
}
