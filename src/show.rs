//! `medc show`: the plan of a compiled program, for the engineer: component
//! by component, every setting with its value and provenance (the user's
//! line, or the standard library's default with the reason it is the secure
//! choice), the waivers with their reasons, the CloudFormation resources
//! each component becomes, and the IAM permissions each service receives.

use crate::check::model::{Component, Origin, Program, Settings};
use crate::lower::template::Template;
use crate::source::SourceFile;
use crate::stdlib::{Check, Schema, SettingDecl};
use serde::Serialize;
use std::fmt::Write;

/// The JSON schema identifier; docs/show.md documents it.
pub const SCHEMA: &str = "medc-show/1";

#[derive(Debug, Serialize)]
pub struct Plan {
    pub schema: &'static str,
    pub pipeline: String,
    pub source: String,
    pub settings: Vec<ShownSetting>,
    /// Resources the pipeline as a whole owns (the cluster, the log bucket).
    pub pipeline_resources: Vec<ShownResource>,
    pub components: Vec<ShownComponent>,
    pub waivers: Vec<ShownWaiver>,
    pub resources: usize,
}

#[derive(Debug, Serialize)]
pub struct ShownComponent {
    pub kind: String,
    pub engine: Option<String>,
    pub name: String,
    /// The line the component is written on; none for one the standard
    /// library supplies (the key, the network, ...).
    pub line: Option<usize>,
    pub settings: Vec<ShownSetting>,
    pub routes: Vec<ShownRoute>,
    pub resources: Vec<ShownResource>,
    pub permissions: Vec<ShownPermission>,
}

#[derive(Debug, Serialize)]
pub struct ShownSetting {
    /// `backup`, or `mtls.truststore` for a block's setting.
    pub name: String,
    pub value: String,
    /// `user` or `stdlib`.
    pub provenance: &'static str,
    pub line: Option<usize>,
    /// Why the value is what it is: the setting's doc, and for a default
    /// the rules it satisfies.
    pub why: String,
    /// The rules the setting's constraints enforce (`MEDC-1010`).
    pub rules: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct ShownRoute {
    pub method: String,
    pub path: String,
    pub target: String,
    pub line: usize,
    pub settings: Vec<ShownSetting>,
}

#[derive(Debug, Serialize)]
pub struct ShownResource {
    pub logical_id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ShownPermission {
    pub policy: String,
    pub effect: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ShownWaiver {
    pub code: &'static str,
    pub title: &'static str,
    pub scope: String,
    pub reason: String,
    pub line: usize,
}

/// The rules a declaration's constraints enforce, compliance rules only.
fn rules_of(decl: &SettingDecl) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = decl
        .constraints
        .iter()
        .filter(|c| !matches!(c.check, Check::Forbid))
        .map(|c| c.code)
        .chain(decl.required)
        .filter(|code| !code.citations.is_empty())
        .map(|code| code.code)
        .collect();
    codes.dedup();
    codes
}

/// How the settings are read: where a user's value stands, and whether the
/// pipeline is disposable (which changes some defaults).
struct Reading<'a> {
    line_of: &'a dyn Fn(Origin) -> Option<usize>,
    disposable: bool,
}

fn settings(
    declared: &[SettingDecl],
    given: &Settings,
    prefix: &str,
    reading: &Reading<'_>,
    out: &mut Vec<ShownSetting>,
) {
    for setting in &given.items {
        let Some(decl) = declared.iter().find(|d| d.name == setting.name) else { continue };
        let rules = rules_of(decl);
        let disposable_default = reading.disposable
            && setting.origin == Origin::Stdlib
            && decl.disposable.as_ref().is_some_and(|v| v.same(&setting.value));
        let why = match setting.origin {
            _ if disposable_default && rules.is_empty() => {
                format!("{}; the default under `lifecycle disposable`", decl.doc)
            }
            _ if disposable_default => format!(
                "{}; the default under `lifecycle disposable`, recorded as a waiver of {}",
                decl.doc,
                rules.join(", ")
            ),
            Origin::Stdlib if !rules.is_empty() => {
                let titles: Vec<String> = decl
                    .constraints
                    .iter()
                    .map(|c| c.code)
                    .chain(decl.required)
                    .filter(|code| !code.citations.is_empty())
                    .map(|code| format!("{} {}", code.code, code.title))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                format!("{}; secure default for {}", decl.doc, titles.join(", "))
            }
            _ => decl.doc.clone(),
        };
        out.push(ShownSetting {
            name: format!("{prefix}{}", setting.name),
            value: setting.value.to_string(),
            provenance: match setting.origin {
                Origin::User(_) => "user",
                Origin::Stdlib => "stdlib",
            },
            line: (reading.line_of)(setting.origin),
            why,
            rules,
        });
        if let Some(block) = &setting.block {
            self::settings(&decl.settings, block, &format!("{prefix}{}.", setting.name), reading, out);
        }
    }
}

/// A template value as a person reads it: strings as they are, `Fn::Sub`
/// patterns as their text, `Fn::GetAtt` as `Resource.Attribute`, `Ref` as
/// the name; anything else as JSON.
pub fn readable(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::String(text) => text.clone(),
        Value::Object(map) if map.len() == 1 => match map.iter().next() {
            Some((function, Value::String(text))) if function == "Fn::Sub" || function == "Ref" => text.clone(),
            Some((function, Value::Array(parts))) if function == "Fn::GetAtt" => {
                parts.iter().map(readable).collect::<Vec<_>>().join(".")
            }
            _ => value.to_string(),
        },
        other => other.to_string(),
    }
}

/// The resources a component owns, or the pipeline-wide ones for `None`.
fn owned(template: &Template, owner: Option<&str>) -> Vec<ShownResource> {
    template
        .resources
        .iter()
        .filter(|(_, r)| r.owner.as_deref() == owner)
        .map(|(id, r)| ShownResource { logical_id: id.clone(), kind: r.kind })
        .collect()
}

fn permissions(component: &Component, template: &Template) -> Vec<ShownPermission> {
    let mut out = Vec::new();
    for (id, resource) in &template.resources {
        if resource.kind != "AWS::IAM::ManagedPolicy" || resource.owner.as_deref() != Some(component.name.as_str()) {
            continue;
        }
        let statements = resource.properties.get("PolicyDocument").and_then(|d| d.get("Statement"));
        for statement in statements.and_then(|s| s.as_array()).into_iter().flatten() {
            let list = |key: &str| -> Vec<String> {
                match statement.get(key) {
                    Some(serde_json::Value::Array(items)) => items.iter().map(readable).collect(),
                    Some(item) => vec![readable(item)],
                    None => Vec::new(),
                }
            };
            out.push(ShownPermission {
                policy: id.clone(),
                effect: statement.get("Effect").and_then(|e| e.as_str()).unwrap_or("Allow").to_string(),
                actions: list("Action"),
                resources: list("Resource"),
            });
        }
    }
    out
}

impl Plan {
    pub fn build(file: &SourceFile, program: &Program, template: &Template, schema: &Schema) -> Plan {
        let index = file.line_index();
        let line_of = |origin: Origin| match origin {
            Origin::User(span) => Some(index.locate(span.start).line),
            Origin::Stdlib => None,
        };
        let reading = Reading { line_of: &line_of, disposable: program.disposable() };
        let mut pipeline_settings = Vec::new();
        settings(&schema.pipeline().settings, &program.settings, "", &reading, &mut pipeline_settings);
        let components = program
            .components
            .iter()
            .map(|component| {
                let declared = schema.kind(component.kind.name()).map_or(&[][..], |k| &k.settings);
                let mut shown = Vec::new();
                settings(declared, &component.settings, "", &reading, &mut shown);
                let routes = component
                    .routes
                    .iter()
                    .map(|route| {
                        let mut route_settings = Vec::new();
                        settings(schema.route_settings(), &route.settings, "", &reading, &mut route_settings);
                        ShownRoute {
                            method: route.method.clone(),
                            path: route.path.clone(),
                            target: route.target.name.clone(),
                            line: index.locate(route.span.start).line,
                            settings: route_settings,
                        }
                    })
                    .collect();
                ShownComponent {
                    kind: component.kind.name().to_string(),
                    engine: component.engine.clone(),
                    name: component.name.clone(),
                    line: line_of(component.origin),
                    settings: shown,
                    routes,
                    resources: owned(template, Some(&component.name)),
                    permissions: permissions(component, template),
                }
            })
            .collect();
        let waivers = program
            .waivers
            .iter()
            .map(|w| ShownWaiver {
                code: w.code.code,
                title: w.code.title,
                scope: w.scope.to_string().replace('`', ""),
                reason: w.reason.clone(),
                line: index.locate(w.span.start).line,
            })
            .collect();
        Plan {
            schema: SCHEMA,
            pipeline: program.name.name.clone(),
            source: file.name.clone(),
            settings: pipeline_settings,
            pipeline_resources: owned(template, None),
            components,
            waivers,
            resources: template.resources.len(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The plan as text, for a terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ =
            writeln!(out, "pipeline {} ({}): {} CloudFormation resources", self.pipeline, self.source, self.resources);
        write_settings(&mut out, &self.settings, "  ");
        write_resources(&mut out, &self.pipeline_resources);
        for component in &self.components {
            let engine = component.engine.as_ref().map_or(String::new(), |e| format!(" {e}"));
            let unnamed = component.name == component.kind || component.engine.as_ref() == Some(&component.name);
            let name = if unnamed { String::new() } else { format!(" {}", component.name) };
            let place = component.line.map_or_else(|| "from the standard library".to_string(), |l| format!("line {l}"));
            let _ = writeln!(out, "\n{}{engine}{name} ({place})", component.kind);
            write_settings(&mut out, &component.settings, "  ");
            for route in &component.routes {
                let _ =
                    writeln!(out, "  route {} {} -> {} (line {})", route.method, route.path, route.target, route.line);
                write_settings(&mut out, &route.settings, "    ");
            }
            write_resources(&mut out, &component.resources);
            if !component.permissions.is_empty() {
                let _ = writeln!(out, "  may:");
                for permission in &component.permissions {
                    let _ = writeln!(
                        out,
                        "    {} {} on {}",
                        permission.effect,
                        permission.actions.join(", "),
                        permission.resources.join(", ")
                    );
                }
            }
        }
        if !self.waivers.is_empty() {
            let _ = writeln!(out, "\nwaivers:");
            for waiver in &self.waivers {
                let _ = writeln!(
                    out,
                    "  {} {} in {} (line {}): {}",
                    waiver.code, waiver.title, waiver.scope, waiver.line, waiver.reason
                );
            }
        }
        out
    }
}

fn write_resources(out: &mut String, resources: &[ShownResource]) {
    if resources.is_empty() {
        return;
    }
    let _ = writeln!(out, "  becomes:");
    let width = resources.iter().map(|r| r.logical_id.len()).max().unwrap_or(0);
    for resource in resources {
        let _ = writeln!(out, "    {:<width$}  {}", resource.logical_id, resource.kind);
    }
}

fn write_settings(out: &mut String, settings: &[ShownSetting], indent: &str) {
    let width = settings.iter().map(|s| s.name.len()).max().unwrap_or(0);
    for setting in settings {
        let origin = match setting.line {
            Some(line) => format!("line {line}"),
            None => format!("stdlib: {}", setting.why),
        };
        let _ = writeln!(out, "{indent}{:<width$}  {:<24} {origin}", setting.name, setting.value);
    }
}
