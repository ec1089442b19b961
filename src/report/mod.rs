//! The HIPAA Security Rule evidence report, for auditors: for every
//! standard and implementation specification, the rules that enforce it,
//! the settings and resources that satisfy it (value, who set it, source
//! line), and the waivers against it with their reasons; the provisions
//! outside what a template can show, named with who answers for them; the
//! data-residency evidence; and the build's identity (medc's version and
//! hashes of the source and the template).
//!
//! [`Report::build`] gathers the evidence from a compiled program; the
//! writers (`markdown`, `html`, JSON through serde) only present it.

mod hipaa;
pub mod html;
pub mod markdown;

pub use hipaa::{Outside, Provision, SECURITY_RULE};

use crate::check::model::{Kind, Origin, Program, Setting, Settings};
use crate::diagnostics::{codes, Code};
use crate::lower::template::Template;
use crate::source::SourceFile;
use crate::stdlib::{Check, Schema, SettingDecl};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The report's JSON schema identifier; docs/report.md documents it.
pub const SCHEMA: &str = "medc-report/1";

#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: &'static str,
    pub identity: Identity,
    /// Every compliance rule of the catalogue, with its evidence.
    pub rules: Vec<RuleEvidence>,
    /// Every provision of the Security Rule, in the regulation's order.
    pub provisions: Vec<ProvisionEvidence>,
    /// Citations outside the Security Rule (the Privacy Rule, LGPD).
    pub other_citations: Vec<OtherCitation>,
    pub residency: Residency,
    pub waivers: Vec<WaiverEvidence>,
    pub components: Vec<ComponentResources>,
}

#[derive(Debug, Serialize)]
pub struct Identity {
    pub pipeline: String,
    pub source: String,
    pub medc_version: &'static str,
    /// SHA-256 of the program's bytes.
    pub source_sha256: String,
    /// SHA-256 of the template medc writes for it.
    pub template_sha256: String,
    pub resources: usize,
}

#[derive(Debug, Serialize)]
pub struct RuleEvidence {
    pub code: &'static str,
    pub title: &'static str,
    pub citations: &'static [&'static str],
    pub waivable: bool,
    /// `enforced`: no finding; `waived`: a waiver lets a finding through.
    pub status: &'static str,
    pub evidence: Vec<Evidence>,
    /// Permissions a least-privilege rule looked at, one line each.
    pub permissions: Vec<Permission>,
}

/// One setting that satisfies a rule, where it stands and what it became.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// `database aurora`, `the pipeline`.
    pub component: String,
    /// `backup`, `mtls.truststore`, `route POST /studies authorization`.
    pub setting: String,
    pub value: String,
    /// `user` or `stdlib`.
    pub provenance: &'static str,
    /// The source line of a user's value; none for a default.
    pub line: Option<usize>,
}

/// A component and the CloudFormation resources it becomes.
#[derive(Debug, Serialize)]
pub struct ComponentResources {
    /// `database aurora`.
    pub component: String,
    /// `(logical id, resource type)`.
    pub resources: Vec<(String, &'static str)>,
}

#[derive(Debug, Serialize)]
pub struct Permission {
    pub service: String,
    pub policy: String,
    pub actions: Vec<String>,
    pub resources: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ProvisionEvidence {
    pub citation: &'static str,
    pub title: &'static str,
    pub provision: Provision,
    /// The rules citing it; empty when medc does not cover it.
    pub rules: Vec<&'static str>,
    /// Who answers for it when no rule does.
    pub outside: Option<&'static str>,
    pub waivers: Vec<usize>,
}

#[derive(Debug, Serialize)]
pub struct OtherCitation {
    pub citation: &'static str,
    pub rules: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct Residency {
    pub region: String,
    pub jurisdiction: String,
    /// The template's `Rules` assertions that refuse other regions.
    pub assertions: Vec<String>,
    /// Paths that would take data out of the region; medc emits none.
    pub cross_region_paths: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct WaiverEvidence {
    pub code: &'static str,
    pub title: &'static str,
    pub citations: &'static [&'static str],
    pub reason: String,
    /// `the pipeline` or the component's name.
    pub scope: String,
    pub line: usize,
    pub column: usize,
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

impl Report {
    /// The report of a compiled program; `file` is its source.
    pub fn build(file: &SourceFile, compiled: &crate::Compiled, schema: &Schema) -> Report {
        let (program, template, template_text) = (&compiled.program, &compiled.template, &compiled.json);
        let index = file.line_index();
        let line_of = |origin: Origin| match origin {
            Origin::User(span) => Some(index.locate(span.start).line),
            Origin::Stdlib => None,
        };
        let described = |component: &crate::check::model::Component| crate::check::describe(component).replace('`', "");
        let owned = |owner: Option<&str>| -> Vec<(String, &'static str)> {
            template
                .resources
                .iter()
                .filter(|(_, r)| r.owner.as_deref() == owner)
                .map(|(id, r)| (id.clone(), r.kind))
                .collect()
        };
        let components =
            std::iter::once(ComponentResources { component: "the pipeline".into(), resources: owned(None) })
                .chain(program.components.iter().map(|component| ComponentResources {
                    component: described(component),
                    resources: owned(Some(&component.name)),
                }))
                .collect();

        let mut waivers = Vec::new();
        for waiver in &program.waivers {
            let at = index.locate(waiver.span.start);
            waivers.push(WaiverEvidence {
                code: waiver.code.code,
                title: waiver.code.title,
                citations: waiver.code.citations,
                reason: waiver.reason.clone(),
                scope: waiver.scope.to_string().replace('`', ""),
                line: at.line,
                column: at.column,
            });
        }
        // A waived `lifecycle disposable` stands for the waiver of deletion
        // protection on every stateful resource, with the same reason.
        if let Some(standing) = crate::check::rules::disposable::standing_waiver(program) {
            let written = waivers.iter().find(|w| w.line == standing.line);
            let column = written.map_or(1, |w| w.column);
            waivers.push(WaiverEvidence {
                code: standing.code.code,
                title: standing.code.title,
                citations: standing.code.citations,
                reason: format!("`lifecycle disposable`, waived with MEDC-1022: {}", standing.reason),
                scope: "the pipeline".into(),
                line: standing.line,
                column,
            });
        }

        let mut rules = Vec::new();
        for rule in codes::rules() {
            let mut evidence = Vec::new();
            let pipeline_kind = schema.pipeline();
            settings_evidence(
                rule,
                "the pipeline",
                &pipeline_kind.settings,
                &program.settings,
                "",
                &line_of,
                &mut evidence,
            );
            for component in &program.components {
                let Some(kind) = schema.kind(component.kind.name()) else { continue };
                let described = described(component);
                settings_evidence(rule, &described, &kind.settings, &component.settings, "", &line_of, &mut evidence);
                for route in &component.routes {
                    let prefix = format!("route {} {} ", route.method, route.path);
                    settings_evidence(
                        rule,
                        &described,
                        schema.route_settings(),
                        &route.settings,
                        &prefix,
                        &line_of,
                        &mut evidence,
                    );
                }
            }
            let permissions =
                if std::ptr::eq(rule, &codes::LEAST_PRIVILEGE) { permissions(program, template) } else { Vec::new() };
            let waived = program.waived.iter().any(|w| std::ptr::eq(w.code, rule))
                || waivers.iter().any(|w| w.code == rule.code);
            rules.push(RuleEvidence {
                code: rule.code,
                title: rule.title,
                citations: rule.citations,
                waivable: rule.waivable,
                status: if waived { "waived" } else { "enforced" },
                evidence,
                permissions,
            });
        }

        let provisions = SECURITY_RULE
            .iter()
            .map(|entry| {
                let citing: Vec<&'static str> =
                    codes::rules().filter(|r| r.citations.contains(&entry.citation)).map(|r| r.code).collect();
                let against = waivers
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.citations.contains(&entry.citation))
                    .map(|(i, _)| i)
                    .collect();
                ProvisionEvidence {
                    citation: entry.citation,
                    title: entry.title,
                    provision: entry.provision,
                    outside: citing.is_empty().then(|| entry.outside.as_str()),
                    rules: citing,
                    waivers: against,
                }
            })
            .collect();

        let mut other_citations: Vec<OtherCitation> = Vec::new();
        for rule in codes::rules() {
            for citation in rule.citations {
                if SECURITY_RULE.iter().any(|e| e.citation == *citation) {
                    continue;
                }
                match other_citations.iter_mut().find(|o| o.citation == *citation) {
                    Some(other) => other.rules.push(rule.code),
                    None => other_citations.push(OtherCitation { citation, rules: vec![rule.code] }),
                }
            }
        }

        let text_of = |name: &str| {
            program.settings.items.iter().find(|s| s.name == name).map(|s| s.value.to_string()).unwrap_or_default()
        };
        let assertions = template
            .rules
            .values()
            .flat_map(|rule| rule.assertions.iter().map(|a| a.assert_description.clone()))
            .collect();
        let residency = Residency {
            region: text_of("region"),
            jurisdiction: text_of("jurisdiction"),
            assertions,
            cross_region_paths: Vec::new(),
        };

        Report {
            schema: SCHEMA,
            identity: Identity {
                pipeline: program.name.name.clone(),
                source: file.name.clone(),
                medc_version: env!("CARGO_PKG_VERSION"),
                source_sha256: hex_sha256(file.text.as_bytes()),
                template_sha256: hex_sha256(template_text.as_bytes()),
                resources: template.resources.len(),
            },
            rules,
            provisions,
            other_citations,
            residency,
            waivers,
            components,
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// Whether a declaration's constraints or requirement name the rule.
fn governed_by(decl: &SettingDecl, rule: &Code) -> bool {
    decl.required.is_some_and(|code| std::ptr::eq(code, rule))
        || decl.constraints.iter().any(|c| std::ptr::eq(c.code, rule) && !matches!(c.check, Check::Forbid))
}

fn settings_evidence(
    rule: &'static Code,
    component: &str,
    declared: &[SettingDecl],
    settings: &Settings,
    prefix: &str,
    line_of: &dyn Fn(Origin) -> Option<usize>,
    out: &mut Vec<Evidence>,
) {
    for decl in declared {
        for setting in settings.items.iter().filter(|s| s.name == decl.name) {
            if governed_by(decl, rule) {
                out.push(evidence(component, &format!("{prefix}{}", decl.name), setting, line_of));
            }
            if let Some(block) = &setting.block {
                let nested = format!("{prefix}{}.", decl.name);
                settings_evidence(rule, component, &decl.settings, block, &nested, line_of, out);
            }
        }
    }
}

fn evidence(component: &str, name: &str, setting: &Setting, line_of: &dyn Fn(Origin) -> Option<usize>) -> Evidence {
    Evidence {
        component: component.to_string(),
        setting: name.to_string(),
        value: setting.value.to_string(),
        provenance: match setting.origin {
            Origin::User(_) => "user",
            Origin::Stdlib => "stdlib",
        },
        line: line_of(setting.origin),
    }
}

/// Every IAM statement the template grants a service, as the least-privilege
/// rule's evidence.
fn permissions(program: &Program, template: &Template) -> Vec<Permission> {
    let mut out = Vec::new();
    let services = program.components.iter().filter(|c| c.kind == Kind::Service);
    for service in services {
        for (id, resource) in &template.resources {
            if resource.kind != "AWS::IAM::ManagedPolicy" || resource.owner.as_deref() != Some(service.name.as_str()) {
                continue;
            }
            let statements = resource.properties.get("PolicyDocument").and_then(|d| d.get("Statement"));
            for statement in statements.and_then(|s| s.as_array()).into_iter().flatten() {
                let list = |key: &str| -> Vec<String> {
                    match statement.get(key) {
                        Some(serde_json::Value::Array(items)) => items.iter().map(crate::show::readable).collect(),
                        Some(item) => vec![crate::show::readable(item)],
                        None => Vec::new(),
                    }
                };
                out.push(Permission {
                    service: service.name.clone(),
                    policy: id.clone(),
                    actions: list("Action"),
                    resources: list("Resource"),
                });
            }
        }
    }
    out
}
