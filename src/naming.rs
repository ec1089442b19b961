//! Resource names. medc names resources `PIPELINE-COMPONENT-SUFFIX`, where
//! SUFFIX is the `EnvironmentSuffix` parameter; buckets add the account id
//! so that their globally unique names do not collide across accounts. The
//! checker verifies each name fits its service's limit with the longest
//! suffix the parameter allows, and the lowering builds the same names.

use crate::check::model::Kind;
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

fn named(what: &'static str, stem: String, limit: usize) -> Named {
    Named { what, stem, with_account: false, limit, is_bucket: false }
}

fn bucket(stem: String) -> Named {
    Named { what: "S3 bucket name", stem, with_account: true, limit: 63, is_bucket: true }
}

/// The resources a component gets names for.
pub fn component_names(pipeline: &str, component: &Component) -> Vec<Named> {
    let base = stem(&[pipeline, &component.name]);
    match component.kind {
        Kind::Database => vec![
            named("Aurora cluster identifier", base.clone(), 63),
            // Instances are numbered: writer 1, readers 2..16.
            named("Aurora instance identifier", format!("{base}-16"), 63),
        ],
        Kind::Cache => vec![named("ElastiCache replication group id", base, 40)],
        Kind::Bucket => vec![bucket(base)],
        Kind::Stream => vec![named("Kinesis stream name", base, 128)],
        Kind::Service => vec![named("ECS service name", base, 255)],
        Kind::Api => {
            vec![named("API Gateway REST API name", base.clone(), 255), named("network load balancer name", base, 32)]
        }
        Kind::Key => vec![named("KMS alias", format!("alias/{base}"), 256)],
        Kind::Alarms => vec![named("SNS topic name", base, 256)],
        Kind::Backup => vec![
            named("backup vault name", format!("{base}-vault"), 50),
            named("backup plan name", format!("{base}-plan"), 50),
        ],
        Kind::Secret | Kind::Network | Kind::Storage => Vec::new(),
    }
}

/// Names that belong to the pipeline rather than to one component.
pub fn pipeline_names(program: &Program) -> Vec<Named> {
    vec![
        named("ECS cluster name", program.name.name.replace('_', "-"), 255),
        bucket(stem(&[&program.name.name, "logs"])),
    ]
}
