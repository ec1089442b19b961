//! The AWS limits that are not a single setting's constraint: tags,
//! Fargate's cpu and memory pairs, and the length and characters of the
//! resource names the lowering builds. (Compliance rules are in `rules`.)

use super::model::{Component, Kind, Origin, Program};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::naming::{self, Named};
use crate::span::Span;
use crate::types::{self, Value};

pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    tags(program, findings);
    for service in program.of_kind(Kind::Service) {
        fargate_size(service, findings);
    }
    for component in &program.components {
        // An invalid name is reported once, by the resolver.
        if super::resolve::valid_name(&component.name) {
            names(naming::component_names(&program.name.name, component), component.head, Some(component), findings);
        }
    }
    if super::resolve::valid_name(&program.name.name) {
        names(naming::pipeline_names(program), program.name.span, None, findings);
    }
}

/// Tag keys and values as AWS accepts them on every taggable resource.
fn tags(program: &Program, findings: &mut Vec<Finding>) {
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    let mut check = |text: &str, what: &str, limit: usize, span: Span| {
        let bad = text.chars().find(|c| !allowed(*c));
        let count = text.chars().count();
        if bad.is_none() && count <= limit {
            return;
        }
        let why = match bad {
            Some(c) if c.is_control() => format!("`{}` is not allowed in a tag", c.escape_default()),
            Some(c) => format!("`{c}` is not allowed in a tag"),
            None => format!("{count} characters; at most {limit}"),
        };
        findings.push(Finding {
            component: None,
            diagnostic: Diagnostic::new(
                &codes::TAG_VALUE,
                format!("{what} `{text}` cannot be a tag"),
                Label::new(span, why),
                "tags take letters, digits, spaces and `_ . : / = + - @`",
            ),
        });
    };
    if let Some(owner) = program.settings.get("owner") {
        if let (Value::String(text), Origin::User(span)) = (&owner.value, owner.origin) {
            check(text, "owner", 256, span);
        }
    }
    if let Some(setting) = program.settings.get("tags") {
        if let (Value::Tags(pairs), Origin::User(span)) = (&setting.value, setting.origin) {
            for (name, value) in pairs {
                check(name, "tag name", 128, span);
                check(value, "tag value", 256, span);
            }
        }
    }
}

/// The memory sizes (MiB) Fargate pairs with a cpu size.
fn fargate_memory(cpu: u64) -> Vec<u64> {
    let (min, max, step) = match cpu {
        256 => return vec![512, 1024, 2048],
        512 => (1024, 4096, 1024),
        1024 => (2048, 8192, 1024),
        2048 => (4096, 16384, 1024),
        4096 => (8192, 30720, 1024),
        8192 => (16384, 61440, 4096),
        16384 => (32768, 122880, 8192),
        _ => return Vec::new(),
    };
    (min..=max).step_by(step as usize).collect()
}

fn fargate_size(service: &Component, findings: &mut Vec<Finding>) {
    let (Some(cpu), Some(memory)) = (service.settings.get("cpu"), service.settings.get("memory")) else {
        return;
    };
    let (Value::Integer(cpu_units), Value::Size(bytes)) = (&cpu.value, &memory.value) else {
        return;
    };
    let options = fargate_memory(*cpu_units);
    // An unknown cpu size is reported by the setting's own `one_of`.
    if options.is_empty() || (bytes % (1 << 20) == 0 && options.contains(&(bytes >> 20))) {
        return;
    }
    let span = match (memory.origin, cpu.origin) {
        (Origin::User(span), _) | (Origin::Stdlib, Origin::User(span)) => span,
        _ => service.head,
    };
    let sizes: Vec<String> = options.iter().map(|mib| types::size(mib << 20)).collect();
    let choices = if sizes.len() <= 4 {
        types::quoted_list(&sizes)
    } else {
        format!(
            "`{}` to `{}` in steps of `{}`",
            sizes[0],
            sizes[sizes.len() - 1],
            types::size((options[1] - options[0]) << 20)
        )
    };
    let mut diagnostic = Diagnostic::new(
        &codes::FARGATE_SIZE,
        format!("Fargate does not run `cpu {cpu_units}` with `memory {}`", memory.value),
        Label::new(span, format!("with `cpu {cpu_units}`, memory is {choices}")),
        format!("pick a memory size of {choices}, or another cpu size"),
    );
    if let (Origin::User(cpu_span), Origin::User(_)) = (cpu.origin, memory.origin) {
        diagnostic = diagnostic.with_label(Label::new(cpu_span, "the cpu size is set here"));
    }
    findings.push(Finding { component: Some(service.name.clone()), diagnostic });
}

fn names(names: Vec<Named>, span: Span, component: Option<&Component>, findings: &mut Vec<Finding>) {
    for name in names {
        let longest = name.longest();
        if name.is_bucket {
            let valid = name.stem.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
                && name.stem.starts_with(|c: char| c.is_ascii_alphanumeric());
            if !valid || longest > name.limit {
                let why = if valid {
                    format!("`{}-<account>-<suffix>` can be {longest} characters; S3 allows {}", name.stem, name.limit)
                } else {
                    format!("`{}` has characters S3 does not allow", name.stem)
                };
                findings.push(name_finding(&codes::BUCKET_NAME, &name, span, component, why));
            }
            continue;
        }
        if longest > name.limit {
            let why = format!("`{}-<suffix>` can be {longest} characters; the limit is {}", name.stem, name.limit);
            findings.push(name_finding(&codes::NAME_TOO_LONG, &name, span, component, why));
        }
    }
}

fn name_finding(
    code: &'static crate::diagnostics::Code,
    name: &Named,
    span: Span,
    component: Option<&Component>,
    why: String,
) -> Finding {
    let whose = component.map_or("the pipeline".to_string(), super::describe);
    Finding {
        component: component.map(|c| c.name.clone()),
        diagnostic: Diagnostic::new(
            code,
            format!("the {} of {whose} would not fit AWS's rules", name.what),
            Label::new(span, why),
            format!("shorten the name; the environment suffix may be up to {} characters", naming::SUFFIX_MAX),
        ),
    }
}
