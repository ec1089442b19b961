//! Waivers: `waive CODE "reason"` lets a compliance finding through in its
//! scope (the pipeline, or one component). A waived finding stays visible as
//! a note and is recorded for the template's metadata; a waiver that matches
//! nothing is a warning.

use super::model::{Program, Scope, WaivedFinding};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label, Severity, Waived};
use crate::span::Span;
use std::collections::HashMap;

/// The shortest reason accepted: about a sentence.
pub const MIN_REASON: usize = 20;
/// The fewest words a reason has: a word is at least two letters.
pub const MIN_WORDS: usize = 4;

/// Unicode's format characters (general category Cf, Unicode 15.1):
/// invisible characters that change how text around them is displayed or
/// joined, such as zero-width spaces and bidirectional controls.
const FORMAT_CHARACTERS: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether a character is a control or an invisible format character.
pub fn invisible(c: char) -> bool {
    c.is_control() || FORMAT_CHARACTERS.iter().any(|(low, high)| (*low..=*high).contains(&c))
}

/// Why a waiver's reason explains nothing, if it does not: a reason is a
/// sentence of words, with no control or invisible characters.
pub fn reason_problem(reason: &str) -> Option<String> {
    if let Some(c) = reason.chars().find(|c| invisible(*c)) {
        return Some(format!("`U+{:04X}` is an invisible or control character", c as u32));
    }
    let length = reason.trim().chars().count();
    if length < MIN_REASON {
        return Some(format!("{length} characters; at least {MIN_REASON} are needed"));
    }
    let words =
        reason.split_whitespace().filter(|word| word.chars().filter(|c| c.is_alphabetic()).count() >= 2).count();
    if words < MIN_WORDS {
        return Some(format!("{words} words of letters; at least {MIN_WORDS} are needed"));
    }
    None
}

pub fn apply(program: &mut Program, findings: Vec<Finding>, source: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![false; program.waivers.len()];
    // Where each line starts, for the line of a waiver: counting the lines
    // before each waived finding made checking quadratic.
    let line_starts: Vec<usize> = if program.waivers.is_empty() {
        Vec::new()
    } else {
        std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i + 1)).collect()
    };
    let line = |span: Span| line_starts.partition_point(|&start| start <= span.start.min(source.len())).max(1);
    // The first waiver of each code in each scope, so that matching a
    // finding is a lookup rather than a scan of every waiver.
    let mut for_pipeline: HashMap<&str, usize> = HashMap::new();
    let mut for_component: HashMap<(&str, &str), usize> = HashMap::new();
    for (index, waiver) in program.waivers.iter().enumerate() {
        match &waiver.scope {
            Scope::Pipeline => for_pipeline.entry(waiver.code.code).or_insert(index),
            Scope::Component(name) => for_component.entry((waiver.code.code, name.as_str())).or_insert(index),
        };
    }
    for finding in findings {
        let code = finding.diagnostic.code;
        if code.category != codes::Category::Compliance
            || !code.waivable
            || finding.diagnostic.severity == Severity::Note
        {
            diagnostics.push(finding.diagnostic);
            continue;
        }
        let in_component = finding.component.as_deref().and_then(|name| for_component.get(&(code.code, name)).copied());
        let waiver = match (for_pipeline.get(code.code).copied(), in_component) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let Some(index) = waiver else {
            diagnostics.push(finding.diagnostic);
            continue;
        };
        used[index] = true;
        let waiver = &program.waivers[index];
        program.waived.push(WaivedFinding {
            code,
            reason: waiver.reason.clone(),
            component: finding.component.clone(),
            line: line(waiver.span),
        });
        let mut diagnostic = finding.diagnostic.with_severity(Severity::Note);
        diagnostic.message = format!("{} (waived)", diagnostic.message);
        diagnostic.help = format!("waived with the reason: {}", waiver.reason);
        diagnostic.waived = Some(Box::new(Waived { reason: waiver.reason.clone(), span: waiver.span }));
        diagnostics.push(diagnostic.with_label(Label::new(waiver.span, "waived here")));
    }
    program.waived.extend(super::rules::disposable::standing_waiver(program));
    for (waiver, used) in program.waivers.iter().zip(used) {
        if !used {
            diagnostics.push(Diagnostic::new(
                &codes::UNUSED_WAIVER,
                format!("the waiver of {} matches nothing in {}", waiver.code.code, waiver.scope),
                Label::new(waiver.span, "this waiver has no effect"),
                "remove it, or move it into the component where the finding is",
            ));
        }
    }
}
