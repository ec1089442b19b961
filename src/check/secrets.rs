//! Secrets only through `secret` components: a service's `env` and
//! `command` are plain text in the template, so a secret-shaped name or
//! value in them is MEDC-1006, and env names medc sets itself are refused.

use super::model::{Component, Kind, Origin, Program};
use super::Finding;
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::naming;
use crate::types::Value;
use std::collections::HashSet;

/// Words in a variable or flag name that say its value is a secret.
const SECRET_WORDS: &[&str] =
    &["PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "PRIVATEKEY", "ACCESSKEY", "CREDENTIAL"];

/// Whether a variable or flag name (`DB_PASSWORD`, `--api-key`) names a
/// secret. A name that says where the secret is (`--password-file`,
/// `TOKEN_PATH`) names no secret.
pub fn secret_shaped_name(name: &str) -> bool {
    let upper = name.trim_start_matches('-').to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    if matches!(words.last(), Some(&("FILE" | "PATH" | "ENV" | "ARN" | "NAME" | "ID"))) {
        return false;
    }
    let joined: String = words.concat();
    SECRET_WORDS.iter().any(|w| joined.contains(w)) || words.iter().any(|w| matches!(*w, "PWD" | "PASS" | "PW"))
}

/// Why a value looks like a secret itself, if it does: a private key, an
/// AWS access key id, a URL with a password, a JSON web token.
pub fn secret_shaped_value(value: &str) -> Option<&'static str> {
    if value.contains("-----BEGIN") && value.contains("PRIVATE KEY") {
        return Some("a private key");
    }
    let bytes = value.as_bytes();
    for start in 0..bytes.len() {
        let rest = &bytes[start..];
        let access_key = rest.len() >= 20
            && (rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA"))
            && rest[4..20].iter().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if access_key {
            return Some("an AWS access key id");
        }
    }
    if let Some(at) = value.find("://") {
        let authority = value[at + 3..].split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((userinfo, _)) = authority.rsplit_once('@') {
            if userinfo.contains(':') {
                return Some("a URL with a password");
            }
        }
    }
    let jwt = value.split_whitespace().any(|word| word.starts_with("eyJ") && word.matches('.').count() == 2);
    if jwt {
        return Some("a JSON web token");
    }
    None
}

/// A command's secret, if it carries one: `--password hunter2`,
/// `--token=abc`, `PGPASSWORD=x`, or a secret-shaped word.
pub fn secret_in_command(command: &str) -> Option<String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if let Some(why) = secret_shaped_value(word) {
            return Some(format!("`{word}` looks like {why}"));
        }
        if let Some((name, value)) = word.split_once(['=', ':']) {
            if secret_shaped_name(name) && !value.is_empty() {
                return Some(format!("`{name}` is given a value in the command"));
            }
        }
        let is_flag = word.starts_with('-');
        if is_flag && secret_shaped_name(word) {
            if let Some(next) = words.get(i + 1) {
                if !next.starts_with('-') {
                    return Some(format!("`{word}` is given a value in the command"));
                }
            }
        }
    }
    None
}

pub fn check(program: &Program, findings: &mut Vec<Finding>) {
    // Built at the first `env` written, since most programs set none.
    let mut owned = None;
    for service in program.of_kind(Kind::Service) {
        if let Some(setting) = service.settings.get("env") {
            if let (Value::Tags(pairs), Origin::User(span)) = (&setting.value, setting.origin) {
                let owned = owned.get_or_insert_with(|| owned_env_names(program));
                for (name, value) in pairs {
                    env_pair(service, name, value, span, owned, findings);
                }
            }
        }
        if let Some(setting) = service.settings.get("command") {
            if let (Value::String(command), Origin::User(span)) = (&setting.value, setting.origin) {
                if let Some(why) = secret_in_command(command) {
                    findings.push(literal_secret(
                        service,
                        format!("the command of service `{}` carries a secret", service.name),
                        Label::new(span, why),
                    ));
                }
            }
        }
    }
}

/// Every environment variable name medc sets, for any service of the
/// program: redefining one would redirect the service. They are upper
/// case (component names are ASCII), so a name is looked up upper-cased.
fn owned_env_names(program: &Program) -> HashSet<String> {
    let mut names: HashSet<String> = naming::ENV_FIXED.iter().map(|s| s.to_string()).collect();
    for component in &program.components {
        for field in naming::ENV_FIELDS {
            names.insert(naming::env_name(&component.name, field));
        }
    }
    names
}

fn env_pair(
    service: &Component,
    name: &str,
    value: &str,
    span: crate::span::Span,
    owned: &HashSet<String>,
    findings: &mut Vec<Finding>,
) {
    let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let upper = name.to_ascii_uppercase();
    let reserved_prefix = ["AWS_", "ECS_"].iter().any(|p| upper.starts_with(p));
    let owned_by_medc = owned.contains(&upper);
    if !valid || reserved_prefix || owned_by_medc {
        let why = if !valid {
            "environment names are letters, digits and `_`, not starting with a digit".to_string()
        } else if owned_by_medc {
            format!("medc sets `{name}` itself, from the components the service uses")
        } else {
            "the `AWS_` and `ECS_` prefixes are AWS's own".to_string()
        };
        findings.push(Finding {
            component: Some(service.name.clone()),
            diagnostic: Diagnostic::new(
                &codes::ENV_NAME,
                format!("service `{}` may not set the environment variable `{name}`", service.name),
                Label::new(span, why),
                "choose another name; the endpoints of what the service uses are set for it",
            ),
        });
    }
    if secret_shaped_name(name) {
        findings.push(literal_secret(
            service,
            format!("environment variable `{name}` of service `{}` is a secret in plain text", service.name),
            Label::new(span, "environment values are written into the template in clear"),
        ));
    } else if let Some(why) = secret_shaped_value(value) {
        findings.push(literal_secret(
            service,
            format!("environment variable `{name}` of service `{}` holds {why}", service.name),
            Label::new(span, "environment values are written into the template in clear"),
        ));
    }
}

fn literal_secret(service: &Component, message: String, label: Label) -> Finding {
    Finding {
        component: Some(service.name.clone()),
        diagnostic: Diagnostic::new(
            &codes::LITERAL_SECRET,
            message,
            label,
            "keep the secret in Secrets Manager and let medc inject it: a database's `credentials` or a cache's `auth` names an existing `secret`; this rule has no exception",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "DB_PASSWORD",
            "password",
            "API_KEY",
            "apikey",
            "GITHUB_TOKEN",
            "client-secret",
            "--password",
            "PGPASSWORD",
            "AWS_SECRET_ACCESS_KEY",
            "db_pwd",
        ] {
            assert!(secret_shaped_name(name), "{name}");
        }
        for name in
            ["LOG_LEVEL", "DB_PASSWORD_FILE", "--password-file", "TOKEN_PATH", "SECRET_ARN", "PASSAGE", "KEYBOARD"]
        {
            assert!(!secret_shaped_name(name), "{name}");
        }
    }

    #[test]
    fn secret_values() {
        assert!(secret_shaped_value("AKIAIOSFODNN7EXAMPLE").is_some());
        assert!(secret_shaped_value("postgres://app:hunter2@db:5432/x").is_some());
        assert!(secret_shaped_value("-----BEGIN RSA PRIVATE KEY-----").is_some());
        assert!(secret_shaped_value("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln").is_some());
        assert!(secret_shaped_value("https://example.org/path").is_none());
        assert!(secret_shaped_value("info").is_none());
    }

    #[test]
    fn secrets_in_commands() {
        for command in [
            "/bin/app --password hunter2",
            "/bin/app --password=hunter2",
            "/bin/app -p x --db-token abc",
            "env PGPASSWORD=x /bin/app",
            "/bin/app --dsn postgres://u:p@h/db",
        ] {
            assert!(secret_in_command(command).is_some(), "{command}");
        }
        for command in [
            "/usr/local/bin/process-studies --listen 0.0.0.0:8443",
            "/bin/app --password-file /run/secret",
            "/bin/app --token-path /x",
        ] {
            assert!(secret_in_command(command).is_none(), "{command}");
        }
    }
}
