//! Reading records: NDJSON, JSON (a single record, a sequence, or an array, streamed) and WCO
//! DEC-DMS XML. Every reader turns bytes into [`RawRecord`]s, one per record it finds, and
//! never stops a file at a bad record: a line that is not JSON, a file that is not
//! well-formed XML, a message that is not a declaration, each becomes a record of its own that
//! evaluates to exactly one result.

mod json;
pub mod wco;
pub mod xml;

use std::io::BufRead;
use std::path::Path;

use jiff::civil::Date;

use crate::data::Node;
use crate::engine::RuleSet;
use crate::findings::RecordResult;

pub use json::{JsonArrayReader, NdjsonReader, RecordSource};

/// How an input is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputFormat {
    /// Chosen by the file's extension (case-insensitively); standard input and other files
    /// are JSON when they start with `[`, NDJSON otherwise.
    Auto,
    /// One record, a sequence of records, or an array of records.
    Json,
    /// One record per line.
    Ndjson,
    /// WCO DEC-DMS XML messages (HMRC CDS), one or more declarations per file.
    WcoXml,
}

impl InputFormat {
    /// The format of a file by its extension, for `Auto`; `None` for a file that a directory
    /// walk passes over.
    pub fn of_path(path: &Path) -> Option<InputFormat> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(InputFormat::Json),
            "ndjson" | "jsonl" => Some(InputFormat::Ndjson),
            "xml" => Some(InputFormat::WcoXml),
            _ => None,
        }
    }
}

/// One record as read, before binding.
#[derive(Clone, Debug)]
pub struct RawRecord {
    /// The line the record starts on, from 1.
    pub line: Option<usize>,
    pub content: RawContent,
}

#[derive(Clone, Debug)]
pub enum RawContent {
    /// The bytes of one JSON value, parsed when the record is evaluated (on a worker thread).
    Json(Vec<u8>),
    /// A record already read into a tree (from XML).
    Tree(Node),
    /// A message that is not a declaration, and what it is.
    NotADeclaration(String),
    /// Input that could not be read as a record, and why.
    Unreadable(String),
}

impl RuleSet {
    /// Evaluates records as read, on every core, keeping the input order. `first_position` is
    /// the position of the first record in the whole input.
    pub fn evaluate_raw(
        &self,
        records: &[RawRecord],
        first_position: usize,
        as_of: Date,
    ) -> Vec<RecordResult> {
        self.in_parallel(records, first_position, |record, position| {
            let mut result = match &record.content {
                RawContent::Json(bytes) => self.evaluate_bytes(bytes, position, as_of),
                RawContent::Tree(node) => self.evaluate(node, position, as_of),
                RawContent::NotADeclaration(what) => self.not_a_declaration(position, as_of, what),
                RawContent::Unreadable(message) => {
                    self.unreadable(position, as_of, message.clone())
                }
            };
            result.line = record.line;
            result
        })
    }
}

/// A reader of records from one input, in the given format (`Auto` resolved by `path`'s
/// extension, or by the first byte).
pub fn open_records(
    mut reader: Box<dyn BufRead + Send>,
    format: InputFormat,
    path: Option<&Path>,
) -> std::io::Result<Box<dyn RecordSource + Send>> {
    let format = match format {
        InputFormat::Auto => match path.and_then(InputFormat::of_path) {
            Some(format) => format,
            None => {
                if json::first_significant_byte(&mut reader)? == Some(b'[') {
                    InputFormat::Json
                } else {
                    InputFormat::Ndjson
                }
            }
        },
        format => format,
    };
    Ok(match format {
        InputFormat::Ndjson | InputFormat::Auto => Box::new(NdjsonReader::new(reader)),
        InputFormat::Json => Box::new(JsonArrayReader::new(reader)),
        InputFormat::WcoXml => Box::new(wco::WcoReader::new(reader)),
    })
}

/// Reads `records` to their end in batches of at most `size`, and calls `each` with each batch
/// and the position of its first record (counting from `first_position`); `each` may take the
/// batch's records (`Vec::append`) rather than copy them. Returns the position after the last
/// record. `input_at_hand` says whether more input can be read without waiting:
/// when it cannot, the batch read so far goes to `each` at once, so that a client that streams
/// records gets their results as it sends them, not when a batch fills.
pub fn read_batches<E>(
    records: &mut dyn RecordSource,
    size: usize,
    first_position: usize,
    input_at_hand: &dyn Fn() -> bool,
    mut each: impl FnMut(&mut Vec<RawRecord>, usize) -> Result<(), E>,
    input_error: impl Fn(std::io::Error) -> E,
) -> Result<usize, E> {
    let size = size.max(1);
    let mut position = first_position;
    let mut batch: Vec<RawRecord> = Vec::with_capacity(size.min(4096));
    loop {
        if !batch.is_empty() && !input_at_hand() {
            let first = position;
            position += batch.len();
            each(&mut batch, first)?;
            batch.clear();
        }
        let next = records.next_record().map_err(&input_error)?;
        let end = next.is_none();
        batch.extend(next);
        if batch.len() >= size || (end && !batch.is_empty()) {
            let first = position;
            position += batch.len();
            each(&mut batch, first)?;
            batch.clear();
        }
        if end {
            return Ok(position);
        }
    }
}
