//! The evidence report as one self-contained HTML page: inline CSS, the
//! pipeline's picture inlined as SVG, no script and nothing fetched from the
//! network, laid out to print. The markup is also well-formed XML, which the
//! tests check.

use super::Report;
use std::fmt::Write;

/// Text for an element or an attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font: 14px/1.45 -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; color: #1b1b1b; max-width: 1100px; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
h3 { margin-bottom: 0.3em; } code { font-family: 'SFMono-Regular', Consolas, monospace; font-size: 0.92em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em; } th, td { border: 1px solid #ccc; padding: 0.3em 0.5em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } tr.uncovered td { color: #666; } .waived { color: #9a3412; font-weight: 600; } .enforced { color: #166534; font-weight: 600; }
.figure svg { max-width: 100%; height: auto; border: 1px solid #eee; } .meta td:first-child { width: 12em; }
section.rule { break-inside: avoid; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } h2 { break-after: avoid; } table { break-inside: auto; } tr { break-inside: avoid; } }
";

/// The page. `picture` is the pipeline's SVG, inlined as it is.
pub fn render(report: &Report, picture: &str) -> String {
    let id = &report.identity;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n");
    let _ = writeln!(out, "<title>HIPAA evidence: pipeline {}</title>", escape(&id.pipeline));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(out, "<h1>HIPAA Security Rule evidence: pipeline <code>{}</code></h1>", escape(&id.pipeline));
    out.push_str("<table class=\"meta\">\n");
    for (name, value) in [
        ("source", id.source.clone()),
        ("source SHA-256", id.source_sha256.clone()),
        ("template SHA-256", id.template_sha256.clone()),
        ("resources", id.resources.to_string()),
        ("medc", id.medc_version.to_string()),
    ] {
        let _ = writeln!(out, "<tr><td>{name}</td><td><code>{}</code></td></tr>", escape(&value));
    }
    out.push_str("</table>\n");

    out.push_str("<h2>The pipeline</h2>\n<div class=\"figure\">\n");
    // The picture's XML declaration is not allowed inside a page.
    let svg = picture.find("<svg").map_or("", |start| &picture[start..]);
    out.push_str(svg);
    out.push_str("\n</div>\n");

    out.push_str("<h2>Waivers</h2>\n");
    if report.waivers.is_empty() {
        out.push_str("<p>None: every rule is enforced.</p>\n");
    } else {
        out.push_str("<table>\n<tr><th>rule</th><th>scope</th><th>line</th><th>reason</th></tr>\n");
        for waiver in &report.waivers {
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code> {}</td><td>{}</td><td>{}:{}</td><td>{}</td></tr>",
                waiver.code,
                escape(waiver.title),
                escape(&waiver.scope),
                waiver.line,
                waiver.column,
                escape(&waiver.reason)
            );
        }
        out.push_str("</table>\n");
    }

    out.push_str("<h2>Data residency</h2>\n<ul>\n");
    let residency = &report.residency;
    let _ = writeln!(
        out,
        "<li>region <code>{}</code>, jurisdiction <code>{}</code></li>",
        escape(&residency.region),
        escape(&residency.jurisdiction)
    );
    for assertion in &residency.assertions {
        let _ = writeln!(out, "<li>template rule: {}</li>", escape(assertion));
    }
    if residency.cross_region_paths.is_empty() {
        out.push_str("<li>cross-region paths: none (no replication, copy or endpoint outside the region)</li>\n");
    }
    for path in &residency.cross_region_paths {
        let _ = writeln!(out, "<li>cross-region path: {}</li>", escape(path));
    }
    out.push_str("</ul>\n");

    out.push_str("<h2>Security Rule provisions</h2>\n<table>\n");
    out.push_str("<tr><th>provision</th><th>title</th><th>type</th><th>medc rules</th><th>waivers</th></tr>\n");
    for provision in &report.provisions {
        let covered = !provision.rules.is_empty();
        let rules = if covered {
            provision.rules.iter().map(|code| format!("<a href=\"#{code}\">{code}</a>")).collect::<Vec<_>>().join(", ")
        } else {
            format!("not covered: {}", escape(provision.outside.unwrap_or_default()))
        };
        let waivers: Vec<&str> = provision.waivers.iter().map(|i| report.waivers[*i].code).collect();
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{rules}</td><td>{}</td></tr>",
            if covered { "" } else { " class=\"uncovered\"" },
            escape(provision.citation.trim_start_matches("45 CFR ")),
            escape(provision.title),
            provision.provision.as_str(),
            if waivers.is_empty() { "-".to_string() } else { waivers.join(", ") }
        );
    }
    out.push_str("</table>\n");
    if !report.other_citations.is_empty() {
        out.push_str("<p>Other provisions the rules cite:</p>\n<ul>\n");
        for other in &report.other_citations {
            let _ = writeln!(out, "<li>{}: {}</li>", escape(other.citation), other.rules.join(", "));
        }
        out.push_str("</ul>\n");
    }

    out.push_str("<h2>Components and the resources they become</h2>\n<ul>\n");
    for component in &report.components {
        let resources: Vec<String> =
            component.resources.iter().map(|(id, kind)| format!("<code>{}</code> ({kind})", escape(id))).collect();
        let listed = if resources.is_empty() { "none of its own".to_string() } else { resources.join(", ") };
        let _ = writeln!(out, "<li><strong>{}</strong>: {listed}</li>", escape(&component.component));
    }
    out.push_str("</ul>\n");

    out.push_str("<h2>Rules and their evidence</h2>\n");
    for rule in &report.rules {
        let _ = writeln!(
            out,
            "<section class=\"rule\" id=\"{0}\">\n<h3><code>{0}</code> {1} <span class=\"{2}\">{2}</span></h3>",
            rule.code,
            escape(rule.title),
            rule.status
        );
        let _ = writeln!(out, "<p>Cites: {}.</p>", escape(&rule.citations.join("; ")));
        if rule.evidence.is_empty() && rule.permissions.is_empty() {
            out.push_str("<p>Enforced by the checker over the whole program; this program gives it no finding.</p>\n");
        }
        if !rule.evidence.is_empty() {
            out.push_str("<table>\n<tr><th>component</th><th>setting</th><th>value</th><th>set at</th></tr>\n");
            for item in &rule.evidence {
                let place = item.line.map_or_else(|| "stdlib default".to_string(), |line| format!("line {line}"));
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td>{place}</td></tr>",
                    escape(&item.component),
                    escape(&item.setting),
                    escape(&item.value)
                );
            }
            out.push_str("</table>\n");
        }
        if !rule.permissions.is_empty() {
            out.push_str("<table>\n<tr><th>service</th><th>policy</th><th>actions</th><th>resources</th></tr>\n");
            for permission in &rule.permissions {
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td><code>{}</code></td><td><code>{}</code></td><td><code>{}</code></td></tr>",
                    escape(&permission.service),
                    escape(&permission.policy),
                    escape(&permission.actions.join(", ")),
                    escape(&permission.resources.join(", "))
                );
            }
            out.push_str("</table>\n");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}
