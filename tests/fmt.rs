//! The formatter: golden cases (`tests/cases/fmt/*.medimg`, messy inputs
//! whose snapshot is the formatted text) and the property that formatting
//! never changes what a program means, on the repository's programs and on
//! variants of them with blanks and comments scattered between tokens.

use medc::source::SourceFile;
use proptest::prelude::*;
use std::path::Path;

/// What a program means: its elaborated form (spans left out, as layout
/// moves them), its diagnostics' codes and, when it compiles, its template
/// (with the source lines its waivers cite left out, for the same reason).
fn meaning(text: &str) -> String {
    let file = SourceFile::new("case.medimg", text);
    let analysis = medc::analyze(&file);
    assert!(analysis.internal().is_none(), "internal error");
    let mut codes: Vec<&str> = analysis.diagnostics().iter().map(|d| d.code.code).collect();
    codes.sort_unstable();
    let mut out = format!("diagnostics: {codes:?}\n");
    if let Some(program) = analysis.program() {
        out.push_str(&without_spans(&medc::check::dump::program(program)));
    }
    if let Ok(compiled) = medc::compile(&file) {
        out.push_str(&without_source_lines(&compiled.json));
    }
    out
}

/// The template with the digits after `"Line": ` and `at line ` removed.
fn without_source_lines(json: &str) -> String {
    let mut out = json.to_string();
    for marker in ["\"Line\": ", "at line "] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(at) = rest.find(marker) {
            result.push_str(&rest[..at + marker.len()]);
            rest = rest[at + marker.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The dump with every `@START..END` removed.
fn without_spans(dump: &str) -> String {
    let mut out = String::with_capacity(dump.len());
    let mut rest = dump;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        rest = rest[at + 1..].trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
    }
    out.push_str(rest);
    out
}

/// Formats `text` and checks the promises: same meaning, and a fixed point.
fn formatted_keeping_meaning(text: &str, what: &str) -> String {
    let formatted = medc::fmt::format(text).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(medc::fmt::format(&formatted).unwrap(), formatted, "{what}: a second format changed the text");
    if !text.trim_start_matches(['\u{FEFF}', ' ', '\n']).starts_with("library") && !text.contains("\nlibrary ") {
        assert_eq!(meaning(&formatted), meaning(text), "{what}: formatting changed the meaning");
    }
    formatted
}

#[test]
fn messy_inputs() {
    insta::glob!("cases/fmt/*.medimg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!(formatted_keeping_meaning(&text, &path.display().to_string()));
    });
}

/// The programs and standard library in the repository: those kept in the
/// canonical layout (examples, stdlib, accepted cases) and others.
fn repository_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["examples", "stdlib", "tests/cases/ok", "tests/cases/fmt", "tests/cases/warn", "tests/cases/waived"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "medimg")) {
            files.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
        }
    }
    files
}

#[test]
fn repository_files_keep_their_meaning() {
    for (path, text) in repository_files() {
        formatted_keeping_meaning(&text, &path);
    }
}

#[test]
fn the_repository_is_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, text) in repository_files() {
        let relative = Path::new(&path).strip_prefix(root).unwrap();
        if !["examples", "stdlib", "tests/cases/ok"].iter().any(|dir| relative.starts_with(dir)) {
            continue;
        }
        assert_eq!(medc::fmt::format(&text).unwrap(), text, "{path} is not formatted: run `medc fmt {path}`");
    }
    // What `medc init` writes.
    let starter = std::fs::read_to_string(root.join("src/starter.medimg")).unwrap();
    assert_eq!(medc::fmt::format(&starter).unwrap(), starter, "run `medc fmt src/starter.medimg`");
}

#[test]
fn syntax_errors_are_reported_not_formatted() {
    let error = medc::fmt::format("pipeline p < database aurora < multi_az >").unwrap_err();
    match error {
        medc::fmt::FormatError::Syntax(diagnostics) => assert_eq!(diagnostics[0].code.code, "MEDC-0002"),
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

/// Byte offsets where blanks or a comment can go without touching a token:
/// next to existing white space, brackets and commas, outside strings and
/// comments (and not inside `->`).
fn gaps(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut gaps = vec![0, text.len()];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                gaps.push(i);
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => i += 1,
            b' ' | b'\n' | b'\t' | b'<' | b'>' | b',' => {
                gaps.push(i);
                gaps.push(i + 1);
            }
            _ => {}
        }
        i += 1;
    }
    gaps.sort_unstable();
    gaps.dedup();
    gaps
}

const INSERTIONS: &[&str] = &[" ", "\n", "\n\n\n", "\t", "  // a comment\n", "\n// an own-line comment\n", "//\n"];

/// `text` with `insertions` (a gap index and an insertion index each) made.
fn scattered(text: &str, insertions: &[(usize, usize)]) -> String {
    let gaps = gaps(text);
    let mut at: Vec<(usize, &str)> =
        insertions.iter().map(|&(g, k)| (gaps[g % gaps.len()], INSERTIONS[k % INSERTIONS.len()])).collect();
    at.sort_by_key(|&(offset, _)| std::cmp::Reverse(offset));
    let mut out = text.to_string();
    for (offset, insertion) in at {
        out.insert_str(offset, insertion);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn scattered_blanks_and_comments_keep_the_meaning(
        file in 0usize..64,
        insertions in proptest::collection::vec((0usize..10_000, 0usize..16), 1..24),
    ) {
        let files = repository_files();
        let (path, text) = &files[file % files.len()];
        let messy = scattered(text, &insertions);
        let formatted = formatted_keeping_meaning(&messy, path);
        // Spaces alone (no line breaks, which can make blank lines) vanish.
        if insertions.iter().all(|&(_, k)| !INSERTIONS[k % INSERTIONS.len()].contains(['/', '\n'])) {
            prop_assert_eq!(formatted, medc::fmt::format(text).unwrap());
        }
    }
}

fn medc() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("medc").unwrap()
}

#[test]
fn fmt_reads_standard_input_and_writes_standard_output() {
    let output = medc().args(["fmt", "-"]).write_stdin("pipeline  medimg<database aurora<multi_az>>").output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "pipeline medimg < database aurora < multi_az > >\n");
}

#[test]
fn fmt_rewrites_files_in_place_and_check_names_the_unformatted() {
    let dir = tempfile::tempdir().unwrap();
    let messy = dir.path().join("messy.medimg");
    let tidy = dir.path().join("tidy.medimg");
    std::fs::write(&messy, "pipeline medimg <\n database aurora<multi_az> >").unwrap();
    std::fs::write(&tidy, "pipeline medimg < database aurora < multi_az > >\n").unwrap();

    let check = medc().arg("fmt").arg("--check").arg(&messy).arg(&tidy).output().unwrap();
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(String::from_utf8(check.stdout).unwrap(), format!("{}\n", messy.display()));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), "pipeline medimg <\n database aurora<multi_az> >");

    medc().arg("fmt").arg(&messy).arg(&tidy).assert().success();
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), std::fs::read_to_string(&tidy).unwrap());
    medc().arg("fmt").arg("--check").arg(&messy).arg(&tidy).assert().success().stdout("");
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_alone() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.medimg");
    let text = "pipeline medimg <\n database aurora < multi_az\n";
    std::fs::write(&broken, text).unwrap();
    let output = medc().args(["fmt", "--color", "never"]).arg(&broken).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("MEDC-0002"));
    assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
}

#[test]
fn fmt_reports_a_missing_file_with_exit_2() {
    let output = medc().args(["fmt", "no/such/file.medimg"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no such file"));
}

/// Words, literals, brackets and comments to build arbitrary programs from.
const PIECES: &[&str] = &[
    "<",
    ">",
    "<",
    ">",
    "database",
    "aurora",
    "multi_az",
    "backup",
    "7d",
    "\"text\"",
    ",",
    "// note\n",
    "\n\n",
    "route",
    "GET",
    "\"/a\"",
    "->",
    "waive",
    "MEDC-1001",
    "param",
    "X",
    "tasks",
    "2..6",
    "on",
    "cpu",
    "70%",
    "service",
    "fargate",
    "processor",
    "tags",
    "network",
    "connects",
    "writes",
    "a",
    "b",
    "mtls",
    "truststore",
    "bucket",
    "s3",
    "versioning",
    "off",
    "16.8",
    "0.5..4",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the input, the formatter answers without panicking, and
    /// what it formats keeps its meaning and is a fixed point.
    #[test]
    fn arbitrary_programs_format_or_are_refused(pieces in proptest::collection::vec(0usize..64, 0..48)) {
        let body: Vec<&str> = pieces.iter().map(|&i| PIECES[i % PIECES.len()]).collect();
        let text = format!("pipeline p < {} >\n", body.join(" "));
        if let Ok(formatted) = medc::fmt::format(&text) {
            prop_assert_eq!(medc::fmt::format(&formatted).unwrap(), formatted.clone());
            prop_assert_eq!(meaning(&formatted), meaning(&text));
        }
    }
}
