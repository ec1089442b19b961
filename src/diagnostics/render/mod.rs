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

/// One file's diagnostics, in the order they are to be shown.
pub struct FileReport<'a> {
    pub file: &'a SourceFile,
    pub diagnostics: &'a [Diagnostic],
}

/// Renders every file's diagnostics in the chosen format. `color` applies to
/// `human` only; the machine formats never carry escape codes.
pub fn render(format: Format, reports: &[FileReport<'_>], color: bool) -> String {
    match format {
        Format::Human => human::render(reports, color),
        Format::Short => short::render(reports),
        Format::Json => json::render(reports),
        Format::Sarif => sarif::render(reports),
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
