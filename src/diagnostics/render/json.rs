//! JSON rendering, schema `medc-diagnostics/1` (documented in
//! docs/diagnostics.md). Fields are only ever added, never renamed.

use super::Lines;
use super::{Failure, FileReport};
use crate::source::LineColumn;
use crate::span::Span;
use serde::Serialize;

pub const SCHEMA: &str = "medc-diagnostics/1";

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    diagnostics: Vec<Entry<'a>>,
    /// Files that could not be read or written; absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    failures: Vec<FailureEntry<'a>>,
}

#[derive(Serialize)]
struct FailureEntry<'a> {
    file: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Entry<'a> {
    file: &'a str,
    code: &'static str,
    severity: &'static str,
    message: &'a str,
    help: &'a str,
    citations: &'static [&'static str],
    span: Location,
    labels: Vec<LabelEntry<'a>>,
}

#[derive(Serialize)]
struct LabelEntry<'a> {
    primary: bool,
    message: &'a str,
    span: Location,
}

/// A span as byte offsets and as 1-based line/column positions.
#[derive(Serialize)]
struct Location {
    start: usize,
    end: usize,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl Location {
    fn new(index: &Lines<'_>, span: Span) -> Self {
        let (LineColumn { line: start_line, column: start_column }, end) = index.locate_span(span);
        Location {
            start: span.start,
            end: span.end,
            start_line,
            start_column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

pub fn render(reports: &[FileReport<'_>], failures: &[Failure]) -> String {
    let mut diagnostics = Vec::new();
    for report in reports {
        let index = Lines::new(report.file);
        for diagnostic in report.diagnostics {
            let mut labels = vec![LabelEntry {
                primary: true,
                message: &diagnostic.primary.message,
                span: Location::new(&index, diagnostic.primary.span),
            }];
            labels.extend(diagnostic.secondary.iter().map(|label| LabelEntry {
                primary: false,
                message: &label.message,
                span: Location::new(&index, label.span),
            }));
            diagnostics.push(Entry {
                file: &report.file.name,
                code: diagnostic.code.code,
                severity: diagnostic.severity.as_str(),
                message: &diagnostic.message,
                help: &diagnostic.help,
                citations: diagnostic.code.citations,
                span: Location::new(&index, diagnostic.primary.span),
                labels,
            });
        }
    }
    let failures = failures.iter().map(|f| FailureEntry { file: &f.file, message: &f.message }).collect();
    let document = Document { schema: SCHEMA, diagnostics, failures };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
