//! Compliance rules that the standard library's constraints cannot say,
//! one unit per rule.
//!
//! A rule about one setting is declarative: a `require`, `min`, `forbid` ...
//! line in the standard library names its code, and `constraints` checks it.
//! A rule that needs more (a table of regions, the wildcards in a grant, the
//! lifecycle) is a unit here: one file exporting its `RULE`, registered in
//! [`RULES`]. `medc explain CODE` lists both ([`enforcement`]), and a test
//! requires every compliance rule to be enforced by one or the other.

pub mod disposable;
pub mod least_privilege;
pub mod literal_secret;
pub mod privilege_escalation;
pub mod residency;

use super::model::Program;
use super::Finding;
use crate::diagnostics::Code;
use crate::stdlib::{describe, Schema, SettingDecl};

/// A compliance rule enforced in Rust.
pub struct Rule {
    pub code: &'static Code,
    /// What the unit checks, in a few words, as `medc explain` says it.
    pub checks: &'static str,
    /// The unit's source file.
    pub file: &'static str,
    pub when: When,
}

/// When a unit runs.
pub enum When {
    /// On the elaborated program, after the constraints.
    Program(fn(&Program, &mut Vec<Finding>)),
    /// While a setting's value is read: what it rejects never becomes part
    /// of the program. The reader calls the unit for its diagnostic.
    Reading,
}

/// Every rule unit, in code order.
pub static RULES: &[&Rule] =
    &[&literal_secret::RULE, &least_privilege::RULE, &residency::RULE, &disposable::RULE, &privilege_escalation::RULE];

/// Runs every unit that checks the elaborated program.
pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    for rule in RULES {
        if let When::Program(check) = rule.when {
            check(program, findings);
        }
    }
}

/// The unit that enforces a code, if one does.
pub fn unit(code: &Code) -> Option<&'static Rule> {
    RULES.iter().copied().find(|rule| rule.code == code)
}

/// A standard-library setting that enforces a code.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct Constraint {
    /// `kind.setting`, with the block's path for a nested setting
    /// (`api.mtls.truststore`); `pipeline.setting` for the pipeline's own.
    pub setting: String,
    /// What the setting must be: `must be on`, `at least 7d`, `required`.
    pub what: String,
    /// The standard-library file that declares it.
    pub file: &'static str,
}

/// Where a code is enforced: the standard library's constraints that name
/// it, in declaration order, and its unit.
pub struct Enforcement {
    pub constraints: Vec<Constraint>,
    pub unit: Option<&'static Rule>,
}

impl Enforcement {
    pub fn is_empty(&self) -> bool {
        self.constraints.is_empty() && self.unit.is_none()
    }
}

pub fn enforcement(schema: &Schema, code: &Code) -> Enforcement {
    let mut constraints = Vec::new();
    for kind in &schema.kinds {
        let file = describe::kind_source(&kind.name).map_or("stdlib", |source| source.path);
        for decl in &kind.settings {
            constraints_of(decl, &kind.name, code, file, &mut constraints);
        }
    }
    Enforcement { constraints, unit: unit(code) }
}

fn constraints_of(decl: &SettingDecl, owner: &str, code: &Code, file: &'static str, found: &mut Vec<Constraint>) {
    let setting = format!("{owner}.{}", decl.name);
    if decl.required.is_some_and(|required| required == code) {
        found.push(Constraint { setting: setting.clone(), what: "required".to_string(), file });
    }
    for constraint in decl.constraints.iter().filter(|c| c.code == code) {
        found.push(Constraint { setting: setting.clone(), what: describe::check_text(&constraint.check), file });
    }
    for nested in &decl.settings {
        constraints_of(nested, &setting, code, file, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::codes::{self, Category};

    #[test]
    fn units_are_compliance_rules_registered_once() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(rule.code.category, Category::Compliance, "{}", rule.code.code);
            assert!(RULES[..i].iter().all(|other| other.code != rule.code), "{} twice", rule.code.code);
            assert!(rule.file.starts_with("src/check/rules/"), "{}", rule.file);
            assert!(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rule.file).is_file(), "{}", rule.file);
        }
    }

    #[test]
    fn every_rule_is_enforced_somewhere() {
        let schema = crate::stdlib::schema().unwrap();
        for code in codes::rules() {
            assert!(!enforcement(schema, code).is_empty(), "{} is enforced by no constraint and no unit", code.code);
        }
    }

    #[test]
    fn enforcement_names_constraints_and_units() {
        let schema = crate::stdlib::schema().unwrap();
        let tls = enforcement(schema, &codes::TRANSIT_ENCRYPTION);
        assert!(tls.unit.is_none());
        assert!(tls.constraints.contains(&Constraint {
            setting: "database.tls".into(),
            what: "must be on".into(),
            file: "stdlib/data.medimg"
        }));
        let mtls = enforcement(schema, &codes::MUTUAL_TLS);
        assert!(
            mtls.constraints.iter().any(|c| c.setting == "api.mtls" && c.what == "required"),
            "{:?}",
            mtls.constraints
        );
        let residency = enforcement(schema, &codes::DATA_RESIDENCY);
        assert_eq!(residency.unit.map(|u| u.file), Some("src/check/rules/residency.rs"));
    }
}
