//! Quick fixes from diagnostics: apply a diagnostic's own fix (the
//! did-you-mean, the secure default), or waive a compliance rule in the
//! block where the finding is, with a reason left for the author to write.

use super::Analyzed;
use crate::diagnostics::{codes, Diagnostic, Edit, Severity};
use crate::span::Span;

/// A quick fix for one diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub edits: Vec<Edit>,
    /// The index of the diagnostic it fixes in `Analyzed::diagnostics`.
    pub diagnostic: usize,
    /// The fix an editor may apply without asking (the diagnostic's own).
    pub preferred: bool,
}

/// The reason a new waiver starts with; long enough to be accepted, and
/// plainly a placeholder for the author to replace.
pub const PLACEHOLDER_REASON: &str = "TODO: say why this rule does not apply here";

/// The quick fixes for the diagnostics that overlap `range`.
pub fn actions(analysis: &Analyzed, range: Span) -> Vec<Action> {
    let mut actions = Vec::new();
    for (index, diagnostic) in analysis.diagnostics().iter().enumerate() {
        let span = diagnostic.primary.span;
        if span.end < range.start || range.end < span.start {
            continue;
        }
        if let Some(fix) = &diagnostic.fix {
            let written = analysis.text.get(fix.span.range()).unwrap_or_default();
            let title = if diagnostic.code.category == codes::Category::Compliance {
                format!("use the secure default `{}`", fix.replacement)
            } else {
                format!("replace `{written}` with `{}`", fix.replacement)
            };
            actions.push(Action { title, edits: vec![fix.clone()], diagnostic: index, preferred: true });
        }
        if let Some(edit) = waiver(analysis, diagnostic) {
            actions.push(Action {
                title: format!("waive {} here, with a reason", diagnostic.code.code),
                edits: vec![edit],
                diagnostic: index,
                preferred: false,
            });
        }
    }
    actions
}

/// A `waive CODE "reason"` line in the block of the component the finding
/// is in, or in the pipeline's block.
fn waiver(analysis: &Analyzed, diagnostic: &Diagnostic) -> Option<Edit> {
    let code = diagnostic.code;
    if code.category != codes::Category::Compliance || !code.waivable || diagnostic.severity == Severity::Note {
        return None;
    }
    let outline = analysis.outline()?;
    let block = match outline.component_at(diagnostic.primary.span.start) {
        Some(component) => component.block?,
        None => &outline.program.body,
    };
    let line = format!("waive {} \"{PLACEHOLDER_REASON}\"", code.code);
    let text = &analysis.text;
    let close = block.close.start;
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let before_close = &text[line_start..close];
    if before_close.trim().is_empty() {
        // `>` on a line of its own: a new line above it, indented one step
        // further than the `>`.
        Some(Edit::new(Span::new(line_start, line_start), format!("{before_close}  {line}\n")))
    } else {
        // A block on one line: the waiver goes before its `>`.
        let end = text[..close].trim_end().len();
        Some(Edit::new(Span::new(end, close), format!("  {line} ")))
    }
}
