//! Golden tests. Each case is one file under `tests/cases/`:
//!
//! - `ok/`: programs that check clean; the snapshot is the syntax tree and
//!   the elaborated program, every setting marked `user` or `stdlib`.
//! - `err/`: programs with errors; the first line names the code expected
//!   (`// expect: MEDC-0002`), and the snapshot holds the diagnostics rendered
//!   `human` (no colour), `short` and `json`.
//! - `warn/`: programs that compile with the expected warning.
//! - `waived/`: programs whose finding a waiver lets through; the expected
//!   code must appear as a note, and nothing as an error.
//!
//! Which cases a compliance rule needs is decided by the catalogue; see
//! `every_compliance_rule_has_its_cases`.

use medc::diagnostics::render::{render, FileReport, Format};
use medc::diagnostics::{Diagnostic, Severity};
use medc::source::{self, SourceFile};
use std::path::Path;

/// The code a case names in its first line: `// expect: MEDC-0002`.
fn expected_code(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let first = text.lines().next().unwrap_or_default();
    match first.strip_prefix("// expect: ") {
        Some(code) => code.trim().to_string(),
        None => panic!("a case's first line must be `// expect: MEDC-XXXX`"),
    }
}

/// Checks the case file, as `medc check` would (and builds it when it checks
/// clean, as `medc build` would), naming it by its path
/// under tests/ so snapshots do not depend on where the repository lives.
fn run(path: &Path) -> (SourceFile, Vec<Diagnostic>, Option<medc::Analysis>) {
    let bytes = std::fs::read(path).unwrap();
    let name = format!(
        "cases/{}/{}",
        path.parent().unwrap().file_name().unwrap().to_string_lossy(),
        path.file_name().unwrap().to_string_lossy()
    );
    match source::decode(&name, bytes) {
        Err((file, diagnostic)) => (file, vec![diagnostic], None),
        Ok(file) => {
            let analysis = medc::analyze(&file);
            assert!(analysis.internal().is_none(), "{:?}", analysis.internal());
            let mut diagnostics = analysis.diagnostics().to_vec();
            // A rejected or warned case that checks clean is built too, as
            // `medc build` would: CloudFormation's quotas are judged on the
            // template. (Accepted cases are about checking; most real
            // templates are over the inline quota, MEDC-0232.)
            let judged = ["err", "warn"].iter().any(|dir| path.parent().is_some_and(|p| p.ends_with(dir)));
            if judged && analysis.valid().is_some() {
                diagnostics = match medc::compile(&file) {
                    Ok(compiled) => compiled.diagnostics,
                    Err(failed) => failed.diagnostics().to_vec(),
                };
            }
            (file, diagnostics, Some(analysis))
        }
    }
}

fn rendered(file: &SourceFile, diagnostics: &[Diagnostic]) -> String {
    let reports = [FileReport { file, diagnostics }];
    format!(
        "{}\n--- short\n{}\n--- json\n{}",
        render(Format::Human, &reports, false),
        render(Format::Short, &reports, false),
        render(Format::Json, &reports, false)
    )
}

fn codes(diagnostics: &[Diagnostic], severity: Severity) -> Vec<&'static str> {
    diagnostics.iter().filter(|d| d.severity == severity).map(|d| d.code.code).collect()
}

#[test]
fn rejected_programs() {
    insta::glob!("cases/err/*.medimg", |path| {
        let expected = expected_code(&std::fs::read(path).unwrap());
        let (file, diagnostics, _) = run(path);
        let errors = codes(&diagnostics, Severity::Error);
        assert!(
            errors.contains(&expected.as_str()),
            "{}: expected an error {expected}, got {errors:?}",
            path.display()
        );
        insta::assert_snapshot!(rendered(&file, &diagnostics));
    });
}

#[test]
fn programs_with_warnings() {
    insta::glob!("cases/warn/*.medimg", |path| {
        let expected = expected_code(&std::fs::read(path).unwrap());
        let (file, diagnostics, _) = run(path);
        assert_eq!(codes(&diagnostics, Severity::Error), Vec::<&str>::new(), "{}", path.display());
        let warnings = codes(&diagnostics, Severity::Warning);
        assert!(
            warnings.contains(&expected.as_str()),
            "{}: expected a warning {expected}, got {warnings:?}",
            path.display()
        );
        insta::assert_snapshot!(rendered(&file, &diagnostics));
    });
}

#[test]
fn waived_findings() {
    insta::glob!("cases/waived/*.medimg", |path| {
        let expected = expected_code(&std::fs::read(path).unwrap());
        let (file, diagnostics, program) = run(path);
        assert_eq!(codes(&diagnostics, Severity::Error), Vec::<&str>::new(), "{}", path.display());
        let notes = codes(&diagnostics, Severity::Note);
        assert!(
            notes.contains(&expected.as_str()),
            "{}: expected {expected} as a waived note, got {notes:?}",
            path.display()
        );
        let analysis = program.expect("a waived case decodes");
        let program = analysis.program().expect("a waived case parses");
        assert!(program.waived.iter().any(|w| w.code.code == expected), "the waiver is recorded for the output");
        insta::assert_snapshot!(rendered(&file, &diagnostics));
    });
}

/// The cases the catalogue requires of every compliance rule:
///
/// - one that shows it firing, in the folder of the severity it fires at:
///   `err/rule-CODE-*` for an error, `warn/CODE-*` for a warning, and
///   `note/CODE-*` for a note (no rule is a note today: a finding that
///   lets nothing through would need no waiver, and every relaxed
///   protection needs one);
/// - one that waives it: `waived/CODE-*` when it is waivable; otherwise an
///   `err/` case (`// expect: MEDC-0303`) in which `waive CODE` is refused.
///   A note lets nothing through, so a note-severity rule is not waivable.
///
/// Each case's first line must name the rule's code, which the tests above
/// then check fires at that severity.
#[test]
fn every_compliance_rule_has_its_cases() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let files = |folder: &str| -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = std::fs::read_dir(cases.join(folder))
            .map(|entries| entries.map(|e| e.unwrap().path()).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .map(|path| {
                (
                    path.file_name().unwrap().to_string_lossy().into_owned(),
                    String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let (err, warn, note, waived) = (files("err"), files("warn"), files("note"), files("waived"));
    let mut missing = Vec::new();
    for rule in medc::diagnostics::codes::rules() {
        let code = rule.code;
        let (folder, prefix) = match rule.severity {
            Severity::Error => (&err, format!("rule-{code}-")),
            Severity::Warning => (&warn, format!("{code}-")),
            Severity::Note => (&note, format!("{code}-")),
        };
        let firing: Vec<_> = folder.iter().filter(|(name, _)| name.starts_with(&prefix)).collect();
        if firing.is_empty() {
            missing.push(format!("{code}: no {prefix}*.medimg case for a rule of severity {}", rule.severity.as_str()));
        }
        for (name, text) in firing {
            assert_eq!(expected_code(text.as_bytes()), code, "{name} must expect {code}");
        }
        if rule.waivable {
            let waived: Vec<_> = waived.iter().filter(|(name, _)| name.starts_with(&format!("{code}-"))).collect();
            if waived.is_empty() {
                missing.push(format!("{code}: waivable, but no waived/{code}-*.medimg case"));
            }
            for (name, text) in waived {
                assert_eq!(expected_code(text.as_bytes()), code, "waived/{name} must expect {code}");
            }
        } else {
            let refused = err.iter().any(|(_, text)| {
                expected_code(text.as_bytes()) == "MEDC-0303" && text.contains(&format!("waive {code} "))
            });
            if !refused {
                missing.push(format!("{code}: not waivable, but no err/ case in which `waive {code}` is refused"));
            }
        }
    }
    assert!(missing.is_empty(), "compliance rules without their cases:\n{}", missing.join("\n"));
}

#[test]
fn accepted_programs() {
    insta::glob!("cases/ok/*.medimg", |path| insta::assert_snapshot!(check_clean(path)));
}

#[test]
fn examples() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    insta::glob!(examples, "*.medimg", |path| insta::assert_snapshot!(check_clean(path)));
}

/// Checks a program that must compile, and returns its dumps.
fn check_clean(path: &Path) -> String {
    let (_, diagnostics, program) = run(path);
    let unexpected: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| format!("{} {}", d.code.code, d.message))
        .collect();
    assert!(unexpected.is_empty(), "{}: {unexpected:?}", path.display());
    let analysis = program.expect("decodes");
    let valid = analysis.valid().expect("checks clean");
    let ast = analysis.ast().expect("parses");
    format!(
        "--- syntax tree\n{}\n--- elaborated program\n{}",
        medc::syntax::dump::program(ast),
        medc::check::dump::program(valid.program())
    )
}
