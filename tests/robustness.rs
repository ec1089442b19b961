//! Hostile inputs: deep nesting, huge lines, thousands of errors, binary
//! data. medc must answer each with diagnostics, never a panic or a stack
//! overflow. (How fast is measured by `cargo bench`, not asserted here.)

use medc::diagnostics::render::{render, FileReport, Format};
use medc::source::{self, SourceFile};

fn check(text: &str) -> Vec<medc::diagnostics::Diagnostic> {
    medc::analyze(&SourceFile::new("input.medimg", text)).diagnostics().to_vec()
}

#[test]
fn deep_nesting_gets_one_diagnostic() {
    let text = format!("pipeline p {}{}", "<".repeat(200_000), ">".repeat(200_000));
    let diagnostics = check(&text);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].code.code, "MEDC-0009");
}

#[test]
fn deep_nesting_does_not_overflow_the_binary_either() {
    let text = format!("pipeline p {}", "< ".repeat(200_000));
    let output =
        assert_cmd::Command::cargo_bin("medc").unwrap().args(["check", "-"]).write_stdin(text).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("MEDC-0009"));
}

#[test]
fn a_three_megabyte_line_is_read_and_shown_as_an_excerpt() {
    let mut text = String::from("pipeline p < tags <");
    let mut i = 0;
    while text.len() < 3_000_000 {
        text.push_str(&format!(" tag{i} \"value {i}\""));
        i += 1;
    }
    text.push_str(" > database aurora < backup 1d > >");
    let diagnostics = check(&text);
    assert_eq!(diagnostics.iter().map(|d| d.code.code).collect::<Vec<_>>(), ["MEDC-1010"]);
    let file = SourceFile::new("input.medimg", text);
    let human = render(Format::Human, &[FileReport { file: &file, diagnostics: &diagnostics }], false);
    assert!(human.len() < 4_000, "the report quotes an excerpt, not the line: {} bytes", human.len());
    assert!(human.contains("backup 1d"));
}

#[test]
fn five_thousand_errors_are_all_reported() {
    let mut text = String::from("pipeline p <\n");
    for i in 0..5_000 {
        text.push_str(&format!("  stream kinesis s{i} < retention 7x >\n"));
    }
    text.push('>');
    let diagnostics = check(&text);
    assert_eq!(diagnostics.len(), 5_000);
    assert!(diagnostics.iter().all(|d| d.code.code == "MEDC-0006"));
}

#[test]
fn five_thousand_checker_errors_are_all_reported() {
    let mut text = String::from("pipeline p <\n");
    for i in 0..5_000 {
        text.push_str(&format!("  stream kinesis s{i} < shards 0 >\n"));
    }
    text.push('>');
    let diagnostics = check(&text);
    assert_eq!(diagnostics.iter().filter(|d| d.code.code == "MEDC-0214").count(), 5_000);
}

#[test]
fn binary_garbage_is_an_error() {
    // A fixed pseudo-random byte stream.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let bytes: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let (file, diagnostic) = source::decode("garbage.bin", bytes).unwrap_err();
    assert_eq!(diagnostic.code.code, "MEDC-0010");
    let human = render(Format::Human, &[FileReport { file: &file, diagnostics: &[diagnostic] }], false);
    assert!(human.contains("MEDC-0010"));
}

#[test]
fn crlf_and_tabs_give_the_same_program() {
    let unix = "pipeline p <\n\tdatabase aurora <\n\t\tbackup 1d\n\t>\n>\n";
    let windows = unix.replace('\n', "\r\n");
    let (a, b) = (check(unix), check(&windows));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].code, b[0].code);
    let file = SourceFile::new("w.medimg", windows);
    let short = render(Format::Short, &[FileReport { file: &file, diagnostics: &b }], false);
    assert_eq!(
        short,
        "w.medimg:3:3: error[MEDC-1010]: `backup 1d` is below the minimum of `7d` in database `aurora`\n"
    );
}

#[test]
fn oversized_input_is_refused() {
    let bytes = vec![b' '; source::MAX_SOURCE_BYTES + 1];
    let (_, diagnostic) = source::decode("huge.medimg", bytes).unwrap_err();
    assert_eq!(diagnostic.code.code, "MEDC-0015");
}
