//! Reading literal tokens: the `number` token (integers, decimals, versions,
//! durations, sizes, percentages, ranges) and string escapes. The grammar
//! accepts any digit-led token so that a malformed one gets a precise error
//! here ("unknown unit `x` in `7x`") rather than a generic one from pest.

use super::ast::{Duration, LiteralKind, TimeUnit};
use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;

pub fn number(text: &str, span: Span) -> Result<LiteralKind, Diagnostic> {
    if text.contains('_') {
        return Err(malformed(
            text,
            span,
            "digits may not be separated by `_`",
            format!("write `{}`", text.replace('_', "")),
        ));
    }
    if let Some((low_text, high_text)) = text.split_once("..") {
        return range(text, low_text, high_text, span);
    }
    if let Some(amount) = text.strip_suffix('%') {
        return match plain(amount) {
            Some(value) => Ok(LiteralKind::Percent { value, text: text.to_string() }),
            None => {
                Err(malformed(text, span, "a percentage is a number followed by `%`", "write a percentage like `70%`"))
            }
        };
    }
    let digits_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (amount, unit) = text.split_at(digits_end);
    if unit.is_empty() {
        return unitless(text, span);
    }
    let time_unit = match unit {
        "s" => Some(TimeUnit::Seconds),
        "m" => Some(TimeUnit::Minutes),
        "h" => Some(TimeUnit::Hours),
        "d" => Some(TimeUnit::Days),
        _ => None,
    };
    let size_unit: Option<u64> = match unit {
        "KiB" => Some(1 << 10),
        "MiB" => Some(1 << 20),
        "GiB" => Some(1 << 30),
        "TiB" => Some(1 << 40),
        _ => None,
    };
    if time_unit.is_none() && size_unit.is_none() {
        return Err(unknown_unit(text, unit, span.start + digits_end, span));
    }
    let Ok(amount_value) = amount.parse::<u64>() else {
        return Err(malformed(
            text,
            span,
            "durations and sizes take a whole number",
            "use a smaller unit for fractions: `90m` rather than `1.5h`",
        ));
    };
    if let Some(unit) = time_unit {
        return Ok(LiteralKind::Duration(Duration { amount: amount_value, unit }));
    }
    let factor = size_unit.unwrap_or(1);
    match amount_value.checked_mul(factor) {
        Some(bytes) => Ok(LiteralKind::Size { bytes, text: text.to_string() }),
        None => Err(malformed(text, span, "this size is too large", "sizes go up to thousands of TiB")),
    }
}

fn unitless(text: &str, span: Span) -> Result<LiteralKind, Diagnostic> {
    // `016.8` would be emitted as written (`aurora-postgresql016`): a leading
    // zero is refused in an integer, a decimal's whole part and every part
    // of a version.
    let parts: Vec<&str> = text.split('.').collect();
    let padded = |part: &&str| part.len() > 1 && part.starts_with('0');
    let leading_zero = match parts.len() {
        2 => parts.first().is_some_and(padded),
        _ => parts.iter().any(padded),
    };
    if leading_zero {
        return Err(malformed(
            text,
            span,
            "a number does not start with a leading zero",
            "write it without the leading zero, as in `16.8`",
        ));
    }
    let dots = text.matches('.').count();
    let parts_ok = text.split('.').all(|part| !part.is_empty());
    match dots {
        0 => text
            .parse::<u64>()
            .map(LiteralKind::Integer)
            .map_err(|_| malformed(text, span, "this integer is too large", "integers go up to 18446744073709551615")),
        1 if parts_ok => match text.parse::<f64>() {
            Ok(value) => Ok(LiteralKind::Decimal { value, text: text.to_string() }),
            Err(_) => Err(malformed(text, span, "not a decimal", "write a decimal like `0.5`")),
        },
        _ if parts_ok && text.split('.').all(|part| part.parse::<u32>().is_ok()) => {
            Ok(LiteralKind::Version(text.to_string()))
        }
        _ => Err(malformed(
            text,
            span,
            "not a number or version",
            "write a decimal like `0.5` or a version like `16.4.1`",
        )),
    }
}

fn range(text: &str, low_text: &str, high_text: &str, span: Span) -> Result<LiteralKind, Diagnostic> {
    let (Some(low), Some(high)) = (plain(low_text), plain(high_text)) else {
        return Err(malformed(
            text,
            span,
            "a range is two numbers joined by `..`",
            "write a range like `2..6` or `0.5..4`",
        ));
    };
    if low > high {
        return Err(Diagnostic::new(
            &codes::REVERSED_RANGE,
            format!("range `{text}` has its bounds reversed"),
            Label::new(span, "the lower bound comes first"),
            format!("write `{high_text}..{low_text}`"),
        ));
    }
    Ok(LiteralKind::Range { low, high, text: text.to_string() })
}

/// An integer or a decimal, as a float.
fn plain(text: &str) -> Option<f64> {
    let well_formed = !text.is_empty()
        && text.matches('.').count() <= 1
        && text.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        text.parse().ok()
    } else {
        None
    }
}

fn malformed(text: &str, span: Span, why: &str, help: impl Into<String>) -> Diagnostic {
    Diagnostic::new(&codes::BAD_NUMBER, format!("malformed number `{text}`"), Label::new(span, why), help)
}

fn unknown_unit(text: &str, unit: &str, unit_start: usize, span: Span) -> Diagnostic {
    let lower = unit.to_ascii_lowercase();
    let help = if ["kb", "mb", "gb", "tb", "k", "g", "kib", "mib", "gib", "tib", "mi", "gi"].contains(&lower.as_str()) {
        let amount = &text[..text.len() - unit.len()];
        let suggestion = match lower.chars().next() {
            Some('k') => "KiB",
            Some('m') => "MiB",
            Some('t') => "TiB",
            _ => "GiB",
        };
        format!("sizes use binary units, written exactly: `{amount}{suggestion}`")
    } else if ["day", "days", "hour", "hours", "min", "mins", "minutes", "sec", "secs", "seconds", "w", "y"]
        .contains(&lower.as_str())
    {
        "durations use `s`, `m`, `h` or `d`, as in `7d` or `24h`".to_string()
    } else {
        "durations use `s`, `m`, `h`, `d` (`7d`); sizes use `KiB`, `MiB`, `GiB`, `TiB` (`512MiB`)".to_string()
    };
    Diagnostic::new(
        &codes::BAD_UNIT,
        format!("unknown unit `{unit}` in `{text}`"),
        Label::new(Span::new(unit_start, span.end), "not a duration or size unit"),
        help,
    )
}

/// Decodes a string token (with its quotes) into its value.
pub fn string(token: &str, span: Span) -> Result<String, Diagnostic> {
    let inner = &token[1..token.len() - 1];
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            value.push(c);
            continue;
        }
        let escape_start = span.start + 1 + i;
        match chars.next() {
            Some((_, '"')) => value.push('"'),
            Some((_, '\\')) => value.push('\\'),
            Some((_, 'n')) => value.push('\n'),
            Some((_, 't')) => value.push('\t'),
            Some((_, 'u')) => {
                let rest = &inner[i + 2..];
                let decoded = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .filter(|(hex, _)| (1..=6).contains(&hex.len()))
                    .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|n| (hex.len(), n)))
                    .and_then(|(len, n)| char::from_u32(n).map(|c| (len, c)));
                match decoded {
                    Some((len, c)) => {
                        value.push(c);
                        for _ in 0..len + 2 {
                            chars.next();
                        }
                    }
                    None => {
                        let end = rest.find('}').map_or(escape_start + 2, |n| escape_start + 3 + n);
                        return Err(bad_escape(Span::new(escape_start, end.min(span.end - 1)), "\\u"));
                    }
                }
            }
            Some((j, other)) => {
                let end = span.start + 1 + j + other.len_utf8();
                return Err(bad_escape(Span::new(escape_start, end), &format!("\\{other}")));
            }
            None => return Err(bad_escape(Span::new(escape_start, escape_start + 1), "\\")),
        }
    }
    Ok(value)
}

fn bad_escape(span: Span, escape: &str) -> Diagnostic {
    Diagnostic::new(
        &codes::BAD_ESCAPE,
        format!("invalid escape `{escape}` in a string"),
        Label::new(span, "not an escape medc knows"),
        "the escapes are `\\\"`, `\\\\`, `\\n`, `\\t` and `\\u{XXXX}`; write `\\\\` for a backslash",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<LiteralKind, &'static str> {
        number(text, Span::new(0, text.len())).map_err(|d| d.code.code)
    }

    #[test]
    fn classifies_every_literal_form() {
        assert_eq!(read("2"), Ok(LiteralKind::Integer(2)));
        assert!(matches!(read("0.5"), Ok(LiteralKind::Decimal { value, .. }) if value == 0.5));
        assert_eq!(read("16.4.1"), Ok(LiteralKind::Version("16.4.1".into())));
        assert_eq!(read("7d"), Ok(LiteralKind::Duration(Duration { amount: 7, unit: TimeUnit::Days })));
        assert!(matches!(read("2GiB"), Ok(LiteralKind::Size { bytes, .. }) if bytes == 2 << 30));
        assert!(matches!(read("70.0%"), Ok(LiteralKind::Percent { value, text }) if value == 70.0 && text == "70.0%"));
        assert!(matches!(read("0.5..4"), Ok(LiteralKind::Range { low, high, .. }) if low == 0.5 && high == 4.0));
    }

    #[test]
    fn rejects_malformed_literals_with_their_codes() {
        assert_eq!(read("7x"), Err("MEDC-0006"));
        assert_eq!(read("2GB"), Err("MEDC-0006"));
        assert_eq!(read("6..2"), Err("MEDC-0008"));
        assert_eq!(read("1..2..3"), Err("MEDC-0007"));
        assert_eq!(read("1_000"), Err("MEDC-0007"));
        assert_eq!(read("99999999999999999999"), Err("MEDC-0007"));
        assert_eq!(read("1.5h"), Err("MEDC-0007"));
    }

    #[test]
    fn decodes_escapes() {
        let token = r#""a\"b\\c\n\u{e3}""#;
        assert_eq!(string(token, Span::new(0, token.len())), Ok("a\"b\\c\nã".to_string()));
        let bad = r#""C:\dicom""#;
        assert_eq!(string(bad, Span::new(0, bad.len())).map_err(|d| d.primary.span), Err(Span::new(3, 5)));
    }
}
