//! Parsing: source text to the syntax tree (`ast`), with syntax errors as
//! diagnostics. The grammar is `grammar/medimg.pest`.
//!
//! Parsing runs in three steps: `scan` matches brackets and strings in one
//! linear pass (so deep nesting is refused before the recursive parser runs);
//! then the header and each chunk of the body are parsed separately, so a
//! syntax error in one component does not hide those in the next. A chunk
//! is first read by `fast`, a hand-written parser of the same grammar that
//! builds the tree directly; a chunk it does not accept is parsed by pest,
//! the grammar's reference implementation, whose error `errors` translates
//! and whose pairs `build` turns into the tree. Both read literals with
//! `literal`.

pub mod ast;
mod build;
pub mod dump;
mod errors;
mod fast;
mod literal;
mod scan;

use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;
use pest::Parser;
use pest_derive::Parser;

pub use scan::MAX_DEPTH;

#[derive(Parser)]
#[grammar = "../grammar/medimg.pest"]
pub(crate) struct Grammar;

/// The result of parsing: the tree when the program's outline could be read,
/// every syntax error found, and the comments the tree leaves out.
pub struct Parsed {
    /// The tree, with as much of each broken chunk as could be read.
    pub program: Option<ast::Program>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every `//` comment, in source order: a side table (the tree has no
    /// place for them) that the formatter interleaves by byte offset.
    pub comments: Vec<Span>,
    /// The byte ranges of the body that hold a syntax error, each a
    /// top-level component and the settings before it; checking leaves them
    /// out, since their terms are missing or partial.
    pub broken: Vec<Span>,
}

pub fn parse(text: &str) -> Parsed {
    parse_with(text, Engine::Fast)
}

/// Which parser reads the header, chunks and trailer: the hand-written one
/// with pest behind it, or pest alone (the reference the tests compare to).
#[derive(Clone, Copy, PartialEq)]
enum Engine {
    Fast,
    #[cfg_attr(not(test), allow(dead_code))]
    Pest,
}

fn parse_with(text: &str, engine: Engine) -> Parsed {
    let mut diagnostics = Vec::new();
    if is_blank(text) {
        diagnostics.push(Diagnostic::new(
            &codes::EMPTY_PROGRAM,
            "the file holds no pipeline",
            Label::new(Span::new(0, text.len()), "nothing but blank space and comments"),
            "a program is `pipeline NAME < ... >`; the smallest is `pipeline medimg < >`",
        ));
        return Parsed { program: None, diagnostics, comments: comments(text), broken: Vec::new() };
    }
    let bidi = bidi_controls(text);
    if !bidi.is_empty() {
        return Parsed { program: None, diagnostics: bidi, comments: comments(text), broken: Vec::new() };
    }
    let mut comments = Vec::new();
    let layout = match scan::scan(text, &mut comments) {
        scan::Scan::Broken(errors) => {
            return Parsed { program: None, diagnostics: errors, comments, broken: Vec::new() }
        }
        scan::Scan::Balanced(layout) => layout,
    };
    let header_end = layout.as_ref().map_or(text.len(), |l| l.open + 1);
    let fast_header = if engine == Engine::Fast { fast::Parser::new(text, 0, header_end).header().ok() } else { None };
    let header = match fast_header {
        Some(header) => Some(header),
        None => match Grammar::parse(Rule::header, &text[..header_end]) {
            Ok(mut pairs) => pairs.next().and_then(|pair| build::header(pair, 0)),
            Err(error) => {
                diagnostics.push(errors::translate(error, text, 0, errors::Context::Header));
                None
            }
        },
    };
    let Some(layout) = layout else {
        if header.is_some() {
            // A header with no matching block cannot happen: the scan found
            // every bracket balanced, so `<` implies its `>`.
            diagnostics.push(errors::missing_block(text));
        }
        return Parsed { program: None, diagnostics, comments, broken: Vec::new() };
    };
    let mut terms = Vec::new();
    let mut broken = Vec::new();
    for chunk in &layout.chunks {
        if engine == Engine::Fast {
            if let Ok((read, errors)) = fast::Parser::new(text, chunk.start, chunk.end).terms() {
                terms.extend(read);
                if !errors.is_empty() {
                    broken.push(*chunk);
                }
                diagnostics.extend(errors);
                continue;
            }
        }
        match Grammar::parse(Rule::terms, &text[chunk.range()]) {
            Ok(pairs) => {
                let mut builder = build::Builder::new(chunk.start);
                for pair in pairs.flatten().filter(|p| p.as_rule() == Rule::terms) {
                    terms.extend(builder.terms(pair.into_inner()));
                }
                if !builder.diagnostics.is_empty() {
                    broken.push(*chunk);
                }
                diagnostics.extend(builder.diagnostics);
            }
            Err(error) => {
                broken.push(*chunk);
                diagnostics.push(errors::translate(error, text, chunk.start, errors::Context::Body));
            }
        }
    }
    let trailer_start = layout.close + 1;
    let fast_trailer = engine == Engine::Fast && fast::Parser::new(text, trailer_start, text.len()).trailer().is_ok();
    if let Err(error) =
        if fast_trailer { Ok(()) } else { Grammar::parse(Rule::trailer, &text[trailer_start..]).map(drop) }
    {
        diagnostics.push(errors::translate(error, text, trailer_start, errors::Context::Trailer));
    }
    let program = header.map(|(keyword, name)| ast::Program {
        keyword,
        name,
        body: ast::Block {
            open: Span::new(layout.open, layout.open + 1),
            close: Span::new(layout.close, layout.close + 1),
            terms,
        },
    });
    Parsed { program, diagnostics, comments, broken }
}

/// The spans of the comments in `text`, as [`Parsed::comments`] holds them.
pub fn comments(text: &str) -> Vec<Span> {
    let mut comments = Vec::new();
    let _ = scan::scan(text, &mut comments);
    comments
}

/// The Unicode bidirectional controls that reorder how text is displayed
/// (embeddings, overrides and isolates), which rustc also refuses.
pub const BIDI_CONTROLS: [char; 9] =
    ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}'];

/// Every bidirectional control in the text, wherever it is: in a comment,
/// a string or a waiver's reason it makes a reviewer read something other
/// than what medc reads (Trojan Source). The program is not parsed further.
fn bidi_controls(text: &str) -> Vec<Diagnostic> {
    text.char_indices()
        .filter(|(_, c)| BIDI_CONTROLS.contains(c))
        .map(|(at, c)| {
            Diagnostic::new(
                &codes::BIDI_CONTROL,
                format!("bidirectional control character `U+{:04X}` in the program", c as u32),
                Label::new(Span::new(at, at + c.len_utf8()), "this invisible character reorders the text around it"),
                "remove it: it can make a comment, string or waiver reason display differently from what medc reads",
            )
        })
        .collect()
}

/// True when the text holds nothing but white space and comments.
fn is_blank(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r']);
        line.is_empty() || line.starts_with("//")
    })
}

/// A standard-library file: `library NAME < ... >`.
pub struct Library {
    pub keyword: Span,
    pub name: ast::Ident,
    pub body: ast::Block,
}

/// Parses a standard-library file, `library NAME < ... >`. The standard
/// library is part of medc, so any error in it is medc's bug, reported as
/// text rather than as a diagnostic against the user's program.
pub fn parse_library(text: &str) -> Result<Library, String> {
    let mut pairs = Grammar::parse(Rule::library, text).map_err(|e| e.to_string())?;
    let library = pairs.next().ok_or("empty library")?;
    let mut keyword = None;
    let mut name = None;
    let mut block = None;
    let mut builder = build::Builder::new(0);
    for pair in library.into_inner() {
        match pair.as_rule() {
            Rule::kw_library => {
                let at = pair.as_span();
                keyword = Some(Span::new(at.start(), at.end()));
            }
            Rule::word => {
                let at = pair.as_span();
                name = Some(ast::Ident { name: pair.as_str().to_string(), span: Span::new(at.start(), at.end()) });
            }
            Rule::block => block = Some(builder.block(pair)),
            _ => {}
        }
    }
    if let Some(diagnostic) = builder.diagnostics.first() {
        return Err(format!("{} at {}", diagnostic.message, diagnostic.primary.span));
    }
    Ok(Library {
        keyword: keyword.ok_or("library without its keyword")?,
        name: name.ok_or("library without a name")?,
        body: block.ok_or("library without a block")?,
    })
}
