//! The checked program: components with typed settings, each value knowing
//! whether the user's line or the standard library set it.

use crate::diagnostics::Code;
use crate::span::Span;
use crate::syntax::ast::Ident;
use crate::types::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Written in the program; the span covers the setting and its value.
    User(Span),
    /// The standard library's default.
    Stdlib,
}

#[derive(Clone, Debug)]
pub struct Setting {
    pub name: String,
    /// The setting's name as written; for a default, the span of what owns
    /// the setting (its component's head, or the pipeline's name).
    pub name_span: Span,
    pub value: Value,
    pub origin: Origin,
    /// The settings of a block setting (`mtls < truststore ... >`).
    pub block: Option<Settings>,
}

#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub items: Vec<Setting>,
}

impl Settings {
    pub fn get(&self, name: &str) -> Option<&Setting> {
        self.items.iter().find(|s| s.name == name)
    }

    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Setting> + 'a {
        self.items.iter().filter(move |s| s.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.get(name).map(|s| &s.value)
    }

    /// A switch's state; absent means off.
    pub fn on(&self, name: &str) -> bool {
        self.value(name).and_then(Value::as_switch).unwrap_or(false)
    }
}

/// The component kinds the standard library declares, one variant each
/// (a test keeps the two in bijection). Code that treats kinds differently
/// matches on this enum exhaustively, so a new kind is a compile error at
/// every place that must learn about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Key,
    Secret,
    Network,
    Database,
    Storage,
    Bucket,
    Cache,
    Stream,
    Service,
    Api,
    Alarms,
    Backup,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::Key,
        Kind::Secret,
        Kind::Network,
        Kind::Database,
        Kind::Storage,
        Kind::Bucket,
        Kind::Cache,
        Kind::Stream,
        Kind::Service,
        Kind::Api,
        Kind::Alarms,
        Kind::Backup,
    ];

    /// The kind's word in the language and the standard library.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Key => "key",
            Kind::Secret => "secret",
            Kind::Network => "network",
            Kind::Database => "database",
            Kind::Storage => "storage",
            Kind::Bucket => "bucket",
            Kind::Cache => "cache",
            Kind::Stream => "stream",
            Kind::Service => "service",
            Kind::Api => "api",
            Kind::Alarms => "alarms",
            Kind::Backup => "backup",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether the kind holds data that services use (`connects`, `reads`,
    /// `writes`, `mount`), so that nothing using it is worth a warning.
    pub fn holds_data(self) -> bool {
        match self {
            Kind::Database | Kind::Storage | Kind::Bucket | Kind::Cache | Kind::Stream => true,
            Kind::Key | Kind::Secret | Kind::Network | Kind::Service | Kind::Api | Kind::Alarms | Kind::Backup => false,
        }
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Clone, Debug)]
pub struct Component {
    pub kind: Kind,
    pub engine: Option<String>,
    pub name: String,
    /// Where the component is written (its kind, engine and name), or, for
    /// a component the standard library supplied, the head of what owns it:
    /// the pipeline's name, or the component whose setting refers to it.
    pub head: Span,
    /// The kind's word, or `head` for a supplied component.
    pub kind_span: Span,
    /// The engine's word, when written.
    pub engine_span: Option<Span>,
    /// The word the name comes from: the name when written, else the engine
    /// or the kind (`network`); `head` for a supplied component.
    pub name_span: Span,
    pub origin: Origin,
    pub settings: Settings,
    pub routes: Vec<Route>,
}

#[derive(Clone, Debug)]
pub struct Route {
    pub method: String,
    pub path: String,
    pub target: Ident,
    pub settings: Settings,
    pub span: Span,
}

/// Where a waiver applies: the whole pipeline, or one component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    Pipeline,
    Component(String),
}

impl std::fmt::Display for Scope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scope::Pipeline => f.write_str("the pipeline"),
            Scope::Component(name) => write!(f, "`{name}`"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Waiver {
    pub code: &'static Code,
    /// The code as written after `waive`.
    pub code_span: Span,
    pub reason: String,
    pub scope: Scope,
    pub span: Span,
}

/// A compliance finding that a waiver let through; the lowering records it
/// in the metadata of the resources it concerns.
#[derive(Clone, Debug)]
pub struct WaivedFinding {
    pub code: &'static Code,
    pub reason: String,
    /// The component concerned, or None for the whole pipeline.
    pub component: Option<String>,
    /// The source line of the waiver (or of `lifecycle disposable`), which
    /// the external checkers' suppressions cite.
    pub line: usize,
}

#[derive(Clone, Debug)]
pub struct Program {
    pub name: Ident,
    pub settings: Settings,
    pub components: Vec<Component>,
    pub waivers: Vec<Waiver>,
    pub waived: Vec<WaivedFinding>,
    /// Names declared by components whose kind is unknown (`databse aurora
    /// < >`, already reported): references to them are not reported again.
    pub unknown_components: Vec<String>,
}

impl Program {
    pub fn component(&self, name: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.name == name)
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Component> + '_ {
        self.components.iter().filter(move |c| c.kind == kind)
    }

    pub fn disposable(&self) -> bool {
        matches!(self.settings.value("lifecycle"), Some(Value::Choice(c)) if c == "disposable")
    }
}
