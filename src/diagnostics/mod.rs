//! One diagnostic model for every stage, rendered four ways (`render`).
//!
//! Message style: lowercase, no final period, user input in backticks, the fix
//! in `help`, always a span.

pub mod codes;
pub mod render;

use crate::span::Span;
pub use codes::Code;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The program does not compile.
    Error,
    /// The program compiles, but something deserves a look.
    Warning,
    /// Information, such as a finding that a waiver in the source let through.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with a short message drawn under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

impl Label {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Label { span, message: message.into() }
    }
}

/// A replacement of source text that fixes a diagnostic, for editors'
/// quick fixes: the did-you-mean spelled out, or the secure default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    pub fn new(span: Span, replacement: impl Into<String>) -> Self {
        Edit { span, replacement: replacement.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static Code,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    pub help: String,
    /// The edit that does what `help` says, when one edit can.
    pub fix: Option<Edit>,
    /// The waiver that let this compliance finding through, if one did: the
    /// finding is then a note, and SARIF marks it suppressed in source.
    /// (Boxed: most diagnostics have none, and every stage passes them by value.)
    pub waived: Option<Box<Waived>>,
}

/// A source waiver, as a waived finding carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waived {
    pub reason: String,
    /// The `waive` line.
    pub span: Span,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: &'static Code, message: impl Into<String>, primary: Label, help: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity,
            message: message.into(),
            primary,
            secondary: Vec::new(),
            help: help.into(),
            fix: None,
            waived: None,
        }
    }

    pub fn with_label(mut self, label: Label) -> Self {
        self.secondary.push(label);
        self
    }

    pub fn with_fix(mut self, fix: Option<Edit>) -> Self {
        self.fix = fix;
        self
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The rule's citations, for display after the help line.
    pub fn citation(&self) -> Option<String> {
        if self.code.citations.is_empty() {
            None
        } else {
            Some(self.code.citations.join("; "))
        }
    }
}

/// Sorts diagnostics into source order (then by code) so every renderer
/// prints them in the same, deterministic order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.primary.span.start, a.primary.span.end, a.code.code, &a.message).cmp(&(
            b.primary.span.start,
            b.primary.span.end,
            b.code.code,
            &b.message,
        ))
    });
}

pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(Diagnostic::is_error)
}
