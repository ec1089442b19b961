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

pub fn apply(program: &mut Program, findings: Vec<Finding>, source: &str, diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![false; program.waivers.len()];
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
            line: line_of(source, waiver.span),
        });
        let mut diagnostic = finding.diagnostic.with_severity(Severity::Note);
        diagnostic.message = format!("{} (waived)", diagnostic.message);
        diagnostic.help = format!("waived with the reason: {}", waiver.reason);
        diagnostic.waived = Some(Box::new(Waived { reason: waiver.reason.clone(), span: waiver.span }));
        diagnostics.push(diagnostic.with_label(Label::new(waiver.span, "waived here")));
    }
    program.waived.extend(super::rules::disposable::standing_waiver(program, source));
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

/// The 1-based line a span starts on.
pub(crate) fn line_of(source: &str, span: Span) -> usize {
    let end = span.start.min(source.len());
    source.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}
