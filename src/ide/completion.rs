//! Completion. It runs on text mid-edit, which often does not parse, so the
//! context comes from the tokens before the cursor: the blocks still open
//! around it (whose heads say which kind or setting they belong to) and the
//! word before the one being typed (a setting whose values to offer, or
//! `waive`). Only the names of declared components come from the analysis.

use super::Analyzed;
use crate::diagnostics::codes;
use crate::span::Span;
use crate::stdlib::{Check, Default, Schema, SettingDecl};
use crate::types::Type;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum CompletionKind {
    Kind,
    Setting,
    Value,
    Component,
    Rule,
    Keyword,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    /// The text the completion replaces: the word being typed.
    pub replace: Span,
}

/// The completions at `offset`.
pub fn complete(analysis: &Analyzed, offset: usize) -> Vec<Completion> {
    let Some(schema) = analysis.schema else {
        return Vec::new();
    };
    let text = &analysis.text;
    let offset = floor_boundary(text, offset);
    let tokens = lex(&text[..offset]);
    // The word being typed, if the cursor is at its end.
    let (typing, before) = match tokens.split_last() {
        Some((last, rest)) if last.kind == Tok::Word && last.span.end == offset => (last.span, rest),
        _ => (Span::new(offset, offset), &tokens[..]),
    };
    if inside_string_or_comment(text, offset) {
        return Vec::new();
    }
    let context = Context::of(schema, text, before);
    let mut items = Vec::new();
    let complete = Builder { replace: typing };
    match value_position(text, before, context.decls) {
        Some(Previous::Waive) => {
            for code in codes::rules().filter(|c| c.waivable) {
                items.push(complete.item(code.code, CompletionKind::Rule, Some(code.title.to_string()), None));
            }
            return items;
        }
        Some(Previous::RouteTarget) => {
            return components(analysis, &["service".to_string()], &complete);
        }
        Some(Previous::Setting(decl)) => {
            match &decl.ty {
                Type::Choice(values) => {
                    for value in values {
                        items.push(complete.item(value, CompletionKind::Value, None, None));
                    }
                }
                Type::Switch | Type::Block => {
                    for value in ["on", "off"] {
                        items.push(complete.item(value, CompletionKind::Value, None, None));
                    }
                }
                Type::Ref(kinds) | Type::Refs(kinds) | Type::Mount(kinds) => {
                    return components(analysis, kinds, &complete);
                }
                _ => {}
            }
            // A switch's name may be followed by the next setting instead.
            if !matches!(decl.ty, Type::Switch) {
                return items;
            }
        }
        None => {}
    }
    if let (Block::Pipeline, Some(last)) = (&context.block, before.last()) {
        // `database |`: the kind's engines.
        let kind = schema.component_kinds().find(|k| last.kind == Tok::Word && k.name == last.text(text));
        if let Some(kind) = kind.filter(|k| !k.engines.is_empty()) {
            return kind.engines.iter().map(|e| complete.item(e, CompletionKind::Value, None, None)).collect();
        }
    }
    match context.block {
        Block::Pipeline => {
            for kind in schema.component_kinds() {
                items.push(complete.item(&kind.name, CompletionKind::Kind, None, Some(kind.doc.clone())));
            }
            settings(&schema.pipeline().settings, &complete, &mut items);
            items.push(complete.item("waive", CompletionKind::Keyword, Some("waive CODE \"reason\"".into()), None));
        }
        Block::Component { routes } => {
            settings(context.decls, &complete, &mut items);
            items.push(complete.item("waive", CompletionKind::Keyword, Some("waive CODE \"reason\"".into()), None));
            if routes {
                let detail = Some("route METHOD \"/path\" -> service".to_string());
                items.push(complete.item("route", CompletionKind::Keyword, detail, None));
            }
        }
        Block::Settings => settings(context.decls, &complete, &mut items),
        Block::Outside | Block::Unknown => {}
    }
    items
}

struct Builder {
    replace: Span,
}

impl Builder {
    fn item(&self, label: &str, kind: CompletionKind, detail: Option<String>, doc: Option<String>) -> Completion {
        Completion { label: label.to_string(), kind, detail, documentation: doc, replace: self.replace }
    }
}

fn settings(decls: &[SettingDecl], complete: &Builder, items: &mut Vec<Completion>) {
    // A setting the standard library forbids (a literal password) is not offered.
    for decl in decls.iter().filter(|d| !d.constraints.iter().any(|c| matches!(c.check, Check::Forbid))) {
        let mut detail = decl.ty.expectation();
        if let Default::Value(value) = &decl.default {
            detail = format!("{detail}; default `{value}`");
        }
        items.push(complete.item(&decl.name, CompletionKind::Setting, Some(detail), Some(decl.doc.clone())));
    }
}

/// The declared components of the given kinds.
fn components(analysis: &Analyzed, kinds: &[String], complete: &Builder) -> Vec<Completion> {
    let Some(outline) = analysis.outline() else {
        return Vec::new();
    };
    outline
        .components()
        .filter(|c| kinds.contains(&c.kind.name))
        .map(|c| complete.item(c.name(), CompletionKind::Component, Some(c.kind.name.clone()), None))
        .collect()
}

/// Which block the cursor is in.
enum Block {
    /// Before `pipeline NAME <` or after its `>`.
    Outside,
    Pipeline,
    Component {
        routes: bool,
    },
    /// A block setting's or a route's.
    Settings,
    /// A block whose head is not a kind or setting (a misspelling).
    Unknown,
}

struct Context<'s> {
    block: Block,
    /// The settings the innermost block may hold.
    decls: &'s [SettingDecl],
}

impl<'s> Context<'s> {
    /// Reads the open blocks from the outside in.
    fn of(schema: &'s Schema, text: &str, tokens: &[Token]) -> Self {
        let mut open = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            match token.kind {
                Tok::Open => open.push(index),
                Tok::Close => {
                    open.pop();
                }
                _ => {}
            }
        }
        let mut context = Context { block: Block::Outside, decls: &[] };
        for (depth, &index) in open.iter().enumerate() {
            let head = &tokens[..index];
            if depth == 0 {
                context = Context { block: Block::Pipeline, decls: &schema.pipeline().settings };
                continue;
            }
            let words: Vec<&str> =
                head.iter().rev().take_while(|t| t.kind == Tok::Word).take(3).map(|t| t.text(text)).collect();
            let is_route = head.iter().rev().nth(1).is_some_and(|t| t.kind == Tok::Arrow);
            if depth == 1 {
                if let Some(kind) = words.iter().find_map(|w| schema.component_kinds().find(|k| k.name == *w)) {
                    context = Context { block: Block::Component { routes: kind.routes }, decls: &kind.settings };
                    continue;
                }
            }
            if is_route {
                context = Context { block: Block::Settings, decls: schema.route_settings() };
                continue;
            }
            context = match words.first().and_then(|w| context.decls.iter().find(|d| d.name == *w)) {
                Some(decl) if decl.ty == Type::Block => Context { block: Block::Settings, decls: &decl.settings },
                _ => Context { block: Block::Unknown, decls: &[] },
            };
        }
        context
    }
}

enum Previous<'s> {
    Waive,
    RouteTarget,
    Setting(&'s SettingDecl),
}

/// Whether the cursor stands where a value goes: after a setting's name (or
/// after `a,` in a list of names), after `waive`, or after a route's `->`.
fn value_position<'s>(text: &str, tokens: &[Token], decls: &'s [SettingDecl]) -> Option<Previous<'s>> {
    let mut rest = tokens;
    // `connects aurora, |`: step back over the list to the setting's name.
    while let [head @ .., word, comma] = rest {
        if comma.kind != Tok::Comma || word.kind != Tok::Word {
            break;
        }
        rest = head;
    }
    let last = rest.last()?;
    match last.kind {
        Tok::Arrow => Some(Previous::RouteTarget),
        Tok::Word if last.text(text) == "waive" => Some(Previous::Waive),
        Tok::Word => decls.iter().find(|d| d.name == last.text(text)).map(Previous::Setting),
        _ => None,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Word,
    String,
    Open,
    Close,
    Arrow,
    Comma,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Tok,
    span: Span,
}

impl Token {
    fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.range()).unwrap_or_default()
    }
}

/// Splits text into words, strings, brackets, arrows and commas, skipping
/// comments. It accepts any text: an unterminated string ends at its line.
fn lex(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    let is_word_byte = |b: u8| !b.is_ascii_whitespace() && !matches!(b, b'<' | b'>' | b'"' | b',');
    while i < bytes.len() {
        let start = i;
        let kind = match bytes[i] {
            b if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i = (i + 1).min(bytes.len());
                Tok::String
            }
            b'<' => {
                i += 1;
                Tok::Open
            }
            b'>' => {
                i += 1;
                Tok::Close
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                Tok::Arrow
            }
            _ => {
                while i < bytes.len()
                    && is_word_byte(bytes[i])
                    && !(bytes[i] == b'-' && bytes.get(i + 1) == Some(&b'>'))
                {
                    i += 1;
                }
                Tok::Word
            }
        };
        tokens.push(Token { kind, span: Span::new(start, i.min(bytes.len())) });
    }
    tokens
}

/// Whether the offset is inside a string or a comment on its line.
fn inside_string_or_comment(text: &str, offset: usize) -> bool {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text.as_bytes()[line_start..offset];
    let mut in_string = false;
    let mut i = 0;
    while i < line.len() {
        match line[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && line.get(i + 1) == Some(&b'/') => return true,
            _ => {}
        }
        i += 1;
    }
    in_string
}

/// The nearest character boundary at or before `offset`.
pub(super) fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
