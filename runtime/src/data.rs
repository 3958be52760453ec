//! Input data as the binder reads it: one small tree that JSON and WCO XML both produce.
//!
//! Numbers keep their own text, so that the binder reads exact decimals from it; binary
//! floating point never sees them. Objects keep every key in input order, duplicates included,
//! so that the binder can report a key given twice instead of silently keeping the last.

use jiter::{Jiter, Peek};

/// One value of an input record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Null,
    Bool(bool),
    /// A JSON number, as its text in the input (such as `12.50` or `1e3`).
    Number(Box<str>),
    Text(Box<str>),
    List(Vec<Node>),
    /// Keys and values in input order; a key may appear more than once.
    Object(Vec<(Box<str>, Node)>),
}

impl Node {
    /// The value of `key` in an object: the first one, when the key is duplicated.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Object(pairs) => pairs
                .iter()
                .find(|(name, _)| name.as_ref() == key)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// A text node.
    pub fn text(text: impl Into<Box<str>>) -> Node {
        Node::Text(text.into())
    }

    /// An object node from pairs.
    pub fn object<K: Into<Box<str>>>(pairs: impl IntoIterator<Item = (K, Node)>) -> Node {
        Node::Object(
            pairs
                .into_iter()
                .map(|(key, value)| (key.into(), value))
                .collect(),
        )
    }
}

/// Input that is not well-formed, with the place of the problem (lines and columns from 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.message, self.line, self.column
        )
    }
}

/// How deeply arrays and objects may nest in one record. Customs declarations nest about six
/// levels; the limit keeps hostile input from exhausting the stack.
pub const MAX_DEPTH: usize = 64;

/// The UTF-8 byte order mark, which some Windows tools write at the start of a file.
pub const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// Reads one JSON value (a whole record) from `bytes`.
pub fn parse_json(bytes: &[u8]) -> Result<Node, ReadError> {
    let mut jiter = Jiter::new(bytes);
    let parsed = JsonReader { jiter: &mut jiter }.value(0);
    let parsed = parsed.and_then(|node| match jiter.finish() {
        Ok(()) => Ok(node),
        Err(error) => {
            let position = error.get_position(&jiter);
            Err(ReadError {
                line: position.line,
                column: position.column,
                message:
                    "there is more text after the end of the record; NDJSON has one record per line"
                        .to_string(),
            })
        }
    });
    // The parser checks UTF-8 as it reads strings; only a record it refuses is looked at
    // again, to say plainly why when the cause is the encoding.
    parsed.map_err(|error| encoding_error(bytes).unwrap_or(error))
}

/// A byte order mark, or bytes that are not UTF-8, as a reader's error.
fn encoding_error(bytes: &[u8]) -> Option<ReadError> {
    if bytes.starts_with(BYTE_ORDER_MARK) {
        return Some(ReadError {
            line: 1,
            column: 1,
            message: "the record starts with a UTF-8 byte order mark (BOM); save the data as UTF-8 without a BOM".to_string(),
        });
    }
    let error = std::str::from_utf8(bytes).err()?;
    let offset = error.valid_up_to();
    let (line, column) = line_and_column(bytes, offset);
    let byte = bytes.get(offset).copied().unwrap_or_default();
    Some(ReadError {
        line,
        column,
        message: format!("the input is not valid UTF-8 (byte 0x{byte:02X})"),
    })
}

struct JsonReader<'a, 'j> {
    jiter: &'a mut Jiter<'j>,
}

impl JsonReader<'_, '_> {
    fn error(&self, error: &jiter::JiterError) -> ReadError {
        let position = error.get_position(self.jiter);
        ReadError {
            line: position.line,
            column: position.column,
            message: format!("the record is not valid JSON: {}", error.error_type),
        }
    }

    fn too_deep(&self) -> ReadError {
        let position = self.jiter.current_position();
        ReadError {
            line: position.line,
            column: position.column,
            message: format!("the record nests lists and objects more than {MAX_DEPTH} deep"),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ReadError> {
        let peek = self.jiter.peek().map_err(|error| self.error(&error))?;
        self.known(peek, depth)
    }

    fn known(&mut self, peek: Peek, depth: usize) -> Result<Node, ReadError> {
        let result = match peek {
            Peek::Null => self.jiter.known_null().map(|()| Node::Null),
            Peek::True | Peek::False => self.jiter.known_bool(peek).map(Node::Bool),
            Peek::String => self.jiter.known_str().map(Node::text),
            Peek::Array => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                let mut items = Vec::new();
                let mut next = self.jiter.known_array().map_err(|e| self.error(&e))?;
                while let Some(peek) = next {
                    items.push(self.known(peek, depth + 1)?);
                    next = self.jiter.array_step().map_err(|e| self.error(&e))?;
                }
                Ok(Node::List(items))
            }
            Peek::Object => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                let mut pairs = Vec::new();
                let first = self
                    .jiter
                    .known_object()
                    .map(|key| key.map(Box::<str>::from));
                let mut key = first.map_err(|e| self.error(&e))?;
                while let Some(name) = key {
                    let value = self.value(depth + 1)?;
                    pairs.push((name, value));
                    let next = self.jiter.next_key().map(|key| key.map(Box::<str>::from));
                    key = next.map_err(|e| self.error(&e))?;
                }
                Ok(Node::Object(pairs))
            }
            _ if peek.is_num() => self
                .jiter
                .known_number_bytes(peek)
                .map(|bytes| Node::Number(String::from_utf8_lossy(bytes).into())),
            _ => self.jiter.known_skip(peek).map(|()| Node::Null),
        };
        result.map_err(|error| self.error(&error))
    }
}

/// The line and column (from 1) of a byte offset.
pub fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|byte| **byte == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|byte| *byte == b'\n')
        .map_or(0, |position| position + 1);
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
        .chars()
        .count()
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_text() {
        let node =
            parse_json(br#"{"a": 12.50, "b": 1e3, "c": -0.000000000000000000000000001}"#).unwrap();
        assert_eq!(node.get("a"), Some(&Node::Number("12.50".into())));
        assert_eq!(node.get("b"), Some(&Node::Number("1e3".into())));
        assert_eq!(
            node.get("c"),
            Some(&Node::Number("-0.000000000000000000000000001".into()))
        );
    }

    #[test]
    fn duplicate_keys_are_kept() {
        let node = parse_json(br#"{"a": 1, "a": 2}"#).unwrap();
        let Node::Object(pairs) = node else {
            panic!("not an object")
        };
        assert_eq!(pairs.len(), 2);
    }

    #[test]
    fn errors_have_a_place() {
        let error = parse_json(b"{\n  \"a\": tru }").unwrap_err();
        assert_eq!(error.line, 2, "{error}");
        let error = parse_json(b"{\"a\": \"\xFF\"}").unwrap_err();
        assert!(error.message.contains("UTF-8"), "{error}");
        assert_eq!((error.line, error.column), (1, 8));
        let error = parse_json(b"\xEF\xBB\xBF{}").unwrap_err();
        assert!(error.message.contains("byte order mark"), "{error}");
        let error = parse_json(b"{} {}").unwrap_err();
        assert!(error.message.contains("more text"), "{error}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(100_000);
        let error = parse_json(text.as_bytes()).unwrap_err();
        assert!(error.message.contains("deep"), "{error}");
    }
}
