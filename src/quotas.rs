//! CloudFormation's quotas, checked on the template medc built: a template
//! over one is a compile-time error (MEDC-023x), not a stack that fails to
//! create. The figures are CloudFormation's documented quotas
//! ("AWS CloudFormation quotas" in its user guide). medc writes no
//! `Mappings`, so the mapping quotas cannot be reached; resource names are
//! checked earlier, against the longest environment suffix (MEDC-0218).

use crate::check::Program;
use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::lower::template::{Resource, Template};
use crate::span::Span;
use serde_json::Value;
use std::collections::HashMap;

/// Resources in one stack.
pub const MAX_RESOURCES: usize = 500;
/// A template body read from S3, in bytes.
pub const MAX_BODY: usize = 1_000_000;
/// A template body passed inline, in bytes.
pub const MAX_INLINE_BODY: usize = 51_200;
/// Parameters a template declares.
pub const MAX_PARAMETERS: usize = 200;
/// Outputs a template declares.
pub const MAX_OUTPUTS: usize = 200;
/// Characters of a logical id.
pub const MAX_LOGICAL_ID: usize = 255;
/// Tags on one resource.
pub const MAX_TAGS: usize = 50;

/// What splitting a pipeline means, said by every stack-wide quota error.
const SPLIT: &str = "split the pipeline into several pipelines (per site, environment or tier), each its own stack; \
                     `medc build DIRECTORY -o OUT` builds them all in one run";

/// What a pipeline over a stack's size can do instead, said by the
/// resource and body quota errors of a single-stack pipeline.
const NEST: &str = "write `stacks nested` in the pipeline to deploy it as a parent stack and nested stacks, \
                    whole components in each, or ";

/// The quotas on what the template declares: resources, parameters,
/// outputs, logical ids and tags. Checked before the template is emitted,
/// so that an oversized program is refused without writing its JSON.
pub fn counts(program: &Program, template: &Template) -> Vec<Diagnostic> {
    let mut diagnostics = stack_counts(program, template, Stack::Single);
    diagnostics.extend(each_resource(program, template));
    diagnostics
}

/// A single-stack pipeline whose lowering stopped once it was over the
/// resource quota (`lower::lower_within`): how far it got.
pub fn stopped(program: &Program, template: &Template, stopped: crate::lower::Stopped) -> Diagnostic {
    stack_wide(
        &codes::STACK_RESOURCES,
        format!(
            "the pipeline needs more than {MAX_RESOURCES} resources: its first {} components already make {}",
            thousands(stopped.components),
            thousands(stopped.resources)
        ),
        program.name.span,
        format!("{NEST}{SPLIT}; the most resources come from {}", largest_owners(template)),
    )
}

/// A nested pipeline with a component too large for any stack.
pub fn oversized(program: &Program, oversized: &crate::lower::nest::Oversized) -> Diagnostic {
    let head = oversized
        .owner
        .as_deref()
        .and_then(|owner| program.components.iter().find(|c| c.name == owner))
        .map(|c| c.head);
    let who = match &oversized.owner {
        Some(owner) => format!("the component `{owner}` alone needs"),
        None => "the pipeline's own resources alone need".to_string(),
    };
    Diagnostic::new(
        &codes::STACK_RESOURCES,
        format!(
            "{who} a stack of {} resources, {} bytes, {} parameters and {} outputs; a nested stack holds at most {MAX_RESOURCES}, {}, {MAX_PARAMETERS} and {MAX_OUTPUTS}",
            thousands(oversized.resources),
            thousands(oversized.bytes),
            thousands(oversized.parameters),
            thousands(oversized.outputs),
            thousands(MAX_BODY)
        ),
        Label::new(head.unwrap_or(program.name.span), "its resources must share one stack"),
        format!("a component is never split between stacks: {SPLIT}"),
    )
}

/// The quotas on each stack of a nested pipeline: the parent's and every
/// child's counts and body size.
pub fn nested(program: &Program, split: &crate::lower::nest::Nested) -> Vec<Diagnostic> {
    let mut diagnostics = stack_counts(program, &split.parent, Stack::Parent);
    diagnostics.extend(nested_size(program, Stack::Parent, crate::lower::nest::compact_len(&split.parent)));
    for (name, child) in &split.children {
        diagnostics.extend(stack_counts(program, child, Stack::Child(name)));
        diagnostics.extend(nested_size(program, Stack::Child(name), crate::lower::nest::compact_len(child)));
    }
    diagnostics
}

/// Which stack a quota is judged on.
#[derive(Clone, Copy, Debug)]
pub enum Stack<'a> {
    /// The pipeline's only stack.
    Single,
    /// The parent stack of a nested pipeline.
    Parent,
    /// One of a nested pipeline's children, by logical id.
    Child(&'a str),
}

impl Stack<'_> {
    fn the(self) -> String {
        match self {
            Stack::Single => "the template".into(),
            Stack::Parent => "the parent stack".into(),
            Stack::Child(name) => format!("the nested stack `{name}`"),
        }
    }
}

/// The quotas on one stack's counts.
pub fn stack_counts(program: &Program, template: &Template, stack: Stack<'_>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let at = program.name.span;
    let (the, nest) = match stack {
        Stack::Single => (stack.the(), NEST),
        _ => (stack.the(), ""),
    };
    let resources = template.resources.len();
    if resources > MAX_RESOURCES {
        diagnostics.push(stack_wide(
            &codes::STACK_RESOURCES,
            format!(
                "{the} has {} resources; a CloudFormation stack holds at most {MAX_RESOURCES}",
                thousands(resources)
            ),
            at,
            format!("{nest}{}; the most resources come from {}", SPLIT, largest_owners(template)),
        ));
    }
    let parameters = template.parameters.len();
    if parameters > MAX_PARAMETERS {
        diagnostics.push(stack_wide(
            &codes::STACK_PARAMETERS,
            format!("{the} declares {parameters} parameters; CloudFormation allows {MAX_PARAMETERS}"),
            at,
            format!("share one `param NAME` between settings that take the same value, or {SPLIT}"),
        ));
    }
    let outputs = template.outputs.len();
    if outputs > MAX_OUTPUTS {
        diagnostics.push(stack_wide(
            &codes::STACK_OUTPUTS,
            format!("{the} declares {outputs} outputs; CloudFormation allows {MAX_OUTPUTS}"),
            at,
            SPLIT.to_string(),
        ));
    }
    if !matches!(stack, Stack::Single) {
        for diagnostic in &mut diagnostics {
            diagnostic.primary = Label::new(at, NESTED_LABEL);
        }
    }
    diagnostics
}

/// The quotas on each resource: its logical id and its tags.
pub fn each_resource(program: &Program, template: &Template) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let at = program.name.span;
    let heads: HashMap<&str, Span> = program.components.iter().map(|c| (c.name.as_str(), c.head)).collect();
    let place = |resource: &Resource| resource.owner.as_deref().and_then(|o| heads.get(o).copied()).unwrap_or(at);
    if let Some((id, resource)) = template.resources.iter().find(|(id, _)| !valid_logical_id(id)) {
        diagnostics.push(Diagnostic::new(
            &codes::LOGICAL_ID,
            format!(
                "the logical id `{id}` has {} characters; CloudFormation takes at most {MAX_LOGICAL_ID} letters and digits",
                id.chars().count()
            ),
            Label::new(place(resource), "its resources are named after this component"),
            "give the component a shorter name",
        ));
    }
    let over: Vec<(&String, &Resource, usize)> = template
        .resources
        .iter()
        .filter_map(|(id, r)| tag_count(r).filter(|n| *n > MAX_TAGS).map(|n| (id, r, n)))
        .collect();
    if let Some((id, _, count)) = over.first() {
        let tags = program.settings.get("tags").and_then(|s| match s.origin {
            crate::check::model::Origin::User(span) => Some(span),
            crate::check::model::Origin::Stdlib => None,
        });
        diagnostics.push(Diagnostic::new(
            &codes::RESOURCE_TAGS,
            format!(
                "{} resources carry {count} tags (`{id}` the first); an AWS resource takes at most {MAX_TAGS}",
                over.len()
            ),
            Label::new(tags.unwrap_or(at), "these tags go on every taggable resource"),
            format!(
                "medc adds up to {} tags of its own; write at most {} in `tags`",
                BUILT_IN_TAGS,
                MAX_TAGS - BUILT_IN_TAGS
            ),
        ));
    }
    diagnostics
}

/// The quota on the template's body, from the sizes the emission measured
/// (`Template::emit`): `written` with indentation, `compact_len` without,
/// which is what CloudFormation counts and never more.
pub fn size(program: &Program, written: usize, compact_len: usize) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let at = program.name.span;
    if written > MAX_INLINE_BODY {
        let bytes = compact_len;
        if bytes > MAX_BODY {
            diagnostics.push(stack_wide(
                &codes::TEMPLATE_BODY,
                format!(
                    "the template is {} bytes even without indentation; CloudFormation reads at most {} (1 MB, from S3)",
                    thousands(bytes),
                    thousands(MAX_BODY)
                ),
                at,
                format!("{NEST}{SPLIT}; pipeline-wide `tags` are repeated on every resource"),
            ));
        } else if bytes > MAX_INLINE_BODY {
            diagnostics.push(stack_wide(
                &codes::TEMPLATE_INLINE,
                format!(
                    "the template is {} bytes without indentation; CloudFormation takes at most {} inline",
                    thousands(bytes),
                    thousands(MAX_INLINE_BODY)
                ),
                at,
                "deploy it through S3: `aws cloudformation deploy --s3-bucket BUCKET ...` uploads it first".to_string(),
            ));
        }
    }
    diagnostics
}

/// The quota on the body of one of a nested pipeline's stacks, from its
/// compact size; a nested stack is always read from S3.
pub fn nested_size(program: &Program, stack: Stack<'_>, compact: usize) -> Option<Diagnostic> {
    (compact > MAX_BODY)
        .then(|| {
            stack_wide(
                &codes::TEMPLATE_BODY,
                format!(
                    "{} is {} bytes without indentation; CloudFormation reads at most {} (1 MB, from S3)",
                    stack.the(),
                    thousands(compact),
                    thousands(MAX_BODY)
                ),
                program.name.span,
                format!("{SPLIT}; pipeline-wide `tags` are repeated on every resource"),
            )
        })
        .map(|mut diagnostic| {
            diagnostic.primary = Label::new(program.name.span, NESTED_LABEL);
            diagnostic
        })
}

/// The most tags medc puts on one resource: six on every taggable resource
/// (`Lowering::tags`), and on each data store the backup plan covers the
/// plan's own (`backup::PLAN_TAG`).
const BUILT_IN_TAGS: usize = 7;

fn stack_wide(code: &'static Code, message: String, at: Span, help: String) -> Diagnostic {
    Diagnostic::new(code, message, Label::new(at, "this pipeline is one stack"), help)
}

/// What the pipeline's name is labelled with in a nested stack's quota error.
const NESTED_LABEL: &str = "this pipeline is a parent stack and nested stacks";

/// The three components with the most resources, as "service `a` (14), ...".
fn largest_owners(template: &Template) -> String {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for resource in template.resources.values() {
        *counts.entry(resource.owner.as_deref().unwrap_or("the pipeline itself")).or_default() += 1;
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let named: Vec<String> = counts.iter().take(3).map(|(owner, n)| format!("`{owner}` ({n})")).collect();
    named.join(", ")
}

fn valid_logical_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LOGICAL_ID && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// How many tags a resource carries: its `Tags` list, or the map some
/// resource types take under another property.
fn tag_count(resource: &Resource) -> Option<usize> {
    match resource.tag_value()? {
        Value::Array(list) => Some(list.len()),
        Value::Object(map) => Some(map.len()),
        _ => None,
    }
}

/// 1234567 as "1,234,567".
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_ids_are_letters_and_digits_within_the_quota() {
        assert!(valid_logical_id("ResultsBucket"));
        assert!(!valid_logical_id(""));
        assert!(!valid_logical_id("Results-Bucket"));
        assert!(valid_logical_id(&"A".repeat(MAX_LOGICAL_ID)));
        assert!(!valid_logical_id(&"A".repeat(MAX_LOGICAL_ID + 1)));
    }

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(51_200), "51,200");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
