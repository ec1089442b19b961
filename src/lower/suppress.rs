//! Suppressions for the external checkers (checkov, cfn-guard's HIPAA rule
//! set, cdk-nag's HIPAA.Security pack), written into resource metadata.
//!
//! Two sources, and no other: a waiver in the source, which suppresses the
//! checks its rule answers for (the rule catalogue's `external` list) on the
//! resources of the component it concerns, citing the waiver's code, line and
//! reason; and a decision of the standard library that a check does not apply
//! to a resource, with the reason written out where the resource is built
//! ([`Suppression`]). A suppression is never silent.

use super::template::{Resource, Template};
use crate::check::model::{Program, WaivedFinding};
use crate::diagnostics::codes::Checker;
use crate::lower::json::json;
use fnv::FnvHashMap;
use serde_json::{Map, Value};

/// An external checker's findings that do not apply to a resource, and why.
#[derive(Default)]
pub struct Suppression {
    pub reason: &'static str,
    pub checkov: &'static [&'static str],
    pub guard: &'static [&'static str],
    pub cdk_nag: &'static [&'static str],
    pub cfn_lint: &'static [&'static str],
}

/// Writes a stdlib decision's suppression into a resource's metadata.
pub fn apply(resource: &mut Resource, suppression: &Suppression) {
    let reason = suppression.reason;
    for id in suppression.checkov {
        skip(resource, Checker::Checkov, id, reason);
    }
    for id in suppression.guard {
        skip(resource, Checker::CfnGuard, id, reason);
    }
    for id in suppression.cdk_nag {
        skip(resource, Checker::CdkNag, id, reason);
    }
    for id in suppression.cfn_lint {
        push(&mut resource.metadata, &["cfn-lint", "config", "ignore_checks"], json!(id));
    }
}

/// Records every waived finding on the resources it concerns: in the
/// `medc` metadata, and as suppressions of the checks its rule answers for.
/// `owners` maps a resource's logical id to the components it concerns; a
/// finding of the whole pipeline (`lifecycle disposable`) concerns every
/// resource its rule's checks look at.
pub fn record_waivers(template: &mut Template, program: &Program, owners: &FnvHashMap<String, Vec<String>>) {
    // The findings of each component, and those of the whole pipeline, by
    // their position in `program.waived`: a resource looks up its owners'
    // findings rather than scanning every finding (quadratic otherwise).
    let mut of_component: FnvHashMap<&str, Vec<usize>> = FnvHashMap::default();
    let mut of_pipeline = Vec::new();
    for (index, finding) in program.waived.iter().enumerate() {
        match &finding.component {
            Some(component) => of_component.entry(component.as_str()).or_default().push(index),
            None => of_pipeline.push(index),
        }
    }
    let mut concerned: Vec<usize> = Vec::new();
    for (logical_id, resource) in template.resources.iter_mut() {
        concerned.clear();
        for owner in owners.get(logical_id).into_iter().flatten() {
            concerned.extend(of_component.get(owner.as_str()).into_iter().flatten());
        }
        concerned.extend(
            of_pipeline.iter().filter(|&&index| {
                program.waived[index].code.external.iter().any(|check| check.resource == resource.kind)
            }),
        );
        // In the order of the findings, each once, as a scan would give them.
        concerned.sort_unstable();
        concerned.dedup();
        for &index in &concerned {
            record(resource, &program.waived[index]);
        }
    }
}

fn record(resource: &mut Resource, finding: &WaivedFinding) {
    let reason = format!("waived in the source at line {} ({}): {}", finding.line, finding.code.code, finding.reason);
    push(
        &mut resource.metadata,
        &["medc", "Waivers"],
        json!({ "Rule": finding.code.code, "Line": finding.line, "Reason": &finding.reason }),
    );
    let kind = resource.kind;
    for check in finding.code.external.iter().filter(|check| check.resource == kind) {
        for id in check.ids {
            skip(resource, check.checker, id, &reason);
        }
    }
}

/// One suppression, in the form its checker reads.
fn skip(resource: &mut Resource, checker: Checker, id: &str, reason: &str) {
    let metadata = &mut resource.metadata;
    match checker {
        Checker::Checkov => push(metadata, &["checkov", "skip"], json!({ "id": id, "comment": reason })),
        // Guard's suppression is the rule's name alone; the reason is in the
        // `medc` metadata or next to the other checkers' suppressions.
        Checker::CfnGuard => push(metadata, &["guard", "SuppressedRules"], json!(id)),
        Checker::CdkNag => push(metadata, &["cdk_nag", "rules_to_suppress"], json!({ "id": id, "reason": reason })),
    }
}

/// Appends to the array at `path` in a metadata map, creating it on the way;
/// an item already there is not repeated.
fn push(metadata: &mut Map<String, Value>, path: &[&str], item: Value) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut map = metadata;
    for key in parents {
        let entry = map.entry(key.to_string()).or_insert_with(|| json!({}));
        let Value::Object(next) = entry else { return };
        map = next;
    }
    if let Value::Array(items) = map.entry(last.to_string()).or_insert_with(|| json!([])) {
        if !items.contains(&item) {
            items.push(item);
        }
    }
}
