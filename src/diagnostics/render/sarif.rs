//! SARIF 2.1.0 rendering, for code-scanning dashboards. One run, the rules
//! that fired in `tool.driver.rules`, one result per diagnostic.

use super::FileReport;
use crate::diagnostics::{Code, Severity};
use crate::source::LineIndex;
use crate::span::Span;
use serde_json::{json, Value};

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(reports: &[FileReport<'_>]) -> String {
    let mut rules: Vec<&'static Code> = Vec::new();
    let mut results = Vec::new();
    for report in reports {
        let index = report.file.line_index();
        for diagnostic in report.diagnostics {
            let rule_index = match rules.iter().position(|c| c.code == diagnostic.code.code) {
                Some(i) => i,
                None => {
                    rules.push(diagnostic.code);
                    rules.len() - 1
                }
            };
            let related: Vec<Value> = diagnostic
                .secondary
                .iter()
                .enumerate()
                .map(|(id, label)| {
                    json!({
                        "id": id,
                        "message": { "text": label.message },
                        "physicalLocation": physical(&report.file.name, &index, label.span),
                    })
                })
                .collect();
            results.push(json!({
                "ruleId": diagnostic.code.code,
                "ruleIndex": rule_index,
                "level": level(diagnostic.severity),
                "message": { "text": format!("{}\nhelp: {}", diagnostic.message, diagnostic.help) },
                "locations": [{
                    "physicalLocation": physical(&report.file.name, &index, diagnostic.primary.span),
                    "message": { "text": diagnostic.primary.message },
                }],
                "relatedLocations": related,
            }));
        }
    }
    let rules: Vec<Value> = rules.iter().map(|code| rule(code)).collect();
    let document = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "medc",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/medc-lang/medc",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
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

fn physical(name: &str, index: &LineIndex<'_>, span: Span) -> Value {
    let (start, end) = index.locate_span(span);
    json!({
        "artifactLocation": { "uri": artifact_uri(name) },
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

/// SARIF wants a URI reference; file paths use `/` and stdin has no path.
fn artifact_uri(name: &str) -> String {
    if name == "<stdin>" {
        "stdin".to_string()
    } else {
        name.replace('\\', "/")
    }
}
