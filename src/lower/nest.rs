//! Nested stacks: a lowered [`Template`] split into a parent template and
//! `AWS::CloudFormation::Stack` children, each under CloudFormation's
//! quotas, for a pipeline (`stacks nested`) too large for one stack.
//!
//! The split follows component boundaries: one component's resources are
//! never in two stacks. Components are packed greedily, each right after
//! what it reads and in lowering order otherwise, each stack kept under
//! every quota ([`Limits`]) with a margin. The parent keeps the
//! parameters, rules, template metadata and the pipeline's outputs (the
//! record of a component's waivers goes with the component, and an output
//! with its component when the parent cannot hold them all); a reference from one stack to a resource in another becomes an
//! output of the producer and a parameter of the consumer, wired in the
//! parent. When the parent itself would be over a quota (more children
//! than a stack holds), its `Stack` resources are split the same way, a
//! level of groups at a time.
//!
//! Logical ids never change: a `Ref` to a resource of another stack reads
//! a parameter of the same name, so most references stay as written.

use super::template::{get_att, reference, Output, Parameter, Policy, Resource, Template};
use crate::quotas;
use indexmap::{IndexMap, IndexSet};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, HashSet};

/// The quotas every stack is held to.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub resources: usize,
    /// Bytes of the compact template body.
    pub body: usize,
    pub parameters: usize,
    pub outputs: usize,
}

impl Limits {
    /// CloudFormation's own (`quotas`).
    pub const CLOUDFORMATION: Limits = Limits {
        resources: quotas::MAX_RESOURCES,
        body: quotas::MAX_BODY,
        parameters: quotas::MAX_PARAMETERS,
        outputs: quotas::MAX_OUTPUTS,
    };

    /// What packing aims for: nine tenths of each quota, so that the
    /// estimates it packs by (sizes of parameters and outputs not yet
    /// written) cannot take a stack over the quota itself.
    fn packing(&self) -> Limits {
        Limits {
            resources: self.resources * 9 / 10,
            body: self.body * 9 / 10,
            parameters: self.parameters * 9 / 10,
            outputs: self.outputs * 9 / 10,
        }
    }
}

/// What every child `Stack` resource carries, as the pipeline's resources do.
#[derive(Clone, Debug)]
pub struct Carried {
    /// The pipeline's name, for the children's descriptions.
    pub pipeline: String,
    /// The pipeline's tags, as a `Tags` list.
    pub tags: Value,
    /// The lifecycle's deletion policy of a resource without snapshots.
    pub policy: Policy,
}

/// A split pipeline: the parent template, and every child template (groups
/// and their children alike) by logical id, parents before their children.
/// Each `TemplateURL` names the child's file, `NAME.template.json`, beside
/// the template that holds it; [`Nested::parent_in`] puts the parent's in
/// a folder.
#[derive(Debug)]
pub struct Nested {
    pub parent: Template,
    pub children: Vec<(String, Template)>,
}

impl Nested {
    /// The parent template with each child's `TemplateURL` under `folder`,
    /// where the children's files are written.
    pub fn parent_in(&self, folder: &str) -> Template {
        let p = &self.parent;
        let mut resources = p.resources.clone();
        for resource in resources.values_mut() {
            if let Some(Value::String(url)) = resource.properties.get_mut("TemplateURL") {
                *url = format!("{folder}/{url}");
            }
        }
        Template {
            format_version: p.format_version,
            description: p.description.clone(),
            metadata: p.metadata.clone(),
            parameters: p.parameters.clone(),
            rules: p.rules.clone(),
            conditions: p.conditions.clone(),
            resources,
            outputs: p.outputs.clone(),
            collisions: Vec::new(),
        }
    }

    /// The file name of a child, as its `TemplateURL` gives it.
    pub fn file_name(child: &str) -> String {
        format!("{child}{FILE_SUFFIX}")
    }

    /// Whether a file name is one [`Nested::file_name`] gives a child:
    /// `Stack001.template.json`, `Group012.template.json`,
    /// `Group3L001.template.json`, each maybe prefixed with `Nested` (see
    /// `Names::stacks`).
    pub fn is_child_file(name: &str) -> bool {
        let Some(mut stem) = name.strip_suffix(FILE_SUFFIX) else { return false };
        while let Some(rest) = stem.strip_prefix("Nested") {
            stem = rest;
        }
        let digits = if let Some(rest) = stem.strip_prefix("Stack") {
            rest
        } else if let Some(rest) = stem.strip_prefix("Group") {
            match rest.split_once('L') {
                Some((level, rest)) if !level.is_empty() && level.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => rest,
            }
        } else {
            return false;
        };
        digits.len() >= 3 && digits.bytes().all(|b| b.is_ascii_digit())
    }
}

/// A copy of a template (the split consumes one; the whole template is
/// kept for the tools that describe the pipeline).
pub fn copy(t: &Template) -> Template {
    Template {
        format_version: t.format_version,
        description: t.description.clone(),
        metadata: t.metadata.clone(),
        parameters: t.parameters.clone(),
        rules: t.rules.clone(),
        conditions: t.conditions.clone(),
        resources: t.resources.clone(),
        outputs: t.outputs.clone(),
        collisions: t.collisions.clone(),
    }
}

const FILE_SUFFIX: &str = ".template.json";

/// Why a template could not be split: one unit (a component's resources,
/// or at a higher level one child stack) is over a quota on its own.
#[derive(Debug)]
pub struct Oversized {
    /// The component; None for the pipeline's own resources or a stack.
    pub owner: Option<String>,
    pub resources: usize,
    /// Its resources' compact JSON, in bytes.
    pub bytes: usize,
    /// The values it reads from other stacks and the parameters it passes on.
    pub parameters: usize,
    pub outputs: usize,
}

/// The deepest nesting tried; each level divides the count of stacks by
/// hundreds, so four levels hold far more than any program medc reads.
const MAX_LEVELS: usize = 4;

/// Splits `template` into a parent and children, each under `limits`.
pub fn split(mut template: Template, limits: &Limits, carried: &Carried) -> Result<Nested, Oversized> {
    // What follows reads and rewrites properties, the tags among them.
    template.inline_tags();
    let packing = limits.packing();
    let mut names = Names::new(&template);
    let mut children = Vec::new();
    let mut parent = template;
    for level in 1..=MAX_LEVELS {
        let by_owner = level == 1;
        let (next, mut made) = split_level(parent, &packing, carried, &mut names, level, by_owner)?;
        parent = next;
        // Each level's children are the parents of the level before.
        made.append(&mut children);
        children = made;
        // Another level groups the children: it helps a parent with too many
        // of them (resources, bytes), not one with too many parameters or
        // outputs, which the quota diagnostics then report.
        let crowded = parent.resources.len() > packing.resources || compact_len(&parent) > packing.body;
        if fits(&parent, &packing) || !crowded {
            break;
        }
    }
    // A local `TemplateURL` is for `aws cloudformation package`, which
    // uploads the file and writes its S3 address: cfn-lint says so (W3002).
    for template in std::iter::once(&mut parent).chain(children.iter_mut().map(|(_, t)| t)) {
        if template.resources.values().any(|r| r.kind == STACK) {
            template.metadata.insert("cfn-lint".into(), json!({ "config": { "ignore_checks": ["W3002"] } }));
        }
    }
    Ok(Nested { parent, children })
}

const STACK: &str = "AWS::CloudFormation::Stack";

/// Whether a template is under every limit.
pub fn fits(template: &Template, limits: &Limits) -> bool {
    template.resources.len() <= limits.resources
        && template.parameters.len() <= limits.parameters
        && template.outputs.len() <= limits.outputs
        && compact_len(template) <= limits.body
}

/// The compact JSON's length: the body size CloudFormation measures.
pub fn compact_len(template: &Template) -> usize {
    template.emit().compact_len
}

/// A reference to a resource: `Ref` (no attribute) or `Fn::GetAtt`.
type Key = (String, Option<String>);

/// What a value refers to.
#[derive(Default)]
struct Uses {
    keys: IndexSet<Key>,
    params: IndexSet<String>,
    conditions: IndexSet<String>,
}

/// Names of the parameters and outputs that carry references between
/// stacks, unique among every logical id of the template, and of the stacks.
struct Names {
    taken: HashSet<String>,
    /// The pipeline's outputs, which a child may hold beside its own.
    outputs: HashSet<String>,
    of: HashMap<Key, String>,
}

impl Names {
    fn new(template: &Template) -> Self {
        let mut taken: HashSet<String> = template.resources.keys().cloned().collect();
        taken.extend(template.parameters.keys().cloned());
        taken.extend(template.conditions.keys().cloned());
        let outputs: HashSet<String> = template.outputs.keys().cloned().collect();
        taken.extend(outputs.iter().cloned());
        Names { taken, outputs, of: HashMap::new() }
    }

    /// A `Ref` keeps the resource's id; `Outputs.N` of a child stack keeps
    /// `N`, already unique; an attribute is appended to the id.
    fn of(&mut self, key: &Key) -> String {
        if let Some(name) = self.of.get(key) {
            return name.clone();
        }
        let name = match &key.1 {
            None if !self.outputs.contains(&key.0) => key.0.clone(),
            Some(attribute) if attribute.starts_with(OUTPUTS) => attribute[OUTPUTS.len()..].to_string(),
            attribute => {
                let attribute = attribute.as_deref().unwrap_or("Ref");
                let base: String =
                    format!("{}{attribute}", key.0).chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                let mut name = base.clone();
                let mut n = 1;
                while self.taken.contains(&name) {
                    n += 1;
                    name = format!("{base}{n}");
                }
                self.taken.insert(name.clone());
                name
            }
        };
        self.of.insert(key.clone(), name.clone());
        name
    }

    /// `Stack001`, `Group001`, ...: the names of one level's stacks.
    fn stacks(&mut self, level: usize, count: usize) -> Vec<String> {
        let width = count.to_string().len().max(3);
        let mut prefix = match level {
            1 => "Stack".to_string(),
            2 => "Group".to_string(),
            n => format!("Group{n}L"),
        };
        loop {
            let names: Vec<String> = (1..=count).map(|i| format!("{prefix}{i:0width$}")).collect();
            if names.iter().all(|n| !self.taken.contains(n)) {
                self.taken.extend(names.iter().cloned());
                return names;
            }
            prefix = format!("Nested{prefix}");
        }
    }
}

const OUTPUTS: &str = "Outputs.";

/// One unit of packing: a component's resources (level 1), or one stack.
struct Unit {
    owner: Option<String>,
    ids: Vec<String>,
    bytes: usize,
    /// References to resources of other units.
    needs: IndexSet<Key>,
    /// The parameters its resources read, directly or through conditions.
    params: IndexSet<String>,
    /// References to its resources from other units or the parent.
    provides: IndexSet<Key>,
    /// The pipeline's outputs it holds, when the parent cannot hold them all.
    outputs: Vec<(String, Output)>,
}

/// Rough sizes of what a split adds to a stack, for packing only (the
/// quotas are checked on the templates made).
const PARAMETER_BYTES: usize = 200;
const OUTPUT_BYTES: usize = 200;
const TEMPLATE_BYTES: usize = 400;

/// One level: `template`'s resources packed into stacks, and the parent
/// that holds them.
fn split_level(
    mut template: Template,
    limits: &Limits,
    carried: &Carried,
    names: &mut Names,
    level: usize,
    by_owner: bool,
) -> Result<(Template, Vec<(String, Template)>), Oversized> {
    let ids: HashSet<String> = template.resources.keys().cloned().collect();
    let params: HashSet<String> = template.parameters.keys().cloned().collect();

    // The units, in the order of their first resource.
    let mut index: HashMap<Option<String>, usize> = HashMap::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut unit_of: HashMap<String, usize> = HashMap::new();
    // The logical-id prefix of each component's resources (`Db1`).
    let mut prefixes: HashMap<String, usize> = HashMap::new();
    let mut uses_of: Vec<Uses> = Vec::with_capacity(template.resources.len());
    for (id, resource) in &template.resources {
        let owner = if by_owner { resource.owner.clone() } else { Some(id.clone()) };
        let watched = if by_owner { watched_unit(id, resource, &ids, &params, &unit_of, &prefixes) } else { None };
        let u = match watched {
            Some(u) => u,
            None => *index.entry(owner.clone()).or_insert_with(|| {
                units.push(Unit {
                    owner: if by_owner { owner } else { None },
                    ids: Vec::new(),
                    bytes: 0,
                    needs: IndexSet::new(),
                    params: IndexSet::new(),
                    provides: IndexSet::new(),
                    outputs: Vec::new(),
                });
                units.len() - 1
            }),
        };
        unit_of.insert(id.clone(), u);
        if let (true, Some(owner)) = (by_owner, &resource.owner) {
            prefixes.entry(super::logical_id(owner, "")).or_insert(u);
        }
        let unit = &mut units[u];
        unit.ids.push(id.clone());
        unit.bytes += id.len() + 4 + serde_json::to_string(resource).map(|t| t.len()).unwrap_or(0);
        let mut uses = Uses::default();
        collect_resource(resource, &ids, &params, &mut uses);
        uses_of.push(uses);
    }
    // Packed in an order where every unit follows the units it reads, so
    // that stacks only ever read stacks before them (no cycle); units that
    // read each other (a service waits for its api's listener, which routes
    // to the service) are merged, to share a stack.
    let order = dependency_order(units.len(), &template.resources, &uses_of, &unit_of);
    let mut renumber = vec![0; units.len()];
    for (new, group) in order.iter().enumerate() {
        for &old in group {
            renumber[old] = new;
        }
    }
    let mut slots: Vec<Option<Unit>> = units.into_iter().map(Some).collect();
    let mut units: Vec<Unit> = Vec::with_capacity(order.len());
    for mut group in order {
        group.sort_unstable();
        let mut merged: Option<Unit> = None;
        for old in group {
            let Some(unit) = slots[old].take() else { continue };
            match &mut merged {
                None => merged = Some(unit),
                Some(into) => {
                    into.ids.extend(unit.ids);
                    into.bytes += unit.bytes;
                    into.outputs.extend(unit.outputs);
                }
            }
        }
        units.extend(merged);
    }
    for u in unit_of.values_mut() {
        *u = renumber[*u];
    }
    // The pipeline's outputs stay in the parent while it can hold them;
    // past that, each goes to the stack of the component it reads, with its
    // export, which other stacks import by the same name.
    let mut outputs = std::mem::take(&mut template.outputs);
    if by_owner && outputs.len() > limits.outputs {
        for (name, output) in std::mem::take(&mut outputs) {
            let mut uses = Uses::default();
            collect(&output.value, &ids, &params, &mut uses);
            let mut read: IndexSet<usize> = uses.keys.iter().filter_map(|k| unit_of.get(&k.0).copied()).collect();
            if read.is_empty() {
                // An output of constants and parameters (an existing
                // secret's ARN) goes with the component its name is
                // prefixed with (`Db5DatabaseSecretArn`).
                read.extend(prefixed_by(&name, &prefixes).map(|u| renumber[u]));
            }
            match read.first() {
                Some(&u) if read.len() == 1 => {
                    units[u].bytes += name.len() + serde_json::to_string(&output).map(|t| t.len()).unwrap_or(0);
                    units[u].outputs.push((name, output));
                }
                _ => {
                    outputs.insert(name, output);
                }
            }
        }
    }
    // Conditions read parameters, and other conditions.
    let condition_params = |used: &IndexSet<String>| closure(used, &template.conditions, &ids, &params).1;
    // Who consumes each key: units by index, and the parent (usize::MAX).
    let mut consumers: HashMap<Key, (usize, usize, bool)> = HashMap::new();
    for (id, uses) in template.resources.keys().zip(&uses_of) {
        let u = unit_of[id.as_str()];
        for key in &uses.keys {
            if unit_of.get(key.0.as_str()) != Some(&u) {
                units[u].needs.insert(key.clone());
                let entry = consumers.entry(key.clone()).or_insert((u, u, false));
                entry.0 = entry.0.min(u);
                entry.1 = entry.1.max(u);
            }
        }
        let from_conditions = condition_params(&uses.conditions);
        units[u].params.extend(uses.params.iter().cloned());
        units[u].params.extend(from_conditions);
    }
    let mut parent_uses = Uses::default();
    for output in outputs.values() {
        collect(&output.value, &ids, &params, &mut parent_uses);
    }
    for key in &parent_uses.keys {
        consumers.entry(key.clone()).or_insert((usize::MAX, 0, true)).2 = true;
    }
    for key in consumers.keys() {
        if let Some(&u) = unit_of.get(key.0.as_str()) {
            units[u].provides.insert(key.clone());
        }
    }
    // Deterministic order of what each unit provides.
    for unit in &mut units {
        unit.provides.sort();
    }

    // Greedy packing, in order: a stack is a range of units.
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    let mut packed = Packed::default();
    for u in 0..units.len() {
        let alone = Packed::default().with(&units, u, u, &consumers, &unit_of, &template.parameters);
        if !alone.fits(limits) {
            let unit = &units[u];
            return Err(Oversized {
                owner: unit.owner.clone(),
                resources: unit.ids.len(),
                bytes: unit.bytes,
                parameters: alone.inputs.len() + alone.params.len(),
                outputs: alone.outputs.len() + alone.pipeline_outputs,
            });
        }
        let grown = packed.with(&units, start, u, &consumers, &unit_of, &template.parameters);
        if u > start && !grown.fits(limits) {
            ranges.push((start, u - 1));
            start = u;
            packed = alone;
        } else {
            packed = grown;
        }
    }
    if !units.is_empty() {
        ranges.push((start, units.len() - 1));
    }

    let stack_names = names.stacks(level, ranges.len());
    let mut stack_of: HashMap<String, usize> = HashMap::new();
    for (s, &(first, last)) in ranges.iter().enumerate() {
        for unit in &units[first..=last] {
            for id in &unit.ids {
                stack_of.insert(id.clone(), s);
            }
        }
    }

    // A component's waivers go with it: the parent would otherwise hold a
    // record of every waiver of the pipeline, megabytes for a large one.
    let mut waivers = if by_owner { waivers_by_stack(&mut template, &stack_of, ranges.len()) } else { Vec::new() };

    // The children: their resources rewritten, the parameters they read.
    let mut children: Vec<Template> = Vec::with_capacity(ranges.len());
    let mut wiring: Vec<IndexMap<String, Value>> = Vec::with_capacity(ranges.len());
    let mut depends: Vec<IndexSet<usize>> = vec![IndexSet::new(); ranges.len()];
    let mut exported: Vec<IndexSet<Key>> = vec![IndexSet::new(); ranges.len()];
    let mut reads: Vec<HashSet<usize>> = vec![HashSet::new(); ranges.len()];
    let mut resources = template.resources;
    for (s, &(first, last)) in ranges.iter().enumerate() {
        let mut child = Template {
            format_version: template.format_version,
            description: format!(
                "medc: stack {} of the nested pipeline `{}` (compiled from .medimg; do not edit by hand)",
                stack_names[s], carried.pipeline
            ),
            ..Template::default()
        };
        let mut uses = Uses::default();
        // Every stack enforces the template's rules (where it may deploy).
        child.rules = template.rules.clone();
        for rule in template.rules.values() {
            for assertion in &rule.assertions {
                collect(&assertion.assert, &ids, &params, &mut uses);
            }
        }
        let mut pass: IndexMap<String, Value> = IndexMap::new();
        // One rewriter for the stack's resources and outputs alike.
        let mut rewriter = Rewriter {
            home: Some(s),
            stack_of: &stack_of,
            stack_names: &stack_names,
            names,
            params: &params,
            uses: &mut uses,
        };
        for unit in &units[first..=last] {
            for id in &unit.ids {
                let Some(mut resource) = resources.swap_remove(id) else { continue };
                rewriter.resource(&mut resource);
                for target in std::mem::take(&mut resource.depends_on) {
                    match stack_of.get(target.as_str()) {
                        Some(&t) if t != s => {
                            depends[s].insert(t);
                        }
                        _ => resource.depends_on.push(target),
                    }
                }
                child.resources.insert(id.clone(), resource);
            }
            for (name, output) in &unit.outputs {
                let mut output = output.clone();
                rewriter.value(&mut output.value);
                if let Some(export) = &mut output.export {
                    rewriter.value(&mut export.name);
                }
                child.outputs.insert(name.clone(), output);
            }
        }
        // Conditions the child uses, with those and the parameters they read.
        let (conditions, read) = closure(&uses.conditions, &template.conditions, &ids, &params);
        uses.params.extend(read);
        for (name, definition) in &template.conditions {
            if conditions.contains(name) {
                child.conditions.insert(name.clone(), definition.clone());
            }
        }
        for (name, parameter) in &template.parameters {
            if uses.params.contains(name) {
                child.parameters.insert(name.clone(), parameter.clone());
                pass.insert(name.clone(), reference(name));
            }
        }
        for key in &uses.keys {
            let Some(&producer) = stack_of.get(key.0.as_str()) else { continue };
            if producer == s {
                continue;
            }
            let name = names.of(key);
            let list =
                key.1.as_deref().is_some_and(|a| is_list(resource_kind(&children, producer, &resources, key), a));
            child.parameters.insert(
                name.clone(),
                Parameter {
                    kind: if list { "CommaDelimitedList" } else { "String" },
                    description: describe(key, &stack_names[producer]),
                    default: None,
                    allowed_pattern: None,
                    constraint_description: None,
                },
            );
            pass.insert(name.clone(), get_att(&stack_names[producer], &format!("{OUTPUTS}{name}")));
            exported[producer].insert(key.clone());
            reads[s].insert(producer);
        }
        if let Some(record) = waivers.get_mut(s).and_then(Option::take) {
            child.metadata.insert(MEDC.into(), record);
        }
        children.push(child);
        wiring.push(pass);
    }

    // The parent: what the template held besides its resources.
    let mut parent = Template {
        format_version: template.format_version,
        description: template.description,
        metadata: template.metadata,
        parameters: template.parameters,
        rules: template.rules,
        ..Template::default()
    };
    let mut uses = Uses::default();
    for output in outputs.values_mut() {
        let mut rewriter = Rewriter {
            home: None,
            stack_of: &stack_of,
            stack_names: &stack_names,
            names,
            params: &params,
            uses: &mut uses,
        };
        rewriter.value(&mut output.value);
    }
    for key in &uses.keys {
        if let Some(&producer) = stack_of.get(key.0.as_str()) {
            exported[producer].insert(key.clone());
        }
    }
    // Each producer's outputs, in the order of its resources.
    for (s, keys) in exported.iter_mut().enumerate() {
        let order: HashMap<&str, usize> =
            children[s].resources.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        keys.sort_by(|a, b| order.get(a.0.as_str()).cmp(&order.get(b.0.as_str())).then_with(|| a.1.cmp(&b.1)));
        for key in keys.iter() {
            let name = names.of(key);
            let Some(resource) = children[s].resources.get(&key.0) else { continue };
            let mut value = match &key.1 {
                None => reference(&key.0),
                Some(attribute) => get_att(&key.0, attribute),
            };
            if key.1.as_deref().is_some_and(|a| is_list(resource.kind, a)) {
                value = json!({ "Fn::Join": [",", value] });
            }
            // A resource under a condition exists only when it holds; its
            // output is then empty, and its consumers read it under the
            // same condition.
            if let Some(condition) = &resource.condition {
                value = json!({ "Fn::If": [condition, value, ""] });
            }
            let description = describe(key, &stack_names[s]);
            children[s].outputs.insert(name, Output { description, value, export: None });
        }
    }
    let used = closure(&uses.conditions, &template.conditions, &ids, &params).0;
    for (name, definition) in &template.conditions {
        if used.contains(name) {
            parent.conditions.insert(name.clone(), definition.clone());
        }
    }
    for s in 0..children.len() {
        let mut properties = Map::new();
        properties.insert("TemplateURL".into(), json!(Nested::file_name(&stack_names[s])));
        if !wiring[s].is_empty() {
            properties.insert("Parameters".into(), Value::Object(wiring[s].clone().into_iter().collect()));
        }
        if !carried.tags.is_null() {
            properties.insert("Tags".into(), carried.tags.clone());
        }
        let mut resource = Resource::new(STACK, Value::Object(properties)).policy(carried.policy);
        // A stack whose outputs it reads is waited for already (cfn-lint W3005).
        for &d in depends[s].iter().filter(|&&d| !reads[s].contains(&d)) {
            resource = resource.depends_on(&stack_names[d]);
        }
        parent.resources.insert(stack_names[s].clone(), resource);
    }
    parent.outputs = outputs;
    let children = stack_names.into_iter().zip(children).collect();
    Ok((parent, children))
}

/// The unit of what an alarm watches, so that it is packed beside it
/// rather than with every other alarm: the `alarms` component makes an
/// alarm for every component, and a pipeline of a few hundred components
/// has more alarms than a stack holds. What it watches is the last lowered
/// of the resources its `Dimensions` name (a service, not its cluster), or
/// else the component whose logical-id prefix its own id has (`Db1...`).
fn watched_unit(
    id: &str,
    resource: &Resource,
    ids: &HashSet<String>,
    params: &HashSet<String>,
    unit_of: &HashMap<String, usize>,
    prefixes: &HashMap<String, usize>,
) -> Option<usize> {
    if resource.kind != "AWS::CloudWatch::Alarm" {
        return None;
    }
    let mut uses = Uses::default();
    if let Some(dimensions) = resource.properties.get("Dimensions") {
        collect(dimensions, ids, params, &mut uses);
    }
    let named = uses.keys.iter().filter_map(|key| unit_of.get(&key.0).copied()).max();
    named.or_else(|| {
        (1..id.len()).rev().filter(|&end| id.is_char_boundary(end)).find_map(|end| prefixes.get(&id[..end]).copied())
    })
}

/// The key of medc's own template metadata (`Lowering`'s record of the
/// waivers: pipeline, compliance, and each waiver with its `Scope`).
const MEDC: &str = "medc";

/// Takes out of `template`'s metadata the waivers of the components each
/// stack holds: for each stack, its own record (the pipeline and
/// compliance, and those waivers), or None when it holds no waived
/// component. The pipeline's waivers, and those of components without
/// resources, stay in the template.
fn waivers_by_stack(template: &mut Template, stack_of: &HashMap<String, usize>, stacks: usize) -> Vec<Option<Value>> {
    let mut records = vec![None; stacks];
    let Some(Value::Object(record)) = template.metadata.get_mut(MEDC) else { return records };
    let Some(Value::Array(all)) = record.get_mut("Waivers") else { return records };
    let mut stack_of_owner: HashMap<&str, usize> = HashMap::new();
    for (id, resource) in &template.resources {
        if let (Some(owner), Some(&s)) = (&resource.owner, stack_of.get(id)) {
            stack_of_owner.entry(owner.as_str()).or_insert(s);
        }
    }
    let mut of_stack: Vec<Vec<Value>> = vec![Vec::new(); stacks];
    let mut kept = Vec::new();
    for waiver in std::mem::take(all) {
        match waiver.get("Scope").and_then(Value::as_str).and_then(|scope| stack_of_owner.get(scope)) {
            Some(&s) => of_stack[s].push(waiver),
            None => kept.push(waiver),
        }
    }
    *all = kept;
    for (s, waivers) in of_stack.into_iter().enumerate() {
        if !waivers.is_empty() {
            let mut own: Map<String, Value> =
                record.iter().filter(|(key, _)| *key != "Waivers").map(|(k, v)| (k.clone(), v.clone())).collect();
            own.insert("Waivers".into(), Value::Array(waivers));
            records[s] = Some(Value::Object(own));
        }
    }
    records
}

/// The unit of the component whose logical-id prefix (`Db5`) begins a
/// name, followed by the rest of the name (`DatabaseSecretArn`): the
/// longest such prefix.
fn prefixed_by(name: &str, prefixes: &HashMap<String, usize>) -> Option<usize> {
    (1..name.len())
        .rev()
        .filter(|&end| name.is_char_boundary(end) && name[end..].starts_with(|c: char| c.is_ascii_uppercase()))
        .find_map(|end| prefixes.get(&name[..end]).copied())
}

/// The units grouped and ordered so that a group comes after every group
/// its resources read or depend on: the strongly connected components of
/// the unit graph (Tarjan's algorithm, without recursion), which it emits
/// with what a component reads just before it, in lowering order otherwise.
fn dependency_order(
    count: usize,
    resources: &IndexMap<String, Resource>,
    uses_of: &[Uses],
    unit_of: &HashMap<String, usize>,
) -> Vec<Vec<usize>> {
    let mut reads: Vec<IndexSet<usize>> = vec![IndexSet::new(); count];
    for ((id, resource), uses) in resources.iter().zip(uses_of) {
        let Some(&u) = unit_of.get(id) else { continue };
        let targets = uses.keys.iter().map(|k| &k.0).chain(&resource.depends_on);
        for target in targets {
            if let Some(&t) = unit_of.get(target) {
                if t != u {
                    reads[u].insert(t);
                }
            }
        }
    }
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack: Vec<usize> = Vec::new();
    let mut next_index = 0;
    let mut groups = Vec::new();
    // The walk starts from the units nothing reads (a service, say), so
    // that each is emitted right after what it reads (its tier's database,
    // buckets and queues): packed in that order, a stack holds whole tiers,
    // and little but the pipeline's shared resources crosses between stacks.
    let mut read = vec![false; count];
    for targets in &reads {
        for &t in targets {
            read[t] = true;
        }
    }
    let roots = (0..count).filter(|&u| !read[u]).chain((0..count).filter(|&u| read[u]));
    for root in roots {
        if index[root] != UNSEEN {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((u, edge)) = work.pop() {
            if edge == 0 {
                index[u] = next_index;
                low[u] = next_index;
                next_index += 1;
                stack.push(u);
                on_stack[u] = true;
            }
            if let Some(&t) = reads[u].get_index(edge) {
                work.push((u, edge + 1));
                if index[t] == UNSEEN {
                    work.push((t, 0));
                } else if on_stack[t] {
                    low[u] = low[u].min(index[t]);
                }
                continue;
            }
            // Every edge of `u` is walked: fold its low link into its caller.
            if let Some(&(caller, _)) = work.last() {
                low[caller] = low[caller].min(low[u]);
            }
            if low[u] == index[u] {
                let mut group = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    group.push(member);
                    if member == u {
                        break;
                    }
                }
                groups.push(group);
            }
        }
    }
    groups
}

/// The conditions `used` names and those their definitions name in turn,
/// with the parameters they read.
fn closure(
    used: &IndexSet<String>,
    conditions: &IndexMap<String, Value>,
    ids: &HashSet<String>,
    params: &HashSet<String>,
) -> (IndexSet<String>, IndexSet<String>) {
    let mut todo: Vec<String> = used.iter().cloned().collect();
    let (mut names, mut read) = (IndexSet::new(), IndexSet::new());
    while let Some(name) = todo.pop() {
        if !names.insert(name.clone()) {
            continue;
        }
        if let Some(definition) = conditions.get(&name) {
            let mut inner = Uses::default();
            collect(definition, ids, params, &mut inner);
            read.extend(inner.params);
            todo.extend(inner.conditions);
        }
    }
    (names, read)
}

/// The type of the resource a key names, wherever it now is.
fn resource_kind(children: &[Template], producer: usize, rest: &IndexMap<String, Resource>, key: &Key) -> &'static str {
    // The producer's stack when made already (one lookup, not a search of
    // every stack: that made splitting quadratic), else the resources left.
    children.get(producer).and_then(|c| c.resources.get(&key.0)).or_else(|| rest.get(&key.0)).map_or("", |r| r.kind)
}

fn describe(key: &Key, producer: &str) -> String {
    match &key.1 {
        None => format!("`{}` of stack {producer}", key.0),
        Some(attribute) if attribute.starts_with(OUTPUTS) => {
            format!("output `{}` of stack {producer}", &attribute[OUTPUTS.len()..])
        }
        Some(attribute) => format!("`{}.{attribute}` of stack {producer}", key.0),
    }
}

/// Attributes whose value is a list: passed between stacks as one
/// comma-separated string (`Fn::Join` in the producer's output, a
/// `CommaDelimitedList` parameter in the consumer).
fn is_list(kind: &str, attribute: &str) -> bool {
    matches!(
        (kind, attribute),
        ("AWS::EC2::VPC", "CidrBlockAssociations" | "Ipv6CidrBlocks")
            | ("AWS::EC2::Subnet", "Ipv6CidrBlocks")
            | ("AWS::ElasticLoadBalancingV2::LoadBalancer", "SecurityGroups")
            | ("AWS::Route53::HostedZone", "NameServers")
    )
}

/// What a stack being packed holds, measured as it grows.
#[derive(Clone, Default)]
struct Packed {
    resources: usize,
    bytes: usize,
    /// Keys read from other stacks, and parameters passed down.
    inputs: HashSet<Key>,
    params: HashSet<String>,
    outputs: HashSet<Key>,
    /// The pipeline's outputs it holds.
    pipeline_outputs: usize,
}

impl Packed {
    /// This stack (units `start..u`) with unit `u` added.
    fn with(
        &self,
        units: &[Unit],
        start: usize,
        u: usize,
        consumers: &HashMap<Key, (usize, usize, bool)>,
        unit_of: &HashMap<String, usize>,
        parameters: &IndexMap<String, Parameter>,
    ) -> Packed {
        let mut next = self.clone();
        let unit = &units[u];
        next.resources += unit.ids.len();
        next.bytes += unit.bytes;
        next.pipeline_outputs += unit.outputs.len();
        let inside = |target: &str| unit_of.get(target).is_some_and(|&t| t >= start && t <= u);
        for key in &unit.provides {
            next.inputs.remove(key);
        }
        for key in &unit.needs {
            if !inside(&key.0) {
                next.inputs.insert(key.clone());
            }
        }
        next.params.extend(unit.params.iter().filter(|p| parameters.contains_key(*p)).cloned());
        let external =
            |key: &Key| consumers.get(key).is_some_and(|&(min, max, parent)| parent || min < start || max > u);
        for key in &unit.provides {
            if external(key) {
                next.outputs.insert(key.clone());
            }
        }
        for key in &unit.needs {
            if inside(&key.0) && !external(key) {
                next.outputs.remove(key);
            }
        }
        next
    }

    fn fits(&self, limits: &Limits) -> bool {
        let parameters = self.inputs.len() + self.params.len();
        let outputs = self.outputs.len() + self.pipeline_outputs;
        let bytes = TEMPLATE_BYTES + self.bytes + parameters * PARAMETER_BYTES + self.outputs.len() * OUTPUT_BYTES;
        self.resources <= limits.resources
            && parameters <= limits.parameters
            && outputs <= limits.outputs
            && bytes <= limits.body
    }
}

/// Every reference in a resource: its properties, its condition. A
/// `DependsOn` passes no value; between stacks it orders the stacks.
fn collect_resource(resource: &Resource, ids: &HashSet<String>, params: &HashSet<String>, uses: &mut Uses) {
    for value in resource.properties.values() {
        collect(value, ids, params, uses);
    }
    if let Some(condition) = &resource.condition {
        uses.conditions.insert(condition.clone());
    }
}

/// Every reference in a value: `Ref`, `Fn::GetAtt`, `Fn::Sub` variables,
/// conditions (`Fn::If`, `Condition`).
fn collect(value: &Value, ids: &HashSet<String>, params: &HashSet<String>, uses: &mut Uses) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| collect(v, ids, params, uses)),
        Value::Object(map) if map.len() == 1 => {
            let Some((function, argument)) = map.iter().next() else { return };
            match (function.as_str(), argument) {
                ("Ref", Value::String(name)) => note(name, None, ids, params, uses),
                ("Fn::GetAtt", Value::Array(pair)) => {
                    if let [Value::String(id), Value::String(attribute)] = pair.as_slice() {
                        note(id, Some(attribute), ids, params, uses);
                    }
                }
                ("Fn::Sub", Value::String(text)) => sub_variables(text, ids, params, uses, &HashSet::new()),
                ("Fn::Sub", Value::Array(parts)) => {
                    if let [Value::String(text), Value::Object(vars)] = parts.as_slice() {
                        let local: HashSet<&str> = vars.keys().map(String::as_str).collect();
                        sub_variables(text, ids, params, uses, &local);
                        vars.values().for_each(|v| collect(v, ids, params, uses));
                    }
                }
                ("Fn::If", Value::Array(parts)) => {
                    if let Some(Value::String(condition)) = parts.first() {
                        uses.conditions.insert(condition.clone());
                    }
                    parts.iter().skip(1).for_each(|v| collect(v, ids, params, uses));
                }
                ("Condition", Value::String(condition)) => {
                    uses.conditions.insert(condition.clone());
                }
                _ => collect(argument, ids, params, uses),
            }
        }
        Value::Object(map) => map.values().for_each(|v| collect(v, ids, params, uses)),
        _ => {}
    }
}

fn note(id: &str, attribute: Option<&str>, ids: &HashSet<String>, params: &HashSet<String>, uses: &mut Uses) {
    if ids.contains(id) {
        uses.keys.insert((id.to_string(), attribute.map(str::to_string)));
    } else if attribute.is_none() && params.contains(id) {
        uses.params.insert(id.to_string());
    }
}

fn sub_variables(text: &str, ids: &HashSet<String>, params: &HashSet<String>, uses: &mut Uses, local: &HashSet<&str>) {
    for (_, variable) in variables(text) {
        if local.contains(variable) {
            continue;
        }
        match variable.split_once('.') {
            Some((id, attribute)) => note(id, Some(attribute), ids, params, uses),
            None => note(variable, None, ids, params, uses),
        }
    }
}

/// The `${NAME}` variables of an `Fn::Sub` pattern, with their byte ranges
/// (`${!literal}` is not one).
fn variables(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("${").map(|i| i + from) {
        let Some(close) = text[open..].find('}').map(|i| i + open) else { break };
        let inner = &text[open + 2..close];
        if !inner.starts_with('!') {
            found.push((open..close + 1, inner));
        }
        from = close + 1;
    }
    found
}

/// Rewrites the references of a resource in stack `home` (None: the
/// parent) to resources in other stacks.
struct Rewriter<'a, 'n> {
    home: Option<usize>,
    stack_of: &'a HashMap<String, usize>,
    stack_names: &'a [String],
    names: &'n mut Names,
    params: &'a HashSet<String>,
    uses: &'a mut Uses,
}

impl Rewriter<'_, '_> {
    fn resource(&mut self, resource: &mut Resource) {
        for value in resource.properties.values_mut() {
            self.value(value);
        }
        if let Some(condition) = &resource.condition {
            self.uses.conditions.insert(condition.clone());
        }
    }

    /// The producer of a resource outside this stack.
    fn elsewhere(&self, id: &str) -> Option<usize> {
        self.stack_of.get(id).copied().filter(|&s| Some(s) != self.home)
    }

    /// What a reference to another stack's resource reads here: in a
    /// child, the parameter; in the parent, the producer's output.
    fn replaced(&mut self, key: Key, producer: usize) -> Value {
        let name = self.names.of(&key);
        self.uses.keys.insert(key);
        match self.home {
            Some(_) => reference(&name),
            None => get_att(&self.stack_names[producer], &format!("{OUTPUTS}{name}")),
        }
    }

    fn value(&mut self, value: &mut Value) {
        let replacement = match value {
            Value::Array(items) => {
                items.iter_mut().for_each(|v| self.value(v));
                None
            }
            Value::Object(map) if map.len() == 1 => {
                let Some((function, argument)) = map.iter_mut().next() else { return };
                match (function.as_str(), argument) {
                    ("Ref", Value::String(name)) => {
                        if let Some(producer) = self.elsewhere(name) {
                            Some(self.replaced((name.clone(), None), producer))
                        } else {
                            if self.params.contains(name.as_str()) {
                                self.uses.params.insert(name.clone());
                            }
                            None
                        }
                    }
                    ("Fn::GetAtt", Value::Array(pair)) => match pair.as_slice() {
                        [Value::String(id), Value::String(attribute)] => self
                            .elsewhere(id)
                            .map(|producer| self.replaced((id.clone(), Some(attribute.clone())), producer)),
                        _ => None,
                    },
                    ("Fn::Sub", Value::String(text)) => {
                        *text = self.sub(text, &HashSet::new());
                        None
                    }
                    ("Fn::Sub", Value::Array(parts)) => {
                        if let [Value::String(text), Value::Object(vars)] = parts.as_mut_slice() {
                            let local: HashSet<String> = vars.keys().cloned().collect();
                            let local: HashSet<&str> = local.iter().map(String::as_str).collect();
                            *text = self.sub(text, &local);
                            vars.values_mut().for_each(|v| self.value(v));
                        }
                        None
                    }
                    ("Fn::If", Value::Array(parts)) => {
                        if let Some(Value::String(condition)) = parts.first() {
                            self.uses.conditions.insert(condition.clone());
                        }
                        parts.iter_mut().skip(1).for_each(|v| self.value(v));
                        None
                    }
                    ("Condition", Value::String(condition)) => {
                        self.uses.conditions.insert(condition.clone());
                        None
                    }
                    (_, argument) => {
                        self.value(argument);
                        None
                    }
                }
            }
            Value::Object(map) => {
                map.values_mut().for_each(|v| self.value(v));
                None
            }
            _ => None,
        };
        if let Some(replacement) = replacement {
            *value = replacement;
        }
    }

    /// An `Fn::Sub` pattern with its variables rewritten.
    fn sub(&mut self, text: &str, local: &HashSet<&str>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (range, variable) in variables(text) {
            if local.contains(variable) {
                continue;
            }
            let (id, attribute) = match variable.split_once('.') {
                Some((id, attribute)) => (id, Some(attribute.to_string())),
                None => (variable, None),
            };
            let Some(producer) = self.elsewhere(id) else {
                if attribute.is_none() && self.params.contains(id) {
                    self.uses.params.insert(id.to_string());
                }
                continue;
            };
            let key = (id.to_string(), attribute);
            let name = self.names.of(&key);
            self.uses.keys.insert(key);
            out.push_str(&text[last..range.start]);
            match self.home {
                Some(_) => out.push_str(&format!("${{{name}}}")),
                None => out.push_str(&format!("${{{}.{OUTPUTS}{name}}}", self.stack_names[producer])),
            }
            last = range.end;
        }
        out.push_str(&text[last..]);
        out
    }
}

/// What is wrong with a split, if anything: a reference that does not
/// resolve in its own template (a resource, parameter or condition it
/// lacks, an output its child lacks), or a child whose parameters its
/// `Stack` resource does not pass exactly. `compile` runs it on every split.
pub fn dangling(nested: &Nested) -> Vec<String> {
    let mut found = Vec::new();
    let templates: HashMap<&str, &Template> = nested.children.iter().map(|(n, t)| (n.as_str(), t)).collect();
    let all =
        std::iter::once(("the parent", &nested.parent)).chain(nested.children.iter().map(|(n, t)| (n.as_str(), t)));
    for (name, template) in all {
        let ids: HashSet<String> = template.resources.keys().cloned().collect();
        let params: HashSet<String> = template.parameters.keys().cloned().collect();
        let mut uses = Uses::default();
        let mut missing_params = Vec::new();
        for resource in template.resources.values() {
            collect_resource(resource, &ids, &params, &mut uses);
            for value in resource.properties.values() {
                missing_params.extend(unknown_names(value, &ids, &params));
            }
            for target in &resource.depends_on {
                if !ids.contains(target) {
                    found.push(format!("{name}: `DependsOn` names `{target}`, not in the template"));
                }
            }
        }
        for output in template.outputs.values() {
            collect(&output.value, &ids, &params, &mut uses);
            missing_params.extend(unknown_names(&output.value, &ids, &params));
        }
        for definition in template.conditions.values() {
            collect(definition, &ids, &params, &mut uses);
            missing_params.extend(unknown_names(definition, &ids, &params));
        }
        for missing in missing_params {
            found.push(format!("{name}: `{missing}` is neither a resource nor a parameter of the template"));
        }
        for condition in &uses.conditions {
            if !template.conditions.contains_key(condition) {
                found.push(format!("{name}: the condition `{condition}` is not in the template"));
            }
        }
        for (id, attribute) in &uses.keys {
            let Some(output) = attribute.as_deref().and_then(|a| a.strip_prefix(OUTPUTS)) else { continue };
            match templates.get(id.as_str()) {
                Some(child) if child.outputs.contains_key(output) => {}
                _ => found.push(format!("{name}: `{id}` has no output `{output}`")),
            }
        }
        for (id, resource) in &template.resources {
            if resource.kind != STACK {
                continue;
            }
            let Some(child) = templates.get(id.as_str()) else {
                found.push(format!("{name}: the stack `{id}` has no template"));
                continue;
            };
            let passed: IndexSet<&String> = match resource.properties.get("Parameters") {
                Some(Value::Object(map)) => map.keys().collect(),
                _ => IndexSet::new(),
            };
            let declared: IndexSet<&String> = child.parameters.keys().collect();
            if passed != declared {
                found.push(format!("{name}: the stack `{id}` is passed {passed:?} but declares {declared:?}"));
            }
        }
    }
    found
}

/// The names a value reads (`Ref`, `Fn::Sub` variables, `Fn::GetAtt`
/// resources) that are neither resources, parameters nor pseudo parameters.
fn unknown_names(value: &Value, ids: &HashSet<String>, params: &HashSet<String>) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut check = |name: &str| {
        if !name.starts_with("AWS::") && !ids.contains(name) && !params.contains(name) {
            unknown.push(name.to_string());
        }
    };
    let mut todo = vec![value];
    while let Some(value) = todo.pop() {
        match value {
            Value::Array(items) => todo.extend(items),
            Value::Object(map) => {
                if map.len() == 1 {
                    match map.iter().next() {
                        Some((f, Value::String(name))) if f == "Ref" => check(name),
                        Some((f, Value::Array(pair))) if f == "Fn::GetAtt" => {
                            if let Some(Value::String(id)) = pair.first() {
                                check(id);
                            }
                        }
                        Some((f, Value::String(text))) if f == "Fn::Sub" => {
                            for (_, variable) in variables(text) {
                                check(variable.split_once('.').map_or(variable, |(id, _)| id));
                            }
                        }
                        _ => {}
                    }
                }
                todo.extend(map.values());
            }
            _ => {}
        }
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(kind: &'static str, owner: &str, properties: Value) -> Resource {
        let mut resource = Resource::new(kind, properties);
        resource.owner = Some(owner.to_string());
        resource
    }

    fn parameter() -> Parameter {
        Parameter {
            kind: "String",
            description: "a parameter".into(),
            default: None,
            allowed_pattern: None,
            constraint_description: None,
        }
    }

    fn carried() -> Carried {
        Carried { pipeline: "p".into(), tags: json!([{ "Key": "project", "Value": "p" }]), policy: Policy::Retain }
    }

    /// Limits of `resources` resources a stack (packing: nine tenths).
    fn limits(resources: usize) -> Limits {
        Limits { resources, body: 1_000_000, parameters: 200, outputs: 200 }
    }

    fn child<'n>(nested: &'n Nested, name: &str) -> &'n Template {
        &nested.children.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no child {name}")).1
    }

    fn sound(nested: &Nested, limits: &Limits) {
        assert_eq!(dangling(nested), Vec::<String>::new());
        assert!(fits(&nested.parent, limits), "the parent is over {limits:?}");
        for (name, template) in &nested.children {
            assert!(fits(template, limits), "{name} is over {limits:?}");
        }
    }

    /// Component `a` (three resources, one under a condition), `b` reading
    /// them every way, `c` only waiting for `a`; an output of the pipeline.
    fn three_components() -> Template {
        let mut t = Template { format_version: "2010-09-09", description: "p".into(), ..Template::default() };
        t.parameters.insert("EnvironmentSuffix".into(), parameter());
        t.parameters.insert("X".into(), parameter());
        t.parameters.insert("Unread".into(), parameter());
        t.conditions.insert("HasX".into(), json!({ "Fn::Not": [{ "Fn::Equals": [{ "Ref": "X" }, ""] }] }));
        t.resources.insert("A1".into(), resource("AWS::S3::Bucket", "a", json!({ "BucketName": "a" })));
        t.resources.insert("A2".into(), resource("AWS::SNS::Topic", "a", json!({})).when("HasX"));
        t.resources.insert("A3".into(), resource("AWS::SQS::Queue", "a", json!({})));
        t.resources.insert(
            "B1".into(),
            resource(
                "AWS::SNS::Topic",
                "b",
                json!({
                    "R": { "Ref": "A1" },
                    "G": { "Fn::GetAtt": ["A1", "Arn"] },
                    "S": { "Fn::Sub": "${A1}/${A1.Arn}/${AWS::Region}/${EnvironmentSuffix}/${!Literal}" },
                    "I": { "Fn::If": ["HasX", { "Ref": "A2" }, { "Ref": "AWS::NoValue" }] },
                }),
            ),
        );
        for id in ["C1", "C2", "C3"] {
            let mut r = resource("AWS::SQS::Queue", "c", json!({}));
            if id == "C1" {
                r = r.depends_on("A3");
            }
            t.resources.insert(id.into(), r);
        }
        t.outputs.insert(
            "BucketName".into(),
            Output { description: "the bucket".into(), value: json!({ "Ref": "A1" }), export: None },
        );
        t
    }

    #[test]
    fn references_between_stacks_become_outputs_and_parameters() {
        let nested = split(three_components(), &limits(4), &carried()).unwrap();
        sound(&nested, &limits(4));
        let names: Vec<&str> = nested.children.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Stack001", "Stack002", "Stack003"]);
        assert_eq!(nested.parent.resources.keys().collect::<Vec<_>>(), ["Stack001", "Stack002", "Stack003"]);

        // The consumer: a `Ref` reads the parameter of the same name, the
        // rest are rewritten; the condition comes with the parameter it reads.
        let b = child(&nested, "Stack002");
        assert_eq!(
            Value::Object(b.resources["B1"].properties.clone()),
            json!({
                "R": { "Ref": "A1" },
                "G": { "Ref": "A1Arn" },
                "S": { "Fn::Sub": "${A1}/${A1Arn}/${AWS::Region}/${EnvironmentSuffix}/${!Literal}" },
                "I": { "Fn::If": ["HasX", { "Ref": "A2" }, { "Ref": "AWS::NoValue" }] },
            })
        );
        assert_eq!(b.parameters.keys().collect::<Vec<_>>(), ["EnvironmentSuffix", "X", "A1", "A1Arn", "A2"]);
        assert_eq!(b.conditions.keys().collect::<Vec<_>>(), ["HasX"]);

        // The producer's outputs; the conditional resource's is empty
        // when it does not exist.
        let a = child(&nested, "Stack001");
        let outputs: Vec<(&String, &Value)> = a.outputs.iter().map(|(n, o)| (n, &o.value)).collect();
        assert_eq!(
            serde_json::to_value(&outputs).unwrap(),
            json!([
                ["A1", { "Ref": "A1" }],
                ["A1Arn", { "Fn::GetAtt": ["A1", "Arn"] }],
                ["A2", { "Fn::If": ["HasX", { "Ref": "A2" }, ""] }],
            ])
        );
        assert_eq!(a.parameters.keys().collect::<Vec<_>>(), ["X"], "its condition reads X");

        // The wiring in the parent: outputs to parameters, parameters passed
        // down; a `DependsOn` between stacks; tags and policy carried.
        let stack = &nested.parent.resources["Stack002"];
        assert_eq!(
            stack.properties["Parameters"],
            json!({
                "EnvironmentSuffix": { "Ref": "EnvironmentSuffix" },
                "X": { "Ref": "X" },
                "A1": { "Fn::GetAtt": ["Stack001", "Outputs.A1"] },
                "A1Arn": { "Fn::GetAtt": ["Stack001", "Outputs.A1Arn"] },
                "A2": { "Fn::GetAtt": ["Stack001", "Outputs.A2"] },
            })
        );
        assert!(stack.depends_on.is_empty(), "reading its outputs waits for Stack001 already");
        assert_eq!(stack.properties["TemplateURL"], json!("Stack002.template.json"));
        assert_eq!(stack.properties["Tags"], carried().tags);
        assert_eq!(stack.deletion_policy, Some(Policy::Retain));
        let c = &nested.parent.resources["Stack003"];
        assert_eq!(c.depends_on, ["Stack001"]);
        assert!(child(&nested, "Stack003").resources["C1"].depends_on.is_empty());

        // The parent keeps every parameter and the pipeline's outputs, read
        // from the children.
        assert_eq!(nested.parent.parameters.keys().collect::<Vec<_>>(), ["EnvironmentSuffix", "X", "Unread"]);
        assert_eq!(nested.parent.outputs["BucketName"].value, json!({ "Fn::GetAtt": ["Stack001", "Outputs.A1"] }));
        assert_eq!(
            nested.parent_in("site").resources["Stack001"].properties["TemplateURL"],
            json!("site/Stack001.template.json")
        );
    }

    #[test]
    fn a_template_that_fits_one_stack_is_one_child() {
        let nested = split(three_components(), &limits(500), &carried()).unwrap();
        sound(&nested, &limits(500));
        assert_eq!(nested.children.len(), 1);
        assert!(nested.children[0].1.outputs.contains_key("A1"), "the parent's output reads it");
    }

    /// `n` components of one queue each, each reading the one before.
    fn chain(n: usize) -> Template {
        let mut t = Template { format_version: "2010-09-09", description: "p".into(), ..Template::default() };
        t.parameters.insert("EnvironmentSuffix".into(), parameter());
        for i in 0..n {
            let properties = match i {
                0 => json!({ "QueueName": { "Fn::Sub": "q-${EnvironmentSuffix}" } }),
                _ => {
                    json!({ "RedrivePolicy": { "deadLetterTargetArn": { "Fn::GetAtt": [format!("Q{}", i - 1), "Arn"] } } })
                }
            };
            t.resources.insert(format!("Q{i}"), resource("AWS::SQS::Queue", &format!("c{i}"), properties));
        }
        t.outputs.insert(
            "LastQueue".into(),
            Output { description: "the last".into(), value: json!({ "Ref": format!("Q{}", n - 1) }), export: None },
        );
        t
    }

    #[test]
    fn more_children_than_a_stack_holds_are_grouped() {
        // Two resources a stack (three, less the margin): 12 components
        // make 6 stacks, in 3 groups, in 2 groups of groups.
        let nested = split(chain(12), &limits(3), &carried()).unwrap();
        sound(&nested, &limits(3));
        let names: Vec<&str> = nested.children.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "Group3L001",
                "Group3L002",
                "Group001",
                "Group002",
                "Group003",
                "Stack001",
                "Stack002",
                "Stack003",
                "Stack004",
                "Stack005",
                "Stack006"
            ]
        );
        // The parent reads the last queue through two levels of outputs.
        assert_eq!(nested.parent.outputs["LastQueue"].value, json!({ "Fn::GetAtt": ["Group3L002", "Outputs.Q11"] }));
        let group = child(&nested, "Group3L002");
        assert_eq!(group.outputs["Q11"].value, json!({ "Fn::GetAtt": ["Group003", "Outputs.Q11"] }));
        // Its parameter comes from its sibling; the sibling's queue reads
        // the suffix, passed down from the parent.
        assert_eq!(
            nested.parent.resources["Group3L002"].properties["Parameters"],
            json!({ "Q7Arn": { "Fn::GetAtt": ["Group3L001", "Outputs.Q7Arn"] } })
        );
        assert_eq!(
            nested.parent.resources["Group3L001"].properties["Parameters"],
            json!({ "EnvironmentSuffix": { "Ref": "EnvironmentSuffix" } })
        );
    }

    #[test]
    fn a_component_over_a_stack_on_its_own_is_refused() {
        let error = split(three_components(), &limits(3), &carried()).unwrap_err();
        assert_eq!((error.owner.as_deref(), error.resources), (Some("a"), 3));
    }

    #[test]
    fn generated_names_avoid_every_logical_id() {
        let mut t = three_components();
        t.resources.insert("A1Arn".into(), resource("AWS::SQS::Queue", "b", json!({})));
        t.resources.insert("Stack001".into(), resource("AWS::SQS::Queue", "d", json!({})));
        let nested = split(t, &limits(4), &carried()).unwrap();
        sound(&nested, &limits(4));
        let b = nested.children.iter().find(|(_, t)| t.resources.contains_key("B1")).unwrap();
        assert_eq!(b.1.resources["B1"].properties["G"], json!({ "Ref": "A1Arn2" }));
        let names: Vec<&str> = nested.children.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"NestedStack001") && !names.contains(&"Stack001"), "{names:?}");
    }

    #[test]
    fn a_list_attribute_goes_between_stacks_as_one_string() {
        let mut t = Template { format_version: "2010-09-09", description: "p".into(), ..Template::default() };
        t.resources.insert("Lb".into(), resource("AWS::ElasticLoadBalancingV2::LoadBalancer", "a", json!({})));
        t.resources.insert("Other".into(), resource("AWS::SQS::Queue", "a", json!({})));
        t.resources.insert(
            "Reader".into(),
            resource("AWS::EC2::SecurityGroup", "b", json!({ "G": { "Fn::GetAtt": ["Lb", "SecurityGroups"] } })),
        );
        let nested = split(t, &limits(3), &carried()).unwrap();
        sound(&nested, &limits(3));
        assert_eq!(child(&nested, "Stack002").parameters["LbSecurityGroups"].kind, "CommaDelimitedList");
        assert_eq!(
            child(&nested, "Stack001").outputs["LbSecurityGroups"].value,
            json!({ "Fn::Join": [",", { "Fn::GetAtt": ["Lb", "SecurityGroups"] }] })
        );
    }

    #[test]
    fn units_that_read_each_other_share_a_stack() {
        // 0 <- 1 <- 2, 3 <-> 4 (a service and its api), 4 -> 2.
        let mut resources = IndexMap::new();
        let mut unit_of = HashMap::new();
        let mut uses_of = Vec::new();
        let edges: [(usize, &[usize]); 5] = [(0, &[]), (1, &[0]), (2, &[1, 0]), (3, &[4, 2]), (4, &[3, 2])];
        for (u, reads) in edges {
            let id = format!("R{u}");
            let mut r = Resource::new("X", json!({}));
            for t in reads {
                r = r.depends_on(&format!("R{t}"));
            }
            resources.insert(id.clone(), r);
            unit_of.insert(id, u);
            uses_of.push(Uses::default());
        }
        let order = dependency_order(5, &resources, &uses_of, &unit_of);
        assert_eq!(order, vec![vec![0], vec![1], vec![2], vec![4, 3]]);
    }

    #[test]
    fn sub_variables_skip_literals() {
        let found: Vec<&str> = variables("${A}-${!B}-${C.Arn}-$D-${").into_iter().map(|(_, v)| v).collect();
        assert_eq!(found, ["A", "C.Arn"]);
    }

    /// `tiers` tiers, each a store and a service reading it, lowered as
    /// medc lowers them: every store, then every service; a shared key
    /// every store reads; an output of constants for each store.
    fn tiers(tiers: usize) -> Template {
        let mut t = Template { format_version: "2010-09-09", description: "p".into(), ..Template::default() };
        t.resources.insert("Key".into(), resource("AWS::KMS::Key", "key", json!({})));
        for i in 0..tiers {
            let store = format!("Store{i}Bucket");
            t.resources.insert(
                store.clone(),
                resource("AWS::S3::Bucket", &format!("store{i}"), json!({ "K": { "Ref": "Key" } })),
            );
            t.outputs.insert(
                format!("Store{i}SecretArn"),
                Output { description: "a constant".into(), value: json!(format!("arn:secret:{i}")), export: None },
            );
        }
        for i in 0..tiers {
            let reads = json!({ "B": { "Fn::GetAtt": [format!("Store{i}Bucket"), "Arn"] } });
            t.resources.insert(format!("Service{i}Role"), resource("AWS::IAM::Role", &format!("service{i}"), reads));
        }
        t
    }

    #[test]
    fn a_service_is_packed_beside_the_stores_it_reads() {
        let nested = split(tiers(40), &limits(10), &carried()).unwrap();
        sound(&nested, &limits(10));
        // A stack may end between a store and its service, no more: before,
        // every store came before every service, and nearly every service
        // read its store from another stack.
        let apart = nested
            .children
            .iter()
            .flat_map(|(_, child)| {
                child.resources.keys().filter(|id| id.starts_with("Service")).map(move |id| (child, id))
            })
            .filter(|(child, id)| {
                !child.resources.contains_key(&id.replace("Service", "Store").replace("Role", "Bucket"))
            })
            .count();
        assert!(apart < nested.children.len(), "{apart} services apart from their store");
    }

    #[test]
    fn outputs_of_constants_go_with_the_component_they_are_named_after() {
        // More outputs than the parent holds (180 with the margin).
        let nested = split(tiers(200), &limits(500), &carried()).unwrap();
        sound(&nested, &limits(500));
        assert!(nested.parent.outputs.is_empty(), "{:?}", nested.parent.outputs.keys());
        for (_, child) in &nested.children {
            for output in child.outputs.keys().filter(|o| o.ends_with("SecretArn")) {
                let store = output.replace("SecretArn", "Bucket");
                assert!(child.resources.contains_key(&store), "{output} without {store}");
            }
        }
        assert_eq!(
            prefixed_by("Store12SecretArn", &HashMap::from([("Store1".into(), 1), ("Store12".into(), 12)])),
            Some(12)
        );
        assert_eq!(prefixed_by("Store1SecretArn", &HashMap::from([("Store12".into(), 12)])), None);
    }

    #[test]
    fn child_file_names_are_recognized_and_nothing_else() {
        for name in [
            "Stack001.template.json",
            "Group012.template.json",
            "Group3L001.template.json",
            "NestedStack1234.template.json",
        ] {
            assert!(Nested::is_child_file(name), "{name}");
        }
        for name in [
            "Stack01.template.json",
            "Stack001.json",
            "MyStack001.template.json",
            "Stack001.template.json.bak",
            "StackABC.template.json",
            "GroupL001.template.json",
            "notes.txt",
        ] {
            assert!(!Nested::is_child_file(name), "{name}");
        }
    }

    #[test]
    fn a_component_waiver_record_goes_with_the_component() {
        let mut t = three_components();
        let waiver = |scope: &str| json!({ "Rule": "MEDC-1001", "Scope": scope, "Reason": "r" });
        t.metadata.insert(
            MEDC.into(),
            json!({ "Pipeline": "p", "Compliance": "hipaa", "Waivers": [waiver("a"), waiver("pipeline"), waiver("c"), waiver("a")] }),
        );
        let nested = split(t, &limits(4), &carried()).unwrap();
        sound(&nested, &limits(4));
        assert_eq!(
            nested.parent.metadata[MEDC],
            json!({ "Pipeline": "p", "Compliance": "hipaa", "Waivers": [waiver("pipeline")] })
        );
        let record = |stack: &str| child(&nested, stack).metadata.get(MEDC).cloned();
        assert_eq!(
            record("Stack001"),
            Some(json!({ "Pipeline": "p", "Compliance": "hipaa", "Waivers": [waiver("a"), waiver("a")] }))
        );
        assert_eq!(record("Stack002"), None, "b has no waiver");
        assert_eq!(record("Stack003").unwrap()["Waivers"], json!([waiver("c")]));
    }
}
