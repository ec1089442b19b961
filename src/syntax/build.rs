//! Turns pest's pairs into the syntax tree. Literal errors (a bad unit, a bad
//! escape) are collected rather than fatal, so one chunk can report several.

use super::ast::{Block, Ident, List, Literal, LiteralKind, Param, Route, Term, Waiver};
use super::{literal, Rule};
use crate::diagnostics::Diagnostic;
use crate::span::Span;
use pest::iterators::{Pair, Pairs};

/// Reads `pipeline NAME <` into the keyword's span and the name; None when
/// the pair lacks either (the grammar requires both).
pub fn header(pair: Pair<'_, Rule>, offset: usize) -> Option<(Span, Ident)> {
    let mut keyword = None;
    let mut name = None;
    for inner in pair.into_inner() {
        match inner.as_rule() {
            Rule::kw_pipeline => keyword = Some(span(&inner, offset)),
            Rule::word => name = Some(ident(&inner, offset)),
            _ => {}
        }
    }
    Some((keyword?, name?))
}

pub struct Builder {
    offset: usize,
    pub diagnostics: Vec<Diagnostic>,
}

impl Builder {
    pub fn new(offset: usize) -> Self {
        Builder { offset, diagnostics: Vec::new() }
    }

    pub fn terms(&mut self, pairs: Pairs<'_, Rule>) -> Vec<Term> {
        pairs.filter_map(|pair| self.term(pair)).collect()
    }

    fn term(&mut self, pair: Pair<'_, Rule>) -> Option<Term> {
        let here = span(&pair, self.offset);
        Some(match pair.as_rule() {
            Rule::word => Term::Word(ident(&pair, self.offset)),
            Rule::number | Rule::string => Term::Literal(self.literal(&pair)?),
            Rule::param => {
                let name = pair.into_inner().find(|p| p.as_rule() == Rule::word)?;
                Term::Param(Param { name: ident(&name, self.offset), span: here })
            }
            Rule::atoms => {
                let mut items = self.terms(pair.into_inner());
                if items.len() == 1 {
                    return items.pop();
                }
                Term::List(List { items, span: here })
            }
            Rule::block => Term::Block(self.block(pair)),
            Rule::route => self.route(pair)?,
            Rule::waiver => self.waiver(pair)?,
            _ => return None,
        })
    }

    pub fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let here = span(&pair, self.offset);
        let mut terms = Vec::new();
        for inner in pair.into_inner() {
            if !matches!(inner.as_rule(), Rule::open | Rule::close) {
                terms.extend(self.term(inner));
            }
        }
        Block { open: Span::new(here.start, here.start + 1), close: Span::new(here.end - 1, here.end), terms }
    }

    fn route(&mut self, pair: Pair<'_, Rule>) -> Option<Term> {
        let here = span(&pair, self.offset);
        let mut method = None;
        let mut path = None;
        let mut target = None;
        let mut block = None;
        let mut arrow = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::method => method = Some(ident(&inner, self.offset)),
                Rule::arrow => arrow = Some(span(&inner, self.offset)),
                Rule::string => path = Some(self.literal(&inner)),
                Rule::word => target = Some(ident(&inner, self.offset)),
                Rule::block => block = Some(self.block(inner)),
                _ => {}
            }
        }
        let path = path??;
        let LiteralKind::String(path_text) = path.kind else {
            return None;
        };
        let target = target?;
        // pest's span of `route` includes the blanks it tried for the
        // optional block; the route ends at its target or its block.
        let end = block.as_ref().map_or(target.span.end, |b: &Block| b.close.end);
        Some(Term::Route(Box::new(Route {
            method: method?,
            path: path_text,
            path_span: path.span,
            arrow: arrow?,
            target,
            block,
            span: Span::new(here.start, end),
        })))
    }

    fn waiver(&mut self, pair: Pair<'_, Rule>) -> Option<Term> {
        let here = span(&pair, self.offset);
        let mut code = None;
        let mut reason = None;
        for inner in pair.into_inner() {
            match inner.as_rule() {
                Rule::word => code = Some(ident(&inner, self.offset)),
                Rule::string => reason = self.literal(&inner),
                _ => {}
            }
        }
        let reason = reason?;
        let LiteralKind::String(text) = reason.kind else {
            return None;
        };
        Some(Term::Waiver(Waiver { code: code?, reason: text, reason_span: reason.span, span: here }))
    }

    /// Reads a `number` or `string` token; on error records it and yields None.
    fn literal(&mut self, pair: &Pair<'_, Rule>) -> Option<Literal> {
        let here = span(pair, self.offset);
        let read = if pair.as_rule() == Rule::string {
            literal::string(pair.as_str(), here).map(LiteralKind::String)
        } else {
            literal::number(pair.as_str(), here)
        };
        match read {
            Ok(kind) => Some(Literal { kind, span: here }),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }
}

fn span(pair: &Pair<'_, Rule>, offset: usize) -> Span {
    let s = pair.as_span();
    Span::new(s.start() + offset, s.end() + offset)
}

fn ident(pair: &Pair<'_, Rule>, offset: usize) -> Ident {
    Ident { name: pair.as_str().to_string(), span: span(pair, offset) }
}
