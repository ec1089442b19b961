//! MEDC-1021: alarms reach someone. The stdlib requires `actions on`; this
//! unit checks that a `notify` written in the program is an e-mail address.

use super::{Rule, When};
use crate::check::model::{Kind, Origin, Program};
use crate::check::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::types::Value;

pub static RULE: Rule = Rule {
    code: &codes::ALARM_NOTIFICATION,
    checks: "the alarms' `notify` is an e-mail address",
    file: file!(),
    when: When::Program(check),
};

/// An alarm topic with no address to send to notifies no one.
fn check(program: &Program, findings: &mut Vec<Finding>) {
    for alarms in program.of_kind(Kind::Alarms) {
        let Some(notify) = alarms.settings.get("notify") else {
            continue;
        };
        let (Value::String(address), Origin::User(span)) = (&notify.value, notify.origin) else {
            continue;
        };
        if address.contains('@') && !address.starts_with('@') && !address.ends_with('@') {
            continue;
        }
        findings.push(Finding {
            component: Some(alarms.name.clone()),
            diagnostic: Diagnostic::new(
                RULE.code,
                format!("alarms notify `{address}`, which is not an e-mail address"),
                Label::new(span, "every alarm sends to this address"),
                "give an e-mail address, or `param AlarmEmail` to supply it at deploy time",
            ),
        });
    }
}
