//! Lowering: the checked program to a CloudFormation template, one module
//! per AWS service. [`Lowering`] holds what every module shares: the
//! template being built, resource names, tags, parameters, the pipeline's
//! key and log groups, and the waivers to record in metadata.

mod alarms;
mod api;
mod backup;
mod bucket;
mod cache;
mod database;
mod key;
mod network;
mod outputs;
mod service;
mod storage;
mod stream;
pub mod template;

use crate::check::model::Kind;
use crate::check::model::{Component, Program, Settings};
use crate::naming;
use crate::types::Value as Setting;
use crate::{InternalError, ValidProgram};
use serde_json::{json, Value};
use template::{get_att, reference, sub, Parameter, Policy, Resource, Template};

pub const SUFFIX_PARAMETER: &str = "EnvironmentSuffix";

/// Lowers a program without errors (the type says so). An `Err` is medc's
/// bug: the checked program lacks something the standard library promised.
pub fn lower(valid: ValidProgram<'_>) -> Result<Template, InternalError> {
    let program = valid.program();
    let mut lowering = Lowering::new(program);
    lowering.template_wide();
    key::lower(&mut lowering);
    bucket::log_bucket(&mut lowering);
    network::lower(&mut lowering);
    for component in &program.components {
        match component.kind {
            Kind::Database => database::lower(&mut lowering, component),
            Kind::Storage => storage::lower(&mut lowering, component),
            Kind::Bucket => bucket::lower(&mut lowering, component),
            Kind::Cache => cache::lower(&mut lowering, component),
            Kind::Stream => stream::lower(&mut lowering, component),
            Kind::Key | Kind::Secret | Kind::Network | Kind::Service | Kind::Api | Kind::Alarms | Kind::Backup => {}
        }
    }
    service::lower(&mut lowering);
    for component in program.of_kind(Kind::Api) {
        api::lower(&mut lowering, component);
    }
    backup::lower(&mut lowering);
    alarms::lower(&mut lowering);
    outputs::lower(&mut lowering);
    Ok(lowering.template)
}

pub struct Lowering<'p> {
    pub program: &'p Program,
    pub template: Template,
    /// The tags of every taggable resource, as a `Tags` list.
    tag_list: Value,
}

impl<'p> Lowering<'p> {
    fn new(program: &'p Program) -> Self {
        let description = format!(
            "medc: HIPAA-compliant medical-imaging pipeline `{}` (compiled from .medimg; do not edit by hand)",
            program.name.name
        );
        let mut lowering = Lowering {
            program,
            template: Template { format_version: "2010-09-09", description, ..Template::default() },
            tag_list: Value::Null,
        };
        lowering.tag_list =
            Value::Array(lowering.tags().into_iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect());
        lowering
    }

    fn pipeline(&self) -> &str {
        &self.program.name.name
    }

    /// The environment suffix parameter, the region rule and the record of
    /// every waiver.
    fn template_wide(&mut self) {
        self.template.parameters.insert(
            SUFFIX_PARAMETER.into(),
            Parameter {
                kind: "String",
                description: "Suffix of every resource name, so that several environments can share an account".into(),
                default: Some("dev".into()),
                allowed_pattern: Some(naming::SUFFIX_PATTERN.into()),
                constraint_description: Some(format!("1 to {} lowercase letters and digits", naming::SUFFIX_MAX)),
            },
        );
        let region = self.region().to_string();
        self.template.rules.insert(
            "DeployOnlyToDeclaredRegion".into(),
            template::Rule {
                assertions: vec![template::Assertion {
                    assert: template::Fn::Equals([reference("AWS::Region"), json!(region)]).into(),
                    assert_description: format!(
                        "This pipeline keeps health data in {region} (data residency); deploy it only there."
                    ),
                }],
            },
        );
        let waivers: Vec<Value> = self
            .program
            .waived
            .iter()
            .map(|w| {
                json!({
                    "Rule": w.code.code,
                    "Title": w.code.title,
                    "Citations": w.code.citations,
                    "Scope": w.component.clone().unwrap_or_else(|| "pipeline".into()),
                    "Reason": w.reason,
                })
            })
            .collect();
        self.template
            .metadata
            .insert("medc".into(), json!({ "Pipeline": self.pipeline(), "Compliance": "hipaa", "Waivers": waivers }));
    }

    pub fn region(&self) -> &str {
        match self.program.settings.value("region") {
            Some(Setting::Choice(region)) => region,
            _ => "sa-east-1",
        }
    }

    pub fn disposable(&self) -> bool {
        self.program.disposable()
    }
    /// The deletion policy of a stateful resource. Only `lifecycle retained`
    /// keeps resources after the stack; `protected` (the default) snapshots
    /// what can be snapshotted, and `disposable` deletes everything.
    pub fn stateful_policy(&self, snapshots: bool) -> Policy {
        match self.program.settings.value("lifecycle") {
            Some(Setting::Choice(c)) if c == "disposable" => Policy::Delete,
            Some(Setting::Choice(c)) if c == "retained" => Policy::Retain,
            _ if snapshots => Policy::Snapshot,
            _ => Policy::Delete,
        }
    }
    /// `PIPELINE-PART...-${EnvironmentSuffix}`
    pub fn name(&self, parts: &[&str]) -> Value {
        sub(self.name_pattern(parts))
    }

    /// The `Fn::Sub` pattern of a name, to build on (`alias/...`).
    pub fn name_pattern(&self, parts: &[&str]) -> String {
        let mut all = vec![self.pipeline()];
        all.extend_from_slice(parts);
        format!("{}-${{{SUFFIX_PARAMETER}}}", naming::stem(&all))
    }

    /// A bucket name: `PIPELINE-PART-ACCOUNT-SUFFIX`, globally unique.
    pub fn bucket_name(&self, part: &str) -> Value {
        let stem = naming::stem(&[self.pipeline(), part]);
        sub(format!("{stem}-${{AWS::AccountId}}-${{{SUFFIX_PARAMETER}}}"))
    }

    /// The tags every taggable resource carries.
    pub fn tags(&self) -> Vec<(String, Value)> {
        let text = |name: &str, fallback: &str| match self.program.settings.value(name) {
            Some(Setting::String(s) | Setting::Choice(s)) => s.clone(),
            _ => fallback.to_string(),
        };
        let mut tags = vec![
            ("project".to_string(), json!(self.pipeline())),
            ("environment".to_string(), reference(SUFFIX_PARAMETER)),
            ("compliance".to_string(), json!(text("compliance", "hipaa"))),
            ("data-classification".to_string(), json!(text("data_classification", "phi"))),
            ("owner".to_string(), json!(text("owner", "unassigned"))),
            ("managed-by".to_string(), json!("medc")),
        ];
        if let Some(Setting::Tags(pairs)) = self.program.settings.value("tags") {
            for (name, value) in pairs {
                let name = name.replace('_', "-");
                if !tags.iter().any(|(existing, _)| *existing == name) {
                    tags.push((name, json!(value)));
                }
            }
        }
        tags
    }

    /// Adds a resource, with the pipeline's tags when its type takes them.
    pub fn add(&mut self, logical_id: &str, mut resource: Resource) {
        if let Some((property, shape)) = tag_property(resource.kind) {
            let value = match shape {
                TagShape::List => self.tag_list.clone(),
                TagShape::Map => Value::Object(self.tags().into_iter().collect()),
            };
            resource.properties.insert(property.into(), value);
        }
        self.template.resources.insert(logical_id.to_string(), resource);
    }

    /// A string setting's value: a literal, or a `param NAME` that becomes a
    /// CloudFormation parameter.
    pub fn string(&mut self, settings: &Settings, name: &str, description: &str) -> Value {
        match settings.value(name) {
            Some(Setting::Param(parameter)) => {
                self.parameter(parameter, description);
                reference(parameter)
            }
            Some(Setting::String(text)) => json!(text),
            _ => json!(""),
        }
    }

    pub fn parameter(&mut self, name: &str, description: &str) {
        self.template.parameters.entry(name.to_string()).or_insert_with(|| Parameter {
            kind: "String",
            description: description.to_string(),
            default: None,
            allowed_pattern: Some(".+".into()),
            constraint_description: Some("must not be empty".into()),
        });
    }

    pub fn key_arn(&self) -> Value {
        get_att(key::KEY_ID, "Arn")
    }

    /// An encrypted log group with the pipeline's retention, named `name`.
    pub fn log_group(&mut self, logical_id: &str, name: Value) {
        let days = match self.program.settings.value("log_retention") {
            Some(Setting::Duration(d)) => d.seconds() / 86_400,
            _ => 365,
        };
        let policy = self.stateful_policy(false);
        let mut properties = json!({ "LogGroupName": name, "RetentionInDays": days });
        if self.program.settings.on("log_encryption") {
            properties["KmsKeyId"] = self.key_arn();
        }
        let resource = Resource::new("AWS::Logs::LogGroup", properties).policy(policy);
        self.add(logical_id, resource);
    }

    /// Records the waivers that concern a component in a resource's
    /// metadata, and the matching skip comments for external checkers.
    pub fn record_waivers(&mut self, logical_id: &str, component: &Component) {
        let waived: Vec<Value> = self
            .program
            .waived
            .iter()
            .filter(|w| w.component.as_deref() == Some(component.name.as_str()))
            .map(|w| json!({ "Rule": w.code.code, "Reason": w.reason }))
            .collect();
        if waived.is_empty() {
            return;
        }
        let Some(resource) = self.template.resources.get_mut(logical_id) else { return };
        resource.metadata.insert("medc".into(), json!({ "Waivers": waived }));
        // The external checkers' findings a waiver accounts for, skipped with
        // the waiver's own reason.
        for finding in self.program.waived.iter().filter(|w| w.component.as_deref() == Some(component.name.as_str())) {
            for (code, kind, checks) in CHECKOV_BY_RULE {
                if *code == finding.code.code && *kind == resource.kind {
                    for check in *checks {
                        let comment = format!("waived in the source ({code}): {}", finding.reason);
                        push(&mut resource.metadata, &["checkov", "skip"], json!({ "id": check, "comment": comment }));
                    }
                }
            }
        }
    }

    /// Suppresses an external checker's finding on a resource, with the
    /// reason written out (never a silent suppression).
    pub fn suppress(&mut self, logical_id: &str, suppression: Suppression) {
        let Some(resource) = self.template.resources.get_mut(logical_id) else { return };
        let reason = suppression.reason;
        for id in suppression.checkov {
            push(&mut resource.metadata, &["checkov", "skip"], json!({ "id": id, "comment": reason }));
        }
        for id in suppression.guard {
            push(&mut resource.metadata, &["guard", "SuppressedRules"], json!(id));
        }
        for id in suppression.cdk_nag {
            push(&mut resource.metadata, &["cdk_nag", "rules_to_suppress"], json!({ "id": id, "reason": reason }));
        }
        for id in suppression.cfn_lint {
            push(&mut resource.metadata, &["cfn-lint", "config", "ignore_checks"], json!(id));
        }
    }
}

/// The checkov checks that report what a waived medc rule lets through, by
/// resource type: a waiver in the source skips them, with its reason.
const CHECKOV_BY_RULE: &[(&str, &str, &[&str])] = &[
    ("MEDC-1002", "AWS::KMS::Key", &["CKV_AWS_7"]),
    ("MEDC-1003", "AWS::ElastiCache::ReplicationGroup", &["CKV_AWS_30", "CKV_AWS_31"]),
    ("MEDC-1005", "AWS::ApiGateway::Method", &["CKV_AWS_59"]),
    ("MEDC-1017", "AWS::RDS::DBInstance", &["CKV_AWS_17"]),
];

/// An external checker's findings that do not apply to a resource, and why.
#[derive(Default)]
pub struct Suppression {
    pub reason: &'static str,
    pub checkov: &'static [&'static str],
    pub guard: &'static [&'static str],
    pub cdk_nag: &'static [&'static str],
    pub cfn_lint: &'static [&'static str],
}

/// Appends to the array at `path` in a metadata map, creating it on the way.
fn push(metadata: &mut serde_json::Map<String, Value>, path: &[&str], item: Value) {
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

enum TagShape {
    List,
    Map,
}

/// Where a resource type takes tags, per the CloudFormation resource schemas.
fn tag_property(kind: &str) -> Option<(&'static str, TagShape)> {
    Some(match kind {
        "AWS::EFS::FileSystem" => ("FileSystemTags", TagShape::List),
        "AWS::EFS::AccessPoint" => ("AccessPointTags", TagShape::List),
        "AWS::Backup::BackupVault" => ("BackupVaultTags", TagShape::Map),
        "AWS::Backup::BackupPlan" => ("BackupPlanTags", TagShape::Map),
        kind if UNTAGGABLE.contains(&kind) => return None,
        _ => ("Tags", TagShape::List),
    })
}

/// Resource types whose schema has no tags.
pub const UNTAGGABLE: &[&str] = &[
    "AWS::KMS::Alias",
    "AWS::IAM::ManagedPolicy",
    "AWS::EFS::MountTarget",
    "AWS::S3::BucketPolicy",
    "AWS::Backup::BackupSelection",
    "AWS::ApiGateway::Account",
    "AWS::ApiGateway::Resource",
    "AWS::ApiGateway::Method",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::BasePathMapping",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::Route",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::ApplicationAutoScaling::ScalingPolicy",
    "AWS::SNS::Subscription",
    "AWS::SNS::TopicPolicy",
    "AWS::WAFv2::WebACLAssociation",
    "AWS::WAFv2::LoggingConfiguration",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::Logs::ResourcePolicy",
];

/// `Aurora`, `ProcessorTask`, `StudiesId`: a logical id from a name (a
/// component's, a route's path) and a suffix; every character that is not a
/// letter or digit starts a new capitalized word.
pub fn logical_id(name: &str, suffix: &str) -> String {
    let mut id = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            id.extend(first.to_uppercase());
            id.push_str(chars.as_str());
        }
    }
    id.push_str(suffix);
    id
}

/// A setting's value as a number, for properties.
pub fn integer(settings: &Settings, name: &str, fallback: u64) -> u64 {
    match settings.value(name) {
        Some(Setting::Integer(n)) => *n,
        _ => fallback,
    }
}

pub fn days(settings: &Settings, name: &str, fallback: u64) -> u64 {
    match settings.value(name) {
        Some(Setting::Duration(d)) => d.seconds() / 86_400,
        _ => fallback,
    }
}

pub fn text(settings: &Settings, name: &str, fallback: &str) -> String {
    match settings.value(name) {
        Some(Setting::String(s) | Setting::Choice(s) | Setting::Version(s)) => s.clone(),
        _ => fallback.to_string(),
    }
}

/// The secret component a reference setting (`credentials`, `auth`) names.
pub fn secret<'p>(program: &'p Program, settings: &Settings, name: &str) -> Option<&'p Component> {
    match settings.value(name) {
        Some(Setting::Ref(reference)) => program.component(&reference.name),
        _ => None,
    }
}

/// The name of the existing Secrets Manager entry a secret component names.
pub fn existing(secret: &Component) -> &str {
    match secret.settings.value("existing") {
        Some(Setting::String(name)) => name,
        _ => "",
    }
}

/// The `Fn::Sub` pattern of an existing secret's ARN without the six random
/// characters Secrets Manager appends to it, which only the secret knows.
pub fn partial_secret_arn(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{name}")
}

/// The components a service's reference setting names.
pub fn referenced<'a>(settings: &'a Settings, name: &str) -> Vec<&'a str> {
    match settings.value(name) {
        Some(Setting::Refs(names)) => names.iter().map(|n| n.name.as_str()).collect(),
        Some(Setting::Ref(n)) => vec![n.name.as_str()],
        _ => Vec::new(),
    }
}
