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
