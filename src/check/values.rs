//! Values that only AWS's own syntax can judge, and the invariants the
//! lowering relies on: secret names and key ARNs, the VPC range, the health
//! check path, mount paths, file modes, the backup schedule, the alarm
//! address and thresholds, scaling targets, and the zones a component
//! needs. A value AWS would refuse is an error no waiver lets through; a
//! valid but insecure one is a compliance finding.

use super::model::{Component, Kind, Origin, Program, Setting};
use super::Finding;
use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::span::Span;
use crate::types::Value;
use std::collections::HashMap;

pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    for component in &program.components {
        let settings = &component.settings;
        match component.kind {
            Kind::Secret => {
                string_check(
                    component,
                    settings.get("existing"),
                    findings,
                    (
                        secret_name_problem,
                        &codes::SECRET_NAME,
                        "name the existing secret, such as `existing \"medimg/aurora-admin\"`",
                    ),
                );
                string_check(
                    component,
                    settings.get("key"),
                    findings,
                    (
                        key_arn_problem,
                        &codes::KEY_ARN,
                        "give the key's ARN, `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`, or `param NAME`",
                    ),
                );
            }
            Kind::Network => string_check(
                component,
                settings.get("cidr"),
                findings,
                (cidr_problem, &codes::VPC_CIDR, "give a private /16, such as the default `cidr \"10.40.0.0/16\"`"),
            ),
            Kind::Storage => file_mode_syntax(component, findings),
            Kind::Service => {
                string_check(
                    component,
                    settings.get("health"),
                    findings,
                    (
                        health_path_problem,
                        &codes::HEALTH_PATH,
                        "give an URL path, such as the default `health \"/health\"`",
                    ),
                );
                mounts(component, findings);
                scaling_target(component, findings);
            }
            Kind::Backup => schedule(component, findings),
            Kind::Alarms => {
                string_check(
                    component,
                    settings.get("notify"),
                    findings,
                    (
                        email_problem,
                        &codes::EMAIL_ADDRESS,
                        "give an e-mail address, or `param AlarmEmail` to supply it at deploy time",
                    ),
                );
                iterator_age(program, component, findings);
            }
            Kind::Key | Kind::Database | Kind::Bucket | Kind::Cache | Kind::Stream | Kind::Api => {}
        }
    }
    zones(program, findings);
    look_alike_names(program, findings);
}

/// Components whose names differ only in `-`, `_` or case share their
/// logical ids, resource names and environment variables (`db-main` and
/// `db_main` are both `DbMain...` and `DB_MAIN_HOST`).
fn look_alike_names(program: &Program, findings: &mut Vec<Finding>) {
    // The first component of each key: every later one with that key either
    // shares its name or is reported, so the first is the only one to compare.
    let mut seen: HashMap<String, &Component> = HashMap::new();
    for component in program.components.iter().filter(|c| matches!(c.origin, Origin::User(_))) {
        let key = crate::lower::logical_id(&component.name, "");
        if let Some(first) = seen.get(&key).copied().filter(|first| first.name != component.name) {
            findings.push(Finding {
                component: Some(component.name.clone()),
                diagnostic: Diagnostic::new(
                    &codes::NAME_COLLISION,
                    format!(
                        "{} and {} would share their names in the template",
                        super::describe(component),
                        super::describe(first)
                    ),
                    Label::new(
                        component.head,
                        format!("`{}` and `{}` differ only in `-`, `_` or case", component.name, first.name),
                    ),
                    "rename one of them",
                )
                .with_label(Label::new(first.head, "the other component")),
            });
            continue;
        }
        seen.entry(key).or_insert(component);
    }
}

fn user_span(setting: &Setting) -> Option<Span> {
    match setting.origin {
        Origin::User(span) => Some(span),
        Origin::Stdlib => None,
    }
}

fn push(
    findings: &mut Vec<Finding>,
    component: &Component,
    code: &'static Code,
    message: String,
    label: Label,
    help: &str,
) {
    findings.push(Finding {
        component: Some(component.name.clone()),
        diagnostic: Diagnostic::new(code, message, label, help.to_string()),
    });
}

/// How a string setting is checked: what is wrong with a value, the code
/// to report, and the help.
type StringCheck = (fn(&str) -> Option<String>, &'static Code, &'static str);

/// Checks a written string setting.
fn string_check(component: &Component, setting: Option<&Setting>, findings: &mut Vec<Finding>, check: StringCheck) {
    let (problem, code, help) = check;
    let Some(setting) = setting else { return };
    let (Value::String(text), Some(span)) = (&setting.value, user_span(setting)) else { return };
    if let Some(why) = problem(text) {
        push(
            findings,
            component,
            code,
            format!("`{} {:?}` in {}: {}", setting.name, text, super::describe(component), code.title),
            Label::new(span, why),
            help,
        );
    }
}

/// Secrets Manager names: ASCII letters, digits and `/_+=.@-`, 1 to 512.
pub fn secret_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 512 {
        return Some("a secret name is 1 to 512 characters".into());
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || "/_+=.@-".contains(*c))) {
        return Some(format!("`{}` is not allowed in a secret name", c.escape_default()));
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 7
        && bytes[bytes.len() - 7] == b'-'
        && bytes[bytes.len() - 6..].iter().all(u8::is_ascii_alphanumeric)
    {
        return Some("a name ending in `-` and six characters is confused with the ARN's random suffix".into());
    }
    None
}

/// A KMS key ARN: `arn:PARTITION:kms:REGION:ACCOUNT:key/ID`.
pub fn key_arn_problem(arn: &str) -> Option<String> {
    let wrong = || Some("expected `arn:aws:kms:REGION:ACCOUNT:key/KEY-ID`".to_string());
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [a, partition, service, region, account, resource] = parts.as_slice() else { return wrong() };
    let region_ok = region.split('-').count() >= 3
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if *a != "arn" || !partition.starts_with("aws") || *service != "kms" || !region_ok || !account_ok {
        return wrong();
    }
    let Some(id) = resource.strip_prefix("key/") else {
        return Some("a key ARN names a key (`key/...`); IAM policies cannot use an alias".into());
    };
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    let groups: Vec<&str> = id.split('-').collect();
    let uuid = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12]) && groups.iter().all(|g| hex(g));
    let multi_region = id.strip_prefix("mrk-").is_some_and(|rest| rest.len() == 32 && hex(rest));
    if uuid || multi_region {
        None
    } else {
        Some("the key id is a lowercase UUID or a multi-region `mrk-` id".into())
    }
}

/// Twelve /20 subnets are carved from the VPC range: it must be a /16.
pub const VPC_PREFIX: u32 = 16;

pub fn cidr_problem(cidr: &str) -> Option<String> {
    let Some((address, prefix)) = cidr.split_once('/') else {
        return Some("expected `A.B.C.D/16`".into());
    };
    let octets: Vec<u8> = address
        .split('.')
        .filter_map(|o| if o.len() > 1 && o.starts_with('0') { None } else { o.parse().ok() })
        .collect();
    let (Ok(prefix), [a, b, c, d]) = (prefix.parse::<u32>(), octets.as_slice()) else {
        return Some("expected `A.B.C.D/16`".into());
    };
    if address.split('.').count() != 4 || prefix > 32 {
        return Some("expected `A.B.C.D/16`".into());
    }
    let ip = u32::from_be_bytes([*a, *b, *c, *d]);
    let private = (*a == 10) || (*a == 172 && (16..32).contains(b)) || (*a == 192 && *b == 168);
    if !private {
        return Some("a VPC uses a private range: 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16".into());
    }
    if prefix != VPC_PREFIX {
        return Some(format!("medc carves twelve /20 subnets from the range, which needs a /16, not a /{prefix}"));
    }
    let host_mask = u32::MAX >> prefix;
    if ip & host_mask != 0 {
        let network = std::net::Ipv4Addr::from(ip & !host_mask);
        return Some(format!("host bits are set; the range is `{network}/{prefix}`"));
    }
    None
}

/// An URL path, passed to `curl` as one argument.
pub fn health_path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') {
        return Some("the path starts with `/`".into());
    }
    if path.len() > 1024 {
        return Some("at most 1024 characters".into());
    }
    if let Some(c) = path.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._~/".contains(*c))) {
        return Some(format!("`{}` is not allowed in the path", c.escape_default()));
    }
    if path.contains("//") || path.split('/').any(|segment| segment == "..") {
        return Some("no `//` or `..` in the path".into());
    }
    None
}

/// Directories of the image a writable mount may not cover, since it would
/// replace the image's programs or configuration (and `read_only_root`
/// would protect nothing).
const SYSTEM_DIRECTORIES: &[&str] = &[
    "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/opt", "/proc", "/root", "/run", "/sbin",
    "/sys", "/usr", "/var/run",
];

/// Why a mount path is malformed, if it is (not for system directories).
pub fn mount_path_problem(path: &str) -> Option<String> {
    if !path.starts_with('/') || path == "/" {
        return Some("an absolute path below `/`".into());
    }
    if path.len() > 512 {
        return Some("at most 512 characters".into());
    }
    let segments: Vec<&str> = path[1..].split('/').collect();
    for segment in &segments {
        if segment.is_empty() || *segment == "." || *segment == ".." {
            return Some("no empty, `.` or `..` segment".into());
        }
        if let Some(c) = segment.chars().find(|c| !(c.is_ascii_alphanumeric() || "-_.".contains(*c))) {
            return Some(format!("`{}` is not allowed in a mount path", c.escape_default()));
        }
    }
    if within(path, "/tmp") {
        return Some("`/tmp` is medc's own scratch volume".into());
    }
    None
}

/// `path` is `dir` or below it.
fn within(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

fn mounts(service: &Component, findings: &mut Vec<Finding>) {
    let mut seen: Vec<&str> = Vec::new();
    for setting in service.settings.all("mount") {
        let (Value::Mount { path, .. }, Some(span)) = (&setting.value, user_span(setting)) else { continue };
        let problem = mount_path_problem(path).or_else(|| {
            seen.iter()
                .find(|other| within(path, other) || within(other, path))
                .map(|other| format!("overlaps the mount at `{other}`"))
        });
        if let Some(why) = problem {
            push(
                findings,
                service,
                &codes::MOUNT_PATH,
                format!("service `{}` cannot mount at `{path}`", service.name),
                Label::new(span, why),
                "mount at a path of its own, such as `/mnt/dicom`",
            );
        } else if let Some(system) = SYSTEM_DIRECTORIES.iter().find(|dir| within(path, dir) || within(dir, path)) {
            push(
                findings,
                service,
                &codes::CONTAINER_HARDENING,
                format!("service `{}` mounts a writable file system over `{system}`", service.name),
                Label::new(span, "a writable mount here replaces the image's own files; the read-only root protects nothing"),
                "mount at a path of its own, such as `/mnt/dicom`; for a deliberate exception, write `waive MEDC-1019 \"reason\"` in this block",
            );
        }
        seen.push(path);
    }
}

/// An access point mode as EFS takes it: three or four octal digits.
pub fn file_mode(mode: &str) -> Option<u32> {
    let digits = (3..=4).contains(&mode.len()) && mode.bytes().all(|b| (b'0'..=b'7').contains(&b));
    u32::from_str_radix(mode, 8).ok().filter(|_| digits)
}

/// A mode that is not octal; how wide a valid one opens is MEDC-1016.
fn file_mode_syntax(storage: &Component, findings: &mut Vec<Finding>) {
    let Some(setting) = storage.settings.get("permissions") else { return };
    let (Value::String(mode), Some(span)) = (&setting.value, user_span(setting)) else { return };
    if file_mode(mode).is_none() {
        push(
            findings,
            storage,
            &codes::FILE_MODE,
            format!("`permissions {mode:?}` of {} is not an octal file mode", super::describe(storage)),
            Label::new(span, "three or four octal digits, such as \"0750\""),
            "write the mode as EFS takes it, such as `permissions \"0750\"`",
        );
    }
}

fn scaling_target(service: &Component, findings: &mut Vec<Finding>) {
    let Some(setting) = service.settings.get("tasks") else { return };
    let (Value::Scaling { target, metric, .. }, Some(span)) = (&setting.value, user_span(setting)) else { return };
    if *target > 0.0 && *target <= 100.0 {
        return;
    }
    push(
        findings,
        service,
        &codes::OUT_OF_RANGE,
        format!(
            "the scaling target `{metric} {}%` of service `{}` is out of range",
            crate::types::number(*target),
            service.name
        ),
        Label::new(span, "a utilization target is above 0% and at most 100%"),
        "keep a target such as `on cpu 70%`",
    );
}

/// `cron(MIN HOUR DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)` as AWS Backup takes
/// it; `Ok(daily)` says whether it runs every day.
pub fn cron_problem(expression: &str) -> Result<bool, String> {
    let inner = expression
        .strip_prefix("cron(")
        .and_then(|rest| rest.strip_suffix(')'))
        .ok_or("expected `cron(MINUTES HOURS DAY-OF-MONTH MONTH DAY-OF-WEEK YEAR)`")?;
    let fields: Vec<&str> = inner.split(' ').collect();
    let [minute, hour, day, month, weekday, year] = fields.as_slice() else {
        return Err("a cron expression has six fields, separated by single spaces".into());
    };
    if !minute.bytes().all(|b| b.is_ascii_digit()) || minute.parse::<u32>().map_or(true, |m| m > 59) {
        return Err("the minutes field is one minute, 0 to 59 (backups run at most once an hour)".into());
    }
    let hours = numbers(hour, 0, 23, &[]).ok_or("the hours field takes 0 to 23, `*`, lists, ranges and steps")?;
    if *year != "*" {
        return Err("the year is `*`: a schedule limited to some years stops taking backups".into());
    }
    if (*day == "?") == (*weekday == "?") {
        return Err("exactly one of day-of-month and day-of-week is `?`".into());
    }
    const MONTHS: &[&str] = &["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    const WEEKDAYS: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let months = numbers(month, 1, 12, MONTHS).ok_or("the month field takes 1 to 12 or JAN to DEC")?;
    let days = if *day == "?" {
        (1..=31).collect()
    } else if *day == "L" {
        vec![28]
    } else {
        numbers(day, 1, 31, &[]).ok_or("the day-of-month field takes 1 to 31, `L` or `?`")?
    };
    let weekdays = if *weekday == "?" {
        (1..=7).collect()
    } else {
        numbers(weekday, 1, 7, WEEKDAYS).ok_or("the day-of-week field takes 1 to 7 or SUN to SAT, or `?`")?
    };
    let longest = |m: u32| match m {
        2 => 29,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !months.iter().any(|m| days.iter().any(|d| *d <= longest(*m))) {
        return Err("no month of the schedule has that day: it never runs".into());
    }
    Ok(!hours.is_empty() && days.len() == 31 && months.len() == 12 && weekdays.len() == 7)
}

/// The values a cron field names: `*`, `N`, `A-B`, `*/S`, `A-B/S`, `N/S`,
/// and lists of them; names stand for 1, 2, ... in order.
fn numbers(field: &str, low: u32, high: u32, names: &[&str]) -> Option<Vec<u32>> {
    let value = |text: &str| -> Option<u32> {
        let n = match names.iter().position(|name| name.eq_ignore_ascii_case(text)) {
            Some(i) => i as u32 + 1,
            None if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => text.parse().ok()?,
            None => return None,
        };
        (low..=high).contains(&n).then_some(n)
    };
    let mut all = Vec::new();
    for item in field.split(',') {
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, step.parse::<u32>().ok().filter(|s| *s > 0)?),
            None => (item, 1),
        };
        let (from, to) = match range {
            "*" => (low, high),
            _ => match range.split_once('-') {
                Some((a, b)) => (value(a)?, value(b)?),
                None if item.contains('/') => (value(range)?, high),
                None => {
                    let n = value(range)?;
                    (n, n)
                }
            },
        };
        if from > to {
            return None;
        }
        all.extend((from..=to).step_by(step as usize));
    }
    all.sort_unstable();
    all.dedup();
    Some(all)
}

fn schedule(backup: &Component, findings: &mut Vec<Finding>) {
    let Some(setting) = backup.settings.get("schedule") else { return };
    let (Value::String(expression), Some(span)) = (&setting.value, user_span(setting)) else { return };
    match cron_problem(expression) {
        Err(why) => push(
            findings,
            backup,
            &codes::BACKUP_SCHEDULE,
            format!("the backup schedule `{expression}` is not one AWS Backup runs"),
            Label::new(span, why),
            "write a daily AWS Backup cron expression, such as the default `cron(0 5 * * ? *)`",
        ),
        Ok(false) => push(
            findings,
            backup,
            &codes::BACKUP_PLAN,
            format!("the backup schedule `{expression}` does not run every day"),
            Label::new(span, "days without a backup are days of data that cannot be recovered"),
            "run the plan daily, such as the default `cron(0 5 * * ? *)`; for a deliberate exception, write `waive MEDC-1011 \"reason\"` in this block",
        ),
        Ok(true) => {}
    }
}

/// An address SNS subscribes: `local@domain.tld`.
pub fn email_problem(address: &str) -> Option<String> {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Some("no `@`".into());
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..");
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    if address.len() > 254 {
        Some("at most 254 characters".into())
    } else if !local_ok {
        Some("the part before `@` is not a mailbox".into())
    } else if !domain_ok {
        Some("the part after `@` is not a domain name".into())
    } else {
        None
    }
}

/// The iterator-age alarm must be able to fire: below every stream's
/// retention, past which records are gone and the age stops growing.
fn iterator_age(program: &Program, alarms: &Component, findings: &mut Vec<Finding>) {
    let Some(setting) = alarms.settings.get("iterator_age") else { return };
    let Value::Duration(age) = &setting.value else { return };
    for stream in program.of_kind(Kind::Stream) {
        let Some(Value::Duration(retention)) = stream.settings.value("retention") else { continue };
        if age.seconds() < retention.seconds() {
            continue;
        }
        let span = user_span(setting).unwrap_or(alarms.head);
        push(
            findings,
            alarms,
            &codes::ALARM_NEVER_FIRES,
            format!(
                "`iterator_age {}` can never be reached on stream `{}`, which keeps records {}",
                setting.value, stream.name, retention
            ),
            Label::new(span, "records expire before their age reaches the threshold"),
            "set `iterator_age` below the stream's `retention`",
        );
    }
}

/// Zones: an Aurora subnet group covers two, and a Multi-AZ cache needs a
/// replica in another; AWS refuses anything less, waiver or not.
fn zones(program: &Program, findings: &mut Vec<Finding>) {
    let Some(network) = program.of_kind(Kind::Network).next() else { return };
    let azs = match network.settings.value("azs") {
        Some(Value::Integer(n)) => *n,
        _ => 2,
    };
    let span = network.settings.get("azs").and_then(user_span).unwrap_or(network.head);
    for component in &program.components {
        let settings = &component.settings;
        let needs = match component.kind {
            Kind::Database => Some("an Aurora cluster's subnet group covers at least two zones"),
            Kind::Cache if settings.on("multi_az") => Some("a Multi-AZ cache fails over to another zone"),
            _ => None,
        };
        if let (Some(why), true) = (needs, azs < 2) {
            push(
                findings,
                component,
                &codes::ZONES_REQUIRED,
                format!("{} needs two availability zones; the network has {azs}", super::describe(component)),
                Label::new(span, why),
                "give the network `azs 2` or more",
            );
        }
        if component.kind == Kind::Cache
            && settings.on("multi_az")
            && matches!(settings.value("replicas"), Some(Value::Integer(0)))
        {
            let at = settings.get("replicas").and_then(user_span).unwrap_or(component.head);
            push(
                findings,
                component,
                &codes::ZONES_REQUIRED,
                format!("{} is Multi-AZ with no replica to fail over to", super::describe(component)),
                Label::new(at, "ElastiCache refuses Multi-AZ without a replica"),
                "give it `replicas 1` or more",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        assert_eq!(secret_name_problem("medimg/aurora-admin"), None);
        assert_eq!(secret_name_problem("a_b+c=d.e@f-g"), None);
        for bad in ["*", "medimg/*", "medimg/db?", "", "with space", "medimg/db-abc123", "ünï"] {
            assert!(secret_name_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn key_arns() {
        assert_eq!(
            key_arn_problem("arn:aws:kms:sa-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            None
        );
        assert_eq!(
            key_arn_problem("arn:aws:kms:sa-east-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab"),
            None
        );
        for bad in [
            "*",
            "arn:aws:kms:sa-east-1:123456789012:key/*",
            "arn:aws:kms:sa-east-1:123456789012:alias/phi",
            "arn:aws:kms:*:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:sa-east-1:*:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:s3:sa-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            "1234abcd-12ab-34cd-56ef-1234567890ab",
        ] {
            assert!(key_arn_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn vpc_ranges() {
        assert_eq!(cidr_problem("10.40.0.0/16"), None);
        assert_eq!(cidr_problem("172.31.0.0/16"), None);
        for bad in [
            "10.40.0.0/24",
            "10.40.1.0/16",
            "8.8.0.0/16",
            "10.40.0.0",
            "10.040.0.0/16",
            "10.40.0.0/99",
            "a.b.c.d/16",
            "10.40.0/16",
        ] {
            assert!(cidr_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn health_paths() {
        assert_eq!(health_path_problem("/health"), None);
        assert_eq!(health_path_problem("/v1/health-check_2.json"), None);
        for bad in ["health", "/health; echo", "/health || true", "/$(id)", "/a/../b", "//x", "/health?x=1 ", "/héalth"]
        {
            assert!(health_path_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn mount_paths() {
        assert_eq!(mount_path_problem("/mnt/dicom"), None);
        for bad in ["mnt", "/", "/tmp", "/tmp/x", "/mnt/../usr", "/mnt//x", "/mnt/ x", "/mnt/./x"] {
            assert!(mount_path_problem(bad).is_some(), "{bad}");
        }
        assert!(within("/usr/local/bin", "/usr"));
        assert!(!within("/usrdata", "/usr"));
    }

    #[test]
    fn cron_schedules() {
        assert_eq!(cron_problem("cron(0 5 * * ? *)"), Ok(true));
        assert_eq!(cron_problem("cron(30 1,13 ? * * *)"), Ok(true));
        assert_eq!(cron_problem("cron(0 5 ? * MON-FRI *)"), Ok(false));
        assert_eq!(cron_problem("cron(0 5 1 * ? *)"), Ok(false));
        for never in [
            "cron(0 5 1 1 ? 2099)",
            "cron(0 5 31 2 ? *)",
            "cron(0 5 30 FEB ? *)",
            "cron(*/5 5 * * ? *)",
            "cron(0 5 * * * *)",
            "cron(0 24 * * ? *)",
            "rate(1 day)",
            "cron(0 5 * * ?)",
        ] {
            assert!(cron_problem(never).is_err(), "{never}");
        }
    }

    #[test]
    fn email_addresses() {
        assert_eq!(email_problem("oncall@hospital.example"), None);
        for bad in [" @ ", "@", "a@", "@b.c", "a@b", "a b@c.de", "a@b..de", "a@-b.de", "a@b.d1"] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }
}
