//! A hand-written recursive-descent reading of `grammar/medimg.pest`'s
//! `header`, `terms` and `trailer` rules, for the common case: input the
//! grammar accepts. pest stays the specification and the error path: when
//! this parser meets anything it does not accept, it gives up and the
//! caller hands the same text to pest, whose error `errors` translates.
//! The grammar is a PEG without backtracking across terms, so a reading
//! that follows its rules in order accepts exactly what pest accepts and
//! builds the tree `build` would build from pest's pairs (the differential
//! tests below check both). It exists because pest's generic machinery
//! (call tracking, implicit white-space rules, the `!keyword` look-ahead
//! tried at every word) cost far more than the language needs.

use super::ast::{Block, Ident, List, Literal, LiteralKind, Param, Route, Term, Waiver};
use super::literal;
use crate::diagnostics::Diagnostic;
use crate::span::Span;

/// The input is not what the grammar accepts (or not simply so): pest
/// decides, and reports.
pub struct Reject;

type Parsed<T> = Result<T, Reject>;

/// The three keywords a word may not be (`keyword` in the grammar).
#[derive(Clone, Copy, PartialEq)]
enum Keyword {
    Param,
    Route,
    Waive,
}

pub struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
    /// Where the input ends: the grammar's `EOI`; nothing past it is read,
    /// look-aheads included.
    end: usize,
    /// Errors in literals (a bad unit, a bad escape), as `build` collects them.
    pub diagnostics: Vec<Diagnostic>,
}

impl<'t> Parser<'t> {
    /// A parser of `text[start..end]`, with spans in `text`'s offsets.
    pub fn new(text: &'t str, start: usize, end: usize) -> Self {
        Parser { text, bytes: text.as_bytes(), pos: start, end, diagnostics: Vec::new() }
    }

    /// `terms = { SOI ~ term* ~ EOI }`.
    pub fn terms(mut self) -> Parsed<(Vec<Term>, Vec<Diagnostic>)> {
        let mut terms = Vec::new();
        loop {
            self.skip();
            if self.pos >= self.end {
                return Ok((terms, self.diagnostics));
            }
            terms.extend(self.term()?);
        }
    }

    /// `header = { SOI ~ kw_pipeline ~ word ~ open }`: the keyword's span and the name.
    pub fn header(mut self) -> Parsed<(Span, Ident)> {
        self.skip();
        let start = self.pos;
        if !self.starts_with(b"pipeline") || self.word_continues(start + "pipeline".len()) {
            return Err(Reject);
        }
        self.pos += "pipeline".len();
        let keyword = Span::new(start, self.pos);
        self.skip();
        let name = self.word()?;
        self.skip();
        self.expect(b'<')?;
        Ok((keyword, name))
    }

    /// `trailer = { SOI ~ EOI }`: nothing but blanks and comments.
    pub fn trailer(mut self) -> Parsed<()> {
        self.skip();
        if self.pos >= self.end {
            Ok(())
        } else {
            Err(Reject)
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        let at = self.pos + ahead;
        if at < self.end {
            Some(self.bytes[at])
        } else {
            None
        }
    }

    fn starts_with(&self, prefix: &[u8]) -> bool {
        self.bytes.get(self.pos..self.end).is_some_and(|rest| rest.starts_with(prefix))
    }

    /// Whether the byte at `at` would continue a word, which makes a keyword
    /// just before it part of a longer word: `!(ASCII_ALPHANUMERIC | "_" | "-")`.
    fn word_continues(&self, at: usize) -> bool {
        at < self.end && matches!(self.bytes[at], b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-')
    }

    fn expect(&mut self, byte: u8) -> Parsed<()> {
        if self.peek(0) == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Reject)
        }
    }

    /// The implicit `WHITESPACE` and `COMMENT` between tokens.
    fn skip(&mut self) {
        while self.pos < self.end {
            match self.bytes[self.pos] {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                // U+FEFF, the byte-order mark.
                0xEF if self.peek(1) == Some(0xBB) && self.peek(2) == Some(0xBF) => self.pos += 3,
                b'/' if self.peek(1) == Some(b'/') => {
                    let rest = &self.bytes[self.pos..self.end];
                    self.pos = rest.iter().position(|&b| b == b'\n').map_or(self.end, |n| self.pos + n);
                }
                _ => return,
            }
        }
    }

    /// The keyword at the cursor, if any (`keyword` in the grammar).
    fn keyword(&self) -> Option<Keyword> {
        let keyword = match self.peek(0)? {
            b'p' if self.starts_with(b"param") => Keyword::Param,
            b'r' if self.starts_with(b"route") => Keyword::Route,
            b'w' if self.starts_with(b"waive") => Keyword::Waive,
            _ => return None,
        };
        (!self.word_continues(self.pos + 5)).then_some(keyword)
    }

    /// `term = _{ atoms | block | route | waiver }`. None when a literal in
    /// it was malformed: `build` leaves such a term out.
    fn term(&mut self) -> Parsed<Option<Term>> {
        match self.peek(0) {
            Some(b'<') => self.block().map(|block| Some(Term::Block(block))),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => match self.keyword() {
                Some(Keyword::Route) => self.route(),
                Some(Keyword::Waive) => self.waiver(),
                Some(Keyword::Param) | None => self.atoms(),
            },
            Some(b'"' | b'0'..=b'9') => self.atoms(),
            _ => Err(Reject),
        }
    }

    /// `block = { open ~ term* ~ close }`.
    fn block(&mut self) -> Parsed<Block> {
        let open = Span::new(self.pos, self.pos + 1);
        self.expect(b'<')?;
        let mut terms = Vec::new();
        loop {
            self.skip();
            match self.peek(0) {
                None => return Err(Reject),
                Some(b'>') => {
                    self.pos += 1;
                    return Ok(Block { open, close: Span::new(self.pos - 1, self.pos), terms });
                }
                Some(_) => terms.extend(self.term()?),
            }
        }
    }

    /// `atoms = { atom ~ ("," ~ atom)* }`, read as `build` reads it: one
    /// atom is itself, several are a list (without those whose literal was
    /// malformed, and one left is itself again).
    fn atoms(&mut self) -> Parsed<Option<Term>> {
        let start = self.pos;
        let first = self.atom()?;
        let mut last_end = self.pos;
        self.skip();
        if self.peek(0) != Some(b',') {
            // pest's span of a lone atom's `atoms` takes in the blanks after
            // it (tried for a `,`); it shows only when the atom is malformed.
            let span = Span::new(start, self.pos);
            self.pos = last_end;
            return Ok(first.or(Some(Term::List(List { items: Vec::new(), span }))));
        }
        let mut items: Vec<Term> = first.into_iter().collect();
        while self.peek(0) == Some(b',') {
            self.pos += 1;
            self.skip();
            items.extend(self.atom()?);
            last_end = self.pos;
            self.skip();
        }
        self.pos = last_end;
        if items.len() == 1 {
            return Ok(items.pop());
        }
        Ok(Some(Term::List(List { items, span: Span::new(start, last_end) })))
    }

    /// `atom = _{ word | string | number | param }`.
    fn atom(&mut self) -> Parsed<Option<Term>> {
        match self.peek(0) {
            Some(b'"') => Ok(self.string()?.map(Term::Literal)),
            Some(b'0'..=b'9') => Ok(self.number().map(Term::Literal)),
            Some(b'a'..=b'z' | b'A'..=b'Z' | b'_') => match self.keyword() {
                None => Ok(Some(Term::Word(self.word()?))),
                Some(Keyword::Param) => {
                    let start = self.pos;
                    self.pos += "param".len();
                    self.skip();
                    let name = self.word()?;
                    let span = Span::new(start, name.span.end);
                    Ok(Some(Term::Param(Param { name, span })))
                }
                Some(Keyword::Route | Keyword::Waive) => Err(Reject),
            },
            _ => Err(Reject),
        }
    }

    /// `word = @{ !keyword ~ (ASCII_ALPHA | "_") ~ (ASCII_ALPHANUMERIC | "_" | ("-" | ".") ~ &(ASCII_ALPHANUMERIC | "_"))* }`.
    fn word(&mut self) -> Parsed<Ident> {
        if !matches!(self.peek(0), Some(b'a'..=b'z' | b'A'..=b'Z' | b'_')) || self.keyword().is_some() {
            return Err(Reject);
        }
        let start = self.pos;
        self.pos += 1;
        let inner = |b: Option<u8>| matches!(b, Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_'));
        loop {
            match self.peek(0) {
                b if inner(b) => self.pos += 1,
                Some(b'-' | b'.') if inner(self.peek(1)) => self.pos += 2,
                _ => break,
            }
        }
        Ok(self.ident(start))
    }

    fn ident(&self, start: usize) -> Ident {
        Ident { name: self.text[start..self.pos].to_string(), span: Span::new(start, self.pos) }
    }

    /// `number = @{ ASCII_DIGIT ~ (ASCII_ALPHANUMERIC | "_" | "%" | "." ~ (ASCII_DIGIT | "."))* }`,
    /// classified by `literal`; None (and a diagnostic) when malformed.
    fn number(&mut self) -> Option<Literal> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(0) {
                Some(b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'%') => self.pos += 1,
                Some(b'.') if matches!(self.peek(1), Some(b'0'..=b'9' | b'.')) => self.pos += 2,
                _ => break,
            }
        }
        let span = Span::new(start, self.pos);
        self.literal(literal::number(&self.text[start..self.pos], span), span)
    }

    /// `string = @{ "\"" ~ plain_text ~ ("\\" ~ (!"\n" ~ ANY) ~ plain_text)* ~ "\"" }`,
    /// decoded by `literal`; Ok(None) (and a diagnostic) for a bad escape.
    fn string(&mut self) -> Parsed<Option<Literal>> {
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek(0) {
                None | Some(b'\n') => return Err(Reject),
                Some(b'"') => break,
                // The escaped character is any but a line break; a multi-byte
                // one is passed over byte by byte as plain text would be.
                Some(b'\\') if !matches!(self.peek(1), None | Some(b'\n')) => self.pos += 2,
                Some(b'\\') => return Err(Reject),
                Some(_) => self.pos += 1,
            }
        }
        self.pos += 1;
        let span = Span::new(start, self.pos);
        Ok(self.literal(literal::string(&self.text[start..self.pos], span).map(LiteralKind::String), span))
    }

    fn literal(&mut self, read: Result<LiteralKind, Diagnostic>, span: Span) -> Option<Literal> {
        match read {
            Ok(kind) => Some(Literal { kind, span }),
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// `route = { kw_route ~ method ~ string ~ arrow ~ word ~ block? }`.
    fn route(&mut self) -> Parsed<Option<Term>> {
        let start = self.pos;
        self.pos += "route".len();
        self.skip();
        let method_start = self.pos;
        while matches!(self.peek(0), Some(b'A'..=b'Z')) {
            self.pos += 1;
        }
        if self.pos == method_start {
            return Err(Reject);
        }
        let method = self.ident(method_start);
        self.skip();
        if self.peek(0) != Some(b'"') {
            return Err(Reject);
        }
        let path = self.string()?;
        self.skip();
        if !self.starts_with(b"->") {
            return Err(Reject);
        }
        let arrow = Span::new(self.pos, self.pos + 2);
        self.pos += 2;
        self.skip();
        let target = self.word()?;
        let after_target = self.pos;
        self.skip();
        let block = if self.peek(0) == Some(b'<') {
            Some(self.block()?)
        } else {
            self.pos = after_target;
            None
        };
        let Some(Literal { kind: LiteralKind::String(path), span: path_span }) = path else {
            return Ok(None);
        };
        let end = block.as_ref().map_or(target.span.end, |b| b.close.end);
        let route = Route { method, path, path_span, arrow, target, block, span: Span::new(start, end) };
        Ok(Some(Term::Route(Box::new(route))))
    }

    /// `waiver = { kw_waive ~ word ~ string }`.
    fn waiver(&mut self) -> Parsed<Option<Term>> {
        let start = self.pos;
        self.pos += "waive".len();
        self.skip();
        let code = self.word()?;
        self.skip();
        if self.peek(0) != Some(b'"') {
            return Err(Reject);
        }
        let Some(Literal { kind: LiteralKind::String(reason), span: reason_span }) = self.string()? else {
            return Ok(None);
        };
        Ok(Some(Term::Waiver(Waiver { code, reason, reason_span, span: Span::new(start, self.pos) })))
    }
}

/// The differential tests: on token soup, on every `.medimg` file of the
/// repository and on mutations of them, the fast parser accepts exactly
/// what pest accepts and builds the same tree, spans and literal errors
/// included; and `parse` gives what pest alone gives.
#[cfg(test)]
mod tests {
    use super::super::{build, parse_with, Engine, Grammar, Rule};
    use super::*;
    use pest::Parser as _;
    use proptest::prelude::*;
    use std::path::{Path, PathBuf};

    /// `terms` by pest and `build`, as `parse` did before the fast parser.
    fn pest_terms(text: &str) -> Option<(Vec<Term>, Vec<Diagnostic>)> {
        let pairs = Grammar::parse(Rule::terms, text).ok()?;
        let mut builder = build::Builder::new(0);
        let mut terms = Vec::new();
        for pair in pairs.flatten().filter(|p| p.as_rule() == Rule::terms) {
            terms.extend(builder.terms(pair.into_inner()));
        }
        Some((terms, builder.diagnostics))
    }

    fn pest_header(text: &str) -> Option<(Span, Ident)> {
        Grammar::parse(Rule::header, text).ok()?.next().and_then(|pair| build::header(pair, 0))
    }

    /// Both parsers on one text, as a chunk, a header and a trailer.
    fn agree(text: &str) {
        let fast = Parser::new(text, 0, text.len()).terms().ok();
        assert_eq!(format!("{fast:?}"), format!("{:?}", pest_terms(text)), "terms of {text:?}");
        let fast = Parser::new(text, 0, text.len()).header().ok();
        assert_eq!(fast, pest_header(text), "header of {text:?}");
        let fast = Parser::new(text, 0, text.len()).trailer().is_ok();
        assert_eq!(fast, Grammar::parse(Rule::trailer, text).is_ok(), "trailer of {text:?}");
    }

    /// A whole file through `parse`, fast and pest-only.
    fn same_parse(text: &str) {
        let fast = parse_with(text, Engine::Fast);
        let pest = parse_with(text, Engine::Pest);
        assert_eq!(fast.program, pest.program, "tree of {text:?}");
        assert_eq!(format!("{:?}", fast.diagnostics), format!("{:?}", pest.diagnostics), "diagnostics of {text:?}");
        assert_eq!(fast.comments, pest.comments);
        assert_eq!(fast.broken, pest.broken, "broken chunks of {text:?}");
    }

    fn medimg_files() -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
            let Ok(entries) = std::fs::read_dir(dir) else { return };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() && !path.ends_with("target") && !path.ends_with("node_modules") {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "medimg") {
                    found.push(path);
                }
            }
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut paths = Vec::new();
        for dir in ["examples", "tests", "stdlib", "src", "fuzz", "docs"] {
            walk(&root.join(dir), &mut paths);
        }
        paths.sort();
        paths.into_iter().filter_map(|path| std::fs::read_to_string(&path).ok().map(|text| (path, text))).collect()
    }

    #[test]
    fn every_repository_file_parses_alike() {
        let files = medimg_files();
        assert!(files.len() > 50, "found only {} .medimg files", files.len());
        for (_, text) in &files {
            same_parse(text);
            agree(text);
        }
    }

    #[test]
    fn the_reference_example_is_read_by_the_fast_parser_alone() {
        let text = include_str!("../../examples/medimg.medimg");
        let open = text.find('<').unwrap_or_default();
        assert!(Parser::new(text, 0, open + 1).header().is_ok());
        let close = text.rfind('>').unwrap_or_default();
        assert!(Parser::new(text, open + 1, close).terms().is_ok());
    }

    #[test]
    fn edge_cases_agree() {
        for text in [
            "",
            " ",
            "a",
            "a ",
            "a, b",
            "a ,b ",
            "a,",
            "a, ,b",
            "7x",
            "7x ",
            "7x, 8y",
            "7x, 1",
            "1, 7x , ",
            "param",
            "param X",
            "param param",
            "params x",
            "param-x",
            "param.x",
            "param_ x",
            "route",
            "waive",
            "route GET \"/a\" -> s",
            "route GET \"/a\" -> s < a >",
            "route GET \"/a\" -> s  // c\n < a > b",
            "route GET\"/a\"->s<>",
            "route get \"/a\" -> s",
            "route GET2 \"/a\" -> s",
            "route GET \"/\\q\" -> s < 7x >",
            "route GET \"/a\" -> route",
            "route GET \"/a\" -> s <",
            "waive MEDC-1 \"r\"",
            "waive MEDC-1 \"\\q\"",
            "waive waive \"r\"",
            "waive M r",
            "a-",
            "a-b",
            "a--b",
            "a.b",
            "a..b",
            "a.-b",
            "_",
            "_1",
            "1.",
            "1..",
            "1...2",
            "0.5..4",
            "1.a",
            "1-2",
            "016",
            "70%",
            "2GiB",
            "\"a\\\"b\"",
            "\"a\\",
            "\"a\n\"",
            "\"\\\n\"",
            "\"é\\é\"",
            "é",
            "\u{FEFF}a",
            "a\u{FEFF}b",
            "a//c\nb",
            "a //c",
            "//c",
            "< a < b > >",
            "<",
            ">",
            "a >",
            "->",
            "a -> b",
            "{",
            "a=b",
            "pipeline p <",
            "pipeline p",
            "pipeline param <",
            "pipelines p <",
            " // c\n pipeline\tp\r\n<",
            "pipeline-x p <",
            "pipeline p < a",
        ] {
            agree(text);
        }
    }

    /// Tokens of the language, near-misses and noise.
    fn token() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "a",
            "db_admin",
            "sa-east-1",
            "cache.t4g.small",
            "MEDC-1001",
            "_x",
            "a-",
            "a.",
            "x..y",
            "param",
            "params",
            "param-x",
            "route",
            "waive",
            "waived",
            "pipeline",
            "GET",
            "POST",
            "get",
            "1",
            "0.5",
            "1..4",
            "0.5..4",
            "7d",
            "24h",
            "70%",
            "2GiB",
            "016",
            "1_0",
            "7x",
            "1.",
            "1.2.3",
            "6..2",
            "\"a\"",
            "\"/dicom\"",
            "\"a\\\"b\"",
            "\"\\u{e3}\"",
            "\"\\q\"",
            "\"\\u{zz}\"",
            "\"x",
            "\"",
            "<",
            ">",
            "<",
            ">",
            ",",
            ",",
            "->",
            "-",
            ".",
            "/",
            "//c\n",
            "// c",
            "{",
            "=",
            ";",
            "%",
            "é",
            "“",
            "\u{FEFF}",
        ])
    }

    fn separator() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["", " ", " ", " ", "\n", "\t", "\r\n", "  ", " // note\n"])
    }

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec((token(), separator()), 0..24)
            .prop_map(|parts| parts.into_iter().flat_map(|(token, separator)| [token, separator]).collect())
    }

    /// A mutation of a file: a byte range removed, a token inserted, or a
    /// range repeated, at char boundaries.
    fn mutate(text: &str, at: usize, len: usize, token: &str, how: u8) -> String {
        let boundary = |mut i: usize| {
            i = i.min(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let start = boundary(at % (text.len() + 1));
        let end = boundary(start + len);
        match how % 3 {
            0 => format!("{}{}", &text[..start], &text[end..]),
            1 => format!("{}{token}{}", &text[..start], &text[start..]),
            _ => format!("{}{}", &text[..end], &text[start..]),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn token_soup_agrees(text in soup()) {
            agree(&text);
            same_parse(&format!("pipeline p <\n{text}\n>"));
        }

        #[test]
        fn mutated_files_agree(file in any::<prop::sample::Index>(), at in any::<usize>(), len in 0usize..12,
                               token in token(), how in any::<u8>()) {
            let files = FILES.with(|files| files.clone());
            let (_, text) = file.get(&files);
            same_parse(&mutate(text, at, len, token, how));
        }
    }

    thread_local! {
        static FILES: Vec<(PathBuf, String)> = medimg_files();
    }
}
