//! medc: compiles `.medimg` pipelines into AWS CloudFormation templates.
//!
//! The whole pipeline is on this page, data flowing one way:
//!
//! ```text
//! SourceFile ─ syntax::parse ─▶ ast (partial) ─ check::check ─▶ Program (partial) + diagnostics   = analyze
//!            ─ Analysis::valid ─▶ ValidProgram ─ lower::lower ─▶ Template ─ to_json ─▶ JSON        = compile
//! ```
//!
//! `analyze` never stops: editors and `medc check` want every diagnostic and
//! whatever tree could be read. `compile` lowers only a [`ValidProgram`],
//! which exists only for an analysis without errors. `stdlib` holds the
//! standard library's declarations, `types` the values they describe,
//! `diagnostics` the one diagnostic model, `deploy` what deploying a
//! template needs (its size, parameters file, and the account bootstrap).

// A `Diagnostic` is the error type of every stage; it is larger than
// clippy's default for `Err` variants, and errors are the rare path.
#![allow(clippy::result_large_err)]

pub mod audit;
pub mod batch;
pub mod check;
pub mod deploy;
pub mod diagnostics;
pub mod fmt;
pub mod graph;
pub mod ide;
pub mod lower;
pub mod lsp;
pub mod naming;
pub mod quotas;
pub mod report;
pub mod show;
pub mod source;
pub mod span;
pub mod stdlib;
pub mod suggest;
pub mod syntax;
pub mod types;

use diagnostics::{codes, Diagnostic};
use source::SourceFile;
use span::Span;

/// Parses and checks one file, never stopping at the first problem.
pub fn analyze(file: &SourceFile) -> Analysis {
    let parsed = syntax::parse(&file.text);
    let mut analysis = Analysis { ast: parsed.program, program: None, diagnostics: parsed.diagnostics, internal: None };
    if let Some(ast) = &analysis.ast {
        match stdlib::schema() {
            Ok(schema) => {
                let (program, checked) = check::check(&without(ast, &parsed.broken), schema, &file.text);
                let syntax_errors = !analysis.diagnostics.is_empty();
                analysis
                    .diagnostics
                    .extend(checked.into_iter().filter(|d| !syntax_errors || !cascades(d, &parsed.broken, &file.text)));
                analysis.program = Some(program);
            }
            Err(e) => analysis.internal = Some(InternalError(format!("the standard library is invalid: {e}"))),
        }
    }
    diagnostics::sort(&mut analysis.diagnostics);
    analysis
}

/// Parses, checks, lowers and emits one file, and holds the template to
/// CloudFormation's quotas (`quotas`): the template, or why not. A
/// pipeline with `stacks nested` is split into a parent and children
/// (`lower::nest`), and each of them is held to the quotas instead; the
/// whole pipeline's template is kept beside them ([`Keep::Whole`]).
pub fn compile(file: &SourceFile) -> Result<Compiled, Failed> {
    compile_keeping(file, Keep::Whole)
}

/// What compiling a nested pipeline keeps besides its stacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Keep {
    /// The whole pipeline's template and JSON too, for the tools that
    /// describe the pipeline (`show`, `report`, `params`): the split then
    /// works on a copy.
    Whole,
    /// The parent and the children alone, which `medc build` writes: the
    /// template is split where it is, never copied or emitted whole (at
    /// 10 MB of source, each copy is gigabytes).
    Stacks,
}

/// [`compile`], keeping of a nested pipeline what `keep` says.
pub fn compile_keeping(file: &SourceFile, keep: Keep) -> Result<Compiled, Failed> {
    let Lowered { pipeline, program, lowered, mut diagnostics } = lowered(file)?;
    let (template, json, compact_len, nested) = match lowered.stacks {
        lower::view::Stacks::Single => {
            let (json, compact_len) = single_stack(&program, &lowered.template, &mut diagnostics);
            (lowered.template, json, compact_len, None)
        }
        lower::view::Stacks::Nested => {
            let stacks = nested_stacks(&program, lowered.template, &lowered.nesting, keep, &mut diagnostics);
            match stacks {
                Ok(stacks) => stacks,
                Err(error) => return Err(Failed::Internal { error, diagnostics }),
            }
        }
    };
    diagnostics::sort(&mut diagnostics);
    if diagnostics::has_errors(&diagnostics) {
        return Err(Failed::Rejected { diagnostics });
    }
    Ok(Compiled { pipeline, json, compact_len, template, nested, program, diagnostics })
}

/// A program lowered, with its diagnostics so far.
struct Lowered {
    pipeline: String,
    program: check::Program,
    lowered: lower::Lowered,
    diagnostics: Vec<Diagnostic>,
}

/// Analyzes and lowers a file: refused when it has errors, when a
/// single-stack pipeline is over the resource quota before its last
/// component, or when two resources would have one logical id.
fn lowered(file: &SourceFile) -> Result<Lowered, Failed> {
    let mut analysis = analyze(file);
    let lowered = match (&analysis.internal, analysis.valid()) {
        (Some(error), _) => Err(error.clone()),
        (None, Some(valid)) => lower::lower_within(valid, quotas::MAX_RESOURCES)
            .map(|lowered| (valid.program().name.name.clone(), lowered)),
        (None, None) => return Err(Failed::Rejected { diagnostics: analysis.diagnostics }),
    };
    let (pipeline, lowered) = match lowered {
        Ok(lowered) => lowered,
        Err(error) => return Err(Failed::Internal { error, diagnostics: analysis.diagnostics }),
    };
    let Some(program) = analysis.program.take() else {
        return Err(Failed::Internal {
            error: InternalError("a lowered program has no checked form".into()),
            diagnostics: analysis.diagnostics,
        });
    };
    let mut diagnostics = analysis.diagnostics;
    if let Some(stopped) = lowered.stopped {
        // Over the quota before the last component: the rest is not lowered.
        diagnostics.push(quotas::stopped(&program, &lowered.template, stopped));
        diagnostics::sort(&mut diagnostics);
        return Err(Failed::Rejected { diagnostics });
    }
    // A logical id added twice is refused, never overwritten.
    match naming::collisions(&program, &lowered.template) {
        Ok(collisions) => diagnostics.extend(collisions),
        Err(error) => return Err(Failed::Internal { error, diagnostics }),
    }
    Ok(Lowered { pipeline, program, lowered, diagnostics })
}

/// A single-stack pipeline's JSON and compact size, unless a quota refuses
/// it: CloudFormation's quotas are judged on the template itself, and one
/// over its counts is refused before it is emitted.
fn single_stack(
    program: &check::Program,
    template: &lower::template::Template,
    diagnostics: &mut Vec<Diagnostic>,
) -> (String, usize) {
    diagnostics.extend(quotas::counts(program, template));
    if diagnostics::has_errors(diagnostics) {
        return (String::new(), 0);
    }
    let emitted = template.emit();
    diagnostics.extend(quotas::size(program, emitted.json.len(), emitted.compact_len));
    (emitted.json, emitted.compact_len)
}

/// A nested pipeline split into stacks, each held to the quotas: the whole
/// template with its JSON and compact size when `keep` asks for them (else
/// an empty template and no JSON), and the split unless a quota refuses it.
fn nested_stacks(
    program: &check::Program,
    template: lower::template::Template,
    carried: &lower::nest::Carried,
    keep: Keep,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<(lower::template::Template, String, usize, Option<lower::nest::Nested>), InternalError> {
    diagnostics.extend(quotas::each_resource(program, &template));
    if diagnostics::has_errors(diagnostics) {
        return Ok((template, String::new(), 0, None));
    }
    let (whole, split) = match keep {
        Keep::Whole => {
            let split = lower::nest::split(lower::nest::copy(&template), &lower::nest::Limits::CLOUDFORMATION, carried);
            (template, split)
        }
        Keep::Stacks => {
            let split = lower::nest::split(template, &lower::nest::Limits::CLOUDFORMATION, carried);
            (lower::template::Template::default(), split)
        }
    };
    let nested = match split {
        Ok(split) => {
            // Every reference of every stack resolves in it, or medc is wrong.
            if let Some(wrong) = lower::nest::dangling(&split).first() {
                return Err(InternalError(format!("a nested stack does not hold together: {wrong}")));
            }
            diagnostics.extend(quotas::nested(program, &split));
            Some(split)
        }
        Err(oversized) => {
            diagnostics.push(quotas::oversized(program, &oversized));
            None
        }
    };
    let (json, compact_len) = match keep {
        Keep::Whole => {
            let emitted = whole.emit();
            (emitted.json, emitted.compact_len)
        }
        Keep::Stacks => (String::new(), 0),
    };
    Ok((whole, json, compact_len, nested))
}

/// What analyzing a file found. Its parts are read-only, so that a
/// [`ValidProgram`] can only come from an analysis that ran.
pub struct Analysis {
    ast: Option<syntax::ast::Program>,
    program: Option<check::Program>,
    diagnostics: Vec<Diagnostic>,
    internal: Option<InternalError>,
}

impl Analysis {
    /// The syntax tree, when the pipeline's outline could be read; broken
    /// components are in it as far as they could be read.
    pub fn ast(&self) -> Option<&syntax::ast::Program> {
        self.ast.as_ref()
    }

    /// The elaborated program, made of every component that parsed.
    pub fn program(&self) -> Option<&check::Program> {
        self.program.as_ref()
    }

    /// Every diagnostic, in source order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// A failure of medc itself, such as an unreadable standard library.
    pub fn internal(&self) -> Option<&InternalError> {
        self.internal.as_ref()
    }

    pub fn has_errors(&self) -> bool {
        diagnostics::has_errors(&self.diagnostics)
    }

    /// The program, when it has no error: the only thing `lower` accepts.
    pub fn valid(&self) -> Option<ValidProgram<'_>> {
        match (&self.program, &self.internal) {
            (Some(program), None) if !self.has_errors() => Some(ValidProgram { program }),
            _ => None,
        }
    }
}

/// A checked program without errors. Only [`Analysis::valid`] makes one, so
/// a lowering of an erroneous program cannot be written.
#[derive(Clone, Copy)]
pub struct ValidProgram<'a> {
    program: &'a check::Program,
}

impl<'a> ValidProgram<'a> {
    pub fn program(self) -> &'a check::Program {
        self.program
    }
}

/// A compiled program: its template, the JSON `medc build` writes, and
/// the warnings and notes that came with it.
pub struct Compiled {
    /// The pipeline's name, as written.
    pub pipeline: String,
    /// The whole pipeline's template; empty for a nested pipeline compiled
    /// with [`Keep::Stacks`], whose resources are in `nested`.
    pub template: lower::template::Template,
    /// The JSON of the whole template: what `medc build` writes for a
    /// single-stack pipeline; empty for a nested one compiled with
    /// [`Keep::Stacks`].
    pub json: String,
    /// Bytes of the template without indentation or final newline, as
    /// CloudFormation's body quotas count them, measured while emitting.
    pub compact_len: usize,
    /// A nested pipeline's parent and child templates (`stacks nested`).
    pub nested: Option<lower::nest::Nested>,
    /// The checked program the template was lowered from, for the tools
    /// that present it (`show`, `graph`, `report`).
    pub program: check::Program,
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a file did not compile.
#[derive(Debug)]
pub enum Failed {
    /// The program has errors; every diagnostic, in source order.
    Rejected { diagnostics: Vec<Diagnostic> },
    /// medc itself failed on a program without errors.
    Internal { error: InternalError, diagnostics: Vec<Diagnostic> },
}

impl Failed {
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Failed::Rejected { diagnostics } | Failed::Internal { diagnostics, .. } => diagnostics,
        }
    }
}

/// A failure of medc itself, not of the program it was given.
#[derive(Clone, Debug)]
pub struct InternalError(pub String);

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: {}", self.0)
    }
}

/// The tree without the terms of broken chunks, which are missing or partial.
fn without<'a>(ast: &'a syntax::ast::Program, broken: &[Span]) -> std::borrow::Cow<'a, syntax::ast::Program> {
    if broken.is_empty() {
        return std::borrow::Cow::Borrowed(ast);
    }
    let mut kept = ast.clone();
    kept.body.terms.retain(|term| !broken.iter().any(|chunk| chunk.contains(term.span())));
    std::borrow::Cow::Owned(kept)
}

/// Whether a checker's diagnostic may only be the echo of a broken chunk:
/// something unused (the broken text may use it), a reference to a name the
/// broken text mentions (it may declare it), or a finding whose code the
/// broken text mentions (it may waive it).
fn cascades(diagnostic: &Diagnostic, broken: &[Span], text: &str) -> bool {
    let code = diagnostic.code;
    if std::ptr::eq(code, &codes::UNUSED) || std::ptr::eq(code, &codes::UNUSED_WAIVER) {
        return true;
    }
    let mentioned = |word: &str| {
        broken
            .iter()
            .filter_map(|chunk| text.get(chunk.range()))
            .any(|chunk| chunk.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).any(|w| w == word))
    };
    if code.category == codes::Category::Compliance && mentioned(code.code) {
        return true;
    }
    std::ptr::eq(code, &codes::UNKNOWN_REFERENCE) && text.get(diagnostic.primary.span.range()).is_some_and(mentioned)
}
