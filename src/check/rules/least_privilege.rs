//! MEDC-1016: a raw `grant` names its actions and resources. Permissions
//! derived from `reads`, `writes`, `connects` and `mount` are scoped by
//! construction; a grant is checked here for wildcards.

use super::{Rule, When};
use crate::check::model::{Kind, Origin, Program};
use crate::check::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::types::Value;

pub static RULE: Rule = Rule {
    code: &codes::LEAST_PRIVILEGE,
    checks: "a service's `grant` has no wildcard in its actions or resources",
    file: file!(),
    when: When::Program(check),
};

fn check(program: &Program, findings: &mut Vec<Finding>) {
    for service in program.of_kind(Kind::Service) {
        for setting in service.settings.all("grant") {
            let (Value::Grant { actions, resources }, Origin::User(span)) = (&setting.value, setting.origin) else {
                continue;
            };
            let wild_action = actions.iter().find(|a| a.contains('*'));
            let wild_resource = resources.iter().find(|r| r.contains('*'));
            let (what, offender) = match (wild_action, wild_resource) {
                (Some(action), _) => ("action", action),
                (None, Some(resource)) => ("resource", resource),
                (None, None) => continue,
            };
            findings.push(Finding {
                component: Some(service.name.clone()),
                diagnostic: Diagnostic::new(
                    RULE.code,
                    format!("grant with a wildcard {what} `{offender}` in service `{}`", service.name),
                    Label::new(span, "a wildcard grants more than the service declares it needs"),
                    "name each action (`s3:GetObject`) and the exact resource ARN; prefer `reads`, `writes`, `connects` and `mount`, which derive scoped permissions",
                ),
            });
        }
    }
}
