//! MEDC-1022: `lifecycle disposable` turns off protection for every
//! stateful resource at once (the stdlib gives them their disposable
//! defaults, `deletion_protection off`), so it takes a reasoned waiver like
//! any other rule. Once waived, it stands for the waiver of MEDC-1012 in
//! the template's metadata, with the same reason.

use super::{Rule, When};
use crate::check::model::{Origin, Program, WaivedFinding};
use crate::check::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;

pub static RULE: Rule = Rule {
    code: &codes::DISPOSABLE_STACK,
    checks: "a `lifecycle disposable` pipeline carries its own reasoned waiver, recorded as the waiver of MEDC-1012",
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
            Label::new(span, "turns off protection for every stateful resource"),
            "keep the default `lifecycle protected` for a stack that holds real PHI; for a CI stack, write `waive MEDC-1022 \"reason\"` at the pipeline level",
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

/// The waiver of deletion protection that a disposable pipeline stands for:
/// the waiver of MEDC-1022, its line and its reason.
pub fn standing_waiver(program: &Program) -> Option<WaivedFinding> {
    let waived = program.waived.iter().find(|w| w.code == RULE.code)?;
    program.disposable().then(|| WaivedFinding {
        line: waived.line,
        code: &codes::DELETION_PROTECTION,
        reason: waived.reason.clone(),
        component: None,
    })
}
