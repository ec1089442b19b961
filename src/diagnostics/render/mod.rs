//! The four renderings of diagnostics: `human` (miette's graphical report),
//! `short` (one line each, for editors' quickfix lists), `json` (medc's own
//! stable schema, docs/diagnostics.md) and `sarif` (SARIF 2.1.0).

mod human;
mod json;
mod sarif;
mod short;

use super::Diagnostic;
use crate::source::SourceFile;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Short,
    Json,
    Sarif,
}

impl Format {
    /// Whether the format is a document for tools (`json`, `sarif`) rather
    /// than text for people.
    pub fn is_machine(self) -> bool {
        matches!(self, Format::Json | Format::Sarif)
    }
}

/// One file's diagnostics, in the order they are to be shown.
pub struct FileReport<'a> {
    pub file: &'a SourceFile,
    pub diagnostics: &'a [Diagnostic],
}

/// A file medc could not read or write: the run did not do all it was asked.
/// The machine formats carry it in their document, so that their stream
/// holds that document and nothing else; the command line prints it as an
/// `error:` line in the human formats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    /// The path as given, or `<stdin>`.
    pub file: String,
    pub message: String,
}

/// Renders every file's diagnostics in the chosen format. `color` applies to
/// `human` only; the machine formats never carry escape codes.
pub fn render(format: Format, reports: &[FileReport<'_>], color: bool) -> String {
    render_run(format, reports, &[], color)
}

/// Renders a whole run: the diagnostics of the files read, and the files
/// that failed. Only the machine formats show failures.
pub fn render_run(format: Format, reports: &[FileReport<'_>], failures: &[Failure], color: bool) -> String {
    match format {
        Format::Human => human::render(reports, color),
        Format::Short => short::render(reports),
        Format::Json => json::render(reports, failures),
        Format::Sarif => sarif::render(reports, failures),
    }
}

/// The help line followed by the rule's citation and where to read more,
/// as the human and short renderings show it.
fn help_with_citation(diagnostic: &Diagnostic) -> String {
    match diagnostic.citation() {
        Some(citation) => format!(
            "{}\nrule: {} ({citation}); see `medc explain {}`",
            diagnostic.help, diagnostic.code.title, diagnostic.code.code
        ),
        None => diagnostic.help.clone(),
    }
}

/// A file's lines for the renderers: codespan's `SimpleFile` positions
/// (1-based lines, columns counted in characters), with the column of the
/// last position looked up remembered, so that many diagnostics on one
/// long line (a generated list of thousands of names) count its characters
/// once rather than once per diagnostic from the line's start.
pub(crate) struct Lines<'a> {
    name: &'a str,
    text: &'a str,
    starts: Vec<usize>,
    /// The last column counted: (line, byte it was counted to, characters before it).
    /// (A lock rather than a cell: miette wants its sources `Sync`.)
    memo: std::sync::Mutex<(usize, usize, usize)>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(file: &'a SourceFile) -> Self {
        let text = file.text.as_str();
        Lines {
            name: &file.name,
            text,
            starts: codespan_reporting::files::line_starts(text).collect(),
            memo: std::sync::Mutex::new((usize::MAX, 0, 0)),
        }
    }

    /// As `source::LineIndex::locate`: the place of a byte, (1, 1) when
    /// codespan has none.
    pub(crate) fn locate(&self, byte: usize) -> crate::source::LineColumn {
        use codespan_reporting::files::Files;
        let byte = byte.min(self.text.len());
        match self.location((), byte) {
            Ok(at) => crate::source::LineColumn { line: at.line_number, column: at.column_number },
            Err(_) => crate::source::LineColumn { line: 1, column: 1 },
        }
    }

    pub(crate) fn locate_span(
        &self,
        span: crate::span::Span,
    ) -> (crate::source::LineColumn, crate::source::LineColumn) {
        (self.locate(span.start), self.locate(span.end))
    }

    fn line_start(&self, line: usize) -> Result<usize, codespan_reporting::files::Error> {
        use std::cmp::Ordering;
        match line.cmp(&self.starts.len()) {
            Ordering::Less => Ok(self.starts[line]),
            Ordering::Equal => Ok(self.text.len()),
            Ordering::Greater => {
                Err(codespan_reporting::files::Error::LineTooLarge { given: line, max: self.starts.len() - 1 })
            }
        }
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Lines<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(self.text)
    }

    fn line_index(&'a self, (): (), byte_index: usize) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.starts.binary_search(&byte_index).unwrap_or_else(|next_line| next_line - 1))
    }

    fn line_range(
        &'a self,
        (): (),
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, codespan_reporting::files::Error> {
        Ok(self.line_start(line_index)?..self.line_start(line_index + 1)?)
    }

    /// `codespan_reporting::files::column_index`, counted on from the last
    /// column asked for when it is on the same line and not further on.
    fn column_number(
        &'a self,
        (): (),
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        let range = self.line_range((), line_index)?;
        let end = byte_index.min(range.end).min(self.text.len());
        let mut memo = self.memo.lock().ok();
        let (from, before) = match memo.as_deref() {
            Some(&(line, counted_to, count)) if line == line_index && counted_to <= end => (counted_to, count),
            _ => (range.start, 0),
        };
        let count = before + (from..end).filter(|i| self.text.is_char_boundary(i + 1)).count();
        if let Some(memo) = memo.as_deref_mut() {
            *memo = (line_index, end.max(range.start), count);
        }
        Ok(count + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;
    use crate::source::SourceFile;

    /// The remembered column gives what codespan's own count gives, for
    /// positions asked in order, backwards and across lines.
    #[test]
    fn lines_place_bytes_as_codespan_does() {
        let text = "pipeline p <\r\n  a “b” ã, c\n\n  d é\u{FEFF}x, y, z\n>";
        let file = SourceFile::new("t.medimg", text);
        let reference = file.line_index();
        let lines = Lines::new(&file);
        let forward: Vec<usize> = (0..=text.len() + 2).collect();
        let backward: Vec<usize> = forward.iter().rev().copied().collect();
        let mixed: Vec<usize> = forward.iter().map(|i| (i * 7) % (text.len() + 3)).collect();
        for order in [forward, backward, mixed] {
            for byte in order {
                assert_eq!(lines.locate(byte), reference.locate(byte), "byte {byte}");
            }
        }
    }
}
