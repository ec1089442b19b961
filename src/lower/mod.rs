//! Lowering: the checked program to a CloudFormation template, one module
//! per AWS service. [`Lowering`] holds what every module shares: the
//! template being built, resource names, tags, parameters, the pipeline's
//! key and log groups, and the waivers to record in metadata.

mod json;
pub mod kinds;
pub mod nest;
mod outputs;
mod suppress;
pub mod template;
/// The typed views the lowering reads, made by the checker's last step.
pub use crate::check::view;

use crate::check::model::{Component, Program};
use crate::lower::json::json;
use crate::naming;
use crate::{InternalError, ValidProgram};
use fnv::FnvHashMap;
use kinds::Phase;
use serde_json::Value;
use std::sync::Arc;
pub use suppress::Suppression;
use template::{get_att, reference, sub, Parameter, Policy, Resource, Template};
use view::{Lifecycle, Secret, Stacks, Text, Views};

pub const SUFFIX_PARAMETER: &str = "EnvironmentSuffix";

/// Lowers a program without errors (the type says so). An `Err` is medc's
/// bug: the checked program lacks something the standard library promised.
pub fn lower(valid: ValidProgram<'_>) -> Result<Template, InternalError> {
    lower_within(valid, usize::MAX).map(|lowered| lowered.template)
}

/// What [`lower_within`] made: the template, whether all of it, and how
/// the pipeline is split into stacks.
pub struct Lowered {
    pub template: Template,
    /// Set when the lowering stopped before the last component.
    pub stopped: Option<Stopped>,
    pub stacks: Stacks,
    /// What every nested stack carries (`nest`), as the resources do.
    pub nesting: nest::Carried,
}

/// A lowering stopped early: a single-stack pipeline already over its
/// resource quota is refused without lowering the rest of it.
#[derive(Clone, Copy, Debug)]
pub struct Stopped {
    /// The components lowered, in lowering order.
    pub components: usize,
    pub resources: usize,
}

/// Lowers a program, stopping after the first component that takes a
/// single-stack pipeline over `budget` resources: its template could not
/// be deployed anyway, and a generated program of 10 MB would take
/// gigabytes to lower in full. A nested pipeline is always lowered whole.
pub fn lower_within(valid: ValidProgram<'_>, budget: usize) -> Result<Lowered, InternalError> {
    let program = valid.program();
    let views = view::Views::read(program)?;
    let mut lowering = Lowering::new(program, &views);
    // The order matters: services wire themselves to the network and the
    // data stores, apis to the services, alarms watch everything, and the
    // outputs name what exists.
    lowering.template_wide();
    let single = views.pipeline.stacks == Stacks::Single;
    let total = views.components.iter().filter(|c| kinds::phase(c).is_some()).count();
    let mut lowered = 0;
    let nesting = nest::Carried {
        pipeline: program.name.name.clone(),
        tags: Value::clone(&lowering.tag_list),
        policy: lowering.stateful_policy(false),
    };
    for phase in Phase::ALL {
        lowering.owned_by(None);
        match phase {
            // Access logs of every kind go to the pipeline's log bucket.
            Phase::Network => kinds::bucket::log_bucket(&mut lowering),
            // The cluster the services run in.
            Phase::Compute => kinds::service::cluster(&mut lowering),
            Phase::Key | Phase::Data | Phase::Edge | Phase::Backup | Phase::Alarms => {}
        }
        for component in views.components.iter().filter(|c| kinds::phase(c) == Some(phase)) {
            lowering.owned_by(Some(component.component()));
            kinds::resources(&mut lowering, component)?;
            lowered += 1;
            let resources = lowering.template.resources.len();
            if single && resources > budget && lowered < total {
                let stopped = Stopped { components: lowered, resources };
                return Ok(Lowered {
                    template: lowering.template,
                    stopped: Some(stopped),
                    stacks: Stacks::Single,
                    nesting,
                });
            }
        }
    }
    lowering.owned_by(None);
    outputs::lower(&mut lowering);
    suppress::record_waivers(&mut lowering.template, program, &lowering.owners);
    Ok(Lowered { template: lowering.template, stopped: None, stacks: views.pipeline.stacks, nesting })
}

/// About how many resources a program lowers to (the reference example
/// makes 7 or 8 a component), so that the map of resources, whose entries
/// are large, is not copied as it grows. Capped: a program far over the
/// resource quota is refused after its first few hundred.
fn resources_hint(views: &Views<'_>) -> usize {
    (16 + 8 * views.components.len()).min(1024)
}

pub struct Lowering<'p> {
    pub program: &'p Program,
    /// The program read into typed views: what every module lowers from.
    pub views: &'p Views<'p>,
    pub template: Template,
    /// The tags of every taggable resource, as a `Tags` list and as the map
    /// some resource types take, computed once.
    tag_list: Arc<Value>,
    tag_map: Arc<Value>,
    /// The component whose resources are being added, recorded in each
    /// (`medc show`, the evidence report); none for pipeline-wide ones.
    owner: Option<String>,
    /// The components whose waivers concern each resource, by logical id.
    owners: FnvHashMap<String, Vec<String>>,
    /// What a service's tasks wait for, indexed as resources are added.
    pub(crate) waits: Waits,
    /// The apis, the network and the backup plan, found once: the views
    /// find them by scanning every component, and services, buckets and
    /// data stores ask for them (quadratic in the components otherwise).
    pub(crate) apis: Vec<&'p view::Api<'p>>,
    pub(crate) network: Option<&'p view::Network<'p>>,
    pub(crate) backup: Option<&'p view::Backup<'p>>,
}

/// The resources an ECS service depends on besides its own, indexed when
/// they are added so that each service finds them without scanning the
/// whole template (which made lowering quadratic in the services). Each
/// holds positions in `template.resources`, which only grows.
#[derive(Default)]
pub(crate) struct Waits {
    /// Security-group ingress rules, by every suffix of their logical id
    /// that starts with `From` (`...FromProcSecurityGroup`).
    pub ingress: FnvHashMap<String, Vec<usize>>,
    /// EFS mount targets, by every prefix of their logical id that ends
    /// with `MountTarget` (`ScratchFileSystemMountTarget`).
    pub mount_targets: FnvHashMap<String, Vec<usize>>,
    /// Every VPC endpoint.
    pub endpoints: Vec<usize>,
}

impl<'p> Lowering<'p> {
    fn new(program: &'p Program, views: &'p Views<'p>) -> Self {
        let description = format!(
            "medc: HIPAA-compliant medical-imaging pipeline `{}` (compiled from .medimg; do not edit by hand)",
            program.name.name
        );
        let mut lowering = Lowering {
            program,
            views,
            template: Template {
                format_version: "2010-09-09",
                description,
                resources: indexmap::IndexMap::with_capacity(resources_hint(views)),
                ..Template::default()
            },
            tag_list: Arc::new(Value::Null),
            tag_map: Arc::new(Value::Null),
            owner: None,
            owners: FnvHashMap::default(),
            waits: Waits::default(),
            apis: views.apis().collect(),
            network: views.network(),
            backup: views.backup(),
        };
        if let Text::Param(owner) = views.pipeline.owner {
            lowering.parameter(owner, "who answers for the pipeline (the `owner` tag)");
        }
        let tags = lowering.tags();
        lowering.tag_map = Arc::new(Value::Object(tags.iter().cloned().collect()));
        lowering.tag_list =
            Arc::new(Value::Array(tags.into_iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect()));
        lowering
    }

    pub fn pipeline(&self) -> &str {
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
                    assert: template::Fn::Equals([reference("AWS::Region"), json!(&region)]).into(),
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
                    "Line": w.line,
                    "Reason": &w.reason,
                })
            })
            .collect();
        self.template
            .metadata
            .insert("medc".into(), json!({ "Pipeline": self.pipeline(), "Compliance": "hipaa", "Waivers": waivers }));
    }

    pub fn region(&self) -> &'p str {
        self.views.pipeline.region
    }

    /// The deletion policy of a stateful resource. Only `lifecycle retained`
    /// keeps resources after the stack; `protected` (the default) snapshots
    /// what can be snapshotted, and `disposable` deletes everything.
    pub fn stateful_policy(&self, snapshots: bool) -> Policy {
        match self.views.pipeline.lifecycle {
            Lifecycle::Disposable => Policy::Delete,
            Lifecycle::Retained => Policy::Retain,
            Lifecycle::Protected if snapshots => Policy::Snapshot,
            Lifecycle::Protected => Policy::Delete,
        }
    }
    /// `PIPELINE-PART...-${EnvironmentSuffix}`
    pub fn name(&self, parts: &[&str]) -> Value {
        sub(self.name_pattern(parts))
    }

    /// `PIPELINE-NAME`: the stem of a component's resource names, the
    /// `base` its kind's module gives the checker (`kinds::names`).
    pub fn base(&self, component: &str) -> String {
        naming::stem(&[self.pipeline(), component])
    }

    /// A name the checker measured, with the suffix (and, for a bucket, the
    /// account id before it).
    pub fn named(&self, named: &naming::Named) -> Value {
        let account = if named.with_account { "-${AWS::AccountId}" } else { "" };
        sub([named.stem.as_str(), account, "-${", SUFFIX_PARAMETER, "}"].concat())
    }

    /// The `Fn::Sub` pattern of a name, to build on (`alias/...`).
    pub fn name_pattern(&self, parts: &[&str]) -> String {
        // `naming::stem` of the pipeline and the parts, then the suffix,
        // written into one string sized once (formatting it cost more than
        // the rest of most resources' names).
        let pipeline = self.pipeline();
        let length = pipeline.len() + parts.iter().map(|part| part.len() + 1).sum::<usize>();
        let mut pattern = String::with_capacity(length + SUFFIX_PARAMETER.len() + 4);
        for (i, part) in std::iter::once(pipeline).chain(parts.iter().copied()).enumerate() {
            if i > 0 {
                pattern.push('-');
            }
            pattern.extend(part.chars().map(|c| if c == '_' { '-' } else { c }));
        }
        for piece in ["-${", SUFFIX_PARAMETER, "}"] {
            pattern.push_str(piece);
        }
        pattern
    }

    /// The tags every taggable resource carries.
    pub fn tags(&self) -> Vec<(String, Value)> {
        let pipeline = &self.views.pipeline;
        let owner = match pipeline.owner {
            Text::Literal(owner) => json!(owner),
            Text::Param(parameter) => reference(parameter),
        };
        let mut tags = vec![
            ("project".to_string(), json!(self.pipeline())),
            ("environment".to_string(), reference(SUFFIX_PARAMETER)),
            ("compliance".to_string(), json!(pipeline.compliance)),
            ("data-classification".to_string(), json!(pipeline.data_classification)),
            ("owner".to_string(), owner),
            ("managed-by".to_string(), json!("medc")),
        ];
        for (name, value) in &pipeline.tags {
            let name = name.replace('_', "-");
            if !tags.iter().any(|(existing, _)| *existing == name) {
                tags.push((name, json!(value)));
            }
        }
        tags
    }

    /// Adds a resource, with the pipeline's tags when its type takes them.
    /// Attributes the resources added from now on to a component, or to
    /// the pipeline as a whole.
    pub fn owned_by(&mut self, component: Option<&Component>) {
        self.owner = component.map(|c| c.name.clone());
    }

    pub fn add(&mut self, logical_id: &str, mut resource: Resource) {
        resource.owner.clone_from(&self.owner);
        if let Some((property, shape)) = tag_property(resource.kind) {
            let value = match shape {
                TagShape::List => &self.tag_list,
                TagShape::Map => &self.tag_map,
            };
            // A scan of the few properties rather than a hashed lookup.
            match resource.properties.iter_mut().find(|(key, _)| key.as_str() == property) {
                // Where the kind set the property, its place is kept.
                Some((_, set)) => *set = Value::clone(value),
                None => resource.tags = Some(template::Tags { property, value: Arc::clone(value) }),
            }
        }
        // One lookup for both the collision check and the insert.
        let slot = match self.template.resources.entry(logical_id.to_string()) {
            indexmap::map::Entry::Occupied(first) => {
                let collision = template::Collision {
                    logical_id: logical_id.to_string(),
                    first: first.get().owner.clone(),
                    second: resource.owner.clone(),
                };
                self.template.collisions.push(collision);
                return;
            }
            indexmap::map::Entry::Vacant(slot) => slot,
        };
        let at = slot.index();
        match resource.kind {
            "AWS::EC2::SecurityGroupIngress" => {
                for (from, _) in logical_id.match_indices("From") {
                    self.waits.ingress.entry(logical_id[from..].to_string()).or_default().push(at);
                }
            }
            "AWS::EFS::MountTarget" => {
                for (start, word) in logical_id.match_indices("MountTarget") {
                    let prefix = &logical_id[..start + word.len()];
                    self.waits.mount_targets.entry(prefix.to_string()).or_default().push(at);
                }
            }
            "AWS::EC2::VPCEndpoint" => self.waits.endpoints.push(at),
            _ => {}
        }
        slot.insert(resource);
    }

    /// A string setting's value: a literal, or a `param NAME` that becomes a
    /// CloudFormation parameter described by `description`.
    pub fn string_or_parameter(&mut self, text: Text<'_>, description: &str) -> Value {
        match text {
            Text::Param(parameter) => {
                self.parameter(parameter, description);
                reference(parameter)
            }
            Text::Literal(text) => json!(text),
        }
    }

    /// A string setting inside an `Fn::Sub` pattern: the literal, or
    /// `${NAME}` for a parameter (which it registers).
    pub fn sub_text(&mut self, text: Text<'_>, description: &str) -> String {
        match text {
            Text::Param(parameter) => {
                self.parameter(parameter, description);
                format!("${{{parameter}}}")
            }
            Text::Literal(text) => text.to_string(),
        }
    }

    /// A string setting a deployment may leave out: absent from the program,
    /// a literal (always given), or a `param NAME` whose parameter defaults
    /// to empty, with a condition `HasNAME` that holds when it is not.
    pub fn optional_string(&mut self, text: Option<Text<'_>>, description: &str) -> Optional {
        match text {
            Some(Text::Param(parameter)) => {
                self.template.parameters.entry(parameter.to_string()).or_insert_with(|| Parameter {
                    kind: "String",
                    description: format!("{description} (optional: leave empty to go without)"),
                    default: Some(String::new()),
                    allowed_pattern: None,
                    constraint_description: None,
                });
                let condition = format!("Has{parameter}");
                self.template
                    .conditions
                    .insert(condition.clone(), json!({ "Fn::Not": [{ "Fn::Equals": [reference(parameter), ""] }] }));
                Optional::IfGiven(reference(parameter), condition)
            }
            Some(Text::Literal(text)) => Optional::Always(json!(text)),
            None => Optional::Absent,
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
        get_att(kinds::key::KEY_ID, "Arn")
    }

    /// An encrypted log group with the pipeline's retention, named `name`.
    pub fn log_group(&mut self, logical_id: &str, name: Value) {
        let days = self.views.pipeline.log_retention_days();
        let policy = self.stateful_policy(false);
        let mut properties = json!({ "LogGroupName": name, "RetentionInDays": days });
        if self.views.pipeline.log_encryption {
            properties["KmsKeyId"] = self.key_arn();
        }
        let resource = Resource::new("AWS::Logs::LogGroup", properties).policy(policy);
        self.add(logical_id, resource);
    }

    /// Marks a resource as made for a component, so that the waivers that
    /// concern the component are recorded on it (see [`suppress`]).
    pub fn record_waivers(&mut self, logical_id: &str, component: &Component) {
        let owners = self.owners.entry(logical_id.to_string()).or_default();
        if !owners.contains(&component.name) {
            owners.push(component.name.clone());
        }
    }

    /// Suppresses an external checker's finding on a resource, with the
    /// reason written out (never a silent suppression).
    pub fn suppress(&mut self, logical_id: &str, suppression: Suppression) {
        if let Some(resource) = self.template.resources.get_mut(logical_id) {
            suppress::apply(resource, &suppression);
        }
    }
}

/// A setting a deployment may leave out (see [`Lowering::optional_string`]).
pub enum Optional {
    Absent,
    Always(Value),
    /// The parameter's value, and the condition that holds when it is given.
    IfGiven(Value, String),
}

impl Optional {
    /// The value where given, else `otherwise`.
    pub fn or(&self, otherwise: Value) -> Value {
        match self {
            Optional::Absent => otherwise,
            Optional::Always(value) => value.clone(),
            Optional::IfGiven(value, condition) => template::if_then(condition, value.clone(), otherwise),
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
    "AWS::Route53::RecordSet",
];

/// `Aurora`, `ProcessorTask`, `StudiesId`: a logical id from a name (a
/// component's, a route's path) and a suffix; every character that is not a
/// letter or digit starts a new capitalized word.
pub fn logical_id(name: &str, suffix: &str) -> String {
    // Sized once: uppercasing an ASCII letter keeps its length.
    let mut id = String::with_capacity(name.len() + suffix.len());
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

impl Lowering<'_> {
    /// An existing secret's name for an `Fn::Sub` pattern.
    pub fn secret_name(&mut self, secret: &Secret<'_>) -> String {
        self.sub_text(secret.existing, "name of an existing Secrets Manager secret")
    }

    /// A CloudFormation dynamic reference to one key of an existing JSON
    /// secret, resolved at deploy time (the value never enters the template).
    pub fn resolve_secret(&mut self, secret: &Secret<'_>, key: &str) -> Value {
        let resolve = |name: &str| format!("{{{{resolve:secretsmanager:{name}:SecretString:{key}}}}}");
        match secret.existing {
            Text::Literal(name) => json!(resolve(name)),
            Text::Param(_) => {
                let name = self.secret_name(secret);
                sub(resolve(&name))
            }
        }
    }
}

/// The `Fn::Sub` pattern of an existing secret's ARN without the six random
/// characters Secrets Manager appends to it, which only the secret knows.
pub fn partial_secret_arn(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{name}")
}
