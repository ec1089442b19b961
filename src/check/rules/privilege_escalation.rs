//! MEDC-1031: no `grant` of an action that lets the service raise its own
//! privileges: every action of IAM, STS, Organizations, IAM Identity
//! Center and account management, and the known escalation actions of
//! other services (`src/check/iam.rs` lists them). No waiver lets one
//! through.

use super::{Rule, When};
use crate::check::iam::{self, ActionProblem};
use crate::check::model::{Kind, Origin, Program};
use crate::check::Finding;
use crate::diagnostics::{Diagnostic, Label};
use crate::types::Value;

pub static RULE: Rule = Rule {
    code: &crate::diagnostics::codes::PRIVILEGE_ESCALATION,
    checks: "a service's `grant` names no action that escalates privilege",
    file: file!(),
    when: When::Program(check),
};

fn check(program: &Program, findings: &mut Vec<Finding>) {
    for service in program.of_kind(Kind::Service) {
        for setting in service.settings.all("grant") {
            let (Value::Grant { actions, .. }, Origin::User(span)) = (&setting.value, setting.origin) else {
                continue;
            };
            for action in actions.iter().filter(|a| iam::action_problem(a) == Some(ActionProblem::Escalates)) {
                findings.push(Finding {
                    component: Some(service.name.clone()),
                    diagnostic: Diagnostic::new(
                        RULE.code,
                        format!("grant of `{action}` lets service `{}` raise its own privileges", service.name),
                        Label::new(span, "a service holding this action can make itself an administrator"),
                        "remove the grant: a service is given what it uses (`reads`, `writes`, `connects`, `mount`); this rule has no exception",
                    ),
                });
            }
        }
    }
}
