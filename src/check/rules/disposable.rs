//! MEDC-1022: `lifecycle disposable` is declared, and recorded. The stdlib
//! gives stateful settings their disposable defaults (`deletion_protection
//! off`); this unit makes the declaration visible as a note, and records
//! it as a standing waiver of MEDC-1012 for the template's metadata.
//!
//! A note lets nothing through, so there is nothing to waive: the rule is
//! not waivable.

use super::{Rule, When};
use crate::check::model::{Origin, Program, WaivedFinding};
use crate::check::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;

pub static RULE: Rule = Rule {
    code: &codes::DISPOSABLE_STACK,
    checks: "a `lifecycle disposable` pipeline is noted, and recorded as a waiver of MEDC-1012",
    file: file!(),
    when: When::Program(check),
};

fn check(program: &Program, findings: &mut Vec<Finding>) {
    if !program.disposable() {
        return;
    }
    let span = declared_at(program);
    findings.push(Finding {
        component: None,
        diagnostic: Diagnostic::new(
            RULE.code,
            "the stack is disposable: deletion protection is off and stateful resources are deleted with it",
            Label::new(span, format!("recorded in the template as a waiver of {}", codes::DELETION_PROTECTION.code)),
            "use `lifecycle disposable` for CI stacks only; a stack that holds real PHI keeps the default `lifecycle protected`",
        ),
    });
}

/// Where the pipeline is declared disposable: its `lifecycle` line.
fn declared_at(program: &Program) -> Span {
    match program.settings.get("lifecycle").map(|s| s.origin) {
        Some(Origin::User(span)) => span,
        _ => program.name.span,
    }
}

/// The waiver of deletion protection that a disposable pipeline stands for,
/// citing the line that declares it.
pub fn standing_waiver(program: &Program, source: &str) -> Option<WaivedFinding> {
    program.disposable().then(|| WaivedFinding {
        line: crate::check::waivers::line_of(source, declared_at(program)),
        code: &codes::DELETION_PROTECTION,
        reason: "the pipeline is declared `lifecycle disposable`: a CI stack that is created and deleted, holding no real PHI".into(),
        component: None,
    })
}
