//! Short rendering: `file:line:col: severity[CODE]: message`, one line per
//! diagnostic, the form editors' quickfix lists and CI problem matchers read.

use super::{FileReport, Lines};
use crate::diagnostics::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{self as cs, LabelStyle};
use codespan_reporting::term::{self, Config, DisplayStyle};

pub fn render(reports: &[FileReport<'_>]) -> String {
    let config = Config { display_style: DisplayStyle::Short, ..Config::default() };
    let mut out = String::new();
    for report in reports {
        let file = Lines::new(report.file);
        for diagnostic in report.diagnostics {
            match term::emit_into_string(&config, &file, &to_codespan(diagnostic)) {
                Ok(line) => out.push_str(&line),
                Err(_) => out.push_str(&format!(
                    "{}: {}[{}]: {}\n",
                    report.file.name,
                    diagnostic.severity.as_str(),
                    diagnostic.code.code,
                    diagnostic.message
                )),
            }
        }
    }
    out
}

fn to_codespan(diagnostic: &Diagnostic) -> cs::Diagnostic<()> {
    let severity = match diagnostic.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let primary = cs::Label::new(LabelStyle::Primary, (), diagnostic.primary.span.range())
        .with_message(&diagnostic.primary.message);
    cs::Diagnostic::new(severity)
        .with_code(diagnostic.code.code)
        .with_message(&diagnostic.message)
        .with_labels(vec![primary])
}
