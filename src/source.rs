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
        SourceFile { name: name.into(), text: text.into() }
    }

    /// A line index for rendering; built on demand, never by the stages.
    pub fn line_index(&self) -> LineIndex<'_> {
        LineIndex { file: SimpleFile::new(self.name.as_str(), self.text.as_str()) }
    }
}

pub struct LineIndex<'a> {
    file: SimpleFile<&'a str, &'a str>,
}

impl LineIndex<'_> {
    pub fn locate(&self, byte: usize) -> LineColumn {
        let byte = byte.min(self.file.source().len());
        match self.file.location((), byte) {
            Ok(location) => LineColumn { line: location.line_number, column: location.column_number },
            Err(_) => LineColumn { line: 1, column: 1 },
        }
    }

    pub fn locate_span(&self, span: Span) -> (LineColumn, LineColumn) {
        (self.locate(span.start), self.locate(span.end))
    }
}

/// The largest input medc reads.
pub const MAX_SOURCE_BYTES: usize = 16 << 20;

/// Turns raw bytes into a source file, or explains why they are not one:
/// too large, not UTF-8, or holding NUL bytes (binary data). On error the
/// file holds a lossy decoding, so that the diagnostic can still be shown.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<SourceFile, (SourceFile, crate::diagnostics::Diagnostic)> {
    use crate::diagnostics::{codes, Diagnostic, Label};
    if bytes.len() > MAX_SOURCE_BYTES {
        let file = SourceFile::new(name, String::new());
        let diagnostic = Diagnostic::new(
            &codes::TOO_LARGE,
            format!("the input is {} MiB; medc reads at most {} MiB", bytes.len() >> 20, MAX_SOURCE_BYTES >> 20),
            Label::new(Span::new(0, 0), "in this file"),
            "a pipeline is usually under a hundred lines; check that this is the right file",
        );
        return Err((file, diagnostic));
    }
    let (valid_up_to, problem) = match std::str::from_utf8(&bytes) {
        Ok(text) => match text.find('\0') {
            Some(nul) => (nul, "a NUL byte"),
            None => return Ok(SourceFile::new(name, text.to_string())),
        },
        Err(error) => (error.valid_up_to(), "a byte sequence that is not UTF-8"),
    }; // Shown text: invalid sequences and NULs replaced by U+FFFD, which is
       // wider than the bytes it replaces; so find the first bad byte's offset
       // in the shown text by decoding the prefix before it the same way.
    let shown = |bytes: &[u8]| String::from_utf8_lossy(bytes).replace('\0', "\u{FFFD}");
    let text = shown(&bytes);
    let at = shown(&bytes[..valid_up_to]).len();
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let diagnostic = Diagnostic::new(
        &codes::NOT_TEXT,
        "the input is not UTF-8 text",
        Label::new(Span::new(at, end), format!("{problem} at byte {valid_up_to}")),
        "medc reads UTF-8 text; this looks like a binary file or another encoding (re-save it as UTF-8)",
    );
    Err((SourceFile::new(name, text), diagnostic))
}
