//! The syntax tree. Every node carries its byte span.
//!
//! A block is a sequence of terms; the resolver groups terms into settings
//! and components using the standard library's declarations.

use crate::span::Span;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `pipeline NAME < ... >`
#[derive(Clone, Debug, PartialEq)]
pub struct Program {
    pub keyword: Span,
    pub name: Ident,
    pub body: Block,
}

/// `< term* >`
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub open: Span,
    pub close: Span,
    pub terms: Vec<Term>,
}

impl Block {
    pub fn span(&self) -> Span {
        self.open.to(self.close)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Term {
    Word(Ident),
    Literal(Literal),
    Param(Param),
    List(List),
    Block(Block),
    /// Boxed: a route is three times the size of any other term, and
    /// terms are the bulk of a large program's tree.
    Route(Box<Route>),
    Waiver(Waiver),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Word(ident) => ident.span,
            Term::Literal(literal) => literal.span,
            Term::Param(param) => param.span,
            Term::List(list) => list.span,
            Term::Block(block) => block.span(),
            Term::Route(route) => route.span,
            Term::Waiver(waiver) => waiver.span,
        }
    }

    /// What the term is, for messages such as "expected a duration, found a string".
    pub fn describe(&self) -> String {
        match self {
            Term::Word(ident) => format!("`{}`", ident.name),
            Term::Literal(literal) => literal.kind.describe().to_string(),
            Term::Param(param) => format!("`param {}`", param.name.name),
            Term::List(_) => "a list".to_string(),
            Term::Block(_) => "a block".to_string(),
            Term::Route(_) => "a route".to_string(),
            Term::Waiver(_) => "a waiver".to_string(),
        }
    }
}

/// `param NAME`: a CloudFormation parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub span: Span,
}

impl Param {
    /// The `param` keyword.
    pub fn keyword(&self) -> Span {
        Span::new(self.span.start, self.span.start + "param".len())
    }
}

/// `a, b, c`
#[derive(Clone, Debug, PartialEq)]
pub struct List {
    pub items: Vec<Term>,
    pub span: Span,
}

/// `route METHOD "PATH" -> TARGET [< settings >]`
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub method: Ident,
    /// The decoded path; `path_span` covers the string as written.
    pub path: String,
    pub path_span: Span,
    /// The `->`.
    pub arrow: Span,
    pub target: Ident,
    pub block: Option<Block>,
    pub span: Span,
}

impl Route {
    /// The `route` keyword.
    pub fn keyword(&self) -> Span {
        Span::new(self.span.start, self.span.start + "route".len())
    }
}

/// `waive CODE "reason"`
#[derive(Clone, Debug, PartialEq)]
pub struct Waiver {
    pub code: Ident,
    /// The decoded reason; `reason_span` covers the string as written.
    pub reason: String,
    pub reason_span: Span,
    pub span: Span,
}

impl Waiver {
    /// The `waive` keyword.
    pub fn keyword(&self) -> Span {
        Span::new(self.span.start, self.span.start + "waive".len())
    }
}

/// A literal: its value, and the span of its token exactly as written
/// (quotes and escapes of a string, the `%` of a percentage), which is
/// what the formatter prints back.
#[derive(Clone, Debug, PartialEq)]
pub struct Literal {
    pub kind: LiteralKind,
    pub span: Span,
}

impl Literal {
    /// The token as written in `source`, the text the literal was parsed from.
    pub fn raw<'s>(&self, source: &'s str) -> &'s str {
        source.get(self.span.range()).unwrap_or_default()
    }
}

/// A literal's value. Numbers keep their source text so that `16.4` can be
/// read as a version as well as a decimal.
#[derive(Clone, Debug, PartialEq)]
pub enum LiteralKind {
    String(String),
    Integer(u64),
    Decimal {
        value: f64,
        text: String,
    },
    /// Three or more dot-separated integers: `16.4.1`.
    Version(String),
    Duration(Duration),
    /// A size in bytes, with the text as written.
    Size {
        bytes: u64,
        text: String,
    },
    /// A percentage, with the text as written (`70%`, `70.0%`).
    Percent {
        value: f64,
        text: String,
    },
    Range {
        low: f64,
        high: f64,
        text: String,
    },
}

impl LiteralKind {
    pub fn describe(&self) -> &'static str {
        match self {
            LiteralKind::String(_) => "a string",
            LiteralKind::Integer(_) => "an integer",
            LiteralKind::Decimal { .. } => "a decimal",
            LiteralKind::Version(_) => "a version",
            LiteralKind::Duration(_) => "a duration",
            LiteralKind::Size { .. } => "a size",
            LiteralKind::Percent { .. } => "a percentage",
            LiteralKind::Range { .. } => "a range",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

/// A duration as written: an amount and a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Duration {
    pub amount: u64,
    pub unit: TimeUnit,
}

impl Duration {
    pub fn seconds(self) -> u64 {
        let per_unit = match self.unit {
            TimeUnit::Seconds => 1,
            TimeUnit::Minutes => 60,
            TimeUnit::Hours => 3_600,
            TimeUnit::Days => 86_400,
        };
        self.amount.saturating_mul(per_unit)
    }
}

impl std::fmt::Display for Duration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.unit {
            TimeUnit::Seconds => "s",
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
            TimeUnit::Days => "d",
        };
        write!(f, "{}{unit}", self.amount)
    }
}
