//! Resolution: groups a block's terms into settings, components, routes and
//! waivers using the standard library's declarations, and reads each value
//! into its type. Unknown names get a "did you mean".

use super::model::{self, Component, Origin, Program, Route, Scope, Setting, Settings, Waiver};
use crate::diagnostics::{codes, Diagnostic, Edit, Label};
use crate::span::Span;
use crate::stdlib::{Kind, Schema, SettingDecl};
use crate::suggest::closest;
use crate::syntax::ast::{self, Block, Ident, LiteralKind, Term};
use crate::types::{quoted_list, read_value, ReadError, Type, Value};
use std::collections::HashSet;

const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "ANY"];

pub fn resolve(ast: &ast::Program, schema: &Schema, diagnostics: &mut Vec<Diagnostic>) -> Program {
    let mut resolver = Resolver { schema, diagnostics, unknown_components: Vec::new() };
    let mut program = Program {
        name: ast.name.clone(),
        settings: Settings::default(),
        components: Vec::new(),
        waivers: Vec::new(),
        waived: Vec::new(),
        unknown_components: Vec::new(),
    };
    if !valid_name(&ast.name.name) {
        resolver.diagnostics.push(invalid_name(&ast.name));
    }
    let pipeline = schema.pipeline();
    let all = &ast.body.terms;
    let mut pos = 0;
    while pos < all.len() {
        // Components and waivers at the pipeline level; the rest are settings.
        if let Term::Word(word) = &all[pos] {
            if let Some((closed, kind)) = model::Kind::from_name(&word.name).zip(schema.kind(&word.name)) {
                pos += 1;
                if let Some(component) = resolver.component(closed, kind, word, all, &mut pos, &mut program.waivers) {
                    program.components.push(component);
                }
                continue;
            }
        }
        if let Term::Waiver(waiver) = &all[pos] {
            program.waivers.extend(resolver.waiver(waiver, Scope::Pipeline));
            pos += 1;
            continue;
        }
        resolver.entry(&pipeline.settings, "the pipeline", all, &mut pos, &mut program.settings, Some(schema));
    }
    program.unknown_components = resolver.unknown_components;
    program
}

struct Resolver<'a> {
    schema: &'a Schema,
    diagnostics: &'a mut Vec<Diagnostic>,
    /// Names declared by components of an unknown kind.
    unknown_components: Vec<String>,
}

impl Resolver<'_> {
    /// `KIND [ENGINE] [NAME] < ... >`, after the kind's word.
    fn component(
        &mut self,
        closed: model::Kind,
        kind: &Kind,
        kind_word: &Ident,
        terms: &[Term],
        pos: &mut usize,
        waivers: &mut Vec<Waiver>,
    ) -> Option<Component> {
        let mut engine = None;
        let mut engine_span = None;
        let mut head = kind_word.span;
        if !kind.engines.is_empty() {
            match terms.get(*pos) {
                Some(Term::Word(word)) if kind.engines.contains(&word.name) => {
                    engine = Some(word.name.clone());
                    engine_span = Some(word.span);
                    head = head.to(word.span);
                    *pos += 1;
                }
                Some(Term::Word(word)) => {
                    let close = closest(&word.name, kind.engines.iter().map(String::as_str));
                    let help = match close {
                        Some(close) => format!("did you mean `{close}`?"),
                        None => format!("write `{} {} < ... >`", kind.name, kind.engines[0]),
                    };
                    self.diagnostics.push(
                        Diagnostic::new(
                            &codes::UNKNOWN_ENGINE,
                            format!("unknown engine `{}` for `{}`", word.name, kind.name),
                            Label::new(word.span, format!("`{}` offers {}", kind.name, quoted_list(&kind.engines))),
                            help,
                        )
                        .with_fix(close.map(|close| Edit::new(word.span, close))),
                    );
                    *pos += 1;
                    skip_component_rest(terms, pos);
                    return None;
                }
                other => {
                    let span = other.map_or(kind_word.span, Term::span);
                    self.diagnostics.push(Diagnostic::new(
                        &codes::UNKNOWN_ENGINE,
                        format!("`{}` needs an engine", kind.name),
                        Label::new(span, format!("expected {}", quoted_list(&kind.engines))),
                        format!("write `{} {} < ... >`", kind.name, kind.engines[0]),
                    ));
                    skip_component_rest(terms, pos);
                    return None;
                }
            }
        }
        let mut name = engine.clone().unwrap_or_else(|| kind.name.clone());
        let mut name_span = engine_span.unwrap_or(kind_word.span);
        if let Some(Term::Word(word)) = terms.get(*pos) {
            // `database aurora` then `bucket s3 ...`: the block is missing,
            // and `bucket` starts the next component rather than naming this one.
            if kind.named && self.schema.component_kinds().all(|k| k.name != word.name) {
                if !valid_name(&word.name) {
                    self.diagnostics.push(invalid_name(word));
                }
                name = word.name.clone();
                name_span = word.span;
                head = head.to(word.span);
                *pos += 1;
            }
        }
        let block = match terms.get(*pos) {
            Some(Term::Block(block)) => block,
            other => {
                let (span, found) = match other {
                    Some(term) => (term.span(), term.describe()),
                    None => (Span::new(head.end, head.end), "nothing".to_string()),
                };
                let next_component =
                    matches!(other, Some(Term::Word(w)) if self.schema.component_kinds().any(|k| k.name == w.name));
                let takes_no_name = !kind.named && !next_component && matches!(other, Some(Term::Word(_)));
                let help = if !takes_no_name {
                    format!(
                        "write the component's settings in a block, even an empty one: `{} < >`",
                        head_text(kind, &engine)
                    )
                } else {
                    format!("`{}` takes no name; write `{} < ... >`", kind.name, head_text(kind, &engine))
                };
                self.diagnostics.push(Diagnostic::new(
                    &codes::MISSING_BLOCK,
                    format!("expected `<` after `{}`, found {found}", head_text(kind, &engine)),
                    Label::new(span, "expected the component's block"),
                    help,
                ));
                // Resume at the next component; otherwise skip this one's rest.
                if !next_component {
                    skip_component_rest(terms, pos);
                }
                return None;
            }
        };
        *pos += 1;
        let mut component = Component {
            kind: closed,
            engine,
            name: name.clone(),
            head,
            kind_span: kind_word.span,
            engine_span,
            name_span,
            origin: Origin::User(head.to(block.span())),
            settings: Settings::default(),
            routes: Vec::new(),
        };
        // How messages name the component, built once rather than for
        // every setting it holds.
        let owner = format!("`{}`", head_text(kind, &component.engine));
        let mut inner = 0;
        while inner < block.terms.len() {
            match &block.terms[inner] {
                Term::Waiver(waiver) => {
                    waivers.extend(self.waiver(waiver, Scope::Component(name.clone())));
                    inner += 1;
                }
                Term::Route(route) if kind.routes => {
                    component.routes.extend(self.route(route));
                    inner += 1;
                }
                _ => self.entry(&kind.settings, &owner, &block.terms, &mut inner, &mut component.settings, None),
            }
        }
        Some(component)
    }

    /// Reads one entry of a settings block at `terms[*pos]`: a setting and its
    /// value, or reports what stands there instead and skips past it.
    fn entry(
        &mut self,
        decls: &[SettingDecl],
        owner: &str,
        terms: &[Term],
        pos: &mut usize,
        settings: &mut Settings,
        components: Option<&Schema>,
    ) {
        let term = &terms[*pos];
        let word = match term {
            Term::Word(word) => word,
            Term::Route(route) => {
                self.diagnostics.push(Diagnostic::new(
                    &codes::MISPLACED,
                    "a route outside an `api` block",
                    Label::new(route.span, format!("routes are not allowed in {owner}")),
                    "write routes inside the api that serves them: `api ingest < ... route POST \"/studies\" -> processor >`",
                ));
                *pos += 1;
                return;
            }
            Term::Waiver(waiver) => {
                self.diagnostics.push(Diagnostic::new(
                    &codes::MISPLACED,
                    "a waiver inside a setting's block",
                    Label::new(waiver.span, "waivers belong to the pipeline or a component"),
                    "move the waiver into the component's block, next to its settings",
                ));
                *pos += 1;
                return;
            }
            other => {
                self.diagnostics.push(Diagnostic::new(
                    &codes::STRAY_VALUE,
                    format!("{} without a setting", other.describe()),
                    Label::new(other.span(), "which setting is this for?"),
                    "write the setting's name before its value, as in `backup 7d`",
                ));
                *pos += 1;
                return;
            }
        };
        let Some(decl) = decls.iter().find(|d| d.name == word.name) else {
            self.unknown(word, decls, owner, components);
            *pos += 1;
            if let Some(name) = skip_unknown(terms, pos, components.is_some()) {
                self.unknown_components.push(name);
            }
            return;
        };
        *pos += 1;
        let (value, block) = match self.value(decl, terms, pos) {
            Some(read) => read,
            None => return,
        };
        let end = terms[..*pos].last().map_or(word.span.end, |t| t.span().end).max(word.span.end);
        let span = Span::new(word.span.start, end);
        if !decl.repeat {
            if let Some(first) = settings.get(&decl.name) {
                let mut diagnostic = Diagnostic::new(
                    &codes::DUPLICATE_SETTING,
                    format!("`{}` is set twice in {owner}", decl.name),
                    Label::new(span, "set again here"),
                    "keep one of the two",
                );
                if let super::model::Origin::User(first_span) = first.origin {
                    diagnostic = diagnostic.with_label(Label::new(first_span, "first set here"));
                }
                self.diagnostics.push(diagnostic);
                return;
            }
        }
        settings.items.push(Setting {
            name: decl.name.clone(),
            name_span: word.span,
            value,
            origin: Origin::User(span),
            block,
        });
    }

    /// Reads a setting's value; None when it was missing or invalid (and reported).
    fn value(&mut self, decl: &SettingDecl, terms: &[Term], pos: &mut usize) -> Option<(Value, Option<Settings>)> {
        match (&decl.ty, terms.get(*pos)) {
            (Type::Block, Some(Term::Block(block))) => {
                *pos += 1;
                let nested = self.settings_block(&decl.settings, &format!("`{}`", decl.name), block);
                return Some((Value::Switch(true), Some(nested)));
            }
            (Type::Tags, Some(Term::Block(block))) => {
                *pos += 1;
                return Some((Value::Tags(self.tags(decl, block)), None));
            }
            _ => {}
        }
        match read_value(&decl.expect(), terms, pos) {
            Ok(value) => Some((value, None)),
            Err(ReadError::Invalid(diagnostic)) => {
                self.diagnostics.push(diagnostic);
                None
            }
            Err(ReadError::Missing) => {
                let name_span = terms[*pos - 1].span();
                let found = terms.get(*pos).map_or("nothing".to_string(), Term::describe);
                let example = match &decl.default {
                    crate::stdlib::Default::Value(value) => format!("`{} {value}`", decl.name),
                    _ => format!("{} after `{}`", decl.ty.expectation(), decl.name),
                };
                self.diagnostics.push(Diagnostic::new(
                    &codes::MISSING_VALUE,
                    format!("`{}` needs {}, found {found}", decl.name, decl.ty.expectation()),
                    Label::new(
                        Span::new(name_span.end, name_span.end),
                        format!("expected {} here", decl.ty.expectation()),
                    ),
                    format!("write {example}; `medc stdlib` documents `{}`", decl.name),
                ));
                None
            }
        }
    }

    /// The settings of a block that holds nothing else (a block setting's,
    /// a route's).
    fn settings_block(&mut self, decls: &[SettingDecl], owner: &str, block: &Block) -> Settings {
        let mut settings = Settings::default();
        let mut pos = 0;
        while pos < block.terms.len() {
            self.entry(decls, owner, &block.terms, &mut pos, &mut settings, None);
        }
        settings
    }

    /// `< name "value" ... >`
    fn tags(&mut self, decl: &SettingDecl, block: &Block) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut pos = 0;
        while pos < block.terms.len() {
            let term = &block.terms[pos];
            let value = block.terms.get(pos + 1).and_then(|t| match t {
                Term::Literal(literal) => match &literal.kind {
                    LiteralKind::String(s) => Some(s.clone()),
                    _ => None,
                },
                _ => None,
            });
            match (term, value) {
                (Term::Word(name), Some(value)) => {
                    if !seen.insert(name.name.as_str()) {
                        self.diagnostics.push(Diagnostic::new(
                            &codes::DUPLICATE_SETTING,
                            format!("`{}` is given twice in `{}`", name.name, decl.name),
                            Label::new(name.span, "given again here"),
                            "keep one of the two",
                        ));
                    } else {
                        pairs.push((name.name.clone(), value));
                    }
                    pos += 2;
                }
                _ => {
                    self.diagnostics.push(Diagnostic::new(
                        &codes::TYPE_MISMATCH,
                        format!("`{}` holds `name \"value\"` pairs, found {}", decl.name, term.describe()),
                        Label::new(term.span(), "expected a name followed by a string"),
                        format!("write `{} < cost_center \"radiology\" >`", decl.name),
                    ));
                    // `name value` with an unquoted value is one mistake, not two.
                    let unquoted = matches!((term, block.terms.get(pos + 1)), (Term::Word(_), Some(Term::Word(_))));
                    pos += if unquoted { 2 } else { 1 };
                }
            }
        }
        pairs
    }

    fn route(&mut self, route: &ast::Route) -> Option<Route> {
        if !METHODS.contains(&route.method.name.as_str()) {
            let close = closest(&route.method.name, METHODS.iter().copied());
            let help = match close {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the methods are {}", METHODS.join(", ")),
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::NOT_ALLOWED_VALUE,
                    format!("`{}` is not an HTTP method", route.method.name),
                    Label::new(route.method.span, "expected an HTTP method"),
                    help,
                )
                .with_fix(close.map(|close| Edit::new(route.method.span, close))),
            );
            return None;
        }
        let valid_path = route.path.starts_with('/')
            && route.path[1..]
                .split('/')
                .all(|segment| segment.chars().all(|c| c.is_ascii_alphanumeric() || "-_.{}+".contains(c)));
        if !valid_path {
            self.diagnostics.push(Diagnostic::new(
                &codes::TYPE_MISMATCH,
                format!("`{}` is not a route path", route.path),
                Label::new(route.path_span, "expected a path such as \"/studies\" or \"/studies/{id}\""),
                "a path starts with `/`; its segments use letters, digits, `-`, `_`, `.` and `{parameter}`",
            ));
            return None;
        }
        let settings = match &route.block {
            Some(block) => self.settings_block(self.schema.route_settings(), "a route", block),
            None => Settings::default(),
        };
        Some(Route {
            method: route.method.name.clone(),
            path: route.path.clone(),
            target: route.target.clone(),
            settings,
            span: route.span,
        })
    }

    fn waiver(&mut self, waiver: &ast::Waiver, scope: Scope) -> Option<Waiver> {
        let Some(code) = codes::lookup(&waiver.code.name) else {
            let rules: Vec<&str> = codes::rules().map(|c| c.code).collect();
            let close = closest(&waiver.code.name, rules.iter().copied());
            let help = match close {
                Some(close) => format!("did you mean `{close}`? `medc rules` lists the rules"),
                None => "`medc rules` lists the rules a waiver may name".to_string(),
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &codes::UNKNOWN_RULE,
                    format!("`{}` is not a rule", waiver.code.name),
                    Label::new(waiver.code.span, "no rule has this code"),
                    help,
                )
                .with_fix(close.map(|close| Edit::new(waiver.code.span, close))),
            );
            return None;
        };
        if code.category != codes::Category::Compliance {
            self.diagnostics.push(Diagnostic::new(
                &codes::UNKNOWN_RULE,
                format!("`{}` is a language error, not a compliance rule", code.code),
                Label::new(waiver.code.span, "only MEDC-1xxx rules can be waived"),
                "fix the error instead; `medc rules` lists the rules a waiver may name",
            ));
            return None;
        }
        if !code.waivable {
            self.diagnostics.push(Diagnostic::new(
                &codes::NOT_WAIVABLE,
                format!("{} ({}) cannot be waived", code.code, code.title),
                Label::new(waiver.span, "this waiver has no effect"),
                format!(
                    "fix what {} reports instead; `medc explain {}` says why it has no exception",
                    code.code, code.code
                ),
            ));
            return None;
        }
        if let Some(why) = super::waivers::reason_problem(&waiver.reason) {
            self.diagnostics.push(Diagnostic::new(
                &codes::WAIVER_REASON,
                format!("the reason for waiving {} explains nothing", code.code),
                Label::new(waiver.reason_span, why),
                "say in a sentence of words why the rule does not apply here; auditors read it in the template",
            ));
            return None;
        }
        Some(Waiver { code, code_span: waiver.code.span, reason: waiver.reason.clone(), scope, span: waiver.span })
    }

    fn unknown(&mut self, word: &Ident, decls: &[SettingDecl], owner: &str, components: Option<&Schema>) {
        let mut candidates: Vec<&str> = decls.iter().map(|d| d.name.as_str()).collect();
        if let Some(schema) = components {
            candidates.extend(schema.component_kinds().map(|k| k.name.as_str()));
        }
        let what = if components.is_some() { "setting or component" } else { "setting" };
        let close = closest(&word.name, candidates.iter().copied());
        let help = match close {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("`medc stdlib` lists the settings of {owner}"),
        };
        self.diagnostics.push(
            Diagnostic::new(
                &codes::UNKNOWN_NAME,
                format!("unknown {what} `{}` in {owner}", word.name),
                Label::new(word.span, format!("not a {what} of {owner}")),
                help,
            )
            .with_fix(close.map(|close| Edit::new(word.span, close))),
        );
    }
}

/// Skips what follows an unknown name, so it is not reported again: its
/// values, or, where it looks like a misspelt component (`databse x < >`),
/// the rest of the header and the block; then returns the name that
/// component would have declared.
fn skip_unknown(terms: &[Term], pos: &mut usize, at_pipeline_level: bool) -> Option<String> {
    if at_pipeline_level {
        let header_words = terms[*pos..].iter().take_while(|t| matches!(t, Term::Word(_))).count();
        if header_words <= 2 && matches!(terms.get(*pos + header_words), Some(Term::Block(_))) {
            let name = match header_words.checked_sub(1).and_then(|last| terms.get(*pos + last)) {
                Some(Term::Word(word)) => Some(word.name.clone()),
                _ => None,
            };
            *pos += header_words + 1;
            return name;
        }
    }
    while matches!(terms.get(*pos), Some(Term::Literal(_) | Term::Param(_) | Term::List(_) | Term::Block(_))) {
        *pos += 1;
    }
    None
}

/// After a broken component header, skips to the end of its block.
fn skip_component_rest(terms: &[Term], pos: &mut usize) {
    while let Some(term) = terms.get(*pos) {
        *pos += 1;
        if matches!(term, Term::Block(_)) {
            return;
        }
    }
}

fn head_text(kind: &Kind, engine: &Option<String>) -> String {
    match engine {
        Some(engine) => format!("{} {engine}", kind.name),
        None => kind.name.clone(),
    }
}

/// Component names become parts of AWS resource names.
pub fn valid_name(name: &str) -> bool {
    name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && name.starts_with(|c: char| c.is_ascii_lowercase())
}

fn invalid_name(word: &Ident) -> Diagnostic {
    Diagnostic::new(
        &codes::INVALID_NAME,
        format!("`{}` cannot be used as a name", word.name),
        Label::new(word.span, "names become parts of AWS resource names"),
        format!(
            "use lowercase letters, digits, `_` and `-`, starting with a letter: `{}`",
            word.name.to_ascii_lowercase().replace('.', "-")
        ),
    )
}
