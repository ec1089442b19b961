//! Resource names. medc names resources `PIPELINE-COMPONENT-SUFFIX`, where
//! SUFFIX is the `EnvironmentSuffix` parameter; buckets add the account id
//! so that their globally unique names do not collide across accounts. The
//! checker verifies each name fits its service's limit with the longest
//! suffix the parameter allows, and the lowering builds the same names.

use crate::check::model::{Component, Program};

/// The longest environment suffix `SUFFIX_PATTERN` admits.
pub const SUFFIX_MAX: usize = 10;
pub const SUFFIX_PATTERN: &str = "^[a-z0-9]{1,10}$";
/// An AWS account id: twelve digits.
const ACCOUNT_ID: usize = 12;

/// A resource name before the suffix: `medimg-queue`.
pub fn stem(parts: &[&str]) -> String {
    parts.join("-").replace('_', "-")
}

/// One resource medc gives a name to.
#[derive(Debug)]
pub struct Named {
    /// What it is, for messages: "ElastiCache replication group".
    pub what: &'static str,
    pub stem: String,
    /// Whether the account id stands between stem and suffix.
    pub with_account: bool,
    pub limit: usize,
    pub is_bucket: bool,
}

impl Named {
    /// The longest the name can be once deployed.
    pub fn longest(&self) -> usize {
        self.stem.len() + 1 + SUFFIX_MAX + if self.with_account { ACCOUNT_ID + 1 } else { 0 }
    }
}

impl Named {
    pub fn new(what: &'static str, stem: String, limit: usize) -> Named {
        Named { what, stem, with_account: false, limit, is_bucket: false }
    }

    /// An S3 bucket's name: the account id stands before the suffix.
    pub fn bucket(stem: String) -> Named {
        Named { what: "S3 bucket name", stem, with_account: true, limit: 63, is_bucket: true }
    }
}

/// The resources a component gets names for, as its kind's lowering module
/// lists them (`lower::kinds::names`).
pub fn component_names(pipeline: &str, component: &Component) -> Vec<Named> {
    crate::lower::kinds::names(component.kind, &stem(&[pipeline, &component.name]))
}

/// Names that belong to the pipeline rather than to one component.
pub fn pipeline_names(program: &Program) -> Vec<Named> {
    vec![
        Named::new("ECS cluster name", program.name.name.replace('_', "-"), 255),
        Named::bucket(stem(&[&program.name.name, "logs"])),
    ]
}

/// The environment variables medc sets in a container for a component it
/// uses: `AURORA_HOST`, `QUEUE_AUTH_TOKEN`... (`COMPONENT_FIELD`).
pub const ENV_FIELDS: &[&str] = &[
    "HOST",
    "READER_HOST",
    "PORT",
    "DATABASE",
    "USER",
    "USERNAME",
    "PASSWORD",
    "TLS",
    "AUTH_TOKEN",
    "STREAM",
    "BUCKET",
    "PATH",
];

/// Environment variables medc sets in every container.
pub const ENV_FIXED: &[&str] = &["AWS_REGION"];

/// The environment variable for a field of a component, as the lowering
/// sets it: `db-main` and `db_main` both give `DB_MAIN_HOST`.
pub fn env_name(component: &str, field: &str) -> String {
    // One string written in place: uppercasing, replacing and formatting
    // were three.
    let mut name = String::with_capacity(component.len() + 1 + field.len());
    for c in component.chars() {
        match c {
            '-' => name.push('_'),
            c => name.extend(c.to_uppercase()),
        }
    }
    name.push('_');
    name.push_str(field);
    name
}

/// The template's logical-id collisions as diagnostics. A collision that a
/// component's name causes (with another component, or with one of medc's
/// own resources) is the program's error, MEDC-0130; one between two of
/// medc's own resources, or within one component, is medc's bug.
pub fn collisions(
    program: &Program,
    template: &crate::lower::template::Template,
) -> Result<Vec<crate::diagnostics::Diagnostic>, crate::InternalError> {
    use crate::diagnostics::{codes, Diagnostic, Label};
    let mut diagnostics = Vec::new();
    for collision in &template.collisions {
        let component = |name: &Option<String>| name.as_deref().and_then(|n| program.component(n));
        let (first, second) = (component(&collision.first), component(&collision.second));
        let (at, other) = match (first, second) {
            (Some(a), Some(b)) if a.name != b.name => (b, Some(a)),
            (None, Some(c)) | (Some(c), None) => (c, None),
            _ => {
                return Err(crate::InternalError(format!(
                    "the lowering added the logical id `{}` twice",
                    collision.logical_id
                )))
            }
        };
        let with = match other {
            Some(other) => crate::check::describe(other),
            None => "one of medc's own resources".to_string(),
        };
        let mut diagnostic = Diagnostic::new(
            &codes::NAME_COLLISION,
            format!(
                "{} and {with} would both be `{}` in the template",
                crate::check::describe(at),
                collision.logical_id
            ),
            Label::new(at.head, "this name gives a logical id that is already taken"),
            "rename the component; medc never lets one resource replace another",
        );
        if let Some(other) = other {
            diagnostic = diagnostic.with_label(Label::new(other.head, "the other component"));
        }
        diagnostics.push(diagnostic);
    }
    Ok(diagnostics)
}

#[cfg(test)]
mod tests {
    use super::env_name;

    #[test]
    fn env_names_are_uppercased_with_underscores() {
        for (component, field) in [("db-main", "HOST"), ("db_main", "PORT"), ("q2", "AUTH_TOKEN"), ("straße", "PATH")]
        {
            let expected = format!("{}_{field}", component.to_uppercase().replace('-', "_"));
            assert_eq!(env_name(component, field), expected);
        }
        assert_eq!(env_name("db-main", "HOST"), "DB_MAIN_HOST");
    }
}
