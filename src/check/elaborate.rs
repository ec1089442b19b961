//! Elaboration: fills every setting the program left out with the standard
//! library's secure default (marked `Origin::Stdlib`), adds the implicit
//! components (key, network, alarms, backup) and the secrets that settings
//! such as `credentials` default to, and reports required settings that are
//! missing.

use super::model::{Component, Origin, Program, Setting, Settings};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;
use crate::stdlib::{Default, Schema, SettingDecl};
use crate::syntax::ast::Ident;
use crate::types::Value;

pub fn elaborate(program: &mut Program, schema: &Schema, findings: &mut Vec<Finding>) {
    let pipeline_kind = schema.pipeline();
    fill(&mut program.settings, &pipeline_kind.settings, false, None);
    let disposable = program.disposable();

    for kind in schema.component_kinds().filter(|k| k.implicit) {
        if !program.components.iter().any(|c| c.kind == kind.name) {
            program.components.push(Component {
                kind: kind.name.clone(),
                engine: None,
                name: kind.name.clone(),
                head: program.name.span,
                origin: Origin::Stdlib,
                settings: Settings::default(),
                routes: Vec::new(),
            });
        }
    }

    let mut implicit_secrets = Vec::new();
    for component in &mut program.components {
        let Some(kind) = schema.kind(&component.kind) else {
            continue;
        };
        for decl in kind.settings.iter().filter(|d| d.required.is_some()) {
            if component.settings.get(&decl.name).is_none() {
                findings.push(missing_required(component, decl));
            }
        }
        fill(
            &mut component.settings,
            &kind.settings,
            disposable,
            Some((&program.name.name, &component.name, &mut implicit_secrets)),
        );
        if let Some(route_kind) = schema.kind("api_route") {
            for route in &mut component.routes {
                fill(&mut route.settings, &route_kind.settings, disposable, None);
            }
        }
    }
    program.components.extend(implicit_secrets);
}

/// Adds each missing setting's default. Block settings that were written get
/// their own missing settings filled in too.
fn fill(
    settings: &mut Settings,
    decls: &[SettingDecl],
    disposable: bool,
    mut implicit: Option<(&str, &str, &mut Vec<Component>)>,
) {
    for decl in decls {
        if let Some(setting) = settings.items.iter_mut().find(|s| s.name == decl.name) {
            if let Some(block) = &mut setting.block {
                fill(block, &decl.settings, disposable, None);
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
                let secret = implicit_secret(pipeline, component, &decl.name);
                let reference = Ident { name: secret.name.clone(), span: Span::default() };
                secrets.push(secret);
                Value::Ref(reference)
            }
            (Default::None, _) => continue,
        };
        settings.items.push(Setting { name: decl.name.clone(), value, origin: Origin::Stdlib, block: None });
    }
}

/// The secret a setting such as `credentials` refers to when none is
/// written: the existing entry named `PIPELINE/COMPONENT-SETTING`.
fn implicit_secret(pipeline: &str, component: &str, setting: &str) -> Component {
    let existing = format!("{pipeline}/{component}-{setting}").replace('_', "-");
    Component {
        kind: "secret".into(),
        engine: None,
        name: format!("{component}_{setting}"),
        head: Span::default(),
        origin: Origin::Stdlib,
        settings: Settings {
            items: vec![Setting {
                name: "existing".into(),
                value: Value::String(existing),
                origin: Origin::Stdlib,
                block: None,
            }],
        },
        routes: Vec::new(),
    }
}

fn missing_required(component: &Component, decl: &SettingDecl) -> Finding {
    let code = decl.required.unwrap_or(&codes::MISSING_SETTING);
    let message = if code.category == codes::Category::Compliance {
        format!("{} has no `{}`: {}", super::describe(component), decl.name, code.title)
    } else {
        format!("{} needs `{}`", super::describe(component), decl.name)
    };
    let example = match decl.name.as_str() {
        "mtls" => "mtls < truststore param TruststoreUri >".to_string(),
        "image" => "image param ProcessorImage".to_string(),
        "certificate" => "certificate param CertificateArn".to_string(),
        "domain" => "domain \"imaging.example.org\"".to_string(),
        "existing" => "existing \"medimg/aurora-admin\"".to_string(),
        other => format!("{other} ..."),
    };
    Finding {
        component: Some(component.name.clone()),
        diagnostic: Diagnostic::new(
            code,
            message,
            Label::new(component.head, format!("`{}` is required: {}", decl.name, decl.doc)),
            format!("add `{example}` to the block"),
        ),
    }
}
