//! MEDC-1020: the pipeline deploys to a region its jurisdiction allows. The
//! stdlib declares `region` and `jurisdiction`; which regions each
//! jurisdiction's health-data law allows is this unit's table.

use super::{Rule, When};
use crate::check::model::{Origin, Program};
use crate::check::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::types::{self, Value};

pub static RULE: Rule = Rule {
    code: &codes::DATA_RESIDENCY,
    checks: "`region` is one of the regions `jurisdiction` allows",
    file: file!(),
    when: When::Program(check),
};

/// Which regions each jurisdiction's health-data law allows.
pub fn allowed_regions(jurisdiction: &str) -> &'static [&'static str] {
    match jurisdiction {
        "brazil" => &["sa-east-1"],
        "united_states" => &["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
        "european_union" => &["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"],
        _ => &[],
    }
}

fn check(program: &Program, findings: &mut Vec<Finding>) {
    let (Some(region), Some(jurisdiction)) = (program.settings.get("region"), program.settings.get("jurisdiction"))
    else {
        return;
    };
    let (Value::Choice(region_name), Value::Choice(jurisdiction_name)) = (&region.value, &jurisdiction.value) else {
        return;
    };
    let allowed = allowed_regions(jurisdiction_name);
    if allowed.contains(&region_name.as_str()) {
        return;
    }
    let span = match (region.origin, jurisdiction.origin) {
        (Origin::User(span), _) | (Origin::Stdlib, Origin::User(span)) => span,
        _ => program.name.span,
    };
    let listed: Vec<String> = allowed.iter().map(|r| r.to_string()).collect();
    let mut diagnostic = Diagnostic::new(
        RULE.code,
        format!("`region {region_name}` is outside {}", jurisdiction_name.replace('_', " ")),
        Label::new(
            span,
            format!("{} data stays in {}", jurisdiction_name.replace('_', " "), types::quoted_list(&listed)),
        ),
        format!(
            "deploy to {}; for a deliberate exception, write `waive {} \"reason\"` at the pipeline level",
            types::quoted_list(&listed),
            RULE.code.code
        ),
    );
    if let (Origin::User(jurisdiction_span), Origin::User(_)) = (jurisdiction.origin, region.origin) {
        diagnostic = diagnostic.with_label(Label::new(jurisdiction_span, "the jurisdiction is declared here"));
    }
    findings.push(Finding { component: None, diagnostic });
}
