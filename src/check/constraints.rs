//! The standard library's constraints (`min`, `max`, `step`, `one_of`,
//! `require`, `avoid`, `forbid`) applied to every value the program wrote.
//! A constraint names its code: a compliance rule or an AWS limit.

use super::model::{Component, Origin, Program, Setting, Settings};
use super::Finding;
use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::stdlib::{Check, Constraint, Default, Schema, SettingDecl};
use crate::types::{self, Value};

pub fn check(program: &Program, schema: &Schema, findings: &mut Vec<Finding>) {
    let disposable = program.disposable();
    let pipeline = Owner {
        description: "the pipeline".into(),
        component: None,
    };
    settings(
        &program.settings,
        &schema.pipeline().settings,
        &pipeline,
        disposable,
        findings,
    );
    for component in &program.components {
        let Some(kind) = schema.kind(&component.kind) else {
            continue;
        };
        let owner = Owner::of(component);
        settings(
            &component.settings,
            &kind.settings,
            &owner,
            disposable,
            findings,
        );
        if let Some(route_kind) = schema.kind("api_route") {
            for route in &component.routes {
                let owner = Owner {
                    description: format!("route `{} {}`", route.method, route.path),
                    component: Some(component.name.clone()),
                };
                settings(
                    &route.settings,
                    &route_kind.settings,
                    &owner,
                    disposable,
                    findings,
                );
            }
        }
    }
}

/// Whose settings are being checked, for messages and waiver scope.
struct Owner {
    description: String,
    component: Option<String>,
}

impl Owner {
    fn of(component: &Component) -> Self {
        Owner {
            description: format!("{} `{}`", component.kind, component.name),
            component: Some(component.name.clone()),
        }
    }
}

fn settings(
    settings: &Settings,
    decls: &[SettingDecl],
    owner: &Owner,
    disposable: bool,
    findings: &mut Vec<Finding>,
) {
    for setting in &settings.items {
        let Some(decl) = decls.iter().find(|d| d.name == setting.name) else {
            continue;
        };
        if let Some(block) = &setting.block {
            let nested = Owner {
                description: format!("`{}` of {}", decl.name, owner.description),
                component: owner.component.clone(),
            };
            self::settings(block, &decl.settings, &nested, disposable, findings);
        }
        let Origin::User(_) = setting.origin else {
            continue;
        };
        for constraint in &decl.constraints {
            if exempt_when_disposable(decl, setting, disposable) {
                continue;
            }
            if let Some(diagnostic) = violation(constraint, decl, setting, owner) {
                findings.push(Finding {
                    component: owner.component.clone(),
                    diagnostic,
                });
            }
        }
    }
}

/// Under `lifecycle disposable`, writing the disposable default out (such as
/// `deletion_protection off`) is what the lifecycle already decided.
fn exempt_when_disposable(decl: &SettingDecl, setting: &Setting, disposable: bool) -> bool {
    disposable
        && decl
            .disposable
            .as_ref()
            .is_some_and(|value| value.same(&setting.value))
}

fn violation(
    constraint: &Constraint,
    decl: &SettingDecl,
    setting: &Setting,
    owner: &Owner,
) -> Option<Diagnostic> {
    let Origin::User(span) = setting.origin else {
        return None;
    };
    let written = format!("`{} {}`", setting.name, setting.value);
    let code = constraint.code;
    let (message, label) = match &constraint.check {
        Check::Forbid => (
            format!(
                "`{}` may not be written in {}",
                setting.name, owner.description
            ),
            code.title.to_string(),
        ),
        Check::Require(required) => {
            if setting.value.same(required) {
                return None;
            }
            (
                format!("{written} is not allowed in {}", owner.description),
                format!("{} requires `{required}`", code.code),
            )
        }
        Check::Avoid(avoided) => {
            if !setting.value.same(avoided) {
                return None;
            }
            (
                format!("{written} in {}", owner.description),
                code.title.to_string(),
            )
        }
        Check::Min(min) => {
            let (low, _) = setting.value.bounds()?;
            if low >= min.magnitude()? {
                return None;
            }
            (
                format!(
                    "{written} is below the minimum of `{}` in {}",
                    min, owner.description
                ),
                format!("at least `{}`", min),
            )
        }
        Check::Max(max) => {
            let (_, high) = setting.value.bounds()?;
            if high <= max.magnitude()? {
                return None;
            }
            (
                format!(
                    "{written} is above the maximum of `{}` in {}",
                    max, owner.description
                ),
                format!("at most `{}`", max),
            )
        }
        Check::Step(step) => {
            let (low, high) = setting.value.bounds()?;
            let step = step.magnitude()?;
            let aligned = |n: f64| (n / step).fract() == 0.0;
            if aligned(low) && aligned(high) {
                return None;
            }
            (
                format!(
                    "{written} is not in steps of `{}` in {}",
                    types::number(step),
                    owner.description
                ),
                format!("a multiple of `{}`", types::number(step)),
            )
        }
        Check::OneOf(values) => {
            if values.iter().any(|v| v.same(&setting.value)) {
                return None;
            }
            (
                format!(
                    "{written} is not a value AWS accepts in {}",
                    owner.description
                ),
                "not accepted".to_string(),
            )
        }
    };
    let label = if code.category == codes::Category::Compliance {
        label
    } else {
        format!("{label} ({})", code.title)
    };
    Some(Diagnostic::new(
        code,
        message,
        Label::new(span, label),
        help(constraint, decl, code, &setting.value),
    ))
}

fn help(constraint: &Constraint, decl: &SettingDecl, code: &Code, value: &Value) -> String {
    let default = match &decl.default {
        Default::Value(value) => Some(format!("`{} {value}`", decl.name)),
        _ => None,
    };
    let allowed = match &constraint.check {
        Check::OneOf(values) => Some(accepted(values, value)),
        _ => None,
    };
    let mut parts = Vec::new();
    if let Some(allowed) = allowed {
        parts.push(allowed);
    }
    match (&constraint.check, default) {
        (Check::Forbid, _) => parts.push(forbid_help(&decl.name)),
        (_, Some(default)) if code.category == codes::Category::Compliance => parts.push(format!(
            "remove the line to get the secure default {default}"
        )),
        (_, Some(default)) => parts.push(format!("the default is {default}")),
        _ => {}
    }
    if code.category == codes::Category::Compliance {
        if code.waivable {
            parts.push(format!(
                "for a deliberate exception, write `waive {} \"reason\"` in this block",
                code.code
            ));
        } else {
            parts.push("this rule has no exception".to_string());
        }
    }
    parts.join("; ")
}

/// The accepted values, narrowed to the same major version for a version
/// (`15.4` → the 15.x that can still be created).
fn accepted(values: &[Value], written: &Value) -> String {
    let same_major: Vec<String> = match written {
        Value::Version(text) => {
            let major = text.split('.').next().unwrap_or_default();
            values
                .iter()
                .filter(|v| matches!(v, Value::Version(t) if t.split('.').next() == Some(major)))
                .map(Value::to_string)
                .collect()
        }
        _ => Vec::new(),
    };
    if !same_major.is_empty() {
        return format!(
            "the {} versions accepted are {}",
            written.to_string().split('.').next().unwrap_or_default(),
            types::quoted_list(&same_major)
        );
    }
    let listed: Vec<String> = values.iter().map(Value::to_string).collect();
    format!("accepted: {}", types::quoted_list(&listed))
}

fn forbid_help(setting: &str) -> String {
    match setting {
        "token" => "give the AUTH token through `auth SECRET`, an existing Secrets Manager entry".into(),
        "value" | "password" => {
            "refer to an existing Secrets Manager entry instead: `secret db_admin < existing \"medimg/aurora-admin\" >` and `credentials db_admin`".into()
        }
        other => format!("remove `{other}`"),
    }
}
