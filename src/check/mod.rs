//! Checking: resolve names and kinds, elaborate the standard library's
//! defaults, then check references, constraints, compliance rules, AWS
//! limits and waivers. Every diagnostic of every step is collected.

mod constraints;
pub mod dump;
mod elaborate;
pub use elaborate::implicit_secret_name;
pub mod iam;
mod limits;
pub mod model;
mod references;
mod resolve;
pub mod rules;
pub mod secrets;
pub mod values;
pub mod view;
pub mod waivers;

use crate::diagnostics::{codes, Diagnostic};
use crate::stdlib::Schema;
use crate::syntax::ast;
use model::Component;
pub use model::Program;
pub use resolve::valid_name;

/// How messages name a component: "database `aurora`", or "`network`" for
/// the kinds a pipeline has one of, which carry no name of their own.
pub fn describe(component: &Component) -> String {
    if component.name == component.kind.name() {
        format!("`{}`", component.kind)
    } else {
        format!("{} `{}`", component.kind, component.name)
    }
}

/// A finding of a rule, with the component it concerns, before waivers.
#[derive(Debug)]
pub struct Finding {
    pub component: Option<String>,
    pub diagnostic: Diagnostic,
}

/// Checks a parsed program; the elaborated program comes back whatever the
/// diagnostics say, so that tools can show it.
pub fn check(ast: &ast::Program, schema: &Schema, source: &str) -> (Program, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut program = resolve::resolve(ast, schema, &mut diagnostics);
    let mut findings = Vec::new();
    elaborate::elaborate(&mut program, schema, &mut findings);
    references::check(&program, schema, &mut diagnostics);
    constraints::check(&program, schema, source, &mut findings);
    rules::check(&program, &mut findings);
    limits::check(&program, &mut findings);
    iam::check(&program, &mut findings);
    secrets::check(&program, &mut findings);
    values::check(&program, &mut findings);
    waivers::apply(&mut program, findings, source, &mut diagnostics);
    // Whether something is used is a judgement on a valid program: a setting
    // rejected above would make what it names look unused.
    if crate::diagnostics::has_errors(&diagnostics) {
        diagnostics.retain(|d| d.code != &codes::UNUSED);
    }
    (program, diagnostics)
}
