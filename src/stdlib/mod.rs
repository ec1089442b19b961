//! The standard library: `stdlib/*.medimg`, embedded in the binary and read
//! once into a [`Schema`] of component kinds and their settings.
//!
//! The files use the language's own syntax (`library NAME < kind ... >`);
//! this module reads the fixed declaration forms documented at the top of
//! `stdlib/pipeline.medimg`.

pub mod describe;

use crate::diagnostics::{codes, Code};
use crate::span::Span;
use crate::syntax::ast::{Block, Ident, LiteralKind, Term};
use crate::types::{read_value, Expect, Type, Value};
use serde::Serialize;
use std::sync::OnceLock;

/// The standard library's source files, in the order `medc stdlib` prints them.
pub const FILES: &[(&str, &str)] = &[
    ("stdlib/pipeline.medimg", include_str!("../../stdlib/pipeline.medimg")),
    ("stdlib/security.medimg", include_str!("../../stdlib/security.medimg")),
    ("stdlib/data.medimg", include_str!("../../stdlib/data.medimg")),
    ("stdlib/compute.medimg", include_str!("../../stdlib/compute.medimg")),
    ("stdlib/operations.medimg", include_str!("../../stdlib/operations.medimg")),
];

#[derive(Debug, Serialize)]
pub struct Schema {
    pub kinds: Vec<Kind>,
}

#[derive(Debug, Serialize)]
pub struct Kind {
    pub name: String,
    pub doc: String,
    /// Engines the kind offers (`aurora` for `database`); empty when it has none.
    pub engines: Vec<String>,
    /// Whether a component of this kind may be given a name.
    pub named: bool,
    /// At most one per pipeline.
    pub single: bool,
    /// Exists with its defaults when the program does not write it.
    pub implicit: bool,
    /// Holds `route` forms (the api).
    pub routes: bool,
    /// Not a component: the settings of a form inside another kind.
    pub part_of: Option<String>,
    pub settings: Vec<SettingDecl>,
}

#[derive(Debug, Serialize)]
pub struct SettingDecl {
    pub name: String,
    pub ty: Type,
    pub doc: String,
    pub default: Default,
    /// The default under `lifecycle disposable`, when it differs.
    pub disposable: Option<Value>,
    /// Must be written; the code to report when it is not.
    #[serde(with = "code_ref::optional")]
    pub required: Option<&'static Code>,
    /// May be written more than once (`mount`, `grant`).
    pub repeat: bool,
    /// Takes `param NAME`, passed through to the template as a
    /// CloudFormation parameter; every other string needs its value at
    /// compile time, because medc checks it or derives names from it.
    #[serde(default)]
    pub parameter: bool,
    /// The unit of a bare integer given to a size setting, in bytes.
    pub unit: Option<u64>,
    pub aliases: Vec<(String, Value)>,
    pub constraints: Vec<Constraint>,
    /// The settings of a `block` setting.
    pub settings: Vec<SettingDecl>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Default {
    /// No default: the setting is absent unless written.
    None,
    Value(Value),
    /// A component the checker creates for the setting (a database's
    /// credentials: the existing secret named `PIPELINE/NAME-credentials`,
    /// as `check::implicit_secret_name` builds it).
    Implicit,
}

#[derive(Debug, Serialize)]
pub struct Constraint {
    pub check: Check,
    #[serde(with = "code_ref")]
    pub code: &'static Code,
}

#[derive(Debug, Serialize)]
pub enum Check {
    Min(Value),
    Max(Value),
    Step(Value),
    OneOf(Vec<Value>),
    Require(Value),
    Avoid(Value),
    /// The setting may not be written at all.
    Forbid,
}

impl Schema {
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|k| k.name == name)
    }

    /// The kinds a program may write as components.
    pub fn component_kinds(&self) -> impl Iterator<Item = &Kind> {
        self.kinds.iter().filter(|k| k.name != "pipeline" && k.part_of.is_none())
    }

    /// The settings a route's block may hold (the `api_route` kind).
    pub fn route_settings(&self) -> &[SettingDecl] {
        self.kind("api_route").map_or(&[], |k| &k.settings)
    }

    pub fn pipeline(&self) -> &Kind {
        // `load` refuses a standard library without a pipeline kind.
        self.kinds.iter().find(|k| k.name == "pipeline").unwrap_or(&self.kinds[0])
    }
}

impl Kind {
    pub fn setting(&self, name: &str) -> Option<&SettingDecl> {
        self.settings.iter().find(|s| s.name == name)
    }
}

impl SettingDecl {
    pub fn setting(&self, name: &str) -> Option<&SettingDecl> {
        self.settings.iter().find(|s| s.name == name)
    }

    pub fn expect(&self) -> Expect<'_> {
        Expect { setting: &self.name, ty: &self.ty, unit: self.unit, aliases: &self.aliases, parameter: self.parameter }
    }
}

/// The standard library compiled from `FILES` into `compiled.json`, and
/// from there by `build.rs` into Rust code that builds the schema: neither
/// the sources are parsed nor JSON decoded at run time (parsing the sources
/// took more than half of a build, decoding the JSON 43 % of a check). The
/// test `compiled_schema_is_current` keeps `compiled.json` in step with the
/// sources, and `generated_schema_is_compiled_json` the code with the JSON.
#[cfg(test)]
const COMPILED: &str = include_str!("compiled.json");

mod compiled {
    use super::{Check, Constraint, Default, Kind, Schema, SettingDecl};
    use crate::diagnostics::{codes, Code};
    use crate::syntax::ast::{Duration, TimeUnit};
    use crate::types::{Type, Value};

    /// A code of the catalogue, by its text.
    fn code(text: &str) -> Result<&'static Code, String> {
        codes::lookup(text).ok_or_else(|| format!("compiled schema: unknown code {text}"))
    }

    include!(concat!(env!("OUT_DIR"), "/stdlib_schema.rs"));
}

/// The schema, built on first use.
pub fn schema() -> Result<&'static Schema, &'static str> {
    static SCHEMA: OnceLock<Result<Schema, String>> = OnceLock::new();
    SCHEMA.get_or_init(|| compiled::schema().and_then(checked)).as_ref().map_err(String::as_str)
}

/// Refuses a schema without the `pipeline` kind that `Schema::pipeline`
/// relies on, or whose component kinds are not exactly the checker's closed
/// set (`check::model::Kind`).
fn checked(schema: Schema) -> Result<Schema, String> {
    if !schema.kinds.iter().any(|k| k.name == "pipeline") {
        return Err("compiled schema: no `pipeline` kind".to_string());
    }
    kinds_match(&schema).map_err(|e| format!("compiled schema: {e}"))?;
    Ok(schema)
}

/// The schema's component kinds and `check::model::Kind` are in bijection.
fn kinds_match(schema: &Schema) -> Result<(), String> {
    use crate::check::model::Kind as Closed;
    for declared in schema.component_kinds() {
        if Closed::from_name(&declared.name).is_none() {
            return Err(format!("kind `{}` has no variant in `Kind`", declared.name));
        }
    }
    for kind in Closed::ALL {
        if schema.component_kinds().filter(|k| k.name == kind.name()).count() != 1 {
            return Err(format!("`Kind::{kind:?}` is not declared once as a component kind"));
        }
    }
    Ok(())
}

/// The compiled schema's text, as `compiled.json` holds it.
pub fn compile() -> Result<String, String> {
    let schema = from_sources()?;
    serde_json::to_string_pretty(&schema)
        .map(|mut text| {
            text.push('\n');
            text
        })
        .map_err(|e| e.to_string())
}

/// Reads the standard library's sources into a schema.
pub fn from_sources() -> Result<Schema, String> {
    let mut kinds = Vec::new();
    for (path, text) in FILES {
        let library = crate::syntax::parse_library(text).map_err(|e| format!("{path}: {e}"))?;
        let mut reader = Reader { terms: &library.body.terms, pos: 0, path, text };
        while !reader.done() {
            reader.keyword("kind")?;
            let name = reader.word()?;
            let body = reader.block()?;
            kinds.push(kind(&name.name, body, path, text)?);
        }
    }
    if !kinds.iter().any(|k| k.name == "pipeline") {
        return Err("the standard library declares no `pipeline` kind".into());
    }
    Ok(Schema { kinds })
}

fn kind(name: &str, body: &Block, path: &str, text: &str) -> Result<Kind, String> {
    let mut kind = Kind {
        name: name.to_string(),
        doc: String::new(),
        engines: Vec::new(),
        named: false,
        single: false,
        implicit: false,
        routes: false,
        part_of: None,
        settings: Vec::new(),
    };
    let mut reader = Reader { terms: &body.terms, pos: 0, path, text };
    while !reader.done() {
        let word = reader.word()?;
        match word.name.as_str() {
            "doc" => kind.doc = reader.string()?,
            "engines" => kind.engines = reader.words()?,
            "named" => kind.named = true,
            "single" => kind.single = true,
            "implicit" => kind.implicit = true,
            "routes" => kind.routes = true,
            "part_of" => kind.part_of = Some(reader.word()?.name),
            "setting" => kind.settings.push(setting(&mut reader)?),
            other => return Err(reader.error(word.span, &format!("unknown kind declaration `{other}`"))),
        }
    }
    Ok(kind)
}

fn setting(outer: &mut Reader<'_>) -> Result<SettingDecl, String> {
    let name = outer.word()?;
    let body = outer.block()?;
    let mut reader = Reader { terms: &body.terms, pos: 0, path: outer.path, text: outer.text };
    let mut decl = SettingDecl {
        name: name.name.clone(),
        ty: Type::Switch,
        doc: String::new(),
        default: Default::None,
        disposable: None,
        required: None,
        repeat: false,
        parameter: false,
        unit: None,
        aliases: Vec::new(),
        constraints: Vec::new(),
        settings: Vec::new(),
    };
    // `type` comes first, then `values` or `kinds`, so that every value
    // after them is read with the setting's own type.
    reader.keyword("type")?;
    let type_word = reader.word()?;
    let listed = match reader.peek() {
        Some(Term::Word(w)) if w.name == "values" || w.name == "kinds" => {
            reader.pos += 1;
            reader.words()?
        }
        _ => Vec::new(),
    };
    decl.ty = type_named(&type_word, listed).ok_or_else(|| reader.error(type_word.span, "unknown type"))?;
    while !reader.done() {
        let word = reader.word()?;
        match word.name.as_str() {
            "doc" => decl.doc = reader.string()?,
            "repeat" => decl.repeat = true,
            "parameter" => decl.parameter = true,
            "unit" => {
                let unit = reader.word()?;
                decl.unit = Some(match unit.name.as_str() {
                    "KiB" => 1 << 10,
                    "MiB" => 1 << 20,
                    "GiB" => 1 << 30,
                    _ => return Err(reader.error(unit.span, "unknown unit")),
                });
            }
            "required" => decl.required = Some(reader.peek_code().unwrap_or(&codes::MISSING_SETTING)),
            "setting" => decl.settings.push(setting(&mut reader)?),
            "default" if matches!(reader.peek(), Some(Term::Word(w)) if w.name == "implicit") => {
                reader.pos += 1;
                decl.default = Default::Implicit;
            }
            "default" => decl.default = Default::Value(reader.value(&decl, false)?),
            "disposable" => decl.disposable = Some(reader.value(&decl, false)?),
            "alias" => {
                let alias = reader.word()?;
                let value = reader.value(&decl, false)?;
                decl.aliases.push((alias.name, value));
            }
            "one_of" => {
                let values = reader.values(&decl)?;
                let code = reader.code()?;
                decl.constraints.push(Constraint { check: Check::OneOf(values), code });
            }
            "min" | "max" | "step" | "require" | "avoid" => {
                let value = reader.value(&decl, true)?;
                let code = reader.code()?;
                let check = match word.name.as_str() {
                    "min" => Check::Min(value),
                    "max" => Check::Max(value),
                    "step" => Check::Step(value),
                    "require" => Check::Require(value),
                    _ => Check::Avoid(value),
                };
                decl.constraints.push(Constraint { check, code });
            }
            "forbid" => {
                let code = reader.code()?;
                decl.constraints.push(Constraint { check: Check::Forbid, code });
            }
            other => return Err(reader.error(word.span, &format!("unknown setting declaration `{other}`"))),
        }
    }
    Ok(decl)
}

fn type_named(word: &Ident, listed: Vec<String>) -> Option<Type> {
    Some(match word.name.as_str() {
        "switch" => Type::Switch,
        "integer" => Type::Integer,
        "decimal" => Type::Decimal,
        "string" => Type::String,
        "duration" => Type::Duration,
        "size" => Type::Size,
        "percent" => Type::Percent,
        "range" => Type::Range,
        "version" => Type::Version,
        "choice" => Type::Choice(listed),
        "ref" => Type::Ref(listed),
        "refs" => Type::Refs(listed),
        "scaling" => Type::Scaling,
        "mount" => Type::Mount(listed),
        "grant" => Type::Grant,
        "tags" => Type::Tags,
        "block" => Type::Block,
        _ => return None,
    })
}

/// A cursor over the terms of a standard-library block.
struct Reader<'a> {
    terms: &'a [Term],
    pos: usize,
    path: &'a str,
    text: &'a str,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.pos >= self.terms.len()
    }

    fn peek(&self) -> Option<&'a Term> {
        self.terms.get(self.pos)
    }

    fn next(&mut self) -> Result<&'a Term, String> {
        let term = self.terms.get(self.pos).ok_or_else(|| format!("{}: unexpected end of block", self.path))?;
        self.pos += 1;
        Ok(term)
    }

    /// An error in the standard library itself, at a line of its source.
    fn error(&self, at: Span, message: &str) -> String {
        let line = self.text[..at.start.min(self.text.len())].matches('\n').count() + 1;
        format!("{}:{line}: {message}", self.path)
    }

    fn word(&mut self) -> Result<Ident, String> {
        match self.next()? {
            Term::Word(word) => Ok(word.clone()),
            other => Err(self.error(other.span(), "expected a word")),
        }
    }

    fn keyword(&mut self, keyword: &str) -> Result<(), String> {
        let word = self.word()?;
        if word.name == keyword {
            Ok(())
        } else {
            Err(self.error(word.span, &format!("expected `{keyword}`")))
        }
    }

    fn block(&mut self) -> Result<&'a Block, String> {
        match self.next()? {
            Term::Block(block) => Ok(block),
            other => Err(self.error(other.span(), "expected a block")),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        match self.next()? {
            Term::Literal(literal) => match &literal.kind {
                LiteralKind::String(s) => Ok(s.clone()),
                _ => Err(self.error(self.terms[self.pos - 1].span(), "expected a string")),
            },
            other => Err(self.error(other.span(), "expected a string")),
        }
    }

    fn words(&mut self) -> Result<Vec<String>, String> {
        match self.next()? {
            Term::Word(word) => Ok(vec![word.name.clone()]),
            Term::List(list) => list
                .items
                .iter()
                .map(|item| match item {
                    Term::Word(word) => Ok(word.name.clone()),
                    other => Err(self.error(other.span(), "expected a word")),
                })
                .collect(),
            other => Err(self.error(other.span(), "expected words")),
        }
    }

    /// A code from the catalogue.
    fn code(&mut self) -> Result<&'static Code, String> {
        let word = self.word()?;
        codes::lookup(&word.name).ok_or_else(|| self.error(word.span, &format!("unknown code `{}`", word.name)))
    }

    fn peek_code(&mut self) -> Option<&'static Code> {
        let Some(Term::Word(word)) = self.peek() else {
            return None;
        };
        let code = codes::lookup(&word.name)?;
        self.pos += 1;
        Some(code)
    }

    /// Reads a value with the setting's own type, exactly as a program's
    /// value is read. Constraint values of a scaling setting are integers.
    fn value(&mut self, decl: &SettingDecl, bound: bool) -> Result<Value, String> {
        let at = self.pos;
        let expect = value_expectation(decl, bound);
        read_value(&expect, self.terms, &mut self.pos).map_err(|e| {
            let message = format!("`{}`: value does not fit its type ({e:?})", decl.name);
            self.terms.get(at).map_or(message.clone(), |t| self.error(t.span(), &message))
        })
    }

    /// A value or a list of values.
    fn values(&mut self, decl: &SettingDecl) -> Result<Vec<Value>, String> {
        let items: Vec<Term> = match self.next()? {
            Term::List(list) => list.items.clone(),
            other => vec![other.clone()],
        };
        items
            .iter()
            .map(|item| {
                let mut pos = 0;
                read_value(&value_expectation(decl, false), std::slice::from_ref(item), &mut pos).map_err(|e| {
                    self.error(item.span(), &format!("`{}`: value does not fit its type ({e:?})", decl.name))
                })
            })
            .collect()
    }
}

/// How to read a declaration's value: with the setting's type, except that
/// the bounds of a scaling setting (`min 2`) are plain integers.
fn value_expectation(decl: &SettingDecl, bound: bool) -> Expect<'_> {
    let ty = if bound && decl.ty == Type::Scaling { &Type::Integer } else { &decl.ty };
    Expect { setting: &decl.name, ty, unit: decl.unit, aliases: &[], parameter: decl.parameter }
}

/// Serializes a code reference as its text.
mod code_ref {
    use crate::diagnostics::Code;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(code: &&'static Code, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(code.code)
    }

    pub mod optional {
        use crate::diagnostics::Code;
        use serde::Serializer;

        pub fn serialize<S: Serializer>(code: &Option<&'static Code>, serializer: S) -> Result<S::Ok, S::Error> {
            match code {
                Some(code) => serializer.serialize_some(code.code),
                None => serializer.serialize_none(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled schema is the sources' schema. After editing stdlib/,
    /// regenerate it with `MEDC_UPDATE_STDLIB=1 cargo test compiled_schema`.
    #[test]
    fn compiled_schema_is_current() {
        let fresh = compile().unwrap();
        if std::env::var_os("MEDC_UPDATE_STDLIB").is_some() {
            std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/src/stdlib/compiled.json"), &fresh).unwrap();
            return;
        }
        assert!(
            fresh == COMPILED,
            "src/stdlib/compiled.json is out of date with stdlib/; run `MEDC_UPDATE_STDLIB=1 cargo test compiled_schema`"
        );
    }

    #[test]
    fn generated_schema_is_compiled_json() {
        let generated = compiled::schema().unwrap();
        let mut text = serde_json::to_string_pretty(&generated).unwrap();
        text.push('\n');
        assert!(text == COMPILED, "build.rs generated a schema that differs from compiled.json");
    }

    #[test]
    fn a_schema_without_a_pipeline_is_an_error_not_a_panic() {
        assert_eq!(checked(Schema { kinds: Vec::new() }).unwrap_err(), "compiled schema: no `pipeline` kind");
    }

    #[test]
    fn component_kinds_and_the_kind_enum_are_in_bijection() {
        let schema = from_sources().unwrap();
        assert_eq!(kinds_match(&schema), Ok(()));
        let mut names: Vec<&str> = schema.component_kinds().map(|k| k.name.as_str()).collect();
        let mut variants: Vec<&str> = crate::check::model::Kind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        variants.sort_unstable();
        assert_eq!(names, variants);
        let mut without_stream = compiled::schema().unwrap();
        for kind in &mut without_stream.kinds {
            if kind.name == "stream" {
                kind.name = "queue".to_string();
            }
        }
        assert!(checked(without_stream).unwrap_err().contains("`queue` has no variant"));
    }

    #[test]
    fn the_standard_library_loads() {
        let schema = from_sources().unwrap();
        assert!(schema.kind("database").is_some());
        let database = schema.kind("database").unwrap();
        let backup = database.setting("backup").unwrap();
        assert_eq!(
            backup.default,
            Default::Value(Value::Duration(crate::syntax::ast::Duration {
                amount: 7,
                unit: crate::syntax::ast::TimeUnit::Days,
            }))
        );
        assert_eq!(backup.constraints.len(), 3);
    }
}
