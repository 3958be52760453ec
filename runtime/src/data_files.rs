//! Data files beside the rules: `const measures: list of Measure = data "measures.json"`.
//!
//! The caller reads the files ([`RuleSet::with_data`](crate::RuleSet::with_data) takes their
//! bytes; the runtime never opens a file). Each record of a file binds to the constant's
//! element type exactly as an input record does, with the same messages, and a problem is
//! reported with the file, the line and the field: data that does not bind refuses the rule set,
//! like a rule that does not check.

use std::io::Cursor;
use std::sync::Arc;

use clearance_compiler::ir::{DataFormat, DataSourceIr, Program};
use clearance_compiler::types::Type;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::bind::{BindError, Binder, DataPath};
use crate::data::{Node, parse_json, with_arena};
use crate::input::{JsonArrayReader, NdjsonReader, RawContent, RecordSource};
use crate::value::Value;

/// A data file as the caller read it.
#[derive(Clone, Debug)]
pub struct DataFile {
    /// The name the program gives it (`Program::data_files`).
    pub name: String,
    /// The name it is hashed by, relative to its rule library, as for rule files.
    pub hash_name: String,
    pub bytes: Vec<u8>,
}

/// One problem with a data file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataError {
    /// `data-file-unreadable`, `data-file-invalid` or `data-file-unlisted-code` (a warning).
    pub id: &'static str,
    pub file: String,
    /// The line of the record, from 1, when the problem is in one record.
    pub line: Option<usize>,
    /// The field, as a path from the record (`conditions[0].documents[1]`).
    pub path: Option<String>,
    pub message: String,
    pub warning: bool,
}

impl DataError {
    /// A data file the caller could not read.
    pub fn unreadable(file: &str, error: &std::io::Error) -> DataError {
        DataError {
            id: "data-file-unreadable",
            file: file.to_string(),
            line: None,
            path: None,
            message: format!("the data file cannot be read: {error}"),
            warning: false,
        }
    }
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let severity = if self.warning { "warning" } else { "error" };
        write!(f, "[{}] {severity}: {}", self.id, self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(path) = &self.path {
            write!(f, ": at `{path}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The values of the program's data constants, by constant position, and every problem found.
pub(crate) struct LoadedData {
    pub values: Vec<(usize, Value)>,
    pub problems: Vec<DataError>,
    /// A digest of every file by its hash name: what the rules hash adds for the data.
    pub digest: Option<String>,
}

pub(crate) fn load(program: &Program, binder: &Binder, files: &[DataFile]) -> LoadedData {
    let mut values = Vec::new();
    let mut problems = Vec::new();
    for (index, constant) in program.consts.iter().enumerate() {
        let Some(source) = &constant.data else {
            continue;
        };
        let Some(file) = files.iter().find(|file| file.name == source.file) else {
            problems.push(DataError {
                id: "data-file-unreadable",
                file: source.file.clone(),
                line: None,
                path: None,
                message: format!(
                    "the data file `{}` of the constant `{}` was not given",
                    source.file, constant.path
                ),
                warning: false,
            });
            continue;
        };
        let records = read_records(binder, source, file, &mut problems);
        let mut bound = Vec::with_capacity(records.len());
        for (line, node) in &records {
            let mut errors: Vec<BindError> = Vec::new();
            let value = with_arena(|arena| {
                binder.bind(
                    node.to_tree(arena),
                    &source.element,
                    &DataPath::Root,
                    &mut errors,
                )
            });
            for error in errors {
                let path = (!error.path.is_empty()).then(|| error.path.clone());
                problems.push(DataError {
                    id: if error.is_warning() {
                        "data-file-unlisted-code"
                    } else {
                        "data-file-invalid"
                    },
                    file: source.file.clone(),
                    line: Some(*line),
                    path,
                    message: error.message.clone(),
                    warning: error.is_warning(),
                });
            }
            bound.push(value);
        }
        values.push((index, Value::List(Arc::from(bound))));
    }
    LoadedData {
        values,
        problems,
        digest: digest(files),
    }
}

fn digest(files: &[DataFile]) -> Option<String> {
    if files.is_empty() {
        return None;
    }
    let mut sorted: Vec<&DataFile> = files.iter().collect();
    sorted.sort_by(|a, b| a.hash_name.cmp(&b.hash_name));
    let mut hasher = Sha256::new();
    for file in sorted {
        hasher.update(file.hash_name.as_bytes());
        hasher.update([0]);
        hasher.update(&file.bytes);
        hasher.update([0]);
    }
    Some(format!("{:x}", hasher.finalize()))
}

/// The hash of rules and the data they read: the rules' own hash when there is no data.
pub(crate) fn combined_hash(rules_hash: &str, data_digest: Option<&str>) -> String {
    match data_digest {
        None => rules_hash.to_string(),
        Some(data) => {
            let mut hasher = Sha256::new();
            hasher.update(rules_hash.as_bytes());
            hasher.update([0]);
            hasher.update(data.as_bytes());
            format!("{:x}", hasher.finalize())
        }
    }
}

/// The records of a file with the line each starts on.
fn read_records(
    binder: &Binder,
    source: &DataSourceIr,
    file: &DataFile,
    problems: &mut Vec<DataError>,
) -> Vec<(usize, Node)> {
    let mut invalid = |line: usize, message: String| {
        problems.push(DataError {
            id: "data-file-invalid",
            file: source.file.clone(),
            line: Some(line),
            path: None,
            message,
            warning: false,
        })
    };
    match source.format {
        DataFormat::Csv => read_csv(binder, &source.element, &file.bytes, &mut invalid),
        DataFormat::Json | DataFormat::Ndjson => {
            let reader = Box::new(Cursor::new(file.bytes.clone()));
            let mut records: Box<dyn RecordSource> = match source.format {
                DataFormat::Ndjson => Box::new(NdjsonReader::new(reader)),
                _ => Box::new(JsonArrayReader::new(reader)),
            };
            let mut nodes = Vec::new();
            loop {
                let record = match records.next_record() {
                    Ok(Some(record)) => record,
                    Ok(None) => break,
                    Err(error) => {
                        invalid(1, format!("the file cannot be read: {error}"));
                        break;
                    }
                };
                let line = record.line.unwrap_or(1);
                match record.content {
                    RawContent::Json(bytes) => match parse_json(&bytes) {
                        Ok(node) => nodes.push((line, node)),
                        Err(error) => invalid(
                            line + error.line - 1,
                            format!("this record is not JSON: {}", error.message),
                        ),
                    },
                    RawContent::Tree(node) => nodes.push((line, node)),
                    RawContent::Unreadable(message) => invalid(line, message),
                    RawContent::NotADeclaration(what) => invalid(line, what),
                }
            }
            nodes
        }
    }
}

/// CSV: a header row naming the fields, then one record per row. An empty cell is an absent
/// field; a list or set field holds its elements separated by `;`; a record field cannot be
/// written in CSV (write the file in JSON instead).
fn read_csv(
    binder: &Binder,
    element: &Type,
    bytes: &[u8],
    invalid: &mut dyn FnMut(usize, String),
) -> Vec<(usize, Node)> {
    let fields = binder.record_fields(element).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes));
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(str::to_string).collect(),
        Err(error) => {
            invalid(1, format!("the header row cannot be read: {error}"));
            return Vec::new();
        }
    };
    for header in &headers {
        if let Some((_, ty)) = fields.iter().find(|(name, _)| name == header)
            && holds_record(ty)
        {
            invalid(
                1,
                format!(
                    "the column `{header}` holds records, which CSV cannot write; write the file in JSON"
                ),
            );
            return Vec::new();
        }
    }
    let mut records = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(error) => {
                let line = error
                    .position()
                    .map_or(1, |position| position.line() as usize);
                invalid(line, format!("this row cannot be read: {error}"));
                continue;
            }
        };
        let line = row
            .position()
            .map_or(1, |position| position.line() as usize);
        let mut object = Vec::new();
        for (header, cell) in headers.iter().zip(row.iter()) {
            if cell.is_empty() {
                continue;
            }
            let ty = fields
                .iter()
                .find(|(name, _)| name == header)
                .map(|(_, ty)| ty.clone());
            let node = match ty.as_ref().map(strip_optional) {
                Some(Type::List(_) | Type::Set(_)) => Node::List(
                    cell.split(';')
                        .map(str::trim)
                        .filter(|part| !part.is_empty())
                        .map(|part| Node::Text(part.into()))
                        .collect(),
                ),
                Some(Type::Bool) if cell == "true" || cell == "false" => Node::Bool(cell == "true"),
                _ => Node::Text(cell.into()),
            };
            object.push((header.as_str().into(), node));
        }
        records.push((line, Node::Object(object)));
    }
    records
}

fn strip_optional(ty: &Type) -> &Type {
    match ty {
        Type::Optional(inner) => strip_optional(inner),
        other => other,
    }
}

fn holds_record(ty: &Type) -> bool {
    match ty {
        Type::Record(_) => true,
        Type::Optional(inner) | Type::List(inner) | Type::Set(inner) => holds_record(inner),
        _ => false,
    }
}
