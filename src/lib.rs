//! medc: compiles `.medimg` pipelines into AWS CloudFormation templates.
//!
//! The stages, each a module, data flowing one way:
//! `syntax` (parse) → `check` (resolve, elaborate, references, constraints,
//! rules, waivers) → `lower` (template model, one module per AWS service) →
//! JSON. `stdlib` holds the standard library's declarations, `types` the
//! values they describe, `diagnostics` the one diagnostic model, `deploy`
//! what deploying a template needs (its size, parameters file, and the
//! account bootstrap).

// A `Diagnostic` is the error type of every stage; it is larger than
// clippy's default for `Err` variants, and errors are the rare path.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod deploy;
pub mod diagnostics;
pub mod lower;
pub mod naming;
pub mod source;
pub mod span;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod types;

use diagnostics::Diagnostic;
use source::SourceFile;

/// What checking a file produced: the elaborated program when parsing
/// succeeded, and every diagnostic in source order.
pub struct Checked {
    pub program: Option<check::Program>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }
}

/// Parses and checks one file. Syntax errors stop before checking, so that
/// a broken block does not cascade into a flood of unrelated errors.
pub fn check_file(file: &SourceFile) -> Result<Checked, InternalError> {
    let parsed = syntax::parse(&file.text);
    let Some(ast) = parsed.program.filter(|_| parsed.diagnostics.is_empty()) else {
        let mut diagnostics = parsed.diagnostics;
        diagnostics::sort(&mut diagnostics);
        return Ok(Checked { program: None, diagnostics });
    };
    let schema = stdlib::schema().map_err(|e| InternalError(format!("the standard library is invalid: {e}")))?;
    let (program, mut diagnostics) = check::check(&ast, schema, &file.text);
    diagnostics::sort(&mut diagnostics);
    Ok(Checked { program: Some(program), diagnostics })
}

/// A failure of medc itself, not of the program it was given.
#[derive(Debug)]
pub struct InternalError(pub String);

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: {}", self.0)
    }
}
