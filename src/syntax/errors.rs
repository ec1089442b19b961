//! Turns pest's errors into diagnostics that read like a person wrote them:
//! what was found, what was expected, in the language's words (never pest
//! rule names), pointing at the offending token.

use super::Rule;
use crate::diagnostics::{codes, Code, Diagnostic, Label};
use crate::span::Span;
use pest::error::{Error, ErrorVariant, InputLocation};

/// Which piece of the file was being parsed.
#[derive(Clone, Copy)]
pub enum Context {
    Header,
    Body,
    Trailer,
}

pub fn translate(error: Error<Rule>, text: &str, offset: usize, context: Context) -> Diagnostic {
    let at = offset
        + match error.location {
            InputLocation::Pos(pos) => pos,
            InputLocation::Span((start, _)) => start,
        };
    let expected = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let before: Vec<&str> = text[offset..at].split_whitespace().rev().take(3).collect();
    let token = token_at(text, at);

    if let Some(c) = text[at..].chars().next().filter(|c| !c.is_ascii()) {
        return non_ascii(c, at);
    }
    match context {
        Context::Header => header(&token, &expected),
        Context::Trailer => Diagnostic::new(
            &codes::TRAILING_INPUT,
            format!("unexpected {} after the pipeline's closing `>`", token.describe()),
            Label::new(token.span, "the pipeline ended before this"),
            "a file holds one pipeline; move this inside its block or remove it",
        ),
        Context::Body => body(&token, &expected, &before),
    }
}

/// A `<` whose block never closes cannot reach here (the scan checks it), so
/// a header with no block means the file ended after `pipeline NAME`.
pub fn missing_block(text: &str) -> Diagnostic {
    let end = text.trim_end().len();
    Diagnostic::new(
        &codes::SYNTAX,
        "expected `<` to open the pipeline's block",
        Label::new(Span::new(end, end), "the input ends here"),
        "write the pipeline's components in a block: `pipeline medimg < ... >`",
    )
}

fn header(token: &Token, expected: &[Rule]) -> Diagnostic {
    if expected.contains(&Rule::kw_pipeline) {
        Diagnostic::new(
            &codes::MISSING_PIPELINE,
            format!("expected `pipeline`, found {}", token.describe()),
            Label::new(token.span, "a program starts with `pipeline NAME <`"),
            "wrap the program in a pipeline: `pipeline medimg < ... >`",
        )
    } else if expected.contains(&Rule::word) {
        Diagnostic::new(
            &codes::SYNTAX,
            format!("expected the pipeline's name, found {}", token.describe()),
            Label::new(token.span, "expected a name such as `medimg`"),
            "name the pipeline: `pipeline medimg < ... >`; names are ASCII letters, digits, `_` and `-`",
        )
    } else {
        Diagnostic::new(
            &codes::SYNTAX,
            format!("expected `<` to open the pipeline's block, found {}", token.describe()),
            Label::new(token.span, "expected `<`"),
            "a program is `pipeline NAME < ... >`",
        )
    }
}

/// `before` holds up to three tokens before the error, nearest first: pest
/// says what it expected, and they say inside which form.
fn body(token: &Token, expected: &[Rule], before: &[&str]) -> Diagnostic {
    let last = before.first().copied().unwrap_or_default();
    let in_route = expected.contains(&Rule::arrow)
        || expected.contains(&Rule::method)
        || last == "->"
        || before.contains(&"route") && expected.contains(&Rule::string);
    let in_waiver = before.iter().take(2).any(|t| *t == "waive");
    let (code, message, label, help): (&'static Code, String, String, String) = if in_route {
        (
            &codes::INCOMPLETE_ROUTE,
            format!("incomplete route: expected {}, found {}", route_part(expected), token.describe()),
            format!("expected {}", route_part(expected)),
            "a route is `route METHOD \"PATH\" -> SERVICE`, as in `route POST \"/studies\" -> processor`".into(),
        )
    } else if in_waiver {
        (
            &codes::INCOMPLETE_WAIVER,
            format!("incomplete waiver: expected {}, found {}", waiver_part(expected), token.describe()),
            format!("expected {}", waiver_part(expected)),
            "a waiver is `waive CODE \"reason\"`, as in `waive MEDC-1018 \"the vendor's licence server is on the internet\"`".into(),
        )
    } else if last == "param" {
        (
            &codes::INCOMPLETE_PARAM,
            format!("expected a parameter name after `param`, found {}", token.describe()),
            "expected a name such as `ProcessorImage`".into(),
            "write `param NAME`, as in `image param ProcessorImage`".into(),
        )
    } else if last.ends_with(',') {
        (
            &codes::SYNTAX,
            format!("expected a list item after `,`, found {}", token.describe()),
            "expected a name or value".into(),
            "a list is items separated by commas, as in `writes events, results`; remove the trailing comma".into(),
        )
    } else {
        (
            &codes::SYNTAX,
            format!("unexpected {}", token.describe()),
            "not a setting, value, block, route or waiver".into(),
            unexpected_help(&token.text),
        )
    };
    Diagnostic::new(code, message, Label::new(token.span, label), help)
}

fn route_part(expected: &[Rule]) -> &'static str {
    if expected.contains(&Rule::method) {
        "an HTTP method such as `GET` or `POST`"
    } else if expected.contains(&Rule::string) {
        "the path as a string, such as `\"/studies\"`"
    } else if expected.contains(&Rule::arrow) {
        "`->` and the service that answers"
    } else {
        "the name of the service that answers"
    }
}

fn waiver_part(expected: &[Rule]) -> &'static str {
    if expected.contains(&Rule::string) {
        "the reason, as a string"
    } else {
        "the code of the rule waived, such as `MEDC-1018`"
    }
}

fn unexpected_help(found: &str) -> String {
    match found {
        "{" | "}" => "blocks are written with `<` and `>`, not braces".into(),
        "=" | ":" => "a setting is its name and its value separated by a space: `backup 7d`".into(),
        ";" => "settings need no separator; remove the `;`".into(),
        "'" => "strings are written with double quotes: `\"/dicom\"`".into(),
        "#" => "comments start with `//`".into(),
        "-" => "negative numbers are not allowed; a route's arrow is `->`".into(),
        _ => "see docs/language.md for what a block may hold".into(),
    }
}

fn non_ascii(c: char, at: usize) -> Diagnostic {
    let span = Span::new(at, at + c.len_utf8());
    if c.is_alphabetic() {
        Diagnostic::new(
            &codes::NON_ASCII_NAME,
            format!("`{c}` is not allowed in a name"),
            Label::new(span, "names use ASCII letters, digits, `_` and `-`"),
            "names become parts of AWS resource names; write text in other scripts inside a string",
        )
    } else {
        Diagnostic::new(
            &codes::SYNTAX,
            format!("unexpected character `{c}` (U+{:04X})", c as u32),
            Label::new(span, "not part of the language"),
            "remove it; typographic quotes and dashes often come from pasting out of a word processor",
        )
    }
}

/// The token found where the parser stopped, for messages.
struct Token {
    text: String,
    span: Span,
}

impl Token {
    fn describe(&self) -> String {
        if self.text.is_empty() {
            "the end of the input".to_string()
        } else {
            format!("`{}`", self.text)
        }
    }
}

fn token_at(text: &str, at: usize) -> Token {
    let rest = &text[at..];
    let Some(first) = rest.chars().next() else {
        return Token { text: String::new(), span: Span::new(at, at) };
    };
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '%';
    let len = if rest.starts_with("->") {
        2
    } else if is_word(first) {
        rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
    } else if first == '"' {
        rest[1..].find(['"', '\n']).map_or(rest.len(), |n| n + 2).min(rest.len())
    } else {
        first.len_utf8()
    };
    let len = len.min(60);
    let mut end = at + len;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Token { text: text[at..end].trim_end().to_string(), span: Span::new(at, end) }
}
