//! Setting types and typed values: what the standard library declares and
//! what the checker reads a program's terms into.

mod read;

pub use read::{read_value, Expect, ReadError};

use crate::syntax::ast::{Duration, Ident};
use std::fmt;

/// The type of a setting, as the standard library declares it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Type {
    /// `on` or `off`; a bare setting is `on`.
    Switch,
    Integer,
    Decimal,
    /// A string, or `param NAME`.
    String,
    Duration,
    Size,
    Percent,
    Range,
    Version,
    /// One of the listed words.
    Choice(Vec<String>),
    /// The name of a component of one of the listed kinds.
    Ref(Vec<String>),
    /// One or more names (`a, b`) of components of the listed kinds.
    Refs(Vec<String>),
    /// `MIN..MAX [on cpu|memory TARGET%]`
    Scaling,
    /// `STORAGE at "PATH"`
    Mount(Vec<String>),
    /// `"action"[, ...] on "resource"[, ...]`
    Grant,
    /// `< name "value" ... >`
    Tags,
    /// A nested block of declared settings, or `off`: a switch whose `on`
    /// carries settings.
    Block,
}

impl Type {
    /// What a value of the type looks like, for "expected ..." messages.
    pub fn expectation(&self) -> String {
        match self {
            Type::Switch => "`on` or `off`".into(),
            Type::Integer => "an integer".into(),
            Type::Decimal => "a number".into(),
            Type::String => "a string or `param NAME`".into(),
            Type::Duration => "a duration".into(),
            Type::Size => "a size".into(),
            Type::Percent => "a percentage".into(),
            Type::Range => "a range".into(),
            Type::Version => "a version".into(),
            Type::Choice(values) => format!("one of {}", quoted_list(values)),
            Type::Ref(kinds) => format!("the name of a {}", kinds.join(" or ")),
            Type::Refs(kinds) => format!("names of components ({})", kinds.join(", ")),
            Type::Scaling => "a task range such as `2..6 on cpu 70%`".into(),
            Type::Mount(_) => "`STORAGE at \"/path\"`".into(),
            Type::Grant => "`\"service:Action\" on \"arn:...\"`".into(),
            Type::Tags => "a block of `name \"value\"` pairs".into(),
            Type::Block => "a block of settings".into(),
        }
    }

    /// The component kinds a reference may name.
    pub fn ref_kinds(&self) -> &[String] {
        match self {
            Type::Ref(kinds) | Type::Refs(kinds) | Type::Mount(kinds) => kinds,
            _ => &[],
        }
    }
}

pub fn quoted_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n if n > 8 => format!("{}, ... ({} in all)", quoted[..6].join(", "), n),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// A typed value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    Switch(bool),
    Integer(u64),
    Decimal(f64),
    String(String),
    /// `param NAME`: a CloudFormation parameter supplied at deploy time.
    Param(String),
    Duration(Duration),
    /// Bytes.
    Size(u64),
    Percent(f64),
    Range {
        low: f64,
        high: f64,
    },
    /// Dot-separated numbers, kept as written (`17.10` is not `17.1`).
    Version(String),
    Choice(String),
    Ref(Ident),
    Refs(Vec<Ident>),
    Scaling {
        low: u64,
        high: u64,
        metric: String,
        target: f64,
    },
    Mount {
        storage: Ident,
        path: String,
    },
    Grant {
        actions: Vec<String>,
        resources: Vec<String>,
    },
    Tags(Vec<(String, String)>),
}

impl Value {
    /// The value as a number, for `min`, `max` and `step`. Ranges and
    /// scaling give their lower and upper bounds separately (`bounds`).
    pub fn magnitude(&self) -> Option<f64> {
        match self {
            Value::Integer(n) => Some(*n as f64),
            Value::Decimal(n) | Value::Percent(n) => Some(*n),
            Value::Duration(d) => Some(d.seconds() as f64),
            Value::Size(bytes) => Some(*bytes as f64),
            _ => None,
        }
    }

    /// The lower and upper bound of a value, a plain number being both.
    pub fn bounds(&self) -> Option<(f64, f64)> {
        match self {
            Value::Range { low, high } => Some((*low, *high)),
            Value::Scaling { low, high, .. } => Some((*low as f64, *high as f64)),
            other => other.magnitude().map(|n| (n, n)),
        }
    }

    /// Equality as a user means it: `24h` is `1d`, `17.9` is `17.9`.
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Version(a), Value::Version(b)) => version_parts(a) == version_parts(b),
            (Value::Choice(a), Value::Choice(b)) => a == b,
            (Value::Switch(a), Value::Switch(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            _ => match (self.magnitude(), other.magnitude()) {
                (Some(a), Some(b)) => a == b && std::mem::discriminant(self) == std::mem::discriminant(other),
                _ => self == other,
            },
        }
    }

    pub fn as_switch(&self) -> Option<bool> {
        match self {
            Value::Switch(on) => Some(*on),
            _ => None,
        }
    }
}

fn version_parts(text: &str) -> Vec<u64> {
    text.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

/// Formats a number without a trailing `.0`.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Formats a byte count in the largest binary unit that divides it.
pub fn size(bytes: u64) -> String {
    for (unit, factor) in [("TiB", 1u64 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{}{unit}", bytes / factor);
        }
    }
    format!("{bytes}B")
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Switch(true) => f.write_str("on"),
            Value::Switch(false) => f.write_str("off"),
            Value::Integer(n) => write!(f, "{n}"),
            Value::Decimal(n) => f.write_str(&number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Param(name) => write!(f, "param {name}"),
            Value::Duration(d) => write!(f, "{d}"),
            Value::Size(bytes) => f.write_str(&size(*bytes)),
            Value::Percent(n) => write!(f, "{}%", number(*n)),
            Value::Range { low, high } => write!(f, "{}..{}", number(*low), number(*high)),
            Value::Version(v) | Value::Choice(v) => f.write_str(v),
            Value::Ref(ident) => f.write_str(&ident.name),
            Value::Refs(idents) => {
                let names: Vec<&str> = idents.iter().map(|i| i.name.as_str()).collect();
                f.write_str(&names.join(", "))
            }
            Value::Scaling { low, high, metric, target } => {
                write!(f, "{low}..{high} on {metric} {}%", number(*target))
            }
            Value::Mount { storage, path } => write!(f, "{} at {path:?}", storage.name),
            Value::Grant { actions, resources } => {
                let quote = |items: &[String]| items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", ");
                write!(f, "{} on {}", quote(actions), quote(resources))
            }
            Value::Tags(pairs) => {
                f.write_str("<")?;
                for (name, value) in pairs {
                    write!(f, " {name} {value:?}")?;
                }
                f.write_str(" >")
            }
        }
    }
}
