//! Prints the grouped entries in the canonical layout, interleaving the
//! comments by byte offset (after Gleam's `ModuleExtra`): before each token,
//! every comment that starts before it is written out, at the end of the
//! line when a token precedes it on its source line, else on a line of its
//! own. Blank lines between entries are kept, at most one in a row.

use super::layout::{Block, Entry, EntryKind, Part};
use crate::span::Span;

/// The width the layout aims for; a single token longer than that (a long
/// `doc` string) stays on its line.
pub const WIDTH: usize = 100;
/// Indentation per block level.
const INDENT: usize = 2;
/// How far a line broken inside an entry (by a comment) is indented.
const CONTINUATION: usize = 4;
/// Between the entries of a block written on one line.
const FLAT_SEPARATOR: &str = "  ";
/// Between code and a comment at the end of its line.
const COMMENT_GAP: usize = 2;

pub struct Printer<'a> {
    source: &'a str,
    comments: &'a [Span],
    /// The next comment to write.
    next: usize,
    out: String,
    /// The width of `out`'s last line, in characters.
    column: usize,
    /// The end of the last token or comment written, in the source.
    last_end: usize,
    /// Nothing has been written since a block opened (or the file began),
    /// where no blank line belongs.
    just_opened: bool,
}

impl<'a> Printer<'a> {
    pub fn new(source: &'a str, comments: &'a [Span]) -> Self {
        Printer { source, comments, next: 0, out: String::new(), column: 0, last_end: 0, just_opened: true }
    }

    /// The text, ending with one line break.
    pub fn finish(mut self) -> String {
        self.comments_before(usize::MAX, 0, true);
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.push("\n");
        self.out
    }

    fn text(&self, span: Span) -> &'a str {
        self.source.get(span.range()).unwrap_or_default()
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn column(&self) -> usize {
        self.column
    }

    /// Appends to the output, keeping count of the column.
    fn push(&mut self, text: &str) {
        match text.rfind('\n') {
            Some(at) => self.column = text[at + 1..].chars().count(),
            None => self.column += text.chars().count(),
        }
        self.out.push_str(text);
    }

    fn spaces(&mut self, count: usize) {
        self.out.extend(std::iter::repeat_n(' ', count));
        self.column += count;
    }

    fn newline(&mut self) {
        if !self.at_line_start() {
            self.push("\n");
        }
    }

    fn indent(&mut self, indent: usize) {
        self.spaces(indent);
    }

    /// Whether the source has a blank line between what was last written
    /// and `start`.
    fn blank_before(&self, start: usize) -> bool {
        let gap = self.source.get(self.last_end.min(start)..start).unwrap_or_default();
        gap.matches('\n').count() >= 2
    }

    /// Writes every comment that starts before `before`. At a boundary
    /// between entries (`boundary`), a blank line before a comment is kept.
    fn comments_before(&mut self, before: usize, indent: usize, boundary: bool) {
        while let Some(&comment) = self.comments.get(self.next).filter(|c| c.start < before) {
            self.next += 1;
            let text = self.text(comment).trim_end();
            if self.trailing(comment) && !self.at_line_start() {
                self.spaces(COMMENT_GAP);
            } else {
                self.newline();
                if boundary && !self.just_opened && self.blank_before(comment.start) {
                    self.push("\n");
                }
                self.indent(indent);
            }
            self.push(text);
            self.push("\n");
            self.last_end = comment.end;
            self.just_opened = false;
        }
    }

    /// Whether code precedes the comment on its source line.
    fn trailing(&self, comment: Span) -> bool {
        let before = &self.source[..comment.start];
        let line = before.rfind('\n').map_or(before, |n| &before[n + 1..]);
        !line.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}').is_empty()
    }

    /// Writes a token after `separator`, or at `indent` on a new line when
    /// a comment ended the line.
    pub fn token(&mut self, span: Span, separator: &str, indent: usize) {
        self.comments_before(span.start, indent, false);
        if self.at_line_start() {
            self.indent(indent);
        } else {
            self.push(separator);
        }
        self.push(self.text(span));
        self.last_end = span.end;
        self.just_opened = false;
    }

    /// Starts an entry (or the file's first token) on a line of its own,
    /// after the comments before it, keeping one blank line if the source
    /// had any.
    pub fn line_start(&mut self, start: usize, indent: usize) {
        self.comments_before(start, indent, true);
        self.newline();
        if !self.just_opened && self.blank_before(start) && !self.out.is_empty() {
            self.push("\n");
        }
    }

    /// Whether any comment lies inside `span`.
    fn has_comment(&self, span: Span) -> bool {
        self.comments_from(span.start).first().is_some_and(|c| c.start < span.end)
    }

    /// The comments that start at `start` or later (they are sorted).
    fn comments_from(&self, start: usize) -> &'a [Span] {
        let comments: &'a [Span] = self.comments;
        &comments[comments.partition_point(|c| c.start < start)..]
    }

    /// The block on one line, or None when it must be broken: it holds a
    /// comment, or a component or route beside other entries.
    fn flat_block(&self, block: &Block) -> Option<String> {
        if self.has_comment(block.span()) {
            return None;
        }
        if block.entries.len() > 1 && block.entries.iter().any(|e| e.kind == EntryKind::Item) {
            return None;
        }
        if block.entries.is_empty() {
            return Some("< >".to_string());
        }
        let mut entries = Vec::new();
        let mut length = 0;
        for entry in &block.entries {
            let flat = self.flat_entry(entry)?;
            length += flat.len() + FLAT_SEPARATOR.len();
            if length > 4 * WIDTH {
                return None;
            }
            entries.push(flat);
        }
        Some(format!("< {} >", entries.join(FLAT_SEPARATOR)))
    }

    /// The entry on one line, when it holds no comment, its blocks can be
    /// flat, and it is not obviously wider than a line (which bounds the
    /// work on a huge block).
    fn flat_entry(&self, entry: &Entry) -> Option<String> {
        let mut out = String::new();
        for part in &entry.parts {
            // A character takes at most four bytes.
            if out.len() > 4 * WIDTH {
                return None;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            match part {
                Part::Token(span) => out.push_str(self.text(*span)),
                Part::List(items) => {
                    for (tokens, comma) in items {
                        let words: Vec<&str> = tokens.iter().map(|t| self.text(*t)).collect();
                        out.push_str(&words.join(" "));
                        if comma.is_some() {
                            out.push_str(", ");
                        }
                    }
                }
                Part::Block(block) => out.push_str(&self.flat_block(block)?),
            }
        }
        Some(out)
    }

    /// Writes a block whose `<` follows what is on the current line. Its
    /// entries go one per line at `indent + INDENT` unless the whole block
    /// fits on the line.
    pub fn block(&mut self, block: &Block, indent: usize) {
        self.comments_before(block.open.start, indent + CONTINUATION, false);
        if let Some(flat) = self.flat_block(block) {
            let separator = usize::from(!self.at_line_start());
            let start = if self.at_line_start() { indent + CONTINUATION } else { self.column() };
            if start + separator + flat.chars().count() <= WIDTH {
                if self.at_line_start() {
                    self.indent(indent + CONTINUATION);
                } else {
                    self.push(" ");
                }
                self.push(&flat);
                self.last_end = block.close.end;
                self.just_opened = false;
                return;
            }
        }
        self.token(block.open, " ", indent + CONTINUATION);
        self.just_opened = true;
        let inner = indent + INDENT;
        let mut i = 0;
        while i < block.entries.len() {
            let run = self.run_length(&block.entries[i..], inner);
            if run > 0 {
                self.aligned(&block.entries[i..i + run], inner);
                i += run;
            } else {
                self.line_start(block.entries[i].span().start, inner);
                self.entry(&block.entries[i], inner);
                i += 1;
            }
        }
        self.comments_before(block.close.start, inner, true);
        self.newline();
        self.indent(indent);
        self.push(">");
        self.last_end = block.close.end;
        self.just_opened = false;
    }

    /// Writes one entry from the start of its line.
    fn entry(&mut self, entry: &Entry, indent: usize) {
        for (i, part) in entry.parts.iter().enumerate() {
            let separator = if i == 0 { "" } else { " " };
            match part {
                Part::Token(span) => self.token(*span, separator, if i == 0 { indent } else { indent + CONTINUATION }),
                Part::List(items) => self.list(items, separator, indent + CONTINUATION),
                Part::Block(block) => self.block(block, indent),
            }
        }
    }

    /// `a, b, c`, wrapped before an item that would pass the width, the
    /// lines aligned under the first item.
    fn list(&mut self, items: &[(Vec<Span>, Option<Span>)], separator: &str, continuation: usize) {
        let mut align = None;
        for (i, (tokens, comma)) in items.iter().enumerate() {
            let width: usize =
                tokens.iter().map(|t| self.text(*t).chars().count() + 1).sum::<usize>() + usize::from(comma.is_some());
            let mut item_separator = if i == 0 { separator } else { " " };
            if let Some(column) = align {
                let pending_comment =
                    self.comments.get(self.next).is_some_and(|c| Some(c.start) < tokens.first().map(|t| t.start));
                if !pending_comment && !self.at_line_start() && self.column() + width > WIDTH && self.column() > column
                {
                    self.push("\n");
                    self.indent(column);
                    item_separator = "";
                }
            }
            let item_indent = align.unwrap_or(continuation);
            for (j, token) in tokens.iter().enumerate() {
                self.token(*token, if j == 0 { item_separator } else { " " }, item_indent);
                if i == 0 && j == 0 {
                    align = Some(self.column() - self.text(*token).chars().count());
                }
            }
            if let Some(comma) = comma {
                self.token(*comma, "", align.unwrap_or(continuation));
            }
        }
    }

    /// How many entries from the first can be aligned as one run: settings
    /// without comments inside, whose blocks (`tags < ... >`) fit on the
    /// line, with no blank line or comment line between them.
    fn run_length(&self, entries: &[Entry], indent: usize) -> usize {
        let mut length = 0;
        for (i, entry) in entries.iter().enumerate() {
            let blocks_fit = || {
                !entry.parts.iter().any(|p| matches!(p, Part::Block(_)))
                    || self.flat_entry(entry).is_some_and(|flat| indent + flat.chars().count() <= WIDTH)
            };
            let alignable = entry.kind == EntryKind::Setting && !self.has_comment(entry.span()) && blocks_fit();
            if !alignable {
                break;
            }
            if i > 0 {
                let previous = entries[i - 1].span().end;
                let gap = Span::new(previous, entry.span().start);
                let gap_text = self.source.get(gap.range()).unwrap_or_default();
                // A comment in the gap may only end the previous line.
                let own_line_comment = self
                    .comments_from(gap.start)
                    .iter()
                    .take_while(|c| c.start < gap.end)
                    .any(|c| self.source[previous..c.start].contains('\n'));
                if own_line_comment || gap_text.matches('\n').count() >= 2 {
                    break;
                }
            }
            length += 1;
        }
        length
    }

    /// Writes a run of settings with their values aligned in one column, and
    /// their end-of-line comments in another.
    fn aligned(&mut self, run: &[Entry], indent: usize) {
        let name_width = run
            .iter()
            .filter(|e| e.parts.len() > 1)
            .filter_map(|e| e.parts.first())
            .map(|p| self.text(Span::new(p.start(), p.end())).chars().count())
            .max()
            .unwrap_or(0);
        // Each entry printed on its own, from the start of its line.
        let mut lines = Vec::new();
        for entry in run {
            let mut printer = Printer::new(self.source, &[]);
            printer.indent(indent);
            for (i, part) in entry.parts.iter().enumerate() {
                match part {
                    Part::Token(span) if i == 0 => {
                        printer.push(self.text(*span));
                        if entry.parts.len() > 1 {
                            let pad = name_width - self.text(*span).chars().count();
                            printer.indent(pad);
                        }
                    }
                    Part::Token(span) => printer.token(*span, " ", indent + CONTINUATION),
                    Part::List(items) => printer.list(items, " ", indent + CONTINUATION),
                    Part::Block(block) => printer.block(block, indent),
                }
            }
            lines.push((entry.span(), printer.out));
        }
        // The comment that ends each entry's line, if any: nothing but
        // blanks stands between the entry and it.
        let trailing: Vec<Option<Span>> = run
            .iter()
            .map(|entry| {
                let end = entry.span().end;
                self.comments_from(end)
                    .first()
                    .filter(|c| self.source[end..c.start].chars().all(|ch| ch == ' ' || ch == '\t'))
                    .copied()
            })
            .collect();
        let comment_column = lines
            .iter()
            .zip(&trailing)
            .filter(|(_, comment)| comment.is_some())
            .map(|((_, text), _)| text.rsplit('\n').next().unwrap_or_default().chars().count())
            .max()
            .unwrap_or(0)
            + COMMENT_GAP;
        for ((span, text), comment) in lines.into_iter().zip(trailing) {
            self.line_start(span.start, indent);
            self.push(&text);
            self.last_end = span.end;
            self.just_opened = false;
            if let Some(comment) = comment {
                // Comments before this one (none by construction) go first.
                self.comments_before(comment.start, indent, false);
                let width = self.column();
                self.indent(comment_column.saturating_sub(width).max(1));
                self.push(self.text(comment).trim_end());
                self.push("\n");
                self.next += 1;
                self.last_end = comment.end;
            }
        }
    }

    /// Writes the file's head (`pipeline NAME` or `library NAME`) and its block.
    pub fn file(&mut self, keyword: Span, name: Span, body: &Block) {
        self.line_start(keyword.start, 0);
        self.token(keyword, "", 0);
        self.token(name, " ", CONTINUATION);
        self.block(body, 0);
    }
}
