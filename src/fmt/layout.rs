//! Groups a block's terms into entries, the units the printer lays out one
//! per line: a setting with its value, a component with its head and block,
//! a route, a waiver. How many terms a setting takes is the standard
//! library's business (`tasks 2..6 on cpu 70%` is one setting), so grouping
//! reads the schema as the resolver does. A grouping that guesses wrong (in
//! a program with errors) only changes where lines break, never the terms.

use crate::span::Span;
use crate::stdlib::{Schema, SettingDecl};
use crate::syntax::ast::{Block as AstBlock, Term};
use crate::types::{read_value, Type};

/// A block as the printer sees it.
#[derive(Debug)]
pub struct Block {
    pub open: Span,
    pub close: Span,
    pub entries: Vec<Entry>,
}

impl Block {
    pub fn span(&self) -> Span {
        self.open.to(self.close)
    }
}

#[derive(Debug)]
pub struct Entry {
    pub kind: EntryKind,
    pub parts: Vec<Part>,
}

impl Entry {
    pub fn span(&self) -> Span {
        let start = self.parts.first().map_or(0, Part::start);
        let end = self.parts.last().map_or(start, Part::end);
        Span::new(start, end)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    /// A name and its value (a block for `mtls` or `tags`): aligned with
    /// its neighbours.
    Setting,
    /// A component, a route, or a declaration with a block: one per line.
    Item,
    /// Anything else (a stray value, a waiver).
    Other,
}

#[derive(Debug)]
pub enum Part {
    /// One token, printed as written.
    Token(Span),
    /// `a, b, c`: each item's tokens, and the comma after each but the last.
    List(Vec<(Vec<Span>, Option<Span>)>),
    Block(Block),
}

impl Part {
    pub fn start(&self) -> usize {
        match self {
            Part::Token(span) => span.start,
            Part::List(items) => items.first().and_then(|(tokens, _)| tokens.first()).map_or(0, |s| s.start),
            Part::Block(block) => block.open.start,
        }
    }

    pub fn end(&self) -> usize {
        match self {
            Part::Token(span) => span.end,
            Part::List(items) => {
                items.last().and_then(|(tokens, comma)| comma.or_else(|| tokens.last().copied())).map_or(0, |s| s.end)
            }
            Part::Block(block) => block.close.end,
        }
    }
}

/// What a block holds, which decides how its terms group.
#[derive(Clone, Copy)]
pub enum Context<'s> {
    /// The pipeline's block: its settings and the components.
    Pipeline,
    /// A component's, a block setting's or a route's settings.
    Settings(&'s [SettingDecl]),
    /// `< name "value" ... >`
    Tags,
    /// The block of a `library`: `kind` declarations.
    Library,
    /// A `kind`'s declarations.
    Kind,
    /// A `setting`'s declarations.
    SettingDecl,
    /// A block after a name the schema does not know.
    Unknown,
}

/// The declaration words of a standard-library `kind` block.
const KIND_WORDS: &[&str] = &["doc", "engines", "named", "single", "implicit", "routes", "part_of", "setting"];

/// The declaration words of a standard-library `setting` block.
const SETTING_WORDS: &[&str] = &[
    "type",
    "values",
    "kinds",
    "doc",
    "repeat",
    "parameter",
    "unit",
    "required",
    "setting",
    "default",
    "disposable",
    "alias",
    "one_of",
    "min",
    "max",
    "step",
    "require",
    "avoid",
    "forbid",
];

pub struct Grouper<'a> {
    pub schema: &'a Schema,
    pub source: &'a str,
}

impl<'a> Grouper<'a> {
    pub fn block(&self, block: &'a AstBlock, context: Context<'a>) -> Block {
        let terms = &block.terms;
        let mut entries = Vec::new();
        let mut pos = 0;
        while pos < terms.len() {
            let start = pos;
            let (kind, nested) = self.entry(terms, &mut pos, context);
            // Every entry takes at least one term, whatever the schema says.
            pos = pos.max(start + 1).min(terms.len());
            let parts = terms[start..pos].iter().flat_map(|term| self.parts(term, nested)).collect();
            entries.push(Entry { kind, parts });
        }
        Block { open: block.open, close: block.close, entries }
    }

    /// Advances `pos` past one entry; says what it is and what the blocks in
    /// it hold.
    fn entry(&self, terms: &'a [Term], pos: &mut usize, context: Context<'a>) -> (EntryKind, Context<'a>) {
        let word = match &terms[*pos] {
            Term::Word(word) => word,
            Term::Route(_) => {
                *pos += 1;
                return (EntryKind::Item, Context::Settings(self.schema.route_settings()));
            }
            _ => {
                *pos += 1;
                return (EntryKind::Other, Context::Unknown);
            }
        };
        *pos += 1;
        match context {
            Context::Pipeline => {
                if let Some(kind) = self.schema.component_kinds().find(|k| k.name == word.name) {
                    // `KIND [ENGINE] [NAME] < ... >`
                    let mut words = 0;
                    while words < 2
                        && matches!(terms.get(*pos), Some(Term::Word(w)) if self.schema.kind(&w.name).is_none())
                    {
                        *pos += 1;
                        words += 1;
                    }
                    if matches!(terms.get(*pos), Some(Term::Block(_))) {
                        *pos += 1;
                    }
                    return (EntryKind::Item, Context::Settings(&kind.settings));
                }
                self.setting(&self.schema.pipeline().settings, terms, pos, true)
            }
            Context::Settings(decls) => self.setting(decls, terms, pos, false),
            Context::Tags => {
                if matches!(terms.get(*pos), Some(Term::Literal(_))) {
                    *pos += 1;
                }
                (EntryKind::Setting, Context::Unknown)
            }
            Context::Library => self.declaration(terms, pos, &[], Context::Kind),
            Context::Kind => self.declaration(terms, pos, KIND_WORDS, Context::SettingDecl),
            Context::SettingDecl => self.declaration(terms, pos, SETTING_WORDS, Context::SettingDecl),
            Context::Unknown => {
                skip_values(terms, pos);
                (EntryKind::Setting, Context::Unknown)
            }
        }
    }

    /// A setting and the terms its type takes, after its name.
    fn setting(
        &self,
        decls: &'a [SettingDecl],
        terms: &'a [Term],
        pos: &mut usize,
        pipeline: bool,
    ) -> (EntryKind, Context<'a>) {
        let name = match &terms[*pos - 1] {
            Term::Word(word) => &word.name,
            _ => return (EntryKind::Other, Context::Unknown),
        };
        let Some(decl) = decls.iter().find(|d| &d.name == name) else {
            // `databse x < >`: a misspelt component, head and block.
            let words = terms[*pos..].iter().take_while(|t| matches!(t, Term::Word(_))).count();
            if pipeline && words <= 2 && matches!(terms.get(*pos + words), Some(Term::Block(_))) {
                *pos += words + 1;
                return (EntryKind::Item, Context::Unknown);
            }
            skip_values(terms, pos);
            return (EntryKind::Setting, Context::Unknown);
        };
        match (&decl.ty, terms.get(*pos)) {
            (Type::Block, Some(Term::Block(_))) => {
                *pos += 1;
                return (EntryKind::Setting, Context::Settings(&decl.settings));
            }
            (Type::Tags, Some(Term::Block(_))) => {
                *pos += 1;
                return (EntryKind::Setting, Context::Tags);
            }
            _ => {}
        }
        // Errors are the checker's to report; only the terms taken matter.
        let _ = read_value(&decl.expect(), terms, pos);
        (EntryKind::Setting, Context::Unknown)
    }

    /// A standard-library declaration: its word, then every term up to the
    /// next declaration word; `kind NAME < >` and `setting NAME < >` take a
    /// name and a block.
    fn declaration(
        &self,
        terms: &'a [Term],
        pos: &mut usize,
        words: &[&str],
        nested: Context<'a>,
    ) -> (EntryKind, Context<'a>) {
        let declares = matches!(&terms[*pos - 1], Term::Word(w) if w.name == "kind" || w.name == "setting");
        if declares {
            *pos += 1;
            if matches!(terms.get(*pos), Some(Term::Block(_))) {
                *pos += 1;
            }
            return (EntryKind::Item, nested);
        }
        while let Some(term) = terms.get(*pos) {
            match term {
                Term::Word(w) if words.contains(&w.name.as_str()) => break,
                Term::Block(_) | Term::Route(_) | Term::Waiver(_) => break,
                _ => *pos += 1,
            }
        }
        (EntryKind::Setting, Context::Unknown)
    }

    /// The tokens of one term, in source order.
    fn parts(&self, term: &'a Term, nested: Context<'a>) -> Vec<Part> {
        match term {
            Term::Word(word) => vec![Part::Token(word.span)],
            Term::Literal(literal) => vec![Part::Token(literal.span)],
            Term::Param(param) => vec![Part::Token(param.keyword()), Part::Token(param.name.span)],
            Term::List(list) => {
                let mut items = Vec::new();
                for (i, item) in list.items.iter().enumerate() {
                    let tokens: Vec<Span> = self
                        .parts(item, Context::Unknown)
                        .into_iter()
                        .filter_map(|part| match part {
                            Part::Token(span) => Some(span),
                            _ => None,
                        })
                        .collect();
                    let comma = list.items.get(i + 1).and_then(|next| self.comma(item.span().end, next.span().start));
                    items.push((tokens, comma));
                }
                vec![Part::List(items)]
            }
            Term::Block(block) => vec![Part::Block(self.block(block, nested))],
            Term::Route(route) => {
                let mut parts = vec![
                    Part::Token(route.keyword()),
                    Part::Token(route.method.span),
                    Part::Token(route.path_span),
                    Part::Token(route.arrow),
                    Part::Token(route.target.span),
                ];
                if let Some(block) = &route.block {
                    parts.push(Part::Block(self.block(block, nested)));
                }
                parts
            }
            Term::Waiver(waiver) => {
                vec![Part::Token(waiver.keyword()), Part::Token(waiver.code.span), Part::Token(waiver.reason_span)]
            }
        }
    }

    /// The comma between two list items: the gap holds blanks, comments and it.
    fn comma(&self, from: usize, to: usize) -> Option<Span> {
        let gap = self.source.get(from..to)?;
        let mut offset = 0;
        for line in gap.split_inclusive('\n') {
            let code = line.find("//").map_or(line, |at| &line[..at]);
            if let Some(at) = code.find(',') {
                return Some(Span::new(from + offset + at, from + offset + at + 1));
            }
            offset += line.len();
        }
        None
    }
}

/// Skips the values after a name the schema does not know, as the resolver does.
fn skip_values(terms: &[Term], pos: &mut usize) {
    while matches!(terms.get(*pos), Some(Term::Literal(_) | Term::Param(_) | Term::List(_) | Term::Block(_))) {
        *pos += 1;
    }
}
