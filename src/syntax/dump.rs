//! A readable dump of the syntax tree, one node per line with its byte span,
//! for golden tests and `medc parse`.

use super::ast::{Block, LiteralKind, Program, Term};
use std::fmt::Write;

pub fn program(program: &Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "pipeline {} @{}", program.name.name, program.name.span);
    block(&mut out, &program.body, 1);
    out
}

fn block(out: &mut String, block: &Block, depth: usize) {
    for term in &block.terms {
        self::term(out, term, depth);
    }
}

fn term(out: &mut String, term: &Term, depth: usize) {
    let indent = "  ".repeat(depth);
    let span = term.span();
    let _ = match term {
        Term::Word(ident) => writeln!(out, "{indent}word {} @{span}", ident.name),
        Term::Literal(literal) => writeln!(out, "{indent}{} @{span}", literal_text(&literal.kind)),
        Term::Param(param) => writeln!(out, "{indent}param {} @{span}", param.name.name),
        Term::List(list) => {
            let _ = writeln!(out, "{indent}list @{span}");
            for item in &list.items {
                self::term(out, item, depth + 1);
            }
            Ok(())
        }
        Term::Block(inner) => {
            let _ = writeln!(out, "{indent}block @{span}");
            block(out, inner, depth + 1);
            Ok(())
        }
        Term::Route(route) => {
            let _ =
                writeln!(out, "{indent}route {} {:?} -> {} @{span}", route.method.name, route.path, route.target.name);
            if let Some(inner) = &route.block {
                block(out, inner, depth + 1);
            }
            Ok(())
        }
        Term::Waiver(waiver) => writeln!(out, "{indent}waive {} {:?} @{span}", waiver.code.name, waiver.reason),
    };
}

fn literal_text(kind: &LiteralKind) -> String {
    match kind {
        LiteralKind::String(value) => format!("string {value:?}"),
        LiteralKind::Integer(value) => format!("integer {value}"),
        LiteralKind::Decimal { text, .. } => format!("decimal {text}"),
        LiteralKind::Version(text) => format!("version {text}"),
        LiteralKind::Duration(duration) => format!("duration {duration}"),
        LiteralKind::Size { text, bytes } => format!("size {text} ({bytes} bytes)"),
        LiteralKind::Percent { value, .. } => format!("percent {value}%"),
        LiteralKind::Range { text, .. } => format!("range {text}"),
    }
}
