//! MEDC-1006: credentials come from Secrets Manager, never from the source.
//! The stdlib forbids the literal settings (`password`, `token`, a secret's
//! `value`); this unit is the other half: a string literal where a setting
//! takes a secret. The type reader finds it, since such a value never
//! becomes part of the program, and asks this unit for the diagnostic.

use super::{Rule, When};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;

pub static RULE: Rule = Rule {
    code: &codes::LITERAL_SECRET,
    checks: "a setting that takes a secret is not given a string literal (src/types/read.rs finds it)",
    file: file!(),
    when: When::Reading,
};

/// The finding for a string literal given to `setting`, which takes a secret.
pub fn diagnostic(setting: &str, span: Span) -> Diagnostic {
    Diagnostic::new(
        RULE.code,
        format!("`{setting}` takes a secret, not a literal value"),
        Label::new(span, "a credential written in the source"),
        "declare the existing Secrets Manager entry, `secret db_admin < existing \"medimg/aurora-admin\" >`, and refer to it by name",
    )
}
