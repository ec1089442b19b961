//! Human rendering: miette's graphical report, one per diagnostic.

use super::Lines;
use super::{help_with_citation, FileReport};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceFile;
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, SourceCode, SourceSpan,
    SpanContents,
};
use std::fmt;

/// Lines longer than this are shown as a window around the span, so that a
/// diagnostic on a 3 MB line prints a readable excerpt, not the whole line.
const MAX_SHOWN_LINE: usize = 400;
const WINDOW_MARGIN: usize = 80;

pub fn render(reports: &[FileReport<'_>], color: bool) -> String {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut out = String::new();
    for report in reports {
        if report.diagnostics.is_empty() {
            continue;
        }
        let index = Lines::new(report.file);
        let lines = LineStarts::new(&report.file.text);
        for diagnostic in report.diagnostics {
            let view = View::new(report.file, &index, &lines, diagnostic);
            if handler.render_report(&mut out, &view).is_err() {
                // Rendering into a String cannot fail; keep the message anyway.
                out.push_str(&format!("{}: {}\n", diagnostic.code.code, diagnostic.message));
            }
        }
    }
    out
}

/// A diagnostic together with the slice of source miette is shown.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: Excerpt<'a>,
    labels: Vec<LabeledSpan>,
    help: String,
}

impl<'a> View<'a> {
    fn new(file: &'a SourceFile, index: &'a Lines<'a>, lines: &LineStarts, diagnostic: &'a Diagnostic) -> Self {
        let source = Excerpt::around(file, index, lines, diagnostic);
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            Some(diagnostic.primary.message.clone()),
            source.local(diagnostic.primary.span.range()),
        )];
        for label in &diagnostic.secondary {
            if source.contains(label.span.range()) {
                labels.push(LabeledSpan::new_with_span(Some(label.message.clone()), source.local(label.span.range())));
            }
        }
        View { diagnostic, source, labels, help: help_with_citation(diagnostic) }
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diagnostic.code.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The source text miette reads: the lines around a diagnostic's labels, or
/// for an overlong line a window of it, with line and column numbers kept
/// true to the file. Handing miette the whole file made rendering quadratic
/// in the number of diagnostics: it scans the text up to each span.
struct Excerpt<'a> {
    name: &'a str,
    /// The whole file's lines, for the heading's line and column.
    index: &'a Lines<'a>,
    text: &'a str,
    /// Byte offset of `text` in the file.
    offset: usize,
    /// Zero-based line and column of `text`'s first byte in the file.
    line: usize,
    column: usize,
}

/// Lines of context kept on each side of the labels (miette shows one).
const CONTEXT_LINES: usize = 2;
/// Secondary labels further than this from the primary one, in lines, are
/// left out, so that one excerpt never spans a large file.
const MAX_LABEL_DISTANCE: usize = 200;

impl<'a> Excerpt<'a> {
    fn around(file: &'a SourceFile, index: &'a Lines<'a>, lines: &LineStarts, diagnostic: &Diagnostic) -> Self {
        let text = file.text.as_str();
        let clamp = |at: usize| floor_boundary(text, at.min(text.len()));
        let at = clamp(diagnostic.primary.span.start);
        let line = lines.line_of(at);
        let (line_start, line_end) = lines.bounds(line, text.len());
        if line_end - line_start > MAX_SHOWN_LINE {
            let start = floor_boundary(text, at.saturating_sub(WINDOW_MARGIN).max(line_start));
            let end = floor_boundary(text, (at + WINDOW_MARGIN).min(line_end));
            return Excerpt {
                name: &file.name,
                index,
                text: &text[start..end],
                offset: start,
                line,
                column: text[line_start..start].chars().count(),
            };
        }
        let (mut first, mut last) = (line, lines.line_of(clamp(diagnostic.primary.span.end)).max(line));
        for label in &diagnostic.secondary {
            let (from, to) = (lines.line_of(clamp(label.span.start)), lines.line_of(clamp(label.span.end)));
            let (from_start, from_end) = lines.bounds(from, text.len());
            let near = from + MAX_LABEL_DISTANCE >= line && to <= last + MAX_LABEL_DISTANCE;
            if near && from_end - from_start <= MAX_SHOWN_LINE {
                first = first.min(from);
                last = last.max(to);
            }
        }
        let first = first.saturating_sub(CONTEXT_LINES);
        let last = (last + CONTEXT_LINES).min(lines.count() - 1);
        let start = lines.bounds(first, text.len()).0;
        let end = lines.next_start(last, text.len());
        Excerpt { name: &file.name, index, text: &text[start..end], offset: start, line: first, column: 0 }
    }

    fn contains(&self, range: std::ops::Range<usize>) -> bool {
        range.start >= self.offset && range.end <= self.offset + self.text.len()
    }

    /// A file span as a span of the excerpt, clamped into it.
    fn local(&self, range: std::ops::Range<usize>) -> SourceSpan {
        let len = self.text.len();
        let start = range.start.saturating_sub(self.offset).min(len);
        let end = range.end.saturating_sub(self.offset).clamp(start, len);
        SourceSpan::from(start..end)
    }
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, context_lines_before, context_lines_after)?;
        let (line, column) = if context_lines_before == 0 {
            // This read gives the `[file:line:column]` heading. miette counts
            // its columns in bytes and takes a lone `\r` for a line break;
            // the heading must name the place the other formats name.
            let at = self.index.locate(self.offset + span.offset());
            (at.line.saturating_sub(1), at.column.saturating_sub(1))
        } else if inner.line() == 0 {
            (inner.line() + self.line, inner.column() + self.column)
        } else {
            (inner.line() + self.line, inner.column())
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}

/// Where each line of a file starts, computed once per file.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> Self {
        LineStarts(std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect())
    }

    fn count(&self) -> usize {
        self.0.len()
    }

    /// The zero-based line holding byte `at`.
    fn line_of(&self, at: usize) -> usize {
        self.0.partition_point(|&start| start <= at).saturating_sub(1)
    }

    /// A line's first byte and the byte of its newline (or the end of the text).
    fn bounds(&self, line: usize, len: usize) -> (usize, usize) {
        let start = self.0.get(line).copied().unwrap_or(len);
        let end = self.0.get(line + 1).map_or(len, |next| next - 1);
        (start, end.max(start))
    }

    /// The first byte after a line, its newline included.
    fn next_start(&self, line: usize, len: usize) -> usize {
        self.0.get(line + 1).copied().unwrap_or(len)
    }
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}
