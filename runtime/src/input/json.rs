//! NDJSON and JSON readers. Both stream: a JSON array of records is cut into its elements as
//! it is read, so that memory holds one batch of records, never the whole file.

use std::io::BufRead;

use super::{RawContent, RawRecord};
use crate::data::BYTE_ORDER_MARK;

/// A source of records, read one at a time.
pub trait RecordSource {
    /// The next record, or `None` at the end of the input. An error is one of reading the
    /// input itself (a disk or pipe error), never of its content.
    fn next_record(&mut self) -> std::io::Result<Option<RawRecord>>;
}

/// A record larger than this is reported, not buffered (it is read past).
pub const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// The first byte that is not white space or a byte order mark, without consuming it.
pub fn first_significant_byte(reader: &mut dyn BufRead) -> std::io::Result<Option<u8>> {
    let buffer = reader.fill_buf()?;
    let buffer = buffer.strip_prefix(BYTE_ORDER_MARK).unwrap_or(buffer);
    Ok(buffer
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace()))
}

/// One record per line; blank lines are passed over. Each line is kept as bytes, so that a
/// line that is not UTF-8 is reported as that record's problem, with its line, and the lines
/// after it are read as usual.
pub struct NdjsonReader {
    reader: Box<dyn BufRead + Send>,
    line: usize,
    buffer: Vec<u8>,
}

impl NdjsonReader {
    pub fn new(reader: Box<dyn BufRead + Send>) -> NdjsonReader {
        NdjsonReader {
            reader,
            line: 0,
            buffer: Vec::new(),
        }
    }
}

impl RecordSource for NdjsonReader {
    fn next_record(&mut self) -> std::io::Result<Option<RawRecord>> {
        loop {
            self.buffer.clear();
            let read = self.reader.read_until(b'\n', &mut self.buffer)?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            let mut line = self.buffer.as_slice();
            if self.line == 1 {
                // A byte order mark at the start of a file is an encoding signature, not data.
                line = line.strip_prefix(BYTE_ORDER_MARK).unwrap_or(line);
            }
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            let content = if line.len() > MAX_RECORD_BYTES {
                RawContent::Unreadable(too_large())
            } else {
                RawContent::Json(line.to_vec())
            };
            return Ok(Some(RawRecord {
                line: Some(self.line),
                content,
            }));
        }
    }
}

fn too_large() -> String {
    format!(
        "the record is larger than {} MiB, the most a record may take",
        MAX_RECORD_BYTES / 1024 / 1024
    )
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Nothing read yet.
    Start,
    /// Inside a top-level array; `first` until its first element is read.
    Array {
        first: bool,
    },
    /// A sequence of top-level values (a single record, or several separated by white space).
    Sequence,
    Done,
}

/// A JSON input: an array of records, streamed element by element, or a sequence of records.
pub struct JsonArrayReader {
    bytes: ByteReader,
    mode: Mode,
    records: usize,
}

impl JsonArrayReader {
    pub fn new(reader: Box<dyn BufRead + Send>) -> JsonArrayReader {
        JsonArrayReader {
            bytes: ByteReader {
                reader,
                line: 1,
                column: 1,
            },
            mode: Mode::Start,
            records: 0,
        }
    }

    fn stop(&mut self, line: usize, message: String) -> std::io::Result<Option<RawRecord>> {
        self.mode = Mode::Done;
        Ok(Some(RawRecord {
            line: Some(line),
            content: RawContent::Unreadable(message),
        }))
    }

    fn value(&mut self) -> std::io::Result<Option<RawRecord>> {
        let line = self.bytes.line;
        let column = self.bytes.column;
        let mut out = Vec::new();
        match self.bytes.read_value(&mut out)? {
            ValueEnd::Complete => {
                self.records += 1;
                Ok(Some(RawRecord {
                    line: Some(line),
                    content: RawContent::Json(out),
                }))
            }
            ValueEnd::TooLarge => {
                self.records += 1;
                Ok(Some(RawRecord {
                    line: Some(line),
                    content: RawContent::Unreadable(too_large()),
                }))
            }
            ValueEnd::Unterminated => self.stop(
                line,
                format!(
                    "the input ends inside the record that starts at line {line}, column {column}"
                ),
            ),
        }
    }
}

impl RecordSource for JsonArrayReader {
    fn next_record(&mut self) -> std::io::Result<Option<RawRecord>> {
        loop {
            match self.mode {
                Mode::Done => return Ok(None),
                Mode::Start => {
                    self.bytes.skip_byte_order_mark()?;
                    self.bytes.skip_white_space()?;
                    if self.bytes.peek()? == Some(b'[') {
                        self.bytes.next()?;
                        self.mode = Mode::Array { first: true };
                    } else {
                        self.mode = Mode::Sequence;
                    }
                }
                Mode::Sequence => {
                    self.bytes.skip_white_space()?;
                    if self.bytes.peek()?.is_none() {
                        self.mode = Mode::Done;
                        return Ok(None);
                    }
                    return self.value();
                }
                Mode::Array { first } => {
                    self.bytes.skip_white_space()?;
                    let (line, column) = (self.bytes.line, self.bytes.column);
                    match self.bytes.peek()? {
                        None => {
                            return self.stop(
                                line,
                                "the JSON array of records is not closed: a `]` is missing at the end of the input".to_string(),
                            );
                        }
                        Some(b']') => {
                            self.bytes.next()?;
                            self.bytes.skip_white_space()?;
                            if self.bytes.peek()?.is_some() {
                                let (line, column) = (self.bytes.line, self.bytes.column);
                                return self.stop(
                                    line,
                                    format!("there is text after the end of the JSON array of records (line {line}, column {column})"),
                                );
                            }
                            self.mode = Mode::Done;
                            return Ok(None);
                        }
                        Some(b',') if !first => {
                            self.bytes.next()?;
                            self.bytes.skip_white_space()?;
                            self.mode = Mode::Array { first: true };
                            if self.bytes.peek()? == Some(b']') {
                                return self.stop(
                                    line,
                                    format!("a `,` at line {line}, column {column} is followed by `]`: remove the trailing comma"),
                                );
                            }
                        }
                        Some(_) if first => {
                            self.mode = Mode::Array { first: false };
                            return self.value();
                        }
                        Some(_) => {
                            return self.stop(
                                line,
                                format!(
                                    "expected `,` or `]` after record {} of the JSON array, at line {line}, column {column}; the rest of the input cannot be read",
                                    self.records
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

enum ValueEnd {
    Complete,
    TooLarge,
    Unterminated,
}

/// Bytes with one byte of look-ahead and a line and column count.
struct ByteReader {
    reader: Box<dyn BufRead + Send>,
    line: usize,
    column: usize,
}

impl ByteReader {
    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        Ok(self.reader.fill_buf()?.first().copied())
    }

    fn next(&mut self) -> std::io::Result<Option<u8>> {
        let byte = self.peek()?;
        if let Some(byte) = byte {
            self.reader.consume(1);
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if byte & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
        Ok(byte)
    }

    fn skip_white_space(&mut self) -> std::io::Result<()> {
        while self.peek()?.is_some_and(|byte| byte.is_ascii_whitespace()) {
            self.next()?;
        }
        Ok(())
    }

    fn skip_byte_order_mark(&mut self) -> std::io::Result<()> {
        if self.reader.fill_buf()?.starts_with(BYTE_ORDER_MARK) {
            self.reader.consume(BYTE_ORDER_MARK.len());
        }
        Ok(())
    }

    /// Reads one JSON value's bytes: an object or array to its matching bracket, a string to
    /// its closing quote, any other value to the next delimiter. Whether the bytes are valid
    /// JSON is for the parser to say, per record.
    fn read_value(&mut self, out: &mut Vec<u8>) -> std::io::Result<ValueEnd> {
        let push = |out: &mut Vec<u8>, byte: u8, too_large: &mut bool| {
            if out.len() < MAX_RECORD_BYTES {
                out.push(byte);
            } else {
                *too_large = true;
            }
        };
        let mut too_large = false;
        let Some(first) = self.peek()? else {
            return Ok(ValueEnd::Unterminated);
        };
        if !matches!(first, b'{' | b'[' | b'"') {
            // A stray delimiter is a value of one byte, which the parser then reports: reading
            // must always move on.
            if matches!(first, b',' | b']' | b'}') {
                self.next()?;
                out.push(first);
                return Ok(ValueEnd::Complete);
            }
            while let Some(byte) = self.peek()? {
                if byte.is_ascii_whitespace() || matches!(byte, b',' | b']' | b'}' | b'[' | b'{') {
                    break;
                }
                self.next()?;
                push(out, byte, &mut too_large);
            }
            return Ok(if too_large {
                ValueEnd::TooLarge
            } else {
                ValueEnd::Complete
            });
        }
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        while let Some(byte) = self.next()? {
            push(out, byte, &mut too_large);
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                    if depth == 0 {
                        break;
                    }
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
        if in_string || depth > 0 {
            return Ok(ValueEnd::Unterminated);
        }
        Ok(if too_large {
            ValueEnd::TooLarge
        } else {
            ValueEnd::Complete
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(source: &mut dyn RecordSource) -> Vec<(Option<usize>, String)> {
        let mut out = Vec::new();
        while let Some(record) = source.next_record().unwrap() {
            let text = match record.content {
                RawContent::Json(bytes) => String::from_utf8_lossy(&bytes).to_string(),
                RawContent::Unreadable(message) => format!("unreadable: {message}"),
                other => format!("{other:?}"),
            };
            out.push((record.line, text));
        }
        out
    }

    fn array(text: &str) -> Vec<(Option<usize>, String)> {
        let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(text.to_string()));
        records(&mut JsonArrayReader::new(reader))
    }

    fn ndjson(bytes: &[u8]) -> Vec<(Option<usize>, String)> {
        let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(bytes.to_vec()));
        records(&mut NdjsonReader::new(reader))
    }

    #[test]
    fn arrays_are_cut_into_records() {
        let found = array("[\n {\"a\": \"}]\\\"\"},\n {\"b\": [1, {}]}, 3 ]\n");
        assert_eq!(
            found,
            vec![
                (Some(2), "{\"a\": \"}]\\\"\"}".to_string()),
                (Some(3), "{\"b\": [1, {}]}".to_string()),
                (Some(3), "3".to_string()),
            ]
        );
        assert!(array("[]").is_empty());
        assert!(array("  ").is_empty());
    }

    #[test]
    fn stray_delimiters_are_records_not_a_loop() {
        let found = array("} , ]");
        assert_eq!(found.len(), 3, "{found:?}");
        let found = array("[1, ] 2]");
        assert!(found.len() <= 3, "{found:?}");
    }

    #[test]
    fn a_single_record_or_a_sequence_is_read_too() {
        assert_eq!(array("{\n\"a\": 1\n}\n").len(), 1);
        assert_eq!(array("{\"a\": 1}\n{\"a\": 2}\n").len(), 2);
    }

    #[test]
    fn a_broken_array_is_reported_not_lost() {
        let found = array("[{\"a\": 1} {\"a\": 2}]");
        assert_eq!(found.len(), 2);
        assert!(
            found[1].1.contains("expected `,` or `]` after record 1"),
            "{found:?}"
        );
        let found = array("[{\"a\": 1},");
        assert!(found[1].1.contains("not closed"), "{found:?}");
        let found = array("[{\"a\": 1");
        assert!(found[0].1.contains("ends inside the record"), "{found:?}");
        let found = array("[{\"a\": 1},]");
        assert!(found[1].1.contains("trailing comma"), "{found:?}");
        let found = array("[1] x");
        assert!(found[1].1.contains("after the end"), "{found:?}");
    }

    #[test]
    fn ndjson_keeps_bad_lines_as_records() {
        let found = ndjson(b"\xEF\xBB\xBF{\"a\": 1}\r\n\n{\"a\": \"\xFF\"}\n[1, 2]\n");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], (Some(1), "{\"a\": 1}".to_string()));
        assert_eq!(found[1].0, Some(3));
        assert_eq!(found[2], (Some(4), "[1, 2]".to_string()));
    }
}
