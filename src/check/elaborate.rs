//! Elaboration: fills every setting the program left out with the standard
//! library's secure default (marked `Origin::Stdlib`), adds the implicit
//! components (key, network, alarms, backup) and the secrets that settings
//! such as `credentials` default to, and reports required settings that are
//! missing.

use super::model::{Component, Kind, Origin, Program, Setting, Settings};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;
use crate::stdlib::{Default, Schema, SettingDecl};
use crate::syntax::ast::Ident;
use crate::types::{Type, Value};

pub fn elaborate(program: &mut Program, schema: &Schema, findings: &mut Vec<Finding>) {
    let pipeline_kind = schema.pipeline();
    fill(&mut program.settings, &pipeline_kind.settings, program.name.span, false, None);
    let disposable = program.disposable();

    for kind in schema.component_kinds().filter(|k| k.implicit) {
        let Some(closed) = Kind::from_name(&kind.name) else { continue };
        if !program.components.iter().any(|c| c.kind == closed) {
            program.components.push(Component {
                kind: closed,
                engine: None,
                name: kind.name.clone(),
                head: program.name.span,
                kind_span: program.name.span,
                engine_span: None,
                name_span: program.name.span,
                origin: Origin::Stdlib,
                settings: Settings::default(),
                routes: Vec::new(),
            });
        }
    }

    let mut implicit_secrets = Vec::new();
    for component in &mut program.components {
        let Some(kind) = schema.kind(component.kind.name()) else {
            continue;
        };
        report_missing(component, &component.settings, &kind.settings, None, findings);
        fill(
            &mut component.settings,
            &kind.settings,
            component.head,
            disposable,
            Some((&program.name.name, &component.name, &mut implicit_secrets)),
        );
        for route in &mut component.routes {
            fill(&mut route.settings, schema.route_settings(), route.span, disposable, None);
        }
    }
    program.components.extend(implicit_secrets);
}

/// Adds each missing setting's default, spanned at `owner` (the head of what
/// holds the settings). Block settings that were written get their own
/// missing settings filled in too.
fn fill(
    settings: &mut Settings,
    decls: &[SettingDecl],
    owner: Span,
    disposable: bool,
    mut implicit: Option<(&str, &str, &mut Vec<Component>)>,
) {
    // Most settings come from the defaults: room for them all at once.
    settings.items.reserve(decls.len().saturating_sub(settings.items.len()));
    for decl in decls {
        if let Some(setting) = settings.items.iter_mut().find(|s| s.name == decl.name) {
            if let Some(block) = &mut setting.block {
                fill(block, &decl.settings, setting.name_span, disposable, None);
            }
            continue;
        }
        let value = match (&decl.default, &decl.disposable) {
            (_, Some(value)) if disposable => value.clone(),
            (Default::Value(value), _) => value.clone(),
            (Default::Implicit, _) => {
                let Some((pipeline, component, secrets)) = implicit.as_mut() else {
                    continue;
                };
                let secret = implicit_secret(pipeline, component, &decl.name, owner);
                let reference = Ident { name: secret.name.clone(), span: owner };
                secrets.push(secret);
                Value::Ref(reference)
            }
            (Default::None, _) => continue,
        };
        settings.items.push(Setting {
            name: decl.name.clone(),
            name_span: owner,
            value,
            origin: Origin::Stdlib,
            block: None,
        });
    }
}

/// The secret a setting such as `credentials` refers to when none is
/// written: the existing entry named `PIPELINE/COMPONENT-SETTING`. It is
/// spanned at `owner`, the head of the component whose setting it serves.
/// The name of the existing secret a setting such as `credentials` refers
/// to when none is written: `PIPELINE/COMPONENT-SETTING`. The one place the
/// pattern lives; the standard library's docs are tested against it.
pub fn implicit_secret_name(pipeline: &str, component: &str, setting: &str) -> String {
    format!("{pipeline}/{component}-{setting}").replace('_', "-")
}

fn implicit_secret(pipeline: &str, component: &str, setting: &str, owner: Span) -> Component {
    let existing = implicit_secret_name(pipeline, component, setting);
    Component {
        kind: Kind::Secret,
        engine: None,
        name: format!("{component}_{setting}"),
        head: owner,
        kind_span: owner,
        engine_span: None,
        name_span: owner,
        origin: Origin::Stdlib,
        settings: Settings {
            items: vec![Setting {
                name: "existing".into(),
                name_span: owner,
                value: Value::String(existing),
                origin: Origin::Stdlib,
                block: None,
            }],
        },
        routes: Vec::new(),
    }
}

/// Reports every required setting that is missing, inside written block
/// settings too (`mtls < >` without its `truststore`).
fn report_missing(
    component: &Component,
    settings: &Settings,
    decls: &[SettingDecl],
    within: Option<&Setting>,
    findings: &mut Vec<Finding>,
) {
    for decl in decls {
        match settings.get(&decl.name) {
            None if decl.required.is_some() => findings.push(missing_required(component, decl, within)),
            // A block switched on, with or without its block, needs the
            // block's required settings (`mtls on` alone has no truststore).
            Some(setting) if decl.ty == Type::Block && setting.value.as_switch() == Some(true) => {
                let empty = Settings::default();
                let block = setting.block.as_ref().unwrap_or(&empty);
                report_missing(component, block, &decl.settings, Some(setting), findings);
            }
            Some(_) => {}
            None => {}
        }
    }
}

fn missing_required(component: &Component, decl: &SettingDecl, within: Option<&Setting>) -> Finding {
    let code = decl.required.unwrap_or(&codes::MISSING_SETTING);
    let place = match within {
        Some(block) => format!("`{}` of {}", block.name, super::describe(component)),
        None => super::describe(component),
    };
    let message = if code.category == codes::Category::Compliance {
        format!("{place} has no `{}`: {}", decl.name, code.title)
    } else {
        format!("{place} needs `{}`", decl.name)
    };
    let span = match within.map(|block| block.origin) {
        Some(Origin::User(span)) => span,
        _ => component.head,
    };
    Finding {
        component: Some(component.name.clone()),
        diagnostic: Diagnostic::new(
            code,
            message,
            Label::new(span, format!("`{}` is required here", decl.name)),
            format!("add `{}`: {}", decl.name, decl.doc),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `medc stdlib` and hover text say which secret an implicit default
    /// names; they must say what elaboration builds.
    #[test]
    fn the_docs_name_the_implicit_secret_elaboration_builds() {
        let schema = crate::stdlib::schema().unwrap();
        let mut implicit = 0;
        for kind in schema.component_kinds() {
            for decl in kind.settings.iter().filter(|d| d.default == Default::Implicit) {
                implicit += 1;
                let name = implicit_secret_name("PIPELINE", "NAME", &decl.name);
                assert!(decl.doc.contains(&name), "`{}` of `{}`: its doc does not name {name}", decl.name, kind.name);
            }
        }
        assert_eq!(implicit, 2, "credentials and auth");
        let secret = implicit_secret("p", "aurora", "credentials", Span::default());
        assert_eq!(secret.settings.value("existing"), Some(&Value::String("p/aurora-credentials".into())));
    }
}
