//! A source file as the stages see it: a display name and its UTF-8 text.

use crate::span::Span;
use codespan_reporting::files::{Files, SimpleFile};

#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name diagnostics print: the path as given, or `<stdin>`.
    pub name: String,
    pub text: String,
}

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
        }
    }

    /// A line index for rendering; built on demand, never by the stages.
    pub fn line_index(&self) -> LineIndex<'_> {
        LineIndex {
            file: SimpleFile::new(self.name.as_str(), self.text.as_str()),
        }
    }
}

pub struct LineIndex<'a> {
    file: SimpleFile<&'a str, &'a str>,
}

impl LineIndex<'_> {
    pub fn locate(&self, byte: usize) -> LineColumn {
        let byte = byte.min(self.file.source().len());
        match self.file.location((), byte) {
            Ok(location) => LineColumn {
                line: location.line_number,
                column: location.column_number,
            },
            Err(_) => LineColumn { line: 1, column: 1 },
        }
    }

    pub fn locate_span(&self, span: Span) -> (LineColumn, LineColumn) {
        (self.locate(span.start), self.locate(span.end))
    }
}
