//! A linear pre-pass over the source that matches brackets before pest runs.
//!
//! It serves three purposes: nesting deeper than [`MAX_DEPTH`] is refused
//! before the recursive-descent parser could exhaust the stack; bracket and
//! string errors get precise messages ("expected `>` to close the block opened
//! here"); and the pipeline's body is cut into chunks, one per top-level
//! component, that are parsed separately so that one syntax error per
//! component can be reported in a single run.
//!
//! The scan is also the one pass that sees every comment, so it records
//! them (the grammar skips them) for the formatter and the editor tools.

use crate::diagnostics::{codes, Diagnostic, Label};
use crate::span::Span;

/// How deep blocks may nest. A real pipeline needs four or five levels.
pub const MAX_DEPTH: usize = 64;

/// Where the pipeline's brackets are, when they all match.
#[derive(Debug)]
pub struct Layout {
    /// Byte offset of the pipeline's `<`.
    pub open: usize,
    /// Byte offset of the pipeline's `>`.
    pub close: usize,
    /// Byte ranges that cover the body between `open` and `close`, each
    /// ending just after a top-level component's closing `>`.
    pub chunks: Vec<Span>,
}

pub enum Scan {
    /// Every bracket matches and every string is closed.
    Balanced(Option<Layout>),
    /// The structure is broken; these are the errors.
    Broken(Vec<Diagnostic>),
}

/// Scans `text`, pushing the span of every `//` comment (up to, not
/// including, its line break) onto `comments`, in source order, also in a file whose brackets do not match (as far as
/// the scan reads: nesting too deep stops it).
pub fn scan(text: &str, comments: &mut Vec<Span>) -> Scan {
    let bytes = text.as_bytes();
    let mut errors = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut pipeline_open = None;
    let mut pipeline_close = None;
    let mut boundaries = Vec::new();
    // The first block whose `>` starts a line indented unlike the block's
    // own line: where a missing `>` most likely belongs.
    let mut misaligned = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = line_end(bytes, i);
                // A CRLF line's `\r` is part of the line break, not the comment.
                let text_end = if end > i && bytes[end - 1] == b'\r' { end - 1 } else { end };
                comments.push(Span::new(i, text_end));
                i = end;
                continue;
            }
            b'"' => {
                i = skip_string(text, i, &mut errors);
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                i += 2;
                continue;
            }
            b'<' => {
                if open.is_empty() && pipeline_open.is_none() {
                    pipeline_open = Some(i);
                    boundaries.push(i + 1);
                }
                open.push(i);
                if open.len() > MAX_DEPTH {
                    return Scan::Broken(vec![too_deep(i, open[0])]);
                }
            }
            b'>' => match open.pop() {
                None => errors.push(stray_close(i, pipeline_close)),
                Some(opener) => {
                    if misaligned.is_none() && !aligned(text, opener, i) {
                        misaligned = Some(opener);
                    }
                    if open.is_empty() && pipeline_close.is_none() && pipeline_open.is_some() {
                        pipeline_close = Some(i);
                    } else if open.len() == 1 && pipeline_close.is_none() {
                        boundaries.push(i + 1);
                    }
                }
            },
            _ => {}
        }
        i += 1;
    }
    if let Some(&innermost) = open.last() {
        errors.push(unclosed(text, innermost, open.len(), misaligned));
    }
    if !errors.is_empty() {
        return Scan::Broken(errors);
    }
    Scan::Balanced(match (pipeline_open, pipeline_close) {
        (Some(open), Some(close)) => {
            boundaries.push(close);
            boundaries.dedup();
            let chunks = boundaries.windows(2).map(|pair| Span::new(pair[0], pair[1])).collect();
            Some(Layout { open, close, chunks })
        }
        _ => None,
    })
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |n| from + n)
}

/// Skips the string starting at `start`; reports it when unterminated.
fn skip_string(text: &str, start: usize, errors: &mut Vec<Diagnostic>) -> usize {
    let bytes = text.as_bytes();
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(|&b| b != b'\n') => i += 2,
            b'"' => return i + 1,
            b'\n' => break,
            _ => i += 1,
        }
    }
    let end = i.min(bytes.len());
    // Do not count the `\r` of a CRLF line ending as part of the string.
    let shown_end = if end > start + 1 && bytes[end - 1] == b'\r' { end - 1 } else { end };
    errors.push(Diagnostic::new(
        &codes::UNTERMINATED_STRING,
        "unterminated string",
        Label::new(Span::new(start, shown_end), "this string has no closing `\"`"),
        "close the string with `\"` before the end of the line",
    ));
    end
}

fn too_deep(at: usize, outermost: usize) -> Diagnostic {
    Diagnostic::new(
        &codes::TOO_DEEP,
        format!("blocks nested more than {MAX_DEPTH} levels deep"),
        Label::new(Span::new(at, at + 1), format!("this `<` opens level {}", MAX_DEPTH + 1)),
        "a pipeline needs a handful of levels; flatten the nesting or check that the file is not corrupted",
    )
    .with_label(Label::new(Span::new(outermost, outermost + 1), "outermost block opened here"))
}

fn stray_close(at: usize, pipeline_close: Option<usize>) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        &codes::STRAY_CLOSE,
        "`>` without a matching `<`",
        Label::new(Span::new(at, at + 1), "nothing is open here"),
        "remove this `>`, or add the `<` it was meant to close",
    );
    match pipeline_close {
        Some(close) => diagnostic.with_label(Label::new(
            Span::new(close, close + 1),
            "the pipeline's block was closed here; is there one `>` too many above?",
        )),
        None => diagnostic,
    }
}

/// Whether the `>` at `close` either shares a line with other text or is
/// indented like the line of the `<` at `open` (the layout a person writes).
fn aligned(text: &str, open: usize, close: usize) -> bool {
    let indentation = |at: usize| {
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let line = &text[line_start..at];
        (line.len() - line.trim_start().len(), line.trim().is_empty())
    };
    let (close_indent, close_starts_line) = indentation(close);
    !close_starts_line || close_indent == indentation(open).0
}

fn unclosed(text: &str, innermost: usize, still_open: usize, misaligned: Option<usize>) -> Diagnostic {
    // Point at the input's last character, where a `>` is missing.
    let trimmed = text.trim_end();
    let last = trimmed.char_indices().last().map_or(0, |(i, _)| i);
    let end = Span::new(last, trimmed.len());
    let message = if still_open == 1 {
        "expected `>` to close the block".to_string()
    } else {
        format!("expected `>` to close the block ({still_open} blocks are still open)")
    };
    let diagnostic = Diagnostic::new(
        &codes::UNCLOSED_BLOCK,
        message,
        Label::new(end, "the input ends here, with the block still open"),
        "add `>` where the block should end",
    )
    .with_label(Label::new(Span::new(innermost, innermost + 1), "block opened here"));
    match misaligned.filter(|&at| at != innermost) {
        Some(at) => diagnostic.with_label(Label::new(
            Span::new(at, at + 1),
            "this block may be the one missing its `>`: the `>` that closes it is indented like an outer block",
        )),
        None => diagnostic,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(text: &str) -> Layout {
        match scan(text, &mut Vec::new()) {
            Scan::Balanced(Some(layout)) => layout,
            _ => panic!("expected a balanced pipeline"),
        }
    }

    #[test]
    fn chunks_end_after_each_top_level_component() {
        let text = "pipeline p < a 1 b < c > d < > >";
        let layout = layout(text);
        let chunks: Vec<&str> = layout.chunks.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(chunks, [" a 1 b < c >", " d < >", " "]);
    }

    #[test]
    fn arrows_and_strings_do_not_count_as_brackets() {
        let layout = layout("pipeline p < route GET \"/<x>\" -> s >");
        assert_eq!(layout.chunks.len(), 1);
    }

    #[test]
    fn comments_are_recorded_but_not_inside_strings() {
        let text = "// head\r\npipeline p < a \"//not\" // tail\n>//end";
        let mut comments = Vec::new();
        let _ = scan(text, &mut comments);
        let found: Vec<&str> = comments.iter().map(|s| &text[s.range()]).collect();
        assert_eq!(found, ["// head", "// tail", "//end"]);
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let text = format!("pipeline p {}", "<".repeat(200_000));
        assert!(matches!(scan(&text, &mut Vec::new()), Scan::Broken(errors) if errors[0].code == &codes::TOO_DEEP));
    }

    fn unclosed_labels(text: &str) -> Vec<Span> {
        match scan(text, &mut Vec::new()) {
            Scan::Broken(errors) => errors[0].secondary.iter().map(|l| l.span).collect(),
            Scan::Balanced(_) => panic!("expected an unclosed block"),
        }
    }

    #[test]
    fn indentation_points_at_the_block_missing_its_close() {
        let text = "pipeline p <\n  database aurora < multi_az\n  bucket s3 r < >\n>\n";
        let database = text.find("< multi_az").unwrap();
        assert_eq!(unclosed_labels(text), [Span::new(11, 12), Span::new(database, database + 1)]);
        // With the layout agreeing, only the innermost open block is named.
        let text = "pipeline p <\n  database aurora < multi_az >\n";
        assert_eq!(unclosed_labels(text), [Span::new(11, 12)]);
    }
}
