//! The outline of a program: its terms grouped into components, settings,
//! routes and waivers, each with the spans of its names, and the position
//! lookup over it (after Prisma's `find_at_position`).
//!
//! The grouping reads each value with `types::read_value`, the function the
//! resolver reads values with, so a setting spans exactly the terms the
//! checker gives it. It never fails: what it cannot place is `Stray`.

use crate::span::Span;
use crate::stdlib::{Kind, Schema, SettingDecl};
use crate::syntax::ast::{self, Block, Ident, Term};
use crate::types::{read_value, Type};

pub struct Outline<'a> {
    pub program: &'a ast::Program,
    pub entries: Vec<Entry<'a>>,
}

pub enum Entry<'a> {
    Component(Component<'a>),
    Setting(Setting<'a>),
    Route(Route<'a>),
    Waiver(&'a ast::Waiver),
    /// A term that belongs to no setting (a value without a name).
    Stray(&'a Term),
}

/// `KIND [ENGINE] [NAME] < ... >`
pub struct Component<'a> {
    pub kind: &'a Kind,
    pub kind_word: &'a Ident,
    pub engine: Option<&'a Ident>,
    pub name: Option<&'a Ident>,
    pub block: Option<&'a Block>,
    pub entries: Vec<Entry<'a>>,
}

impl Component<'_> {
    /// The ident that names the component: its name, else its engine
    /// (`database aurora` is `aurora`), else its kind (`network`).
    pub fn name_ident(&self) -> &Ident {
        self.name.or(self.engine).unwrap_or(self.kind_word)
    }

    pub fn name(&self) -> &str {
        &self.name_ident().name
    }

    /// The head: kind, engine and name.
    pub fn head(&self) -> Span {
        self.kind_word.span.to(self.name_ident().span)
    }

    pub fn span(&self) -> Span {
        self.block.map_or(self.head(), |block| self.head().to(block.span()))
    }
}

/// A setting's name and the terms of its value.
pub struct Setting<'a> {
    /// The declaration, when the name is a setting of its block.
    pub decl: Option<&'a SettingDecl>,
    pub name: &'a Ident,
    pub values: &'a [Term],
    /// The settings of a block setting (`mtls < truststore ... >`).
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Setting<'a> {
    pub fn span(&self) -> Span {
        self.values.last().map_or(self.name.span, |last| self.name.span.to(last.span()))
    }

    /// The span of the value alone, when there is one.
    pub fn value_span(&self) -> Option<Span> {
        Some(self.values.first()?.span().to(self.values.last()?.span()))
    }

    /// The component names the value refers to: every word of a reference
    /// setting, the storage of a `mount`.
    pub fn references(&self) -> Vec<&'a Ident> {
        fn words(term: &Term) -> Vec<&Ident> {
            match term {
                Term::Word(word) => vec![word],
                Term::List(list) => {
                    list.items.iter().filter_map(|item| if let Term::Word(w) = item { Some(w) } else { None }).collect()
                }
                _ => Vec::new(),
            }
        }
        let Some(decl) = self.decl else {
            return Vec::new();
        };
        let values: &'a [Term] = self.values;
        match &decl.ty {
            Type::Ref(_) | Type::Refs(_) => values.iter().flat_map(words).collect(),
            Type::Mount(_) => values.first().map(words).unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// `route METHOD "PATH" -> TARGET [< settings >]`
pub struct Route<'a> {
    pub route: &'a ast::Route,
    pub entries: Vec<Entry<'a>>,
}

pub fn outline<'a>(program: &'a ast::Program, schema: &'a Schema) -> Outline<'a> {
    let grouper = Grouper { schema };
    Outline { program, entries: grouper.entries(&program.body.terms, &schema.pipeline().settings, true) }
}

struct Grouper<'a> {
    schema: &'a Schema,
}

impl<'a> Grouper<'a> {
    fn entries(&self, terms: &'a [Term], decls: &'a [SettingDecl], top: bool) -> Vec<Entry<'a>> {
        let mut entries = Vec::new();
        let mut pos = 0;
        while pos < terms.len() {
            let term = &terms[pos];
            pos += 1;
            let entry = match term {
                Term::Word(word) => match self.schema.component_kinds().find(|k| k.name == word.name) {
                    Some(kind) if top => Entry::Component(self.component(kind, word, terms, &mut pos)),
                    _ => Entry::Setting(self.setting(word, decls, terms, &mut pos, top)),
                },
                Term::Waiver(waiver) => Entry::Waiver(waiver),
                Term::Route(route) => {
                    let entries = route
                        .block
                        .as_ref()
                        .map_or_else(Vec::new, |block| self.entries(&block.terms, self.schema.route_settings(), false));
                    Entry::Route(Route { route, entries })
                }
                other => Entry::Stray(other),
            };
            entries.push(entry);
        }
        entries
    }

    /// The head and block after a kind's word, read as the resolver reads them.
    fn component(&self, kind: &'a Kind, kind_word: &'a Ident, terms: &'a [Term], pos: &mut usize) -> Component<'a> {
        let is_kind = |word: &Ident| self.schema.component_kinds().any(|k| k.name == word.name);
        let mut component = Component { kind, kind_word, engine: None, name: None, block: None, entries: Vec::new() };
        if !kind.engines.is_empty() {
            if let Some(Term::Word(word)) = terms.get(*pos) {
                if !is_kind(word) {
                    component.engine = Some(word);
                    *pos += 1;
                }
            }
        }
        if let Some(Term::Word(word)) = terms.get(*pos) {
            if kind.named && !is_kind(word) {
                component.name = Some(word);
                *pos += 1;
            }
        }
        if let Some(Term::Block(block)) = terms.get(*pos) {
            *pos += 1;
            component.block = Some(block);
            component.entries = self.entries(&block.terms, &kind.settings, false);
        }
        component
    }

    /// A setting's name and its value's terms, from just after the name.
    fn setting(
        &self,
        name: &'a Ident,
        decls: &'a [SettingDecl],
        terms: &'a [Term],
        pos: &mut usize,
        top: bool,
    ) -> Setting<'a> {
        let start = *pos;
        let decl = decls.iter().find(|d| d.name == name.name);
        let mut entries = Vec::new();
        match (decl, terms.get(*pos)) {
            (Some(decl), Some(Term::Block(block))) if matches!(decl.ty, Type::Block | Type::Tags) => {
                *pos += 1;
                if decl.ty == Type::Block {
                    entries = self.entries(&block.terms, &decl.settings, false);
                }
            }
            (Some(decl), _) => {
                // The error, if any, is the checker's to report.
                let _ = read_value(&decl.expect(), terms, pos);
            }
            (None, _) => skip_unknown(terms, pos, top),
        }
        Setting { decl, name, values: &terms[start..*pos], entries }
    }
}

/// What follows an unknown name, as the resolver skips it: its values, or
/// the rest of the header and the block of a misspelt component.
fn skip_unknown(terms: &[Term], pos: &mut usize, top: bool) {
    if top {
        let header_words = terms[*pos..].iter().take_while(|t| matches!(t, Term::Word(_))).count();
        if header_words <= 2 && matches!(terms.get(*pos + header_words), Some(Term::Block(_))) {
            *pos += header_words + 1;
            return;
        }
    }
    while matches!(terms.get(*pos), Some(Term::Literal(_) | Term::Param(_) | Term::List(_) | Term::Block(_))) {
        *pos += 1;
    }
}

/// What stands at a byte offset.
pub enum Found<'o, 'a> {
    PipelineKeyword,
    PipelineName,
    Kind(&'o Component<'a>),
    /// The engine of a component that has a name of its own (otherwise the
    /// engine is its name: `ComponentName`).
    Engine(&'o Component<'a>),
    ComponentName(&'o Component<'a>),
    SettingName(&'o Setting<'a>),
    /// A term of a setting's value that is not a reference.
    Value(&'o Setting<'a>, &'a Term),
    /// A component name used as a value, or a route's target.
    Reference(&'a Ident),
    Param(&'a ast::Param),
    Route(&'a ast::Route),
    WaiverCode(&'a ast::Waiver),
    Waiver(&'a ast::Waiver),
    /// Inside a block, between its entries.
    Nothing,
}

/// Whether a cursor at `offset` touches the span: an editor's cursor just
/// after a word is on that word.
pub fn touches(span: Span, offset: usize) -> bool {
    span.start <= offset && offset <= span.end
}

impl<'a> Outline<'a> {
    /// The position lookup: what stands at `offset`, the most specific
    /// node first (a name before the entry that holds it).
    pub fn find_at<'o>(&'o self, offset: usize) -> Found<'o, 'a> {
        if touches(self.program.keyword, offset) {
            return Found::PipelineKeyword;
        }
        if touches(self.program.name.span, offset) {
            return Found::PipelineName;
        }
        find_in(&self.entries, offset)
    }

    /// The written components, in source order.
    pub fn components(&self) -> impl Iterator<Item = &Component<'a>> {
        self.entries.iter().filter_map(|e| if let Entry::Component(c) = e { Some(c) } else { None })
    }

    /// The top-level component whose text holds the offset.
    pub fn component_at(&self, offset: usize) -> Option<&Component<'a>> {
        self.components().find(|c| touches(c.span(), offset))
    }

    /// Every entry, depth first, in source order.
    pub fn walk(&self) -> Vec<&Entry<'a>> {
        fn visit<'o, 'a>(entries: &'o [Entry<'a>], out: &mut Vec<&'o Entry<'a>>) {
            for entry in entries {
                out.push(entry);
                match entry {
                    Entry::Component(c) => visit(&c.entries, out),
                    Entry::Setting(s) => visit(&s.entries, out),
                    Entry::Route(r) => visit(&r.entries, out),
                    Entry::Waiver(_) | Entry::Stray(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        visit(&self.entries, &mut out);
        out
    }

    /// Every place a component name is used as a value: the words of
    /// reference settings, mounts' storage, routes' targets.
    pub fn references(&self) -> Vec<&'a Ident> {
        let mut out = Vec::new();
        for entry in self.walk() {
            match entry {
                Entry::Setting(setting) => out.extend(setting.references()),
                Entry::Route(route) => out.push(&route.route.target),
                _ => {}
            }
        }
        out
    }

    /// Every `param NAME`, wherever it stands.
    pub fn params(&self) -> Vec<&'a ast::Param> {
        fn visit<'a>(terms: &'a [Term], out: &mut Vec<&'a ast::Param>) {
            for term in terms {
                match term {
                    Term::Param(param) => out.push(param),
                    Term::List(list) => visit(&list.items, out),
                    Term::Block(block) => visit(&block.terms, out),
                    Term::Route(route) => {
                        if let Some(block) = &route.block {
                            visit(&block.terms, out)
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        visit(&self.program.body.terms, &mut out);
        out
    }
}

fn find_in<'o, 'a>(entries: &'o [Entry<'a>], offset: usize) -> Found<'o, 'a> {
    for entry in entries {
        match entry {
            Entry::Component(component) => {
                if touches(component.kind_word.span, offset) {
                    return Found::Kind(component);
                }
                if component.engine.is_some_and(|e| touches(e.span, offset)) {
                    // Without a name of its own, the engine names the component.
                    return if component.name.is_none() {
                        Found::ComponentName(component)
                    } else {
                        Found::Engine(component)
                    };
                }
                if component.name.is_some_and(|n| touches(n.span, offset)) {
                    return Found::ComponentName(component);
                }
                if component.block.is_some_and(|b| inside(b, offset)) {
                    return find_in(&component.entries, offset);
                }
            }
            Entry::Setting(setting) => {
                if touches(setting.name.span, offset) {
                    return Found::SettingName(setting);
                }
                if !touches(setting.span(), offset) {
                    continue;
                }
                if !setting.entries.is_empty() {
                    if let Some(Term::Block(block)) = setting.values.last() {
                        if inside(block, offset) {
                            return find_in(&setting.entries, offset);
                        }
                    }
                }
                if let Some(reference) = setting.references().into_iter().find(|r| touches(r.span, offset)) {
                    return Found::Reference(reference);
                }
                for term in setting.values {
                    if let Term::Param(param) = term {
                        if touches(param.span, offset) {
                            return Found::Param(param);
                        }
                    }
                    if touches(term.span(), offset) && !matches!(term, Term::Block(_)) {
                        return Found::Value(setting, term);
                    }
                }
            }
            Entry::Route(route) => {
                let r = route.route;
                if touches(r.target.span, offset) {
                    return Found::Reference(&r.target);
                }
                if r.block.as_ref().is_some_and(|b| inside(b, offset)) {
                    return find_in(&route.entries, offset);
                }
                if touches(r.span, offset) {
                    return Found::Route(r);
                }
            }
            Entry::Waiver(waiver) => {
                if touches(waiver.code.span, offset) {
                    return Found::WaiverCode(waiver);
                }
                if touches(waiver.span, offset) {
                    return Found::Waiver(waiver);
                }
            }
            Entry::Stray(_) => {}
        }
    }
    Found::Nothing
}

/// Whether the offset lies between a block's brackets.
fn inside(block: &Block, offset: usize) -> bool {
    block.open.end <= offset && offset <= block.close.start
}
