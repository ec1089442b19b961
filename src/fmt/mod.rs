//! The formatter behind `medc fmt` and the language server's formatting:
//! one canonical layout for programs and standard-library files.
//!
//! Formatting changes only the space between tokens: `layout` groups each
//! block's terms into entries (a setting and its value, a component, a
//! route), `print` writes them one per line or a whole block on one line,
//! and puts every comment back where it was. Before returning, the result
//! is parsed again and must hold the same tokens and comments.

mod layout;
mod print;

use crate::diagnostics::Diagnostic;
use crate::span::Span;
use crate::syntax::ast::{Block, Ident, Term};
use layout::{Context, Grouper};
use print::Printer;
pub use print::WIDTH;

/// Why a text was not formatted.
#[derive(Debug)]
pub enum FormatError {
    /// The program has syntax errors; a formatter cannot know what it means.
    Syntax(Vec<Diagnostic>),
    /// A standard-library file that does not parse.
    Library(String),
    /// A failure of medc itself: the standard library is unreadable, or the
    /// formatted text would not have meant the same.
    Internal(String),
}

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormatError::Syntax(diagnostics) => write!(f, "{} syntax error(s)", diagnostics.len()),
            FormatError::Library(message) => write!(f, "{message}"),
            FormatError::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

/// Formats a program (`pipeline NAME < ... >`) or a standard-library file
/// (`library NAME < ... >`) in the canonical layout.
pub fn format(source: &str) -> Result<String, FormatError> {
    let schema = crate::stdlib::schema().map_err(|e| FormatError::Internal(e.to_string()))?;
    let file = File::read(source)?;
    let context = if file.library { Context::Library } else { Context::Pipeline };
    let body = Grouper { schema, source }.block(&file.body, context);
    let mut printer = Printer::new(source, &file.comments);
    printer.file(file.keyword, file.name.span, &body);
    let formatted = printer.finish();
    // The safety net: the same tokens and comments, or no output at all.
    let again =
        File::read(&formatted).map_err(|_| FormatError::Internal("the formatted text does not parse".to_string()))?;
    if file.fingerprint(source) != again.fingerprint(&formatted) {
        return Err(FormatError::Internal("formatting would have changed the program's tokens".to_string()));
    }
    Ok(formatted)
}

/// A parsed program or standard-library file, with its comments.
struct File {
    library: bool,
    keyword: Span,
    name: Ident,
    body: Block,
    comments: Vec<Span>,
}

impl File {
    fn read(source: &str) -> Result<File, FormatError> {
        if is_library(source) {
            let library = crate::syntax::parse_library(source).map_err(FormatError::Library)?;
            let comments = crate::syntax::comments(source);
            return Ok(File {
                library: true,
                keyword: library.keyword,
                name: library.name,
                body: library.body,
                comments,
            });
        }
        let parsed = crate::syntax::parse(source);
        match parsed.program {
            Some(program) if parsed.diagnostics.is_empty() => Ok(File {
                library: false,
                keyword: program.keyword,
                name: program.name,
                body: program.body,
                comments: parsed.comments,
            }),
            _ => Err(FormatError::Syntax(parsed.diagnostics)),
        }
    }

    /// What formatting must preserve: every token as written, in order,
    /// with the nesting of blocks, and every comment's text.
    fn fingerprint(&self, source: &str) -> String {
        let mut out = format!("{} {}", if self.library { "library" } else { "pipeline" }, self.name.name);
        block_fingerprint(source, &self.body, &mut out);
        for comment in &self.comments {
            out.push('\n');
            out.push_str(text(source, *comment).trim_end());
        }
        out
    }
}

/// Whether the text is a standard-library file: its first word is `library`.
fn is_library(source: &str) -> bool {
    let code = source
        .lines()
        .map(|l| l.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r']))
        .find(|l| !l.is_empty() && !l.starts_with("//"));
    code.is_some_and(|line| {
        line.strip_prefix("library")
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'))
    })
}

fn block_fingerprint(source: &str, block: &Block, out: &mut String) {
    out.push_str(" <");
    for term in &block.terms {
        term_fingerprint(source, term, out);
    }
    out.push_str(" >");
}

fn term_fingerprint(source: &str, term: &Term, out: &mut String) {
    match term {
        Term::Word(word) => out.push_str(&format!(" {}", word.name)),
        Term::Literal(literal) => out.push_str(&format!(" {}", literal.raw(source))),
        Term::Param(param) => out.push_str(&format!(" param {}", param.name.name)),
        Term::List(list) => {
            out.push_str(" [");
            for item in &list.items {
                term_fingerprint(source, item, out);
            }
            out.push_str(" ]");
        }
        Term::Block(block) => block_fingerprint(source, block, out),
        Term::Route(route) => {
            out.push_str(&format!(
                " route {} {} -> {}",
                route.method.name,
                text(source, route.path_span),
                route.target.name
            ));
            if let Some(block) = &route.block {
                block_fingerprint(source, block, out);
            }
        }
        Term::Waiver(waiver) => {
            out.push_str(&format!(" waive {} {}", waiver.code.name, text(source, waiver.reason_span)))
        }
    }
}

fn text(source: &str, span: Span) -> &str {
    source.get(span.range()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(source: &str) -> String {
        format(source).unwrap()
    }

    #[test]
    fn a_short_pipeline_stays_on_one_line() {
        assert_eq!(
            formatted("pipeline  p <database aurora<multi_az>>"),
            "pipeline p < database aurora < multi_az > >\n"
        );
    }

    #[test]
    fn components_go_one_per_line_and_settings_align() {
        let source = "pipeline p < region sa-east-1 owner \"x\" key phi < rotation on > network < azs 2 > >";
        assert_eq!(
            formatted(source),
            "pipeline p <\n  region sa-east-1\n  owner  \"x\"\n  key phi < rotation on >\n  network < azs 2 >\n>\n"
        );
    }

    #[test]
    fn comments_stay_where_they_were() {
        let source = "// head\npipeline p < // open\n  // own line\n  region sa-east-1 // end of line\n  // before close\n> // after\n// tail\n";
        let out = formatted(source);
        assert_eq!(
            out,
            "// head\npipeline p <  // open\n  // own line\n  region sa-east-1  // end of line\n  // before close\n>  // after\n// tail\n"
        );
        assert_eq!(formatted(&out), out);
    }

    #[test]
    fn syntax_errors_are_not_formatted() {
        assert!(matches!(format("pipeline p < database aurora < >"), Err(FormatError::Syntax(d)) if !d.is_empty()));
    }
}
