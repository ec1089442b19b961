//! The external checkers, over every template the cases produce: cfn-lint
//! must report nothing, checkov no failed check, cdk-nag's HIPAA.Security
//! pack no error (a waiver in the source, or a decision of the standard
//! library, is the only suppression, always with its reason). `scripts/test`
//! installs cfn-lint and checkov from PyPI into .venv at pinned versions
//! (`MEDC_TOOLS_DIR` points at them) and cdk-nag from npm into
//! tests/cdk-nag/node_modules, as its package-lock.json pins it.

#[allow(dead_code)]
#[path = "../benches/support/generate.rs"]
mod generate;

use medc::diagnostics::codes::{Category, Checker, Code};
use medc::diagnostics::Severity;
use medc::source::SourceFile;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str) -> PathBuf {
    let dir = std::env::var_os("MEDC_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin"));
    let path = dir.join(name);
    assert!(path.exists(), "{} is not installed; run `bash scripts/test`, which installs it", path.display());
    path
}

/// A template the suite built, and the compliance warnings medc reported
/// on its program without a waiver (the user sees those findings already).
struct Built {
    path: PathBuf,
    warned: Vec<&'static Code>,
}

/// Builds every compiling program into `dir`, returning the template paths.
fn templates(dir: &Path) -> Vec<PathBuf> {
    build_all(dir).into_iter().map(|built| built.path).collect()
}

fn build_all(dir: &Path) -> Vec<Built> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut written = Vec::new();
    for folder in ["examples", "tests/cases/ok", "tests/cases/waived", "tests/cases/warn"] {
        let mut entries: Vec<PathBuf> =
            std::fs::read_dir(root.join(folder)).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries.into_iter().filter(|p| p.extension().is_some_and(|e| e == "medimg")) {
            let text = std::fs::read_to_string(&path).unwrap();
            let compiled = match medc::compile(&SourceFile::new(path.display().to_string(), text)) {
                Ok(compiled) => compiled,
                Err(failed) => panic!("{} does not compile: {failed:?}", path.display()),
            };
            let warned = compiled
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning && d.code.category == Category::Compliance)
                .map(|d| d.code)
                .collect();
            let template = compiled.json;
            let name = format!("{}-{}.json", folder.replace('/', "-"), path.file_stem().unwrap().to_string_lossy());
            let out = dir.join(name);
            std::fs::write(&out, template).unwrap();
            written.push(Built { path: out, warned });
        }
    }
    written.extend(build_nested(dir).into_iter().map(|path| Built { path, warned: Vec::new() }));
    let bootstrap = dir.join("bootstrap.json");
    std::fs::write(&bootstrap, medc::deploy::bootstrap::template().to_json()).unwrap();
    written.push(Built { path: bootstrap, warned: Vec::new() });
    written
}

/// A generated pipeline with `stacks nested` of two children, built by
/// `medc build -o DIR` as a user would: the parent and every child. cfn-lint
/// reads each child from the parent's local `TemplateURL` (E3043 checks the
/// parameters passed to it).
fn build_nested(dir: &Path) -> Vec<PathBuf> {
    let text = generate::program("nested", 8_000).replacen(
        "  lifecycle disposable\n",
        "  lifecycle disposable\n  stacks nested\n",
        1,
    );
    let source = tempfile::tempdir().unwrap();
    let program = source.path().join("site.medimg");
    std::fs::write(&program, text).unwrap();
    let out = dir.join("nested");
    let output =
        Command::new(env!("CARGO_BIN_EXE_medc")).arg("build").arg(&program).arg("-o").arg(&out).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut files = vec![out.join("site.template.json")];
    let mut children: Vec<PathBuf> = std::fs::read_dir(out.join("site")).unwrap().map(|e| e.unwrap().path()).collect();
    children.sort();
    assert!((2..=3).contains(&children.len()), "{children:?}");
    files.extend(children);
    files
}

#[test]
fn cfn_lint_reports_nothing_on_any_template() {
    let dir = tempfile::tempdir().unwrap();
    let files = templates(dir.path());
    assert!(files.len() > 20);
    let output = Command::new(tool("cfn-lint")).args(&files).output().unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && report.trim().is_empty(),
        "cfn-lint findings:\n{report}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn checkov_fails_no_check_on_any_template() {
    let dir = tempfile::tempdir().unwrap();
    templates(dir.path());
    let output = Command::new(tool("checkov"))
        .args(["--directory"])
        .arg(dir.path())
        .args(["--framework", "cloudformation", "--compact", "--quiet", "--output", "json"])
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("checkov output:\n{text}"));
    let summary = if report.is_array() { report[0]["summary"].clone() } else { report["summary"].clone() };
    assert_eq!(summary["failed"], 0, "checkov failures:\n{text}");
    assert!(summary["passed"].as_u64().unwrap_or(0) > 1000, "{summary}");
}

#[test]
fn cdk_nag_hipaa_pack_reports_no_error_on_any_template() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cdk-nag");
    assert!(
        root.join("node_modules/cdk-nag").exists(),
        "cdk-nag is not installed; run `bash scripts/test`, which installs it"
    );
    let dir = tempfile::tempdir().unwrap();
    let built = build_all(dir.path());
    let files: Vec<&PathBuf> = built.iter().map(|b| &b.path).collect();
    // One Node process for every template: loading aws-cdk-lib dominates.
    let output = Command::new("node").arg(root.join("hipaa.js")).args(&files).output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "cdk-nag failed:\n{text}{}", String::from_utf8_lossy(&output.stderr));
    let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("cdk-nag output:\n{text}"));
    let mut problems = Vec::new();
    let mut suppressed = 0;
    for (file, findings) in report.as_object().unwrap() {
        let name = Path::new(file).file_name().unwrap().to_string_lossy();
        let warned = &built.iter().find(|b| b.path == Path::new(file)).unwrap().warned;
        for finding in findings["errors"].as_array().unwrap().iter().chain(findings["failures"].as_array().unwrap()) {
            // A finding of a rule medc warned about (unwaived, so visible
            // on every build) is the one exception.
            let reported = warned.iter().flat_map(|code| code.external).any(|check| {
                check.checker == Checker::CdkNag
                    && finding["type"] == check.resource
                    && check.ids.iter().any(|id| finding["rule"] == *id)
            });
            if reported {
                continue;
            }
            problems.push(format!("{name}: {} on {} ({})", finding["rule"], finding["resource"], finding["message"]));
        }
        for finding in findings["suppressed"].as_array().unwrap() {
            suppressed += 1;
            let reason = finding["reason"].as_str().unwrap_or("");
            if reason.split_whitespace().count() < 5 {
                problems.push(format!(
                    "{name}: {} on {} is suppressed without a reason",
                    finding["rule"], finding["resource"]
                ));
            }
        }
    }
    assert_eq!(report.as_object().unwrap().len(), files.len());
    assert!(problems.is_empty(), "cdk-nag HIPAA.Security findings:\n{}", problems.join("\n"));
    assert!(suppressed > 0, "the suppressions in resource metadata were not read");
}
