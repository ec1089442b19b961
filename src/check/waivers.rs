//! Waivers: `waive CODE "reason"` lets a compliance finding through in its
//! scope (the pipeline, or one component). A waived finding stays visible as
//! a note and is recorded for the template's metadata; a waiver that matches
//! nothing is a warning.

use super::model::{Program, Scope, WaivedFinding};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label, Severity, Waived};

/// The shortest reason accepted: about a sentence.
pub const MIN_REASON: usize = 20;

pub fn apply(program: &mut Program, findings: Vec<Finding>, diagnostics: &mut Vec<Diagnostic>) {
    let mut used = vec![false; program.waivers.len()];
    for finding in findings {
        let code = finding.diagnostic.code;
        if code.category != codes::Category::Compliance
            || !code.waivable
            || finding.diagnostic.severity == Severity::Note
        {
            diagnostics.push(finding.diagnostic);
            continue;
        }
        let waiver = program.waivers.iter().position(|w| {
            w.code.code == code.code
                && match &w.scope {
                    Scope::Pipeline => true,
                    Scope::Component(name) => finding.component.as_deref() == Some(name.as_str()),
                }
        });
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
        });
        let mut diagnostic = finding.diagnostic.with_severity(Severity::Note);
        diagnostic.message = format!("{} (waived)", diagnostic.message);
        diagnostic.help = format!("waived with the reason: {}", waiver.reason);
        diagnostic.waived = Some(Box::new(Waived { reason: waiver.reason.clone(), span: waiver.span }));
        diagnostics.push(diagnostic.with_label(Label::new(waiver.span, "waived here")));
    }
    if program.disposable() {
        program.waived.push(WaivedFinding {
            code: &codes::DELETION_PROTECTION,
            reason: "the pipeline is declared `lifecycle disposable`: a CI stack that is created and deleted, holding no real PHI".into(),
            component: None,
        });
    }
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
