//! Typed views of the checked program: each component read once into a
//! value of its kind (`Database`, `Service`, ...), with enums for choices,
//! durations as durations and references resolved to their components.
//!
//! This is the only code after checking that reads a setting by name: the
//! lowering (`src/lower/`) reads these views and nothing else. The
//! standard library's defaults were filled in by elaboration, so every
//! setting with a default is present; one that is not is medc's bug, an
//! [`InternalError`], never a guess. A unit test reads a program holding
//! every kind and checks that each view reads exactly the settings the
//! standard library declares for its kind.

use crate::check::model::{Component, Kind, Program, Setting, Settings};
use crate::types::Value;
use crate::InternalError;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;
use std::time::Duration;

/// A string setting: written as a literal, or `param NAME`, a CloudFormation
/// parameter supplied at deploy time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text<'p> {
    Literal(&'p str),
    Param(&'p str),
}

/// Whose settings a reader reads: described only for an internal error,
/// so that the reading of a valid program builds no message.
#[derive(Clone, Copy)]
enum Owner<'p> {
    Pipeline,
    Component(&'p Component),
    Secret(&'p Component),
    Route(&'p crate::check::model::Route, &'p Component),
    #[cfg(test)]
    Named(&'static str),
}

impl Owner<'_> {
    fn describe(self) -> String {
        match self {
            Owner::Pipeline => "the pipeline".to_string(),
            Owner::Component(component) => crate::check::describe(component),
            Owner::Secret(component) => format!("secret `{}`", component.name),
            Owner::Route(route, api) => format!("route `{} {}` of api `{}`", route.method, route.path, api.name),
            #[cfg(test)]
            Owner::Named(name) => name.to_string(),
        }
    }
}

/// Reads one block of settings; when asked (`record`), records the name
/// of each setting read, for the test that checks views against the
/// standard library. Compiling does not ask: a name per setting read was
/// a `format!` and a set insert each.
pub struct Reader<'p> {
    owner: Owner<'p>,
    program: &'p Program,
    /// The program's components by name, built once for all readers.
    components: Rc<Index<'p>>,
    settings: &'p Settings,
    prefix: String,
    record: bool,
    read: BTreeSet<String>,
}

/// The first component of each name: references resolve by lookup, not by
/// a scan of every component (which made lowering quadratic).
type Index<'p> = HashMap<&'p str, &'p Component>;

fn index(program: &Program) -> Rc<Index<'_>> {
    let mut index = HashMap::with_capacity(program.components.len());
    for component in &program.components {
        index.entry(component.name.as_str()).or_insert(component);
    }
    Rc::new(index)
}

impl<'p> Reader<'p> {
    fn new(owner: Owner<'p>, program: &'p Program, components: &Rc<Index<'p>>, settings: &'p Settings) -> Self {
        let components = Rc::clone(components);
        Reader { owner, program, components, settings, prefix: String::new(), record: false, read: BTreeSet::new() }
    }

    /// Records `name` (under the current block) as read.
    fn note(&mut self, name: &str) {
        if self.record {
            self.read.insert(format!("{}{name}", self.prefix));
        }
    }

    /// The names read so far; nested block settings as `block.setting`.
    pub fn names(&self) -> &BTreeSet<String> {
        &self.read
    }

    fn get(&mut self, name: &str) -> Option<&'p Setting> {
        self.note(name);
        self.settings.get(name)
    }

    fn missing(&self, name: &str, expected: &str) -> InternalError {
        InternalError(format!("{} has no {expected} `{}{name}` after checking", self.owner.describe(), self.prefix))
    }

    fn value(&mut self, name: &str, expected: &str) -> Result<&'p Value, InternalError> {
        match self.get(name) {
            Some(setting) => Ok(&setting.value),
            None => Err(self.missing(name, expected)),
        }
    }

    pub fn switch(&mut self, name: &str) -> Result<bool, InternalError> {
        match self.value(name, "switch")? {
            Value::Switch(on) => Ok(*on),
            _ => Err(self.missing(name, "switch")),
        }
    }

    pub fn integer(&mut self, name: &str) -> Result<u64, InternalError> {
        match self.value(name, "integer")? {
            Value::Integer(n) => Ok(*n),
            _ => Err(self.missing(name, "integer")),
        }
    }

    pub fn duration(&mut self, name: &str) -> Result<Duration, InternalError> {
        match self.value(name, "duration")? {
            Value::Duration(d) => Ok(Duration::from_secs(d.seconds())),
            _ => Err(self.missing(name, "duration")),
        }
    }

    /// A size, in bytes.
    pub fn size(&mut self, name: &str) -> Result<u64, InternalError> {
        match self.value(name, "size")? {
            Value::Size(bytes) => Ok(*bytes),
            _ => Err(self.missing(name, "size")),
        }
    }

    pub fn percent(&mut self, name: &str) -> Result<f64, InternalError> {
        match self.value(name, "percentage")? {
            Value::Percent(p) => Ok(*p),
            _ => Err(self.missing(name, "percentage")),
        }
    }

    pub fn range(&mut self, name: &str) -> Result<(f64, f64), InternalError> {
        match self.value(name, "range")? {
            Value::Range { low, high } => Ok((*low, *high)),
            _ => Err(self.missing(name, "range")),
        }
    }

    /// A version or a choice, as written.
    pub fn word(&mut self, name: &str) -> Result<&'p str, InternalError> {
        match self.value(name, "choice")? {
            Value::Choice(word) | Value::Version(word) => Ok(word),
            _ => Err(self.missing(name, "choice")),
        }
    }

    /// A choice read into its enum.
    pub fn choice<T>(&mut self, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, InternalError> {
        let word = self.word(name)?;
        parse(word).ok_or_else(|| self.missing(name, "known choice"))
    }

    pub fn text(&mut self, name: &str) -> Result<Text<'p>, InternalError> {
        self.optional_text(name)?.ok_or_else(|| self.missing(name, "string"))
    }

    /// A string setting that has no default and may be absent.
    pub fn optional_text(&mut self, name: &str) -> Result<Option<Text<'p>>, InternalError> {
        match self.get(name).map(|s| &s.value) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(Text::Literal(text))),
            Some(Value::Param(parameter)) => Ok(Some(Text::Param(parameter))),
            Some(_) => Err(self.missing(name, "string")),
        }
    }

    fn component(&self, name: &str, setting: &str) -> Result<&'p Component, InternalError> {
        self.components.get(name).copied().ok_or_else(|| self.missing(setting, "resolved reference"))
    }

    /// A reference to one component.
    pub fn reference(&mut self, name: &str) -> Result<&'p Component, InternalError> {
        match self.value(name, "reference")? {
            Value::Ref(target) => self.component(&target.name, name),
            _ => Err(self.missing(name, "reference")),
        }
    }

    /// A reference to one component that may be absent.
    pub fn optional_reference(&mut self, name: &str) -> Result<Option<&'p Component>, InternalError> {
        match self.get(name).map(|s| &s.value) {
            None => Ok(None),
            Some(Value::Ref(target)) => self.component(&target.name, name).map(Some),
            Some(_) => Err(self.missing(name, "reference")),
        }
    }

    /// The components a list of references names, in order, each once;
    /// absent means none.
    pub fn references(&mut self, name: &str) -> Result<Vec<&'p Component>, InternalError> {
        let mut found: Vec<&'p Component> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        match self.get(name).map(|s| &s.value) {
            None => {}
            Some(Value::Refs(targets)) => {
                for target in targets {
                    let component = self.component(&target.name, name)?;
                    if seen.insert(component.name.as_str()) {
                        found.push(component);
                    }
                }
            }
            Some(_) => return Err(self.missing(name, "list of references")),
        }
        Ok(found)
    }

    /// Every value of a repeatable setting, in order.
    pub fn repeated(&mut self, name: &str) -> Vec<&'p Value> {
        self.note(name);
        self.settings.items.iter().filter(|s| s.name == name).map(|s| &s.value).collect()
    }

    /// `< name "value" ... >` pairs; absent means none.
    pub fn tags(&mut self, name: &str) -> Result<Vec<(&'p str, &'p str)>, InternalError> {
        match self.get(name).map(|s| &s.value) {
            None => Ok(Vec::new()),
            Some(Value::Tags(pairs)) => Ok(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()),
            Some(_) => Err(self.missing(name, "tags")),
        }
    }

    /// A block setting (`mtls < ... >`): None when absent or switched off,
    /// else its settings read by `read`.
    pub fn block<T>(
        &mut self,
        name: &str,
        read: impl FnOnce(&mut Reader<'p>) -> Result<T, InternalError>,
    ) -> Result<Option<T>, InternalError> {
        // A required block may be absent when its rule is waived.
        let setting = self.get(name);
        let on = setting.is_some_and(|s| s.value != Value::Switch(false));
        let settings = match setting.and_then(|s| s.block.as_ref()) {
            Some(block) if on => block,
            _ => empty_settings(),
        };
        let mut inner = Reader::new(self.owner, self.program, &self.components, settings);
        inner.record = self.record;
        inner.prefix = format!("{}{name}.", self.prefix);
        let value = read(&mut inner);
        self.read.extend(inner.read);
        if on {
            value.map(Some)
        } else {
            Ok(None)
        }
    }
}

fn empty_settings() -> &'static Settings {
    static EMPTY: Settings = Settings { items: Vec::new() };
    &EMPTY
}

fn days(d: Duration) -> u64 {
    d.as_secs() / 86_400
}

/// `lifecycle`: what happens to stateful resources when the stack goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    /// Deletion protection on; snapshots taken on delete.
    Protected,
    /// As protected, and stateful resources are kept after the stack.
    Retained,
    /// A CI stack: everything is deleted with it.
    Disposable,
}

impl Lifecycle {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "protected" => Some(Lifecycle::Protected),
            "retained" => Some(Lifecycle::Retained),
            "disposable" => Some(Lifecycle::Disposable),
            _ => None,
        }
    }
}

/// `stacks`: one CloudFormation stack, or a parent and nested children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stacks {
    /// One stack, held to CloudFormation's quotas.
    Single,
    /// A parent stack and `AWS::CloudFormation::Stack` children
    /// (`lower::nest`), each held to the quotas.
    Nested,
}

impl Stacks {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "single" => Some(Stacks::Single),
            "nested" => Some(Stacks::Nested),
            _ => None,
        }
    }
}

/// The settings of the pipeline block.
pub struct Pipeline<'p> {
    pub name: &'p str,
    pub region: &'p str,
    /// Which regions are allowed is the checker's (MEDC-1020); the template
    /// records only the region.
    pub jurisdiction: &'p str,
    pub compliance: &'p str,
    pub lifecycle: Lifecycle,
    pub stacks: Stacks,
    pub owner: Text<'p>,
    pub data_classification: &'p str,
    pub tags: Vec<(&'p str, &'p str)>,
    pub log_retention: Duration,
    pub log_encryption: bool,
}

impl<'p> Pipeline<'p> {
    fn read(r: &mut Reader<'p>) -> Result<Self, InternalError> {
        Ok(Pipeline {
            name: &r.program.name.name,
            region: r.word("region")?,
            jurisdiction: r.word("jurisdiction")?,
            compliance: r.word("compliance")?,
            lifecycle: r.choice("lifecycle", Lifecycle::parse)?,
            stacks: r.choice("stacks", Stacks::parse)?,
            owner: r.text("owner")?,
            data_classification: r.word("data_classification")?,
            tags: r.tags("tags")?,
            log_retention: r.duration("log_retention")?,
            log_encryption: r.switch("log_encryption")?,
        })
    }

    pub fn log_retention_days(&self) -> u64 {
        days(self.log_retention)
    }
}

pub struct Key<'p> {
    pub component: &'p Component,
    pub rotation: bool,
    pub rotation_period: Duration,
    /// Already the disposable default when the pipeline is disposable.
    pub deletion_window: Duration,
}

impl<'p> Key<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Key {
            component,
            rotation: r.switch("rotation")?,
            rotation_period: r.duration("rotation_period")?,
            deletion_window: r.duration("deletion_window")?,
        })
    }

    pub fn rotation_days(&self) -> u64 {
        days(self.rotation_period)
    }

    pub fn deletion_window_days(&self) -> u64 {
        days(self.deletion_window)
    }
}

/// An existing Secrets Manager entry.
#[derive(Clone, Copy)]
pub struct Secret<'p> {
    pub component: &'p Component,
    pub existing: Text<'p>,
    /// The customer-managed key the secret is encrypted with, when declared.
    pub key: Option<Text<'p>>,
}

impl<'p> Secret<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Secret { component, existing: r.text("existing")?, key: r.optional_text("key")? })
    }

    /// The secret's name for an `Fn::Sub` pattern: `${NAME}` for a parameter.
    pub fn name_pattern(&self) -> String {
        match self.existing {
            Text::Literal(name) => name.to_string(),
            Text::Param(parameter) => format!("${{{parameter}}}"),
        }
    }

    /// The secret a reference setting (`credentials`, `auth`) names.
    fn of(r: &mut Reader<'p>, setting: &str) -> Result<Self, InternalError> {
        let component = r.reference(setting)?;
        let mut inner = Reader::new(Owner::Secret(component), r.program, &r.components, &component.settings);
        Secret::read(&mut inner, component)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Egress {
    /// No internet gateway: AWS is reached through VPC endpoints.
    None,
    /// Public subnets and a NAT gateway per zone.
    Nat,
}

pub struct Network<'p> {
    pub component: &'p Component,
    pub azs: u32,
    pub cidr: Text<'p>,
    pub flow_logs: bool,
    pub egress: Egress,
    pub public: bool,
}

impl<'p> Network<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        let azs = r.integer("azs")?;
        Ok(Network {
            component,
            azs: u32::try_from(azs).map_err(|_| r.missing("azs", "zone count"))?,
            cidr: r.text("cidr")?,
            flow_logs: r.switch("flow_logs")?,
            egress: r.choice("egress", |w| match w {
                "none" => Some(Egress::None),
                "nat" => Some(Egress::Nat),
                _ => None,
            })?,
            public: r.switch("public")?,
        })
    }
}

pub struct Database<'p> {
    pub component: &'p Component,
    pub version: &'p str,
    /// Serverless v2 capacity in ACUs.
    pub capacity: (f64, f64),
    pub multi_az: bool,
    /// Reader instances besides the writer: none without `multi_az` (a
    /// waived MEDC-1007).
    pub readers: u64,
    pub credentials: Secret<'p>,
    pub database_name: Text<'p>,
    pub port: u64,
    pub backup: Duration,
    pub encrypted: bool,
    pub tls: bool,
    pub iam_auth: bool,
    /// The RDS Data API, to create database users without a bastion.
    pub data_api: bool,
    pub log_export: bool,
    pub monitoring: Duration,
    pub performance_insights: bool,
    /// As elaborated: `lifecycle disposable` only changes its default.
    pub deletion_protection: bool,
    pub public: bool,
}

impl<'p> Database<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        let multi_az = r.switch("multi_az")?;
        let readers = r.integer("readers")?;
        Ok(Database {
            component,
            version: r.word("version")?,
            capacity: r.range("capacity")?,
            multi_az,
            readers: if multi_az { readers } else { 0 },
            credentials: Secret::of(r, "credentials")?,
            database_name: r.text("name")?,
            port: r.integer("port")?,
            backup: r.duration("backup")?,
            encrypted: r.switch("encrypted")?,
            tls: r.switch("tls")?,
            iam_auth: r.switch("iam_auth")?,
            data_api: r.switch("data_api")?,
            log_export: r.switch("log_export")?,
            monitoring: r.duration("monitoring")?,
            performance_insights: r.switch("performance_insights")?,
            deletion_protection: r.switch("deletion_protection")?,
            public: r.switch("public")?,
        })
    }

    /// The engine's major version, for the parameter group family.
    pub fn major_version(&self) -> &'p str {
        self.version.split('.').next().unwrap_or(self.version)
    }

    pub fn backup_days(&self) -> u64 {
        days(self.backup)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Throughput {
    Bursting,
    Elastic,
}

pub struct Storage<'p> {
    pub component: &'p Component,
    pub path: Text<'p>,
    pub uid: u64,
    pub gid: u64,
    pub permissions: Text<'p>,
    pub transition_ia: Duration,
    pub throughput: Throughput,
    pub backup: bool,
    pub encrypted: bool,
    pub tls: bool,
}

impl<'p> Storage<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Storage {
            component,
            path: r.text("path")?,
            uid: r.integer("uid")?,
            gid: r.integer("gid")?,
            permissions: r.text("permissions")?,
            transition_ia: r.duration("transition_ia")?,
            throughput: r.choice("throughput", |w| match w {
                "bursting" => Some(Throughput::Bursting),
                "elastic" => Some(Throughput::Elastic),
                _ => None,
            })?,
            backup: r.switch("backup")?,
            encrypted: r.switch("encrypted")?,
            tls: r.switch("tls")?,
        })
    }

    pub fn transition_ia_days(&self) -> u64 {
        days(self.transition_ia)
    }
}

pub struct Bucket<'p> {
    pub component: &'p Component,
    pub versioning: bool,
    pub encrypted: bool,
    pub tls: bool,
    pub public: bool,
    pub access_logs: bool,
    /// Covered by the backup plan (replication is never used).
    pub backup: bool,
    pub transition_ia: Duration,
    pub noncurrent_expiry: Duration,
}

impl<'p> Bucket<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Bucket {
            component,
            versioning: r.switch("versioning")?,
            encrypted: r.switch("encrypted")?,
            tls: r.switch("tls")?,
            public: r.switch("public")?,
            access_logs: r.switch("access_logs")?,
            backup: r.switch("backup")?,
            transition_ia: r.duration("transition_ia")?,
            noncurrent_expiry: r.duration("noncurrent_expiry")?,
        })
    }

    pub fn transition_ia_days(&self) -> u64 {
        days(self.transition_ia)
    }

    pub fn noncurrent_expiry_days(&self) -> u64 {
        days(self.noncurrent_expiry)
    }
}

pub struct Cache<'p> {
    pub component: &'p Component,
    pub version: &'p str,
    pub node: &'p str,
    pub multi_az: bool,
    pub replicas: u64,
    pub auth: Secret<'p>,
    pub snapshots: Duration,
    pub port: u64,
    pub encrypted: bool,
    pub tls: bool,
    pub slow_log: bool,
    /// Always off (MEDC-1017); the replication group lives in isolated
    /// subnets and has no public endpoint to turn on.
    pub public: bool,
}

impl<'p> Cache<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Cache {
            component,
            version: r.word("version")?,
            node: r.word("node")?,
            multi_az: r.switch("multi_az")?,
            replicas: r.integer("replicas")?,
            auth: Secret::of(r, "auth")?,
            snapshots: r.duration("snapshots")?,
            port: r.integer("port")?,
            encrypted: r.switch("encrypted")?,
            tls: r.switch("tls")?,
            slow_log: r.switch("slow_log")?,
            public: r.switch("public")?,
        })
    }

    pub fn snapshot_days(&self) -> u64 {
        days(self.snapshots)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

pub struct Stream<'p> {
    pub component: &'p Component,
    pub mode: StreamMode,
    /// Used in provisioned mode only.
    pub shards: u64,
    pub retention: Duration,
    pub encrypted: bool,
}

impl<'p> Stream<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Stream {
            component,
            mode: r.choice("mode", |w| match w {
                "provisioned" => Some(StreamMode::Provisioned),
                "on_demand" => Some(StreamMode::OnDemand),
                _ => None,
            })?,
            shards: r.integer("shards")?,
            retention: r.duration("retention")?,
            encrypted: r.switch("encrypted")?,
        })
    }

    pub fn retention_hours(&self) -> u64 {
        self.retention.as_secs() / 3_600
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    X86_64,
    Arm64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Cpu,
    Memory,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
        }
    }
}

/// `tasks MIN..MAX on METRIC TARGET%`
#[derive(Clone, Copy, Debug)]
pub struct Scaling {
    pub min: u64,
    pub max: u64,
    pub metric: Metric,
    pub target: f64,
}

/// `mount STORAGE at "PATH"`
pub struct Mount<'p> {
    pub storage: &'p Component,
    pub path: &'p str,
}

/// `grant "ACTION", ... on "RESOURCE", ...`
pub struct Grant<'p> {
    pub actions: &'p [String],
    pub resources: &'p [String],
}

pub struct Service<'p> {
    pub component: &'p Component,
    pub image: Text<'p>,
    pub command: Option<Text<'p>>,
    pub cpu: u64,
    pub memory: u64,
    pub platform: Platform,
    pub tasks: Scaling,
    pub port: u64,
    pub health: Text<'p>,
    pub user: u64,
    pub read_only_root: bool,
    pub mounts: Vec<Mount<'p>>,
    pub connects: Vec<&'p Component>,
    pub reads: Vec<&'p Component>,
    pub writes: Vec<&'p Component>,
    pub grants: Vec<Grant<'p>>,
    pub env: Vec<(&'p str, &'p str)>,
    pub logging: bool,
    pub public: bool,
    pub exec: bool,
}

impl<'p> Service<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        let tasks = match r.value("tasks", "scaling")? {
            Value::Scaling { low, high, metric, target } => Scaling {
                min: *low,
                max: *high,
                metric: match metric.as_str() {
                    "cpu" => Metric::Cpu,
                    "memory" => Metric::Memory,
                    _ => return Err(r.missing("tasks", "known scaling metric")),
                },
                target: *target,
            },
            _ => return Err(r.missing("tasks", "scaling")),
        };
        let mut mounts = Vec::new();
        for value in r.repeated("mount") {
            let Value::Mount { storage, path } = value else { return Err(r.missing("mount", "mount")) };
            mounts.push(Mount { storage: r.component(&storage.name, "mount")?, path });
        }
        let mut grants = Vec::new();
        for value in r.repeated("grant") {
            let Value::Grant { actions, resources } = value else { return Err(r.missing("grant", "grant")) };
            grants.push(Grant { actions, resources });
        }
        Ok(Service {
            component,
            image: r.text("image")?,
            command: r.optional_text("command")?,
            cpu: r.integer("cpu")?,
            memory: r.size("memory")?,
            platform: r.choice("platform", |w| match w {
                "x86_64" => Some(Platform::X86_64),
                "arm64" => Some(Platform::Arm64),
                _ => None,
            })?,
            tasks,
            port: r.integer("port")?,
            health: r.text("health")?,
            user: r.integer("user")?,
            read_only_root: r.switch("read_only_root")?,
            mounts,
            connects: r.references("connects")?,
            reads: r.references("reads")?,
            writes: r.references("writes")?,
            grants,
            env: r.tags("env")?,
            logging: r.switch("logging")?,
            public: r.switch("public")?,
            exec: r.switch("exec")?,
        })
    }

    pub fn memory_mib(&self) -> u64 {
        self.memory >> 20
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// SigV4-signed requests.
    Iam,
    None,
}

impl Authorization {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "iam" => Some(Authorization::Iam),
            "none" => Some(Authorization::None),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsPolicy {
    Tls10,
    Tls12,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionLogs {
    Error,
    Info,
    Off,
}

/// `mtls < truststore ... >`
pub struct Mtls<'p> {
    pub truststore: Text<'p>,
    pub truststore_version: Option<Text<'p>>,
}

/// What a route's requests carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Small bodies the WAF inspects and size-limits.
    Json,
    /// Binary DICOM objects, up to API Gateway's 10 MB.
    Dicom,
}

/// `route METHOD "PATH" -> SERVICE < ... >`
pub struct Route<'p> {
    pub method: &'p str,
    pub path: &'p str,
    pub target: &'p Component,
    pub authorization: Authorization,
    pub body: Body,
    /// The bucket the route hands out presigned upload URLs to.
    pub upload: Option<&'p Component>,
}

pub struct Api<'p> {
    pub component: &'p Component,
    pub domain: Text<'p>,
    pub certificate: Text<'p>,
    /// A public ACM certificate for the domain, for an imported or
    /// private-CA `certificate`.
    pub ownership_certificate: Option<Text<'p>>,
    /// The Route 53 hosted zone for the domain's alias record.
    pub zone: Option<Text<'p>>,
    pub mtls: Option<Mtls<'p>>,
    pub default_endpoint: bool,
    pub authorization: Authorization,
    pub tls_policy: TlsPolicy,
    pub data_trace: bool,
    pub access_logs: bool,
    pub execution_logs: ExecutionLogs,
    pub tracing: bool,
    pub throttle_rate: u64,
    pub throttle_burst: u64,
    pub caching: bool,
    pub waf: bool,
    /// As elaborated: `lifecycle disposable` only changes its default.
    pub deletion_protection: bool,
    pub routes: Vec<Route<'p>>,
}

impl<'p> Api<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        let mut routes = Vec::new();
        for route in &component.routes {
            let mut inner = Reader::new(Owner::Route(route, component), r.program, &r.components, &route.settings);
            routes.push(Route::read(&mut inner, route)?);
        }
        Ok(Api {
            component,
            domain: r.text("domain")?,
            certificate: r.text("certificate")?,
            ownership_certificate: r.optional_text("ownership_certificate")?,
            zone: r.optional_text("zone")?,
            mtls: r.block("mtls", |m| {
                Ok(Mtls {
                    truststore: m.text("truststore")?,
                    truststore_version: m.optional_text("truststore_version")?,
                })
            })?,
            default_endpoint: r.switch("default_endpoint")?,
            authorization: r.choice("authorization", Authorization::parse)?,
            tls_policy: r.choice("tls_policy", |w| match w {
                "1.0" => Some(TlsPolicy::Tls10),
                "1.2" => Some(TlsPolicy::Tls12),
                _ => None,
            })?,
            data_trace: r.switch("data_trace")?,
            access_logs: r.switch("access_logs")?,
            execution_logs: r.choice("execution_logs", |w| match w {
                "error" => Some(ExecutionLogs::Error),
                "info" => Some(ExecutionLogs::Info),
                "off" => Some(ExecutionLogs::Off),
                _ => None,
            })?,
            tracing: r.switch("tracing")?,
            throttle_rate: r.integer("throttle_rate")?,
            throttle_burst: r.integer("throttle_burst")?,
            caching: r.switch("caching")?,
            waf: r.switch("waf")?,
            deletion_protection: r.switch("deletion_protection")?,
            routes,
        })
    }

    /// The services the api routes to, in order of first route.
    pub fn targets(&self) -> Vec<&'p Component> {
        let mut seen: HashSet<&str> = HashSet::new();
        self.routes.iter().map(|route| route.target).filter(|target| seen.insert(target.name.as_str())).collect()
    }
}

impl<'p> Route<'p> {
    fn read(r: &mut Reader<'p>, route: &'p crate::check::model::Route) -> Result<Self, InternalError> {
        Ok(Route {
            method: &route.method,
            path: &route.path,
            target: r.component(&route.target.name, "route")?,
            authorization: r.choice("authorization", Authorization::parse)?,
            body: r.choice("body", |w| match w {
                "json" => Some(Body::Json),
                "dicom" => Some(Body::Dicom),
                _ => None,
            })?,
            upload: r.optional_reference("upload")?,
        })
    }
}

pub struct Alarms<'p> {
    pub component: &'p Component,
    pub notify: Text<'p>,
    pub actions: bool,
    pub encrypted: bool,
    /// Thresholds, in percent.
    pub cpu: f64,
    pub memory: f64,
    pub latency: Duration,
    pub iterator_age: Duration,
}

impl<'p> Alarms<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Alarms {
            component,
            notify: r.text("notify")?,
            actions: r.switch("actions")?,
            encrypted: r.switch("encrypted")?,
            cpu: r.percent("cpu")?,
            memory: r.percent("memory")?,
            latency: r.duration("latency")?,
            iterator_age: r.duration("iterator_age")?,
        })
    }
}

pub struct Backup<'p> {
    pub component: &'p Component,
    pub plan: bool,
    pub schedule: Text<'p>,
    pub retention: Duration,
    pub encrypted: bool,
}

impl<'p> Backup<'p> {
    fn read(r: &mut Reader<'p>, component: &'p Component) -> Result<Self, InternalError> {
        Ok(Backup {
            component,
            plan: r.switch("plan")?,
            schedule: r.text("schedule")?,
            retention: r.duration("retention")?,
            encrypted: r.switch("encrypted")?,
        })
    }

    pub fn retention_days(&self) -> u64 {
        days(self.retention)
    }
}

/// A component read into the view of its kind.
pub enum Typed<'p> {
    Key(Key<'p>),
    Secret(Secret<'p>),
    Network(Network<'p>),
    Database(Database<'p>),
    Storage(Storage<'p>),
    Bucket(Bucket<'p>),
    Cache(Cache<'p>),
    Stream(Stream<'p>),
    Service(Service<'p>),
    Api(Api<'p>),
    Alarms(Alarms<'p>),
    Backup(Backup<'p>),
}

impl<'p> Typed<'p> {
    /// Reads a component into its view, with the names of the settings read.
    pub fn read(program: &'p Program, component: &'p Component) -> Result<(Self, BTreeSet<String>), InternalError> {
        Self::read_with(program, &index(program), component, true)
    }

    /// Reads a component; the names read are recorded only if `record`.
    fn read_with(
        program: &'p Program,
        components: &Rc<Index<'p>>,
        component: &'p Component,
        record: bool,
    ) -> Result<(Self, BTreeSet<String>), InternalError> {
        let mut r = Reader::new(Owner::Component(component), program, components, &component.settings);
        r.record = record;
        let c = component;
        let typed = match component.kind {
            Kind::Key => Typed::Key(Key::read(&mut r, c)?),
            Kind::Secret => Typed::Secret(Secret::read(&mut r, c)?),
            Kind::Network => Typed::Network(Network::read(&mut r, c)?),
            Kind::Database => Typed::Database(Database::read(&mut r, c)?),
            Kind::Storage => Typed::Storage(Storage::read(&mut r, c)?),
            Kind::Bucket => Typed::Bucket(Bucket::read(&mut r, c)?),
            Kind::Cache => Typed::Cache(Cache::read(&mut r, c)?),
            Kind::Stream => Typed::Stream(Stream::read(&mut r, c)?),
            Kind::Service => Typed::Service(Service::read(&mut r, c)?),
            Kind::Api => Typed::Api(Api::read(&mut r, c)?),
            Kind::Alarms => Typed::Alarms(Alarms::read(&mut r, c)?),
            Kind::Backup => Typed::Backup(Backup::read(&mut r, c)?),
        };
        Ok((typed, r.read))
    }

    pub fn component(&self) -> &'p Component {
        match self {
            Typed::Key(v) => v.component,
            Typed::Secret(v) => v.component,
            Typed::Network(v) => v.component,
            Typed::Database(v) => v.component,
            Typed::Storage(v) => v.component,
            Typed::Bucket(v) => v.component,
            Typed::Cache(v) => v.component,
            Typed::Stream(v) => v.component,
            Typed::Service(v) => v.component,
            Typed::Api(v) => v.component,
            Typed::Alarms(v) => v.component,
            Typed::Backup(v) => v.component,
        }
    }
}

/// The whole program, read once: the pipeline's settings and every
/// component's view, in the program's order.
pub struct Views<'p> {
    pub pipeline: Pipeline<'p>,
    pub components: Vec<Typed<'p>>,
    /// The position in `components` of the first view of each name.
    by_name: HashMap<&'p str, usize>,
}

impl<'p> Views<'p> {
    pub fn read(program: &'p Program) -> Result<Self, InternalError> {
        let index = index(program);
        let mut r = Reader::new(Owner::Pipeline, program, &index, &program.settings);
        let pipeline = Pipeline::read(&mut r)?;
        let components: Vec<Typed<'p>> = program
            .components
            .iter()
            .map(|c| Typed::read_with(program, &index, c, false).map(|(typed, _)| typed))
            .collect::<Result<_, _>>()?;
        let mut by_name = HashMap::with_capacity(components.len());
        for (position, typed) in components.iter().enumerate() {
            by_name.entry(typed.component().name.as_str()).or_insert(position);
        }
        Ok(Views { pipeline, components, by_name })
    }

    /// The view of the component with this name.
    pub fn get(&self, name: &str) -> Option<&Typed<'p>> {
        self.by_name.get(name).and_then(|&position| self.components.get(position))
    }

    /// The one key, network, alarms and backup (`single`, `implicit` kinds).
    pub fn key(&self) -> Option<&Key<'p>> {
        self.components.iter().find_map(|t| if let Typed::Key(v) = t { Some(v) } else { None })
    }

    pub fn network(&self) -> Option<&Network<'p>> {
        self.components.iter().find_map(|t| if let Typed::Network(v) = t { Some(v) } else { None })
    }

    pub fn alarms(&self) -> Option<&Alarms<'p>> {
        self.components.iter().find_map(|t| if let Typed::Alarms(v) = t { Some(v) } else { None })
    }

    pub fn backup(&self) -> Option<&Backup<'p>> {
        self.components.iter().find_map(|t| if let Typed::Backup(v) = t { Some(v) } else { None })
    }

    pub fn databases(&self) -> impl Iterator<Item = &Database<'p>> {
        self.components.iter().filter_map(|t| if let Typed::Database(v) = t { Some(v) } else { None })
    }

    pub fn buckets(&self) -> impl Iterator<Item = &Bucket<'p>> {
        self.components.iter().filter_map(|t| if let Typed::Bucket(v) = t { Some(v) } else { None })
    }

    pub fn storages(&self) -> impl Iterator<Item = &Storage<'p>> {
        self.components.iter().filter_map(|t| if let Typed::Storage(v) = t { Some(v) } else { None })
    }

    pub fn services(&self) -> impl Iterator<Item = &Service<'p>> {
        self.components.iter().filter_map(|t| if let Typed::Service(v) = t { Some(v) } else { None })
    }

    pub fn apis(&self) -> impl Iterator<Item = &Api<'p>> {
        self.components.iter().filter_map(|t| if let Typed::Api(v) = t { Some(v) } else { None })
    }

    pub fn service(&self, component: &Component) -> Option<&Service<'p>> {
        match self.get(&component.name) {
            Some(Typed::Service(v)) => Some(v),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use crate::stdlib::{Check, SettingDecl};

    /// Every kind, with every optional setting written.
    const EVERY_KIND: &str = r#"pipeline every <
  tags < team "imaging" >
  key < >
  network < >
  secret creds < existing "every/creds"  key param SecretKeyArn >
  database aurora < credentials creds >
  storage efs scratch < >
  bucket s3 results < >
  bucket s3 incoming < >
  cache redis queue < >
  stream kinesis events < >
  service fargate worker < image param Image  command "run"  mount scratch at "/scratch"
    connects aurora, queue  reads events, incoming  writes results, events
    grant "sqs:SendMessage" on "arn:aws:sqs:sa-east-1:111122223333:q"  env < MODE "batch" > >
  api ingest < domain "imaging.example.org"  certificate param Cert
    ownership_certificate param OwnershipCert  zone param Zone
    mtls < truststore param Truststore  truststore_version "v1" >
    route POST "/studies" -> worker < body dicom  upload incoming > >
  alarms < >
  backup < >
>
"#;

    /// The settings the standard library declares for a kind, nested ones as
    /// `block.setting`, without the forbid-only ones (nothing to lower).
    fn declared(decls: &[SettingDecl], prefix: &str, out: &mut BTreeSet<String>) {
        for decl in decls {
            let forbid_only = decl.constraints.iter().any(|c| matches!(c.check, Check::Forbid));
            if !forbid_only {
                out.insert(format!("{prefix}{}", decl.name));
            }
            declared(&decl.settings, &format!("{prefix}{}.", decl.name), out);
        }
    }

    #[test]
    fn every_view_reads_exactly_the_declared_settings() {
        let analysis = crate::analyze(&SourceFile::new("every.medimg", EVERY_KIND));
        let valid = analysis.valid().unwrap_or_else(|| panic!("{:?}", analysis.diagnostics()));
        let program = valid.program();
        let schema = crate::stdlib::schema().unwrap();
        let mut seen = BTreeSet::new();
        for component in &program.components {
            let (_, read) = Typed::read(program, component).unwrap();
            let mut expected = BTreeSet::new();
            declared(&schema.kind(component.kind.name()).unwrap().settings, "", &mut expected);
            assert_eq!(read, expected, "{}", component.name);
            seen.insert(component.kind);
        }
        assert_eq!(seen.len(), Kind::ALL.len(), "the program holds every kind");

        let mut r = Reader::new(Owner::Pipeline, program, &index(program), &program.settings);
        r.record = true;
        Pipeline::read(&mut r).unwrap();
        let mut expected = BTreeSet::new();
        declared(&schema.pipeline().settings, "", &mut expected);
        assert_eq!(r.read, expected, "pipeline");

        let api = program.component("ingest").unwrap();
        let mut r = Reader::new(Owner::Named("route"), program, &index(program), &api.routes[0].settings);
        r.record = true;
        Route::read(&mut r, &api.routes[0]).unwrap();
        let mut expected = BTreeSet::new();
        declared(schema.route_settings(), "", &mut expected);
        assert_eq!(r.read, expected, "route");
    }

    #[test]
    fn a_missing_setting_is_an_internal_error() {
        let analysis = crate::analyze(&SourceFile::new("every.medimg", EVERY_KIND));
        let mut program = analysis.program().unwrap().clone();
        let database = program.components.iter_mut().find(|c| c.name == "aurora").unwrap();
        database.settings.items.retain(|s| s.name != "port");
        let error = Views::read(&program).err().expect("port is missing");
        assert_eq!(error.0, "database `aurora` has no integer `port` after checking");
    }
}
