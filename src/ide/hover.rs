//! Hover: what the word under the cursor means, in Markdown. A setting
//! shows its doc, type, secure default, where its value comes from and the
//! rules that govern it; a component its kind's doc and the CloudFormation
//! resources it becomes; a waiver's code the rule's title.

use super::outline::{Component, Found, Setting};
use super::Analyzed;
use crate::diagnostics::{codes, Code};
use crate::span::Span;
use crate::stdlib::{Check, Default, SettingDecl};
use crate::types::Type;
use std::fmt::Write;

/// The hover text at `offset` and the span it describes.
pub fn hover(analysis: &Analyzed, offset: usize) -> Option<(String, Span)> {
    let outline = analysis.outline()?;
    let schema = analysis.schema?;
    match outline.find_at(offset) {
        Found::PipelineKeyword | Found::PipelineName => {
            let name = &outline.program.name;
            Some((format!("**pipeline** `{}`\n\n{}", name.name, schema.pipeline().doc), name.span))
        }
        Found::Kind(component) | Found::Engine(component) | Found::ComponentName(component) => {
            Some((component_text(analysis, component), component.head()))
        }
        Found::SettingName(setting) => Some((setting_text(analysis, setting)?, setting.span())),
        Found::Value(setting, _) => Some((setting_text(analysis, setting)?, setting.span())),
        Found::Reference(ident) => {
            let text = match outline.components().find(|c| c.name() == ident.name) {
                Some(component) => component_text(analysis, component),
                None => match analysis.analysis.program().and_then(|p| p.component(&ident.name)) {
                    // A component the standard library supplied, such as an implicit secret.
                    Some(component) => {
                        let doc = schema.kind(&component.kind.to_string()).map_or("", |k| k.doc.as_str());
                        format!("**{}** `{}` (from the standard library)\n\n{doc}", component.kind, component.name)
                    }
                    None => format!("no component is named `{}`", ident.name),
                },
            };
            Some((text, ident.span))
        }
        Found::Param(param) => {
            let uses = outline.params().iter().filter(|p| p.name.name == param.name.name).count();
            let text = format!(
                "**param** `{}`\n\nA CloudFormation parameter, supplied when the stack is deployed \
                 (used {uses} {}).",
                param.name.name,
                if uses == 1 { "time" } else { "times" }
            );
            Some((text, param.span))
        }
        Found::WaiverCode(waiver) | Found::Waiver(waiver) => {
            let code = codes::lookup(&waiver.code.name)?;
            Some((rule_text(code), waiver.code.span))
        }
        Found::Route(route) => Some((
            format!(
                "**route** `{} {}` → `{}`\n\nAn API Gateway method whose requests reach the service privately \
                 (VPC link, internal network load balancer).",
                route.method.name, route.path, route.target.name
            ),
            route.span,
        )),
        Found::Nothing => None,
    }
}

fn rule_text(code: &Code) -> String {
    let mut text = format!("**{}**: {}", code.code, code.title);
    if !code.citations.is_empty() {
        let _ = write!(text, "\n\n{}", code.citations.join("; "));
        let _ = write!(text, "\n\nwaivable: {}", if code.waivable { "yes" } else { "no" });
    }
    text
}

fn setting_text(analysis: &Analyzed, setting: &Setting<'_>) -> Option<String> {
    let decl = setting.decl?;
    let mut text = format!("**{}**: {}\n\n{}\n\n", decl.name, type_name(&decl.ty), decl.doc);
    let written = setting.value_span().and_then(|span| analysis.text.get(span.range()));
    match written {
        Some(value) => {
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = writeln!(text, "- value: `{value}`, written here");
        }
        None if decl.ty == Type::Switch => {
            let _ = writeln!(text, "- value: `on`, written here");
        }
        None => {}
    }
    if let Some(default) = default_text(decl) {
        let _ = writeln!(text, "- secure default: `{default}` (standard library)");
    }
    if let Some(value) = &decl.disposable {
        let _ = writeln!(text, "- under `lifecycle disposable`: `{value}`");
    }
    let mut governing: Vec<&Code> = Vec::new();
    for constraint in &decl.constraints {
        if !governing.contains(&constraint.code) {
            governing.push(constraint.code);
        }
    }
    if let Some(code) = decl.required {
        if !governing.contains(&code) {
            governing.push(code);
        }
    }
    for code in governing {
        let citation =
            if code.citations.is_empty() { String::new() } else { format!(" ({})", code.citations.join("; ")) };
        let what = if code.category == codes::Category::Compliance { "rule" } else { "AWS limit" };
        let _ = writeln!(text, "- {what} {}: {}{citation}", code.code, code.title);
    }
    let limits = constraint_text(decl);
    if !limits.is_empty() {
        let _ = writeln!(text, "- {}", limits.join(", "));
    }
    Some(text.trim_end().to_string())
}

/// The default as the standard library states it.
fn default_text(decl: &SettingDecl) -> Option<String> {
    match &decl.default {
        Default::Value(value) => Some(value.to_string()),
        Default::Implicit => Some(format!(
            "the existing secret named {}",
            crate::check::implicit_secret_name("PIPELINE", "NAME", &decl.name)
        )),
        Default::None => None,
    }
}

fn constraint_text(decl: &SettingDecl) -> Vec<String> {
    decl.constraints
        .iter()
        .filter_map(|c| match &c.check {
            Check::Min(v) => Some(format!("at least `{v}`")),
            Check::Max(v) => Some(format!("at most `{v}`")),
            Check::Require(v) => Some(format!("must be `{v}`")),
            Check::Avoid(v) => Some(format!("never `{v}`")),
            Check::Forbid => Some("may not be written".to_string()),
            Check::Step(_) | Check::OneOf(_) => None,
        })
        .collect()
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Choice(values) => format!("one of {}", crate::types::quoted_list(values)),
        Type::Ref(kinds) => format!("the name of a {}", kinds.join(" or ")),
        Type::Refs(kinds) => format!("names of components ({})", kinds.join(", ")),
        Type::Switch => "`on` or `off` (written alone: `on`)".to_string(),
        other => other.expectation(),
    }
}

fn component_text(analysis: &Analyzed, component: &Component<'_>) -> String {
    let kind = component.kind;
    let mut text = format!("**{}**", kind.name);
    if let Some(engine) = component.engine {
        let _ = write!(text, " {}", engine.name);
    }
    if let Some(name) = component.name {
        let _ = write!(text, " `{}`", name.name);
    }
    let _ = write!(text, "\n\n{}", kind.doc);
    // The resources come from the real lowering, which needs a valid program.
    let Some(valid) = analysis.analysis.valid() else {
        return text;
    };
    let program = valid.program();
    if let Some(checked) = program.component(component.name()) {
        let from_stdlib: Vec<String> = checked
            .settings
            .items
            .iter()
            .filter(|s| s.origin == crate::check::model::Origin::Stdlib)
            .map(|s| format!("`{} {}`", s.name, s.value))
            .collect();
        if !from_stdlib.is_empty() {
            let _ = write!(text, "\n\nFrom the standard library: {}", from_stdlib.join(", "));
        }
    }
    let Ok(template) = crate::lower::lower(valid) else {
        return text;
    };
    let resources: Vec<String> = template
        .resources
        .iter()
        .filter(|(_, resource)| resource.owner.as_deref() == Some(component.name()))
        .map(|(id, resource)| format!("- `{id}`: {}", resource.kind))
        .collect();
    if !resources.is_empty() {
        let _ = write!(text, "\n\nBecomes:\n{}", resources.join("\n"));
    }
    text
}
