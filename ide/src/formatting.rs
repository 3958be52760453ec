//! Formatting as edits: the canonical layout of `clearance fmt`, as the few line edits that
//! turn a document into it, for a whole document or the lines of a range.
//!
//! The layout keeps every line that holds a token and only collapses blank lines, so the
//! document's non-blank lines and the formatted text's pair up in order; each pair that
//! differs is one edit, and each run of blank lines that changes length is one more. An
//! editor keeps its cursor and folds on the lines that did not change.

use std::ops::Range;

use clearance_compiler::syntax::format::{FormatError, format_file};

/// Replace `start..end` (bytes of the document) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub start: usize,
    pub end: usize,
    pub new_text: String,
}

/// The edits that format `text`; with `lines` (0-based, end excluded), only those that begin
/// on one of those lines. A document that does not parse is refused, as `clearance fmt`
/// refuses it.
pub fn formatting(text: &str, lines: Option<Range<usize>>) -> Result<Vec<TextEdit>, FormatError> {
    let formatted = format_file(text)?;
    let wanted = |line: usize| lines.as_ref().is_none_or(|lines| lines.contains(&line));
    let original: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .collect();
    let target: Vec<&str> = formatted.lines().collect();
    let blank = |line: &str| line.trim().is_empty();
    let mut edits = Vec::new();
    let (mut index, mut next) = (0, 0);
    while index < original.len() {
        let (start, line) = original[index];
        if blank(line) {
            let run = original[index..]
                .iter()
                .take_while(|(_, line)| blank(line))
                .count();
            let kept = usize::from(target.get(next).is_some_and(|line| line.is_empty()));
            if (run != kept || line != "\n") && wanted(index) {
                let (last_start, last) = original[index + run - 1];
                edits.push(TextEdit {
                    start,
                    end: last_start + last.len(),
                    new_text: "\n".repeat(kept),
                });
            }
            index += run;
            next += kept;
            continue;
        }
        let Some(&formatted_line) = target.get(next) else {
            break;
        };
        let content = line.strip_suffix('\n').unwrap_or(line);
        let ends_file_without_newline = !line.ends_with('\n');
        if (content != formatted_line || ends_file_without_newline) && wanted(index) {
            let mut new_text = formatted_line.to_string();
            if ends_file_without_newline {
                new_text.push('\n');
            }
            edits.push(TextEdit {
                start,
                end: start + content.len(),
                new_text,
            });
        }
        index += 1;
        next += 1;
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str, edits: &[TextEdit]) -> String {
        let mut out = text.to_string();
        for edit in edits.iter().rev() {
            out.replace_range(edit.start..edit.end, &edit.new_text);
        }
        out
    }

    #[test]
    fn the_edits_give_the_formatted_text() {
        for text in [
            "record R\n a:Text\n",
            "\n\nrecord R\n\n\n\n   a:  Text\n  b: Text",
            "record R\r\n  a: Text\r\n\r\n\r\n  b: Text\r\n",
            "// only a comment   \n\n\nrecord R\n  a: Text\n   \n",
            "record R\n  a: Text\n",
        ] {
            let edits = formatting(text, None).unwrap();
            assert_eq!(apply(text, &edits), format_file(text).unwrap(), "{text:?}");
        }
        assert!(
            formatting("record R\n  a: Text\n", None)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_range_formats_its_lines_only() {
        let text = "record R\n a:Text\n   b:Text\n";
        let edits = formatting(text, Some(2..3)).unwrap();
        assert_eq!(apply(text, &edits), "record R\n a:Text\n  b: Text\n");
    }

    #[test]
    fn a_document_that_does_not_parse_is_refused() {
        assert!(matches!(
            formatting("rule X\n  require (\n", None),
            Err(FormatError::Syntax(_))
        ));
    }
}
