//! The HIPAA Security Rule's standards and implementation specifications
//! (45 CFR Part 164, Subpart C: §§ 164.308, 164.310, 164.312, 164.316), so
//! that the evidence report can walk all of them: the ones medc's rules
//! cite, with their evidence, and the ones outside what a template can
//! show, with who answers for them instead.

/// Whether a provision is a standard or one of its implementation
/// specifications, which the rule marks required or addressable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provision {
    Standard,
    Required,
    Addressable,
}

impl Provision {
    pub fn as_str(self) -> &'static str {
        match self {
            Provision::Standard => "standard",
            Provision::Required => "required",
            Provision::Addressable => "addressable",
        }
    }
}

/// Who answers for a provision that medc's rules do not cite.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outside {
    /// The covered entity's own policies, people and procedures.
    Organization,
    /// AWS, for its data centres, under the shared responsibility model and
    /// a signed Business Associate Addendum.
    Aws,
    /// The application in the container image (medc sees only its wiring).
    Application,
}

impl Outside {
    pub fn as_str(self) -> &'static str {
        match self {
            Outside::Organization => "the organization's policies and procedures (not expressible in a template)",
            Outside::Aws => "AWS, under the shared responsibility model and the AWS Business Associate Addendum",
            Outside::Application => "the application in the container image; medc governs only its infrastructure",
        }
    }
}

pub struct Entry {
    /// As the rule catalogue cites it: `45 CFR 164.312(a)(2)(iv)`.
    pub citation: &'static str,
    pub title: &'static str,
    pub provision: Provision,
    /// Who answers for it when no medc rule cites it.
    pub outside: Outside,
}

const fn entry(citation: &'static str, title: &'static str, provision: Provision, outside: Outside) -> Entry {
    Entry { citation, title, provision, outside }
}

use Outside::{Application, Aws, Organization};
use Provision::{Addressable, Required, Standard};

/// The Security Rule, in the order of the regulation.
pub const SECURITY_RULE: &[Entry] = &[
    // § 164.308 Administrative safeguards
    entry("45 CFR 164.308(a)(1)(i)", "Security management process", Standard, Organization),
    entry("45 CFR 164.308(a)(1)(ii)(A)", "Risk analysis", Required, Organization),
    entry("45 CFR 164.308(a)(1)(ii)(B)", "Risk management", Required, Organization),
    entry("45 CFR 164.308(a)(1)(ii)(C)", "Sanction policy", Required, Organization),
    entry("45 CFR 164.308(a)(1)(ii)(D)", "Information system activity review", Required, Organization),
    entry("45 CFR 164.308(a)(2)", "Assigned security responsibility", Standard, Organization),
    entry("45 CFR 164.308(a)(3)(i)", "Workforce security", Standard, Organization),
    entry("45 CFR 164.308(a)(3)(ii)(A)", "Authorization and/or supervision", Addressable, Organization),
    entry("45 CFR 164.308(a)(3)(ii)(B)", "Workforce clearance procedure", Addressable, Organization),
    entry("45 CFR 164.308(a)(3)(ii)(C)", "Termination procedures", Addressable, Organization),
    entry("45 CFR 164.308(a)(4)(i)", "Information access management", Standard, Organization),
    entry("45 CFR 164.308(a)(4)(ii)(A)", "Isolating health care clearinghouse functions", Required, Organization),
    entry("45 CFR 164.308(a)(4)(ii)(B)", "Access authorization", Addressable, Organization),
    entry("45 CFR 164.308(a)(4)(ii)(C)", "Access establishment and modification", Addressable, Organization),
    entry("45 CFR 164.308(a)(5)(i)", "Security awareness and training", Standard, Organization),
    entry("45 CFR 164.308(a)(5)(ii)(A)", "Security reminders", Addressable, Organization),
    entry("45 CFR 164.308(a)(5)(ii)(B)", "Protection from malicious software", Addressable, Application),
    entry("45 CFR 164.308(a)(5)(ii)(C)", "Log-in monitoring", Addressable, Organization),
    entry("45 CFR 164.308(a)(5)(ii)(D)", "Password management", Addressable, Organization),
    entry("45 CFR 164.308(a)(6)(i)", "Security incident procedures", Standard, Organization),
    entry("45 CFR 164.308(a)(6)(ii)", "Response and reporting", Required, Organization),
    entry("45 CFR 164.308(a)(7)(i)", "Contingency plan", Standard, Organization),
    entry("45 CFR 164.308(a)(7)(ii)(A)", "Data backup plan", Required, Organization),
    entry("45 CFR 164.308(a)(7)(ii)(B)", "Disaster recovery plan", Required, Organization),
    entry("45 CFR 164.308(a)(7)(ii)(C)", "Emergency mode operation plan", Required, Organization),
    entry("45 CFR 164.308(a)(7)(ii)(D)", "Testing and revision procedures", Addressable, Organization),
    entry("45 CFR 164.308(a)(7)(ii)(E)", "Applications and data criticality analysis", Addressable, Organization),
    entry("45 CFR 164.308(a)(8)", "Evaluation", Standard, Organization),
    entry("45 CFR 164.308(b)(1)", "Business associate contracts and other arrangements", Standard, Organization),
    entry("45 CFR 164.308(b)(3)", "Written contract or other arrangement", Required, Organization),
    // § 164.310 Physical safeguards
    entry("45 CFR 164.310(a)(1)", "Facility access controls", Standard, Aws),
    entry("45 CFR 164.310(a)(2)(i)", "Contingency operations", Addressable, Aws),
    entry("45 CFR 164.310(a)(2)(ii)", "Facility security plan", Addressable, Aws),
    entry("45 CFR 164.310(a)(2)(iii)", "Access control and validation procedures", Addressable, Aws),
    entry("45 CFR 164.310(a)(2)(iv)", "Maintenance records", Addressable, Aws),
    entry("45 CFR 164.310(b)", "Workstation use", Standard, Organization),
    entry("45 CFR 164.310(c)", "Workstation security", Standard, Organization),
    entry("45 CFR 164.310(d)(1)", "Device and media controls", Standard, Aws),
    entry("45 CFR 164.310(d)(2)(i)", "Disposal", Required, Aws),
    entry("45 CFR 164.310(d)(2)(ii)", "Media re-use", Required, Aws),
    entry("45 CFR 164.310(d)(2)(iii)", "Accountability", Addressable, Aws),
    entry("45 CFR 164.310(d)(2)(iv)", "Data backup and storage", Addressable, Aws),
    // § 164.312 Technical safeguards
    entry("45 CFR 164.312(a)(1)", "Access control", Standard, Organization),
    entry("45 CFR 164.312(a)(2)(i)", "Unique user identification", Required, Organization),
    entry("45 CFR 164.312(a)(2)(ii)", "Emergency access procedure", Required, Organization),
    entry("45 CFR 164.312(a)(2)(iii)", "Automatic logoff", Addressable, Application),
    entry("45 CFR 164.312(a)(2)(iv)", "Encryption and decryption", Addressable, Organization),
    entry("45 CFR 164.312(b)", "Audit controls", Standard, Organization),
    entry("45 CFR 164.312(c)(1)", "Integrity", Standard, Organization),
    entry(
        "45 CFR 164.312(c)(2)",
        "Mechanism to authenticate electronic protected health information",
        Addressable,
        Application,
    ),
    entry("45 CFR 164.312(d)", "Person or entity authentication", Standard, Organization),
    entry("45 CFR 164.312(e)(1)", "Transmission security", Standard, Organization),
    entry("45 CFR 164.312(e)(2)(i)", "Integrity controls", Addressable, Application),
    entry("45 CFR 164.312(e)(2)(ii)", "Encryption", Addressable, Organization),
    // § 164.316 Policies and procedures and documentation requirements
    entry("45 CFR 164.316(a)", "Policies and procedures", Standard, Organization),
    entry("45 CFR 164.316(b)(1)", "Documentation", Standard, Organization),
    entry("45 CFR 164.316(b)(2)(i)", "Time limit", Required, Organization),
    entry("45 CFR 164.316(b)(2)(ii)", "Availability", Required, Organization),
    entry("45 CFR 164.316(b)(2)(iii)", "Updates", Required, Organization),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_security_rule_citation_of_the_catalogue_is_in_the_table() {
        for rule in crate::diagnostics::codes::rules() {
            for citation in rule.citations {
                let in_security_rule = ["308", "310", "312", "316"]
                    .iter()
                    .any(|section| citation.starts_with(&format!("45 CFR 164.{section}(")));
                if in_security_rule {
                    assert!(
                        SECURITY_RULE.iter().any(|e| e.citation == *citation),
                        "{} cites {citation}, which the report's table lacks",
                        rule.code
                    );
                }
            }
        }
    }

    #[test]
    fn citations_are_unique() {
        let mut seen = std::collections::BTreeSet::new();
        for entry in SECURITY_RULE {
            assert!(seen.insert(entry.citation), "{} twice", entry.citation);
        }
    }
}
