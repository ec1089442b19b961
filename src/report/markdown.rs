//! The evidence report as Markdown: for a pull request, a wiki, or a PDF
//! made elsewhere.

use super::{Evidence, Report};
use std::fmt::Write;

/// A table cell: pipes and newlines would break the row.
pub(super) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn evidence_row(out: &mut String, item: &Evidence) {
    let place = match item.line {
        Some(line) => format!("line {line}"),
        None => "stdlib default".to_string(),
    };
    let _ = writeln!(
        out,
        "| {} | `{}` | `{}` | {} |",
        cell(&item.component),
        cell(&item.setting),
        cell(&item.value),
        place
    );
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let id = &report.identity;
    let _ = writeln!(out, "# HIPAA Security Rule evidence: pipeline `{}`\n", id.pipeline);
    let _ = writeln!(out, "| build | |\n|---|---|");
    let _ = writeln!(out, "| source | `{}` |", cell(&id.source));
    let _ = writeln!(out, "| source SHA-256 | `{}` |", id.source_sha256);
    let _ = writeln!(out, "| template SHA-256 | `{}` |", id.template_sha256);
    let _ = writeln!(out, "| resources | {} |", id.resources);
    let _ = writeln!(out, "| medc | {} |\n", id.medc_version);

    let _ = writeln!(out, "## Waivers\n");
    if report.waivers.is_empty() {
        let _ = writeln!(out, "None: every rule is enforced.\n");
    } else {
        let _ = writeln!(out, "| rule | scope | line | reason |\n|---|---|---|---|");
        for waiver in &report.waivers {
            let _ = writeln!(
                out,
                "| {} {} | {} | {}:{} | {} |",
                waiver.code,
                cell(waiver.title),
                cell(&waiver.scope),
                waiver.line,
                waiver.column,
                cell(&waiver.reason)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Data residency\n");
    let r = &report.residency;
    let _ = writeln!(out, "- region: `{}` (jurisdiction `{}`)", r.region, r.jurisdiction);
    for assertion in &r.assertions {
        let _ = writeln!(out, "- template rule: {}", cell(assertion));
    }
    if r.cross_region_paths.is_empty() {
        let _ = writeln!(out, "- cross-region paths: none (no replication, copy or endpoint outside the region)\n");
    } else {
        for path in &r.cross_region_paths {
            let _ = writeln!(out, "- cross-region path: {}", cell(path));
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Security Rule provisions\n");
    let _ = writeln!(out, "| provision | | type | medc rules | waivers |\n|---|---|---|---|---|");
    for provision in &report.provisions {
        let rules = if provision.rules.is_empty() {
            format!("not covered: {}", provision.outside.unwrap_or_default())
        } else {
            provision.rules.join(", ")
        };
        let waivers: Vec<String> = provision.waivers.iter().map(|i| report.waivers[*i].code.to_string()).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            provision.citation.trim_start_matches("45 CFR "),
            cell(provision.title),
            provision.provision.as_str(),
            cell(&rules),
            if waivers.is_empty() { "-".to_string() } else { waivers.join(", ") }
        );
    }
    if !report.other_citations.is_empty() {
        let _ = writeln!(out, "\nOther provisions the rules cite:\n");
        for other in &report.other_citations {
            let _ = writeln!(out, "- {}: {}", other.citation, other.rules.join(", "));
        }
    }
    out.push('\n');

    let _ = writeln!(out, "## Components and the resources they become\n");
    for component in &report.components {
        let resources: Vec<String> = component.resources.iter().map(|(id, kind)| format!("`{id}` ({kind})")).collect();
        let listed = if resources.is_empty() { "none of its own".to_string() } else { resources.join(", ") };
        let _ = writeln!(out, "- **{}**: {}", cell(&component.component), listed);
    }
    out.push('\n');

    let _ = writeln!(out, "## Rules and their evidence\n");
    for rule in &report.rules {
        let _ = writeln!(out, "### {} {} ({})\n", rule.code, rule.title, rule.status);
        let _ = writeln!(out, "Cites: {}.\n", rule.citations.join("; "));
        if rule.evidence.is_empty() && rule.permissions.is_empty() {
            let _ =
                writeln!(out, "Enforced by the checker over the whole program; this program gives it no finding.\n");
        }
        if !rule.evidence.is_empty() {
            let _ = writeln!(out, "| component | setting | value | set at |\n|---|---|---|---|");
            for item in &rule.evidence {
                evidence_row(&mut out, item);
            }
            out.push('\n');
        }
        if !rule.permissions.is_empty() {
            let _ = writeln!(out, "| service | policy | actions | resources |\n|---|---|---|---|");
            for permission in &rule.permissions {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    cell(&permission.service),
                    cell(&permission.policy),
                    cell(&permission.actions.join(", ")),
                    cell(&permission.resources.join(", "))
                );
            }
            out.push('\n');
        }
    }
    out
}
