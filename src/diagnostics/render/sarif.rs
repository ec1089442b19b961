//! SARIF 2.1.0 rendering, for code-scanning dashboards. One run, the rules
//! that fired in `tool.driver.rules`, one result per diagnostic. A waived
//! finding is a result suppressed in source, with the waiver's reason; a
//! file that could not be read is a tool execution notification, and the
//! invocation is then not successful.

use super::Lines;
use super::{Failure, FileReport};
use crate::diagnostics::{Code, Diagnostic, Severity};
use crate::span::Span;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};
use std::path::{Component, Path};
use url::Url;

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base that relative artifact locations resolve against: the
/// directory medc ran in, where the paths on its command line start.
const SOURCE_ROOT: &str = "%SRCROOT%";

pub fn render(reports: &[FileReport<'_>], failures: &[Failure]) -> String {
    let mut rules: Vec<&'static Code> = Vec::new();
    let mut results = Vec::new();
    for report in reports {
        let index = Lines::new(report.file);
        let artifact = artifact_location(&report.file.name);
        for diagnostic in report.diagnostics {
            let rule_index = match rules.iter().position(|c| c.code == diagnostic.code.code) {
                Some(i) => i,
                None => {
                    rules.push(diagnostic.code);
                    rules.len() - 1
                }
            };
            results.push(result(diagnostic, rule_index, &artifact, &index));
        }
    }
    let notifications: Vec<Value> = failures
        .iter()
        .map(|failure| {
            json!({
                "level": "error",
                "message": { "text": failure.message },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact_location(&failure.file) } }],
            })
        })
        .collect();
    let mut invocation = json!({ "executionSuccessful": failures.is_empty() });
    if !notifications.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(notifications);
    }
    let rules: Vec<Value> = rules.iter().map(|code| rule(code)).collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "medc",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/medc-lang/medc",
            "rules": rules,
        }},
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    let names = reports.iter().map(|r| r.file.name.as_str()).chain(failures.iter().map(|f| f.file.as_str()));
    if names.map(classify).any(|path| matches!(path, Artifact::Relative(_))) {
        if let Some(root) = std::env::current_dir().ok().and_then(|dir| Url::from_directory_path(dir).ok()) {
            run["originalUriBaseIds"] = json!({ SOURCE_ROOT: { "uri": root.as_str() } });
        }
    }
    let document = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

fn result(diagnostic: &Diagnostic, rule_index: usize, artifact: &Value, index: &Lines<'_>) -> Value {
    let related: Vec<Value> = diagnostic
        .secondary
        .iter()
        .enumerate()
        .map(|(id, label)| {
            json!({
                "id": id,
                "message": { "text": label.message },
                "physicalLocation": physical(artifact, index, label.span),
            })
        })
        .collect();
    // A waived finding keeps its rule's level: the suppression, not a lower
    // level, is what says a waiver let it through.
    let severity = if diagnostic.waived.is_some() { diagnostic.code.severity } else { diagnostic.severity };
    let mut result = json!({
        "ruleId": diagnostic.code.code,
        "ruleIndex": rule_index,
        "level": level(severity),
        "message": { "text": format!("{}\nhelp: {}", diagnostic.message, diagnostic.help) },
        "locations": [{
            "physicalLocation": physical(artifact, index, diagnostic.primary.span),
            "message": { "text": diagnostic.primary.message },
        }],
        "relatedLocations": related,
    });
    if let Some(waived) = &diagnostic.waived {
        result["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": waived.reason,
            "location": { "physicalLocation": physical(artifact, index, waived.span) },
        }]);
    }
    result
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(code: &Code) -> Value {
    json!({
        "id": code.code,
        "name": code.title,
        "shortDescription": { "text": code.title },
        "fullDescription": { "text": code.explanation },
        "defaultConfiguration": { "level": level(code.severity) },
        "properties": {
            "category": code.category,
            "citations": code.citations,
            "waivable": code.waivable,
        },
    })
}

fn physical(artifact: &Value, index: &Lines<'_>, span: Span) -> Value {
    let (start, end) = index.locate_span(span);
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": span.start,
            "byteLength": span.len(),
        },
    })
}

/// How a file name given to medc becomes a SARIF artifact location.
enum Artifact {
    /// An absolute path: a `file:` URI.
    Absolute(Url),
    /// A relative path: a percent-encoded relative reference, resolved
    /// against [`SOURCE_ROOT`].
    Relative(String),
    /// Standard input, which has no path.
    Stdin,
}

fn classify(name: &str) -> Artifact {
    if name == "<stdin>" {
        return Artifact::Stdin;
    }
    let path = Path::new(name);
    if path.is_absolute() {
        if let Ok(url) = Url::from_file_path(path) {
            return Artifact::Absolute(url);
        }
    }
    Artifact::Relative(relative_reference(path))
}

fn artifact_location(name: &str) -> Value {
    match classify(name) {
        Artifact::Absolute(url) => json!({ "uri": url.as_str() }),
        Artifact::Relative(reference) => json!({ "uri": reference, "uriBaseId": SOURCE_ROOT }),
        Artifact::Stdin => {
            let mut location = Map::new();
            location.insert("description".into(), json!({ "text": "standard input" }));
            Value::Object(location)
        }
    }
}

/// The characters a path segment of a relative reference must not hold as
/// they are (RFC 3986 `pchar`, less `:`, which in a first segment would read
/// as a scheme). Everything outside ASCII is encoded too.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A relative path as a URI reference: segments joined with `/` whatever
/// the platform's separator, each percent-encoded (`my dir` → `my%20dir`).
fn relative_reference(path: &Path) -> String {
    let segments: Vec<String> = path
        .components()
        .filter_map(|component| match component {
            Component::Normal(segment) => Some(utf8_percent_encode(&segment.to_string_lossy(), SEGMENT).to_string()),
            Component::ParentDir => Some("..".to_string()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
        })
        .collect();
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_percent_encoded_references() {
        assert_eq!(relative_reference(Path::new("my dir/a b.medimg")), "my%20dir/a%20b.medimg");
        assert_eq!(relative_reference(Path::new("./x/../imagem-clínica.medimg")), "x/../imagem-cl%C3%ADnica.medimg");
        assert_eq!(relative_reference(Path::new("a:b#1.medimg")), "a%3Ab%231.medimg");
    }

    #[cfg(unix)]
    #[test]
    fn relative_references_resolve_to_the_path() {
        let base = Url::parse("file:///repo/").unwrap();
        let resolved = base.join(&relative_reference(Path::new("my dir/100% sure?.medimg"))).unwrap();
        assert_eq!(resolved.to_file_path().unwrap(), Path::new("/repo/my dir/100% sure?.medimg"));
    }
}
