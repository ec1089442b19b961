//! Byte offsets to LSP positions and back. LSP counts columns in UTF-16
//! code units by default, where medc counts bytes: `é` is one unit and two
//! bytes, `🩻` two units and four bytes. Lines end at `\n` (a `\r` before it
//! belongs to the line ending).

use crate::span::Span;
use lsp_types::{Position, Range};

/// The start of every line of one text.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The position of a byte offset (clamped to the text and to the start
    /// of the character it falls in).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_boundary(text, offset);
        let line = self.starts.partition_point(|&start| start <= offset).saturating_sub(1);
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.start), self.position(text, span.end))
    }

    /// The byte offset of a position. A line past the end is the end of
    /// the text; a column past the end of its line is the end of the line;
    /// a column inside a surrogate pair is the start of its character.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else {
            return text.len();
        };
        let line = &text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (index, c) in line.char_indices() {
            units += c.len_utf16();
            if units > position.character as usize {
                return start + index;
            }
        }
        start + line.len()
    }

    pub fn span(&self, text: &str, range: Range) -> Span {
        let (a, b) = (self.offset(text, range.start), self.offset(text, range.end));
        Span::new(a.min(b), a.max(b))
    }
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units() {
        let text = "a é\n🩻 b\r\nend";
        let index = LineIndex::new(text);
        // `b` on line 1: after the X-ray emoji (2 units) and a space.
        let b = text.find('b').unwrap();
        assert_eq!(index.position(text, b), Position::new(1, 3));
        assert_eq!(index.offset(text, Position::new(1, 3)), b);
        // `é` is one unit: the end of line 0 is column 3.
        assert_eq!(index.position(text, text.find('\n').unwrap()), Position::new(0, 3));
        // Inside the surrogate pair: the start of the emoji.
        assert_eq!(index.offset(text, Position::new(1, 1)), text.find('🩻').unwrap());
        // Past the end of a line, before its `\r\n`; past the last line.
        assert_eq!(index.offset(text, Position::new(1, 99)), text.find('\r').unwrap());
        assert_eq!(index.offset(text, Position::new(9, 0)), text.len());
        // An offset inside a character is the character's start.
        let e = text.find('é').unwrap();
        assert_eq!(index.position(text, e + 1), Position::new(0, 2));
    }

    #[test]
    fn every_position_round_trips() {
        let text = "pipeline é <\n  🩻 x\n>";
        let index = LineIndex::new(text);
        for (offset, _) in text.char_indices() {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
    }
}
