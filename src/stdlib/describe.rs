//! Reading the standard library one piece at a time: the source of one
//! kind (`medc stdlib database`), and a summary of one setting (`medc stdlib
//! database backup`, `medc explain backup`) with its type, secure default,
//! constraints and the rules they enforce.

use super::{Check, Default, Kind, Schema, SettingDecl, FILES};
use std::fmt::Write;

/// Where a kind is declared: the file, the line its `kind` word is on, and
/// the declaration's text from `kind` to its closing `>`.
pub struct KindSource {
    pub path: &'static str,
    pub line: usize,
    /// Without the indentation the declaration has in its file.
    pub text: String,
}

/// The source of `kind NAME < ... >` in the standard library's files.
pub fn kind_source(name: &str) -> Option<KindSource> {
    FILES.iter().find_map(|(path, text)| {
        let start = declaration_start(text, "kind", name)?;
        let end = block_end(text, start)?;
        let line = text[..start].matches('\n').count() + 1;
        let indent = start - text[..start].rfind('\n').map_or(0, |newline| newline + 1);
        let lines: Vec<&str> = text[start..end]
            .split('\n')
            .map(|line| line.get(indent..).filter(|_| line[..indent].trim().is_empty()).unwrap_or(line))
            .collect();
        Some(KindSource { path, line, text: lines.join("\n") })
    })
}

/// The byte offset of `KEYWORD NAME` at the start of a line (after
/// indentation), so that a mention in a comment or a doc string is not taken
/// for the declaration.
fn declaration_start(text: &str, keyword: &str, name: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let mut words = trimmed.split_whitespace();
        if words.next() == Some(keyword) && words.next() == Some(name) {
            return Some(offset + (line.len() - trimmed.len()));
        }
        offset += line.len();
    }
    None
}

/// The end (exclusive) of the block that opens after `start`: brackets are
/// matched outside strings and `//` comments.
fn block_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, start);
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'<' => depth += 1,
            b'>' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The settings a name may mean: `kind.setting`, or a bare setting name,
/// which may be declared by several kinds (`backup`, `encrypted`).
pub fn find_settings<'s>(schema: &'s Schema, query: &str) -> Vec<(&'s Kind, &'s SettingDecl)> {
    let (kind, setting) = match query.split_once('.') {
        Some((kind, setting)) => (Some(kind), setting),
        None => (None, query),
    };
    schema
        .kinds
        .iter()
        .filter(|k| kind.is_none_or(|name| k.name == name))
        .filter_map(|k| k.setting(setting).map(|s| (k, s)))
        .collect()
}

/// A setting's summary, as `medc stdlib KIND SETTING` prints it.
pub fn setting_summary(kind: &Kind, decl: &SettingDecl) -> String {
    let mut text = String::new();
    let owner = if kind.name == "pipeline" { "the pipeline".to_string() } else { format!("kind `{}`", kind.name) };
    let _ = writeln!(text, "setting `{}` of {owner}", decl.name);
    let _ = writeln!(text, "  {}", decl.doc);
    let _ = writeln!(text, "type:       {}", decl.ty.expectation());
    let default = match &decl.default {
        Default::Value(value) => format!("{value}"),
        Default::Implicit => "implicit (the checker supplies it; see the doc above)".to_string(),
        Default::None => "none: absent unless written".to_string(),
    };
    let _ = writeln!(text, "default:    {default}");
    if let Some(value) = &decl.disposable {
        let _ = writeln!(text, "disposable: {value} (under `lifecycle disposable`)");
    }
    if let Some(code) = decl.required {
        let _ = writeln!(text, "required:   yes ({} {})", code.code, code.title);
    }
    if decl.repeat {
        let _ = writeln!(text, "repeat:     may be written more than once");
    }
    for constraint in &decl.constraints {
        let what = check_text(&constraint.check);
        let code = constraint.code;
        let citations =
            if code.citations.is_empty() { String::new() } else { format!("; {}", code.citations.join("; ")) };
        let _ = writeln!(text, "constraint: {what}  [{} {}{citations}]", code.code, code.title);
    }
    if !decl.settings.is_empty() {
        let names: Vec<&str> = decl.settings.iter().map(|s| s.name.as_str()).collect();
        let _ = writeln!(text, "block:      {}", names.join(", "));
    }
    text
}

/// What a constraint asks of its setting: `at least 7d`, `must be on`.
pub fn check_text(check: &Check) -> String {
    match check {
        Check::Min(v) => format!("at least {v}"),
        Check::Max(v) => format!("at most {v}"),
        Check::Step(v) => format!("a multiple of {v}"),
        Check::OneOf(values) => {
            let listed: Vec<String> = values.iter().map(ToString::to_string).collect();
            format!("one of {}", listed.join(", "))
        }
        Check::Require(v) => format!("must be {v}"),
        Check::Avoid(v) => format!("must not be {v}"),
        Check::Forbid => "never written".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_its_source() {
        let schema = crate::stdlib::schema().unwrap();
        for kind in &schema.kinds {
            let source = kind_source(&kind.name).unwrap_or_else(|| panic!("no source for `{}`", kind.name));
            assert!(source.text.starts_with(&format!("kind {} <", kind.name)), "{}", source.text);
            assert!(source.text.ends_with('>'));
            assert!(source.line > 1);
        }
    }

    #[test]
    fn settings_are_found_by_bare_and_qualified_names() {
        let schema = crate::stdlib::schema().unwrap();
        let backups: Vec<&str> = find_settings(schema, "backup").iter().map(|(k, _)| k.name.as_str()).collect();
        assert!(backups.contains(&"database") && backups.contains(&"storage"), "{backups:?}");
        let one = find_settings(schema, "database.backup");
        assert_eq!(one.len(), 1);
        let summary = setting_summary(one[0].0, one[0].1);
        assert!(summary.contains("default:    7d"), "{summary}");
        assert!(summary.contains("at least 7d  [MEDC-1010"), "{summary}");
        assert!(find_settings(schema, "database.shards").is_empty());
    }
}
