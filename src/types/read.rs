//! Reading the terms after a setting's name into a value of the setting's
//! type. A setting's type decides how many terms it takes, which is how
//! `multi_az  version 16.4` reads as a flag and then a setting.

use super::{quoted_list, Type, Value};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::syntax::ast::{Ident, LiteralKind, Term};

/// Why no value could be read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing that could be the value follows the setting's name.
    Missing,
    /// A value was there but wrong; the diagnostic says how.
    Invalid(Diagnostic),
}

/// What the reader needs to know about the setting besides its type.
pub struct Expect<'a> {
    pub setting: &'a str,
    pub ty: &'a Type,
    /// The unit of a bare integer given to a size setting, in bytes.
    pub unit: Option<u64>,
    /// Words that stand for values (`root` for user 0).
    pub aliases: &'a [(String, Value)],
    /// Whether `param NAME` is accepted.
    pub parameter: bool,
}

/// Reads the value starting at `terms[*pos]`, advancing `pos` past it.
pub fn read_value(expect: &Expect<'_>, terms: &[Term], pos: &mut usize) -> Result<Value, ReadError> {
    let next = terms.get(*pos);
    if let (Some(Term::Word(word)), false) = (next, expect.aliases.is_empty()) {
        if let Some((_, value)) = expect.aliases.iter().find(|(alias, _)| *alias == word.name) {
            *pos += 1;
            return Ok(value.clone());
        }
    }
    match expect.ty {
        Type::Switch => Ok(match next {
            Some(Term::Word(word)) if word.name == "on" || word.name == "off" => {
                *pos += 1;
                Value::Switch(word.name == "on")
            }
            _ => Value::Switch(true),
        }),
        Type::Choice(values) => {
            let Some(Term::Word(word)) = next else {
                return missing_or_mismatch(expect, next, pos);
            };
            *pos += 1;
            if values.contains(&word.name) {
                Ok(Value::Choice(word.name.clone()))
            } else {
                Err(ReadError::Invalid(not_allowed(expect.setting, word, values)))
            }
        }
        Type::Ref(kinds) => match next {
            Some(Term::Word(word)) => {
                *pos += 1;
                Ok(Value::Ref(word.clone()))
            }
            Some(Term::Literal(literal))
                if kinds.iter().any(|k| k == crate::check::model::Kind::Secret.name())
                    && matches!(literal.kind, LiteralKind::String(_)) =>
            {
                *pos += 1;
                Err(ReadError::Invalid(crate::check::rules::literal_secret::diagnostic(expect.setting, literal.span)))
            }
            _ => missing_or_mismatch(expect, next, pos),
        },
        Type::Refs(_) => match next {
            Some(Term::Word(word)) => {
                *pos += 1;
                Ok(Value::Refs(vec![word.clone()]))
            }
            Some(Term::List(list)) => {
                *pos += 1;
                let mut names = Vec::new();
                for item in &list.items {
                    match item {
                        Term::Word(word) => names.push(word.clone()),
                        other => return Err(ReadError::Invalid(mismatch(expect, other))),
                    }
                }
                Ok(Value::Refs(names))
            }
            _ => missing_or_mismatch(expect, next, pos),
        },
        Type::Scaling => scaling(expect, terms, pos),
        Type::Mount(_) => mount(expect, terms, pos),
        Type::Grant => grant(expect, terms, pos),
        Type::Tags | Type::Block => match next {
            // A block setting is a switch whose `on` carries settings.
            Some(Term::Word(word)) if (word.name == "on" || word.name == "off") && *expect.ty == Type::Block => {
                *pos += 1;
                Ok(Value::Switch(word.name == "on"))
            }
            // Blocks are read by the resolver, which knows their settings.
            _ => missing_or_mismatch(expect, next, pos),
        },
        _ => {
            let value = match next {
                Some(Term::Literal(literal)) => scalar(expect, &literal.kind),
                Some(Term::Param(param)) if *expect.ty == Type::String && expect.parameter => {
                    Some(Value::Param(param.name.name.clone()))
                }
                Some(Term::Param(param)) if *expect.ty == Type::String => {
                    *pos += 1;
                    return Err(ReadError::Invalid(param_not_taken(expect.setting, param)));
                }
                _ => None,
            };
            match value {
                Some(value) => {
                    *pos += 1;
                    Ok(value)
                }
                None => missing_or_mismatch(expect, next, pos),
            }
        }
    }
}

/// A scalar literal read as the expected type, when it can be.
fn scalar(expect: &Expect<'_>, literal: &LiteralKind) -> Option<Value> {
    Some(match (expect.ty, literal) {
        (Type::Integer, LiteralKind::Integer(n)) => Value::Integer(*n),
        (Type::Decimal, LiteralKind::Integer(n)) => Value::Decimal(*n as f64),
        (Type::Decimal, LiteralKind::Decimal { value, .. }) => Value::Decimal(*value),
        (Type::String, LiteralKind::String(s)) => Value::String(s.clone()),
        (Type::Duration, LiteralKind::Duration(d)) => Value::Duration(*d),
        (Type::Size, LiteralKind::Size { bytes, .. }) => Value::Size(*bytes),
        (Type::Size, LiteralKind::Integer(n)) => Value::Size(n.checked_mul(expect.unit?)?),
        (Type::Percent, LiteralKind::Percent { value, .. }) => Value::Percent(*value),
        (Type::Range, LiteralKind::Range { low, high, .. }) => Value::Range { low: *low, high: *high },
        (Type::Range, LiteralKind::Integer(n)) => Value::Range { low: *n as f64, high: *n as f64 },
        (Type::Range, LiteralKind::Decimal { value, .. }) => Value::Range { low: *value, high: *value },
        // Each part as a number: `16.08` is version 16.8, and is emitted so.
        (Type::Version, LiteralKind::Decimal { text, .. } | LiteralKind::Version(text)) => {
            let parts: Option<Vec<String>> =
                text.split('.').map(|part| part.parse::<u64>().ok().map(|n| n.to_string())).collect();
            Value::Version(parts?.join("."))
        }
        (Type::Version, LiteralKind::Integer(n)) => Value::Version(n.to_string()),
        _ => return None,
    })
}

/// `2..6 [on cpu 70%]`
fn scaling(expect: &Expect<'_>, terms: &[Term], pos: &mut usize) -> Result<Value, ReadError> {
    let (low, high) = match terms.get(*pos) {
        Some(Term::Literal(literal)) => match &literal.kind {
            LiteralKind::Integer(n) => (*n, *n),
            LiteralKind::Range { low, high, .. } if low.fract() == 0.0 && high.fract() == 0.0 => {
                (*low as u64, *high as u64)
            }
            _ => return missing_or_mismatch(expect, terms.get(*pos), pos),
        },
        other => return missing_or_mismatch(expect, other, pos),
    };
    *pos += 1;
    let mut value = Value::Scaling { low, high, metric: "cpu".into(), target: 70.0 };
    if !matches!(terms.get(*pos), Some(Term::Word(w)) if w.name == "on") {
        return Ok(value);
    }
    let on_span = terms[*pos].span();
    *pos += 1;
    let metric = match terms.get(*pos) {
        Some(Term::Word(w)) if w.name == "cpu" || w.name == "memory" => w.name.clone(),
        other => {
            let span = other.map_or(on_span, Term::span);
            // Consume the wrong metric and its target, so neither is read
            // again as a setting of its own.
            if matches!(other, Some(Term::Word(_))) {
                *pos += 1;
                if matches!(terms.get(*pos), Some(Term::Literal(l)) if matches!(l.kind, LiteralKind::Percent { .. })) {
                    *pos += 1;
                }
            }
            return Err(ReadError::Invalid(Diagnostic::new(
                &codes::TYPE_MISMATCH,
                format!("`{}` scales on `cpu` or `memory`", expect.setting),
                Label::new(span, "expected `cpu` or `memory`"),
                "write the metric and its target, as in `tasks 2..6 on cpu 70%`",
            )));
        }
    };
    *pos += 1;
    let target = match terms.get(*pos) {
        Some(Term::Literal(literal)) => match literal.kind {
            LiteralKind::Percent { value, .. } => value,
            _ => return Err(ReadError::Invalid(target_missing(expect, literal.span))),
        },
        other => return Err(ReadError::Invalid(target_missing(expect, other.map_or(on_span, Term::span)))),
    };
    *pos += 1;
    if let Value::Scaling { metric: m, target: t, .. } = &mut value {
        *m = metric;
        *t = target;
    }
    Ok(value)
}

fn target_missing(expect: &Expect<'_>, span: crate::span::Span) -> Diagnostic {
    Diagnostic::new(
        &codes::TYPE_MISMATCH,
        format!("`{}` needs the target utilization as a percentage", expect.setting),
        Label::new(span, "expected a percentage such as `70%`"),
        "write the target after the metric, as in `tasks 2..6 on cpu 70%`",
    )
}

/// `STORAGE at "PATH"`
fn mount(expect: &Expect<'_>, terms: &[Term], pos: &mut usize) -> Result<Value, ReadError> {
    let Some(Term::Word(storage)) = terms.get(*pos) else {
        return missing_or_mismatch(expect, terms.get(*pos), pos);
    };
    let storage: Ident = storage.clone();
    *pos += 1;
    let incomplete = |span| {
        ReadError::Invalid(Diagnostic::new(
            &codes::TYPE_MISMATCH,
            format!("`mount {}` needs the path to mount it at", storage.name),
            Label::new(span, "expected `at \"/path\"`"),
            format!("write `mount {} at \"/mnt/data\"`", storage.name),
        ))
    };
    if !matches!(terms.get(*pos), Some(Term::Word(w)) if w.name == "at") {
        return Err(incomplete(storage.span));
    }
    let at_span = terms[*pos].span();
    *pos += 1;
    match terms.get(*pos) {
        Some(Term::Literal(literal)) => match &literal.kind {
            LiteralKind::String(path) => {
                *pos += 1;
                Ok(Value::Mount { storage, path: path.clone() })
            }
            _ => Err(incomplete(literal.span)),
        },
        _ => Err(incomplete(at_span)),
    }
}

/// `"action"[, ...] on "resource"[, ...]`
fn grant(expect: &Expect<'_>, terms: &[Term], pos: &mut usize) -> Result<Value, ReadError> {
    let Some(actions) = strings(terms.get(*pos)) else {
        return missing_or_mismatch(expect, terms.get(*pos), pos);
    };
    let first_span = terms[*pos].span();
    *pos += 1;
    let incomplete = |span| {
        ReadError::Invalid(Diagnostic::new(
            &codes::TYPE_MISMATCH,
            "`grant` needs the resources it applies to",
            Label::new(span, "expected `on \"arn:...\"`"),
            "write `grant \"textract:AnalyzeDocument\" on \"arn:aws:textract:sa-east-1:123456789012:adapter/x\"`",
        ))
    };
    if !matches!(terms.get(*pos), Some(Term::Word(w)) if w.name == "on") {
        return Err(incomplete(first_span));
    }
    let on_span = terms[*pos].span();
    *pos += 1;
    match strings(terms.get(*pos)) {
        Some(resources) => {
            *pos += 1;
            Ok(Value::Grant { actions, resources })
        }
        None => Err(incomplete(terms.get(*pos).map_or(on_span, Term::span))),
    }
}

/// A string, or a list of strings.
fn strings(term: Option<&Term>) -> Option<Vec<String>> {
    let one = |term: &Term| match term {
        Term::Literal(literal) => match &literal.kind {
            LiteralKind::String(s) => Some(s.clone()),
            _ => None,
        },
        _ => None,
    };
    match term? {
        Term::List(list) => list.items.iter().map(one).collect(),
        other => one(other).map(|s| vec![s]),
    }
}

/// No value follows (a word that starts the next setting, a block, the end),
/// or a value of the wrong type does.
fn missing_or_mismatch(expect: &Expect<'_>, next: Option<&Term>, pos: &mut usize) -> Result<Value, ReadError> {
    match next {
        None | Some(Term::Word(_) | Term::Block(_) | Term::Route(_) | Term::Waiver(_)) => Err(ReadError::Missing),
        Some(other) => {
            *pos += 1;
            Err(ReadError::Invalid(mismatch(expect, other)))
        }
    }
}

fn mismatch(expect: &Expect<'_>, found: &Term) -> Diagnostic {
    Diagnostic::new(
        &codes::TYPE_MISMATCH,
        format!("`{}` takes {}, found {}", expect.setting, expect.ty.expectation(), found.describe()),
        Label::new(found.span(), format!("expected {}", expect.ty.expectation())),
        format!("`medc stdlib` shows what `{}` takes and its default", expect.setting),
    )
}

fn not_allowed(setting: &str, word: &Ident, values: &[String]) -> Diagnostic {
    let close = crate::suggest::closest(&word.name, values.iter().map(String::as_str));
    let help = match close {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("`{setting}` takes {}", quoted_list(values)),
    };
    Diagnostic::new(
        &codes::NOT_ALLOWED_VALUE,
        format!("`{}` is not a value `{setting}` takes", word.name),
        Label::new(word.span, format!("expected one of {}", quoted_list(values))),
        help,
    )
    .with_fix(close.map(|close| crate::diagnostics::Edit::new(word.span, close)))
}

/// A setting whose value medc needs at compile time was given `param NAME`.
fn param_not_taken(setting: &str, param: &crate::syntax::ast::Param) -> Diagnostic {
    Diagnostic::new(
        &codes::PARAM_NOT_TAKEN,
        format!("`{setting}` does not take `param {}`", param.name.name),
        Label::new(param.span, "medc needs this value at compile time"),
        format!("write the value of `{setting}` itself; `medc stdlib` marks the settings that take `param` (image, command, domain, certificate, truststore, a secret's key, notify)"),
    )
}
