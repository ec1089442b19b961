//! The compliance rules and AWS limits that are not a single setting's
//! constraint: data residency, tags, raw grants, Fargate sizes, alarm
//! addresses, resource names, and the disposable lifecycle's record.

use super::model::{Component, Kind, Origin, Program};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label, Severity};
use crate::naming::{self, Named};
use crate::span::Span;
use crate::types::{self, Value};

pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    residency(program, findings);
    tags(program, findings);
    disposable(program, findings);
    for component in &program.components {
        match component.kind {
            Kind::Service => {
                grants(component, findings);
                fargate_size(component, findings);
            }
            Kind::Alarms => notify_target(component, findings),
            Kind::Key
            | Kind::Secret
            | Kind::Network
            | Kind::Database
            | Kind::Storage
            | Kind::Bucket
            | Kind::Cache
            | Kind::Stream
            | Kind::Api
            | Kind::Backup => {}
        }
        // An invalid name is reported once, by the resolver.
        if super::resolve::valid_name(&component.name) {
            names(naming::component_names(&program.name.name, component), component.head, Some(component), findings);
        }
    }
    if super::resolve::valid_name(&program.name.name) {
        names(naming::pipeline_names(program), program.name.span, None, findings);
    }
}

/// Which regions each jurisdiction's health-data law allows.
pub fn allowed_regions(jurisdiction: &str) -> &'static [&'static str] {
    match jurisdiction {
        "brazil" => &["sa-east-1"],
        "united_states" => &["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
        "european_union" => &["eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"],
        _ => &[],
    }
}

fn residency(program: &Program, findings: &mut Vec<Finding>) {
    let (Some(region), Some(jurisdiction)) = (program.settings.get("region"), program.settings.get("jurisdiction"))
    else {
        return;
    };
    let (Value::Choice(region_name), Value::Choice(jurisdiction_name)) = (&region.value, &jurisdiction.value) else {
        return;
    };
    let allowed = allowed_regions(jurisdiction_name);
    if allowed.contains(&region_name.as_str()) {
        return;
    }
    let span = match (region.origin, jurisdiction.origin) {
        (Origin::User(span), _) | (Origin::Stdlib, Origin::User(span)) => span,
        _ => program.name.span,
    };
    let listed: Vec<String> = allowed.iter().map(|r| r.to_string()).collect();
    let mut diagnostic = Diagnostic::new(
        &codes::DATA_RESIDENCY,
        format!("`region {region_name}` is outside {}", jurisdiction_name.replace('_', " ")),
        Label::new(
            span,
            format!("{} data stays in {}", jurisdiction_name.replace('_', " "), types::quoted_list(&listed)),
        ),
        format!(
            "deploy to {}; for a deliberate exception, write `waive MEDC-1020 \"reason\"` at the pipeline level",
            types::quoted_list(&listed)
        ),
    );
    if let (Origin::User(jurisdiction_span), Origin::User(_)) = (jurisdiction.origin, region.origin) {
        diagnostic = diagnostic.with_label(Label::new(jurisdiction_span, "the jurisdiction is declared here"));
    }
    findings.push(Finding { component: None, diagnostic });
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

/// `lifecycle disposable` relaxes deletion protection; the note records it
/// so the output and the diagnostics both show the standing waiver.
fn disposable(program: &Program, findings: &mut Vec<Finding>) {
    if !program.disposable() {
        return;
    }
    let span = match program.settings.get("lifecycle").map(|s| s.origin) {
        Some(Origin::User(span)) => span,
        _ => program.name.span,
    };
    findings.push(Finding {
        component: None,
        diagnostic: Diagnostic::new(
            &codes::DISPOSABLE_STACK,
            "the stack is disposable: deletion protection is off and stateful resources are deleted with it",
            Label::new(span, "recorded in the template as a waiver of MEDC-1012"),
            "use `lifecycle disposable` for CI stacks only; a stack that holds real PHI keeps the default `lifecycle protected`",
        )
        .with_severity(Severity::Note),
    });
}

/// Raw grants may not use wildcards in actions or resources.
fn grants(service: &Component, findings: &mut Vec<Finding>) {
    for setting in service.settings.all("grant") {
        let (Value::Grant { actions, resources }, Origin::User(span)) = (&setting.value, setting.origin) else {
            continue;
        };
        let wild_action = actions.iter().find(|a| a.contains('*'));
        let wild_resource = resources.iter().find(|r| r.contains('*'));
        let (what, offender) = match (wild_action, wild_resource) {
            (Some(action), _) => ("action", action),
            (None, Some(resource)) => ("resource", resource),
            (None, None) => continue,
        };
        findings.push(Finding {
            component: Some(service.name.clone()),
            diagnostic: Diagnostic::new(
                &codes::LEAST_PRIVILEGE,
                format!("grant with a wildcard {what} `{offender}` in service `{}`", service.name),
                Label::new(span, "a wildcard grants more than the service declares it needs"),
                "name each action (`s3:GetObject`) and the exact resource ARN; prefer `reads`, `writes`, `connects` and `mount`, which derive scoped permissions",
            ),
        });
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

/// An alarm topic with no address to send to notifies no one.
fn notify_target(alarms: &Component, findings: &mut Vec<Finding>) {
    let Some(notify) = alarms.settings.get("notify") else {
        return;
    };
    let (Value::String(address), Origin::User(span)) = (&notify.value, notify.origin) else {
        return;
    };
    if address.contains('@') && !address.starts_with('@') && !address.ends_with('@') {
        return;
    }
    findings.push(Finding {
        component: Some(alarms.name.clone()),
        diagnostic: Diagnostic::new(
            &codes::ALARM_NOTIFICATION,
            format!("alarms notify `{address}`, which is not an e-mail address"),
            Label::new(span, "every alarm sends to this address"),
            "give an e-mail address, or `param AlarmEmail` to supply it at deploy time",
        ),
    });
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
