//! MEDC-1016: a raw `grant` names its actions and resources in full, in
//! every spelling IAM matches (`*` and `?` are both wildcards), and each
//! resource is an ARN; an EFS access point's root directory is open to its
//! own user alone. Permissions derived from `reads`, `writes`, `connects`
//! and `mount` are scoped by construction.

use super::{Rule, When};
use crate::check::iam::{self, ActionProblem};
use crate::check::model::{Component, Kind, Origin, Program};
use crate::check::Finding;
use crate::diagnostics::{Diagnostic, Label};
use crate::types::Value;

pub static RULE: Rule = Rule {
    code: &crate::diagnostics::codes::LEAST_PRIVILEGE,
    checks: "a service's `grant` has no wildcard (`*`, `?`) in its actions or resources, and names resources by ARN; an access point's `permissions` open nothing to others",
    file: file!(),
    when: When::Program(check),
};

fn check(program: &Program, findings: &mut Vec<Finding>) {
    for service in program.of_kind(Kind::Service) {
        for setting in service.settings.all("grant") {
            let (Value::Grant { actions, resources }, Origin::User(span)) = (&setting.value, setting.origin) else {
                continue;
            };
            for action in actions.iter().filter(|a| iam::action_problem(a) == Some(ActionProblem::Wildcard)) {
                findings.push(finding(
                    service,
                    format!("grant with a wildcard action `{action}` in service `{}`", service.name),
                    Label::new(span, "IAM matches `*` and `?` as wildcards: this grants more than the service declares it needs"),
                    "name each action in full (`s3:GetObject`); prefer `reads`, `writes`, `connects` and `mount`, which derive scoped permissions",
                ));
            }
            for resource in resources {
                if let Some(why) = iam::resource_problem(resource) {
                    findings.push(finding(
                        service,
                        format!("grant on `{resource}` in service `{}` is not one exact resource", service.name),
                        Label::new(span, why),
                        "name the exact resource ARN, such as `arn:aws:s3:::medimg-exports/studies.csv`; prefer `reads`, `writes`, `connects` and `mount`, which derive scoped permissions",
                    ));
                }
            }
        }
    }
    for storage in program.of_kind(Kind::Storage) {
        access_point_mode(storage, findings);
    }
}

/// The access point's root directory: no access for others, no group
/// write, no setuid, setgid or sticky bit. A mode that is not octal is
/// MEDC-0257, reported with the other values AWS refuses.
fn access_point_mode(storage: &Component, findings: &mut Vec<Finding>) {
    let Some(setting) = storage.settings.get("permissions") else { return };
    let (Value::String(mode), Origin::User(span)) = (&setting.value, setting.origin) else { return };
    let Some(bits) = crate::check::values::file_mode(mode) else { return };
    let why = if bits & 0o7000 != 0 {
        "setuid, setgid or sticky bits"
    } else if bits & 0o007 != 0 {
        "other users may enter the directory"
    } else if bits & 0o020 != 0 {
        "the group may write"
    } else {
        return;
    };
    findings.push(finding(
        storage,
        format!("`permissions {mode:?}` of {} opens the file system wider than its user", crate::check::describe(storage)),
        Label::new(span, why),
        "keep the default `\"0750\"` or narrower; for a deliberate exception, write `waive MEDC-1016 \"reason\"` in this block",
    ));
}

fn finding(component: &Component, message: String, label: Label, help: &str) -> Finding {
    Finding { component: Some(component.name.clone()), diagnostic: Diagnostic::new(RULE.code, message, label, help) }
}
