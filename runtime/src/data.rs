//! Input data as the binder reads it: one small tree that JSON and WCO XML both produce.
//!
//! Numbers keep their own text, so that the binder reads exact decimals from it; binary
//! floating point never sees them. Objects keep every key in input order, duplicates included,
//! so that the binder can report a key given twice instead of silently keeping the last.
//!
//! Two forms of the same tree: [`Node`] owns its parts (what the XML reader builds and what
//! the embedding API takes), and [`Tree`] borrows them from an arena (what the binder reads).
//! A JSON record is read straight into a [`Tree`] in a per-thread arena that is reused from
//! one record to the next, so that getting a record in allocates nothing per field.

use std::cell::RefCell;

use bumpalo::Bump;
use bumpalo::collections::Vec as BumpVec;
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

    /// The same tree in `arena`.
    pub fn to_tree<'a>(&self, arena: &'a Bump) -> Tree<'a> {
        match self {
            Node::Null => Tree::Null,
            Node::Bool(value) => Tree::Bool(*value),
            Node::Number(text) => Tree::Number(arena.alloc_str(text)),
            Node::Text(text) => Tree::Text(arena.alloc_str(text)),
            Node::List(items) => Tree::List(
                arena.alloc_slice_fill_iter(items.iter().map(|item| item.to_tree(arena))),
            ),
            Node::Object(pairs) => Tree::Object(
                arena.alloc_slice_fill_iter(
                    pairs
                        .iter()
                        .map(|(key, value)| (&*arena.alloc_str(key), value.to_tree(arena))),
                ),
            ),
        }
    }
}

/// One value of an input record, its parts borrowed from an arena: what the binder reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tree<'a> {
    Null,
    Bool(bool),
    /// A JSON number, as its text in the input.
    Number(&'a str),
    Text(&'a str),
    List(&'a [Tree<'a>]),
    /// Keys and values in input order; a key may appear more than once.
    Object(&'a [(&'a str, Tree<'a>)]),
}

impl<'a> Tree<'a> {
    /// The value of `key` in an object: the first one, when the key is duplicated.
    pub fn get(self, key: &str) -> Option<Tree<'a>> {
        match self {
            Tree::Object(pairs) => pairs
                .iter()
                .find(|(name, _)| *name == key)
                .map(|(_, value)| *value),
            _ => None,
        }
    }

    pub fn is_null(self) -> bool {
        matches!(self, Tree::Null)
    }

    /// The same tree, owning its parts.
    pub fn to_node(self) -> Node {
        match self {
            Tree::Null => Node::Null,
            Tree::Bool(value) => Node::Bool(value),
            Tree::Number(text) => Node::Number(text.into()),
            Tree::Text(text) => Node::Text(text.into()),
            Tree::List(items) => Node::List(items.iter().map(|item| item.to_node()).collect()),
            Tree::Object(pairs) => Node::Object(
                pairs
                    .iter()
                    .map(|(key, value)| (Box::<str>::from(*key), value.to_node()))
                    .collect(),
            ),
        }
    }
}

/// An arena this large after a record is given back rather than kept for the next one, so
/// that one huge record does not hold its memory for the life of a thread.
const ARENA_KEPT_BYTES: usize = 8 * 1024 * 1024;

thread_local! {
    static ARENA: RefCell<Bump> = RefCell::new(Bump::new());
}

/// Runs `work` with this thread's arena, emptied. A nested call (which the binder never
/// makes) gets an arena of its own.
pub fn with_arena<R>(work: impl FnOnce(&Bump) -> R) -> R {
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut arena) => {
            arena.reset();
            let result = work(&arena);
            if arena.allocated_bytes() > ARENA_KEPT_BYTES {
                *arena = Bump::new();
            }
            result
        }
        Err(_) => work(&Bump::new()),
    })
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
    let arena = Bump::new();
    parse_json_in(&arena, bytes).map(Tree::to_node)
}

/// Reads one JSON value (a whole record) from `bytes` into `arena`.
pub fn parse_json_in<'a>(arena: &'a Bump, bytes: &[u8]) -> Result<Tree<'a>, ReadError> {
    let mut jiter = Jiter::new(bytes);
    let parsed = JsonReader {
        jiter: &mut jiter,
        arena,
    }
    .value(0);
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

struct JsonReader<'r, 'j, 'a> {
    jiter: &'r mut Jiter<'j>,
    arena: &'a Bump,
}

impl<'a> JsonReader<'_, '_, 'a> {
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

    fn value(&mut self, depth: usize) -> Result<Tree<'a>, ReadError> {
        let peek = self.jiter.peek().map_err(|error| self.error(&error))?;
        self.known(peek, depth)
    }

    fn known(&mut self, peek: Peek, depth: usize) -> Result<Tree<'a>, ReadError> {
        let arena = self.arena;
        let result = match peek {
            Peek::Null => self.jiter.known_null().map(|()| Tree::Null),
            Peek::True | Peek::False => self.jiter.known_bool(peek).map(Tree::Bool),
            Peek::String => self
                .jiter
                .known_str()
                .map(|text| Tree::Text(arena.alloc_str(text))),
            Peek::Array => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                let mut items = BumpVec::new_in(arena);
                let mut next = self.jiter.known_array().map_err(|e| self.error(&e))?;
                while let Some(peek) = next {
                    items.push(self.known(peek, depth + 1)?);
                    next = self.jiter.array_step().map_err(|e| self.error(&e))?;
                }
                Ok(Tree::List(items.into_bump_slice()))
            }
            Peek::Object => {
                if depth >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                let mut pairs = BumpVec::new_in(arena);
                let first = self
                    .jiter
                    .known_object()
                    .map(|key| key.map(|key| &*arena.alloc_str(key)));
                let mut key = first.map_err(|e| self.error(&e))?;
                while let Some(name) = key {
                    let value = self.value(depth + 1)?;
                    pairs.push((name, value));
                    let next = self
                        .jiter
                        .next_key()
                        .map(|key| key.map(|key| &*arena.alloc_str(key)));
                    key = next.map_err(|e| self.error(&e))?;
                }
                Ok(Tree::Object(pairs.into_bump_slice()))
            }
            _ if peek.is_num() => self.jiter.known_number_bytes(peek).map(|bytes| {
                // The parser has checked the number's shape, so its bytes are ASCII.
                Tree::Number(arena.alloc_str(&String::from_utf8_lossy(bytes)))
            }),
            _ => self.jiter.known_skip(peek).map(|()| Tree::Null),
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
    fn the_arena_tree_and_the_owned_tree_are_the_same_tree() {
        let text = br#"{"a": [1, "x\u00e9", {"b": null, "b": true}], "c": -1.50e3}"#;
        let node = parse_json(text).unwrap();
        let arena = Bump::new();
        let tree = parse_json_in(&arena, text).unwrap();
        assert_eq!(tree.to_node(), node);
        assert_eq!(node.to_tree(&arena), tree);
        assert_eq!(tree.get("c"), Some(Tree::Number("-1.50e3")));
        let Some(Tree::List(items)) = tree.get("a") else {
            panic!("not a list")
        };
        assert_eq!(items.get(1), Some(&Tree::Text("xé")));
    }

    #[test]
    fn the_arena_is_emptied_between_records_and_nesting_gets_its_own() {
        let first = with_arena(|arena| {
            parse_json_in(arena, br#"{"a": "one"}"#).unwrap();
            arena.allocated_bytes()
        });
        let second = with_arena(|arena| {
            let outer = parse_json_in(arena, br#"{"a": "two"}"#).unwrap();
            let inner = with_arena(|inner| parse_json_in(inner, br#"[3]"#).unwrap().to_node());
            assert_eq!(inner, Node::List(vec![Node::Number("3".into())]));
            assert_eq!(outer.get("a"), Some(Tree::Text("two")));
            arena.allocated_bytes()
        });
        assert_eq!(first, second, "the arena grew from one record to the next");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let text = "[".repeat(100_000);
        let error = parse_json(text.as_bytes()).unwrap_err();
        assert!(error.message.contains("deep"), "{error}");
    }
}
