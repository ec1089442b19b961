//! The standard library's constraints (`min`, `max`, `step`, `one_of`,
//! `require`, `avoid`, `forbid`) applied to every value the program wrote.
//! A constraint names its code: a compliance rule or an AWS limit.

use super::model::{Component, Origin, Program, Route, Setting, Settings};
use super::Finding;
use crate::diagnostics::{codes, Code, Diagnostic, Edit, Label};
use crate::stdlib::{Check, Constraint, Default, Schema, SettingDecl};
use crate::types::{self, Value};

pub fn check(program: &Program, schema: &Schema, source: &str, findings: &mut Vec<Finding>) {
    let disposable = program.disposable();
    let pipeline = Owner { whose: Whose::Pipeline, component: None, source };
    settings(&program.settings, &schema.pipeline().settings, &pipeline, disposable, findings);
    for component in &program.components {
        let Some(kind) = schema.kind(component.kind.name()) else {
            continue;
        };
        let owner = Owner { whose: Whose::Component(component), component: Some(&component.name), source };
        settings(&component.settings, &kind.settings, &owner, disposable, findings);
        for route in &component.routes {
            let owner = Owner { whose: Whose::Route(route), component: Some(&component.name), source };
            settings(&route.settings, schema.route_settings(), &owner, disposable, findings);
        }
    }
}

/// Whose settings are being checked, for messages and waiver scope.
struct Owner<'a> {
    whose: Whose<'a>,
    component: Option<&'a str>,
    /// The program's text, to quote a setting as it was written.
    source: &'a str,
}

/// What messages call an owner, written out only when a constraint is
/// violated: most programs violate none, and every component, route and
/// block has an owner.
enum Whose<'a> {
    Pipeline,
    Component(&'a Component),
    Route(&'a Route),
    /// A block setting, by name, within its owner.
    Block(&'a str, &'a Owner<'a>),
}

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.whose {
            Whose::Pipeline => f.write_str("the pipeline"),
            Whose::Component(component) => f.write_str(&super::describe(component)),
            Whose::Route(route) => write!(f, "route `{} {}`", route.method, route.path),
            Whose::Block(name, owner) => write!(f, "`{name}` of {owner}"),
        }
    }
}

fn settings(settings: &Settings, decls: &[SettingDecl], owner: &Owner, disposable: bool, findings: &mut Vec<Finding>) {
    for setting in &settings.items {
        // A default has neither constraints to meet (they apply to what is
        // written) nor a block: it is passed over before its lookup.
        if setting.origin == Origin::Stdlib && setting.block.is_none() {
            continue;
        }
        let Some(decl) = decls.iter().find(|d| d.name == setting.name) else {
            continue;
        };
        if let Some(block) = &setting.block {
            let nested =
                Owner { whose: Whose::Block(&decl.name, owner), component: owner.component, source: owner.source };
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
                findings.push(Finding { component: owner.component.map(str::to_string), diagnostic });
            }
        }
    }
}

/// Under `lifecycle disposable`, writing the disposable default out (such as
/// `deletion_protection off`) is what the lifecycle already decided.
fn exempt_when_disposable(decl: &SettingDecl, setting: &Setting, disposable: bool) -> bool {
    disposable && decl.disposable.as_ref().is_some_and(|value| value.same(&setting.value))
}

fn violation(constraint: &Constraint, decl: &SettingDecl, setting: &Setting, owner: &Owner) -> Option<Diagnostic> {
    let Origin::User(span) = setting.origin else {
        return None;
    }; // Quote the setting as written (`user root`, not `user 0`), on one line.
       // Quoted only for a message: most constraints are met.
    let written = || {
        let text = owner.source.get(span.range()).unwrap_or_default();
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        // A word standing for a value is shown with it: `user root` (user `0`).
        let alias =
            decl.aliases.iter().find(|(word, value)| value.same(&setting.value) && text.ends_with(word.as_str()));
        match alias {
            Some((_, value)) => format!("`{text}` ({} `{value}`)", setting.name),
            None => format!("`{text}`"),
        }
    };
    let code = constraint.code;
    let (message, label) = match &constraint.check {
        Check::Forbid => (format!("`{}` may not be written in {}", setting.name, owner), code.title.to_string()),
        Check::Require(required) => {
            if setting.value.same(required) {
                return None;
            }
            (format!("{} is not allowed in {}", written(), owner), format!("{} requires `{required}`", code.code))
        }
        Check::Avoid(avoided) => {
            if !setting.value.same(avoided) {
                return None;
            }
            if code.severity == crate::diagnostics::Severity::Warning {
                (format!("{} in {}: {}", written(), owner, code.title), code.title.to_string())
            } else {
                (format!("{} is not allowed in {}", written(), owner), code.title.to_string())
            }
        }
        Check::Min(min) => {
            let (low, _) = setting.value.bounds()?;
            let min = bound(min, true)?;
            if low >= min.bounds()?.0 {
                return None;
            }
            (format!("{} is below the minimum of `{}` in {}", written(), min, owner), format!("at least `{}`", min))
        }
        Check::Max(max) => {
            let (_, high) = setting.value.bounds()?;
            let max = bound(max, false)?;
            if high <= max.bounds()?.1 {
                return None;
            }
            (format!("{} is above the maximum of `{}` in {}", written(), max, owner), format!("at most `{}`", max))
        }
        Check::Step(step) => {
            let (low, high) = setting.value.bounds()?;
            let step = step.bounds()?.0;
            let aligned = |n: f64| (n / step).fract() == 0.0;
            if aligned(low) && aligned(high) {
                return None;
            }
            (
                format!("{} is not in steps of `{}` in {}", written(), types::number(step), owner),
                format!("a multiple of `{}`", types::number(step)),
            )
        }
        Check::OneOf(values) => {
            if values.iter().any(|v| v.same(&setting.value)) {
                return None;
            }
            (format!("{} is not a value AWS accepts in {}", written(), owner), "not accepted".to_string())
        }
    };
    let label = if code.category == codes::Category::Compliance { label } else { format!("{label} ({})", code.title) };
    let diagnostic =
        Diagnostic::new(code, message, Label::new(span, label), help(constraint, decl, code, &setting.value));
    Some(diagnostic.with_fix(default_fix(constraint, decl, span)))
}

/// The setting rewritten with its secure default, the fix `help` proposes;
/// none for `forbid`, which wants the line gone rather than changed.
fn default_fix(constraint: &Constraint, decl: &SettingDecl, span: crate::span::Span) -> Option<Edit> {
    match (&constraint.check, &decl.default) {
        (Check::Forbid, _) => None,
        (_, Default::Value(value)) => Some(Edit::new(span, format!("{} {value}", decl.name))),
        _ => None,
    }
}

/// A bound as it reads in a message: a range's bound as a plain number.
fn bound(value: &Value, lower: bool) -> Option<Value> {
    Some(match value {
        Value::Range { low, high } => Value::Decimal(if lower { *low } else { *high }),
        other => other.clone(),
    })
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
        (_, Some(default)) if code.category == codes::Category::Compliance => {
            parts.push(format!("remove the line to get the secure default {default}"))
        }
        (_, Some(default)) => parts.push(format!("the default is {default}")),
        // No default to fall back on: the setting's own doc says what it takes.
        (_, None) => parts.push(format!("`{}`: {}", decl.name, decl.doc)),
    }
    if code.category == codes::Category::Compliance {
        if code.waivable {
            parts.push(format!("for a deliberate exception, write `waive {} \"reason\"` in this block", code.code));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    /// Every secure default meets its own constraints: only written values
    /// are checked at compile time, so a default that broke its rule would
    /// otherwise pass unnoticed.
    #[test]
    fn every_default_meets_its_constraints() {
        fn check_all(decls: &[SettingDecl], kind: &str, checked: &mut usize) {
            for decl in decls {
                check_all(&decl.settings, kind, checked);
                let Default::Value(value) = &decl.default else { continue };
                let setting = Setting {
                    name: decl.name.clone(),
                    name_span: Span::default(),
                    value: value.clone(),
                    origin: Origin::User(Span::default()),
                    block: None,
                };
                let owner = Owner { whose: Whose::Pipeline, component: None, source: "" };
                for constraint in &decl.constraints {
                    *checked += 1;
                    let found = violation(constraint, decl, &setting, &owner);
                    assert!(found.is_none(), "{kind}.{}'s default breaks {}", decl.name, constraint.code.code);
                }
            }
        }
        let schema = crate::stdlib::schema().unwrap();
        let mut checked = 0;
        for kind in &schema.kinds {
            check_all(&kind.settings, &kind.name, &mut checked);
        }
        assert!(checked > 50, "{checked} constraints checked");
    }
}
