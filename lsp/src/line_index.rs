//! Positions as the protocol counts them: lines, and UTF-16 code units within a line.
//!
//! The compiler's spans are byte offsets. A line index of a text turns one into the other both
//! ways; `\r\n` ends a line like `\n`, and a position past the end of a line is its end.

use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

pub struct LineIndex<'t> {
    text: &'t str,
    /// The byte offset at which each line starts.
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> LineIndex<'t> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(offset, _)| offset + 1));
        LineIndex { text, starts }
    }

    /// The protocol position of a byte offset (clamped to the text and to a character
    /// boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset) - 1;
        let start = self.starts[line];
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end.max(start)))
    }

    /// The byte offset of a protocol position.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        let line_text = self.text[start..end].trim_end_matches('\r');
        let mut units = 0usize;
        for (index, character) in line_text.char_indices() {
            if units >= position.character as usize {
                return start + index;
            }
            units += character.len_utf16();
        }
        start + line_text.len()
    }
}

/// A document's text after the client's changes, each applied to the text the one before it
/// left: a change with a range replaces that range, one without is the whole new text.
pub fn apply_changes(text: String, changes: Vec<TextDocumentContentChangeEvent>) -> String {
    let mut current = text;
    for change in changes {
        match change.range {
            None => current = change.text,
            Some(range) => {
                let index = LineIndex::new(&current);
                let start = index.offset(range.start);
                let end = index.offset(range.end).max(start);
                current.replace_range(start..end, &change.text);
            }
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range
                .map(|((a, b), (c, d))| Range::new(Position::new(a, b), Position::new(c, d))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_in_order_in_utf16_positions() {
        let text = "rule R\n  title fr \"Règle 𝄞\"\n";
        let changed = apply_changes(
            text.to_string(),
            vec![
                // After `𝄞` (two units): unit 19 of line 1.
                change(Some(((1, 19), (1, 19))), "!"),
                change(Some(((0, 5), (0, 6))), "R-1"),
                change(Some(((2, 0), (2, 0))), "  severity error\n"),
            ],
        );
        assert_eq!(
            changed,
            "rule R-1\n  title fr \"Règle 𝄞!\"\n  severity error\n"
        );
        assert_eq!(
            apply_changes(text.to_string(), vec![change(None, "new")]),
            "new"
        );
    }

    #[test]
    fn columns_count_utf16_units_and_lines_end_at_crlf_or_lf() {
        let text = "rule R\r\n  title fr \"Règle 𝄞\" x\nlast";
        let index = LineIndex::new(text);
        let x = text.find(" x").unwrap() + 1;
        // `è` is one unit, `𝄞` two: `  title fr "Règle 𝄞" ` is 22 units and 25 bytes.
        assert_eq!(index.position(x), Position::new(1, 22));
        assert_eq!(index.offset(Position::new(1, 22)), x);
        assert_eq!(index.position(text.len()), Position::new(2, 4));
        // A position past the end of a line is the line's end, before its `\r\n`.
        assert_eq!(index.offset(Position::new(0, 99)), "rule R".len());
        assert_eq!(index.offset(Position::new(9, 0)), text.len());
        // An offset inside a character is the character's start.
        let e_grave = text.find('è').unwrap();
        assert_eq!(index.position(e_grave + 1), index.position(e_grave));
    }
}
