//! WCO DEC-DMS XML (HMRC CDS): which messages a file holds, and how a declaration maps onto
//! the standard library's `Declaration` record.
//!
//! A file's root element, by namespace and local name, says what it is ([`MESSAGE_KINDS`]):
//! a declaration message (its `Declaration` elements are records, one each), an envelope to
//! unwrap, or a message that is not a declaration (a DMS notification, a DIS report, an
//! inventory-linking message), which gives one `not_a_declaration` result. [`MAPPING`] lists
//! every data element read, its XML path and the field it fills; `docs/wco-xml.md` is made
//! from it, and a test keeps the two equal.

use std::collections::VecDeque;
use std::io::BufRead;

mod declaration;
#[cfg(test)]
mod tests;

use super::xml::{Element, parse};
use super::{RawContent, RawRecord, RecordSource};

use declaration::record;
pub use declaration::{MAPPING, MappingRow, mapping_table};

/// The namespace of DMS declarations.
pub const DEC_DMS: &str = "urn:wco:datamodel:WCO:DEC-DMS:2";
/// The namespace of DMS responses (notifications).
pub const RES_DMS: &str = "urn:wco:datamodel:WCO:RES-DMS:2";
/// The namespace of the DMS metadata wrapper.
pub const METADATA_DMS: &str = "urn:wco:datamodel:WCO:DocumentMetaData-DMS:2";

/// What a root element makes of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// `MetaData` around declarations (or, with a `Response` child, a notification).
    DmsMetaData,
    /// An envelope whose `requestDetail` holds a `MetaData`.
    MdgEnvelope,
    /// A message that is not a declaration; the text says what it is.
    NotADeclaration(&'static str),
}

/// Every root element the reader knows: namespace (empty for none), local name, kind.
pub const MESSAGE_KINDS: &[(&str, &str, MessageKind)] = &[
    (METADATA_DMS, "MetaData", MessageKind::DmsMetaData),
    (
        "http://uk/gov/hmrc/mdg/declarationmanagement/submitdeclaration/request/schema/v1",
        "submitDeclarationRequest",
        MessageKind::MdgEnvelope,
    ),
    (
        "",
        "MetaData",
        MessageKind::NotADeclaration("a DMS notification (a response of customs)"),
    ),
    (
        "",
        "_2MetaData",
        MessageKind::NotADeclaration("a DMS notification (a response of customs)"),
    ),
    (
        "http://gov.uk/customs/FullDeclarationDataRetrievalService",
        "DeclarationFullResponse",
        MessageKind::NotADeclaration("a DIS report (full declaration data retrieval)"),
    ),
    (
        "http://gov.uk/customs/declarationInformationRetrieval/status/v2",
        "DeclarationStatusResponse",
        MessageKind::NotADeclaration("a DIS report (declaration status)"),
    ),
    (
        "http://gov.uk/customs/retrieveDeclarationVersion",
        "DeclarationVersionResponse",
        MessageKind::NotADeclaration("a DIS report (declaration versions)"),
    ),
    (
        "http://gov.uk/customs/inventoryLinking/v1",
        "inventoryLinkingMovementRequest",
        MessageKind::NotADeclaration("an inventory-linking movement request"),
    ),
    (
        "http://gov.uk/customs/inventoryLinking/v1",
        "inventoryLinkingConsolidationRequest",
        MessageKind::NotADeclaration("an inventory-linking consolidation request"),
    ),
    (
        "http://gov.uk/customs/inventoryLinking/v1",
        "inventoryLinkingQueryRequest",
        MessageKind::NotADeclaration("an inventory-linking query request"),
    ),
    (
        "http://gov.uk/customs/inventoryLinkingImport/v1",
        "InventoryLinkingImportsValidateMovementResponse",
        MessageKind::NotADeclaration("an inventory-linking import movement response"),
    ),
    (
        "http://gov.uk/customs/inventoryLinkingImport/v1",
        "inventoryLinkingImportsGoodsArrival",
        MessageKind::NotADeclaration("an inventory-linking goods arrival"),
    ),
    (
        "http://www.hmrc.gov.uk/cds/inventorylinking/exportmovement",
        "InventoryLinkingExportsInboundRequest",
        MessageKind::NotADeclaration("an inventory-linking export movement request"),
    ),
];

/// Reads one XML file and yields its records.
pub struct WcoReader {
    reader: Option<Box<dyn BufRead + Send>>,
    pending: VecDeque<RawRecord>,
}

impl WcoReader {
    pub fn new(reader: Box<dyn BufRead + Send>) -> WcoReader {
        WcoReader {
            reader: Some(reader),
            pending: VecDeque::new(),
        }
    }
}

/// An XML file larger than this is reported, not parsed.
pub const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

impl RecordSource for WcoReader {
    fn next_record(&mut self) -> std::io::Result<Option<RawRecord>> {
        if let Some(reader) = self.reader.take() {
            let mut bytes = Vec::new();
            let read = std::io::Read::read_to_end(
                &mut std::io::Read::take(reader, MAX_XML_BYTES + 1),
                &mut bytes,
            )?;
            if u64::try_from(read).unwrap_or(u64::MAX) > MAX_XML_BYTES {
                self.pending.push_back(RawRecord {
                    line: None,
                    content: RawContent::Unreadable(format!(
                        "the XML file is larger than {} MiB, the most a file may take",
                        MAX_XML_BYTES / 1024 / 1024
                    )),
                });
            } else {
                self.pending.extend(read_messages(&bytes));
            }
        }
        Ok(self.pending.pop_front())
    }
}

/// The records of one XML document: one per declaration, or one for the whole file when it
/// is not well-formed or not a declaration message.
pub fn read_messages(bytes: &[u8]) -> Vec<RawRecord> {
    let root = match parse(bytes) {
        Ok(root) => root,
        Err(error) => {
            return vec![RawRecord {
                line: Some(error.line),
                content: RawContent::Unreadable(error.to_string()),
            }];
        }
    };
    let kind = MESSAGE_KINDS
        .iter()
        .find(|(namespace, name, _)| *namespace == &*root.namespace && *name == root.name)
        .map(|(_, _, kind)| *kind);
    let metadata = match kind {
        Some(MessageKind::DmsMetaData) => Some(&root),
        Some(MessageKind::MdgEnvelope) => root
            .at("requestDetail/MetaData")
            .filter(|metadata| &*metadata.namespace == METADATA_DMS),
        Some(MessageKind::NotADeclaration(what)) => {
            return vec![RawRecord {
                line: Some(root.line),
                content: RawContent::NotADeclaration(what.to_string()),
            }];
        }
        None => {
            let namespace = if root.namespace.is_empty() {
                "no namespace".to_string()
            } else {
                format!("namespace `{}`", root.namespace)
            };
            return vec![RawRecord {
                line: Some(root.line),
                content: RawContent::Unreadable(format!(
                    "the root element `{}` ({namespace}) is not a message this reader knows; a DMS declaration is a `MetaData` element in namespace `{METADATA_DMS}`",
                    root.name
                )),
            }];
        }
    };
    let Some(metadata) = metadata else {
        return vec![RawRecord {
            line: Some(root.line),
            content: RawContent::Unreadable(
                "the envelope holds no DMS `MetaData` in its `requestDetail`".to_string(),
            ),
        }];
    };
    if metadata
        .children
        .iter()
        .any(|child| child.name == "Response")
    {
        return vec![RawRecord {
            line: Some(root.line),
            content: RawContent::NotADeclaration(
                "a DMS notification (a response of customs)".to_string(),
            ),
        }];
    }
    let declarations: Vec<&Element> = metadata
        .all("Declaration")
        .filter(|declaration| &*declaration.namespace == DEC_DMS)
        .collect();
    if declarations.is_empty() {
        return vec![RawRecord {
            line: Some(metadata.line),
            content: RawContent::Unreadable(format!(
                "the message holds no `Declaration` element in namespace `{DEC_DMS}`"
            )),
        }];
    }
    let jurisdiction = metadata
        .text_at("ResponsibleCountryCode")
        .and_then(jurisdiction_of);
    let several = declarations.len() > 1;
    declarations
        .iter()
        .enumerate()
        .map(|(index, declaration)| RawRecord {
            line: Some(declaration.line),
            content: RawContent::Tree(record(
                declaration,
                jurisdiction,
                several.then_some(index + 1),
            )),
        })
        .collect()
}

/// The member states of the European Union, by ISO 3166-1 code.
const EU_MEMBER_STATES: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// GB (and XI, Northern Ireland, whose declarations CDS also takes) is the UK; an EU member
/// state is the EU; any other country leaves the jurisdiction unknown, and the rules that
/// depend on it do not apply, rather than guess.
fn jurisdiction_of(country: &str) -> Option<&'static str> {
    match country {
        "GB" | "XI" => Some("UK"),
        _ if EU_MEMBER_STATES.contains(&country) => Some("EU"),
        _ => None,
    }
}

/// The message kinds as a Markdown table, for `docs/wco-xml.md`.
pub fn message_kinds_table() -> String {
    let mut out = String::from("| root element | namespace | read as |\n|---|---|---|\n");
    for (namespace, name, kind) in MESSAGE_KINDS {
        let read_as = match kind {
            MessageKind::DmsMetaData => {
                "declarations: each `Declaration` child is a record (a `Response` child makes it a notification)".to_string()
            }
            MessageKind::MdgEnvelope => "an envelope: its `requestDetail/MetaData` is read".to_string(),
            MessageKind::NotADeclaration(what) => format!("`not_a_declaration`: {what}"),
        };
        let namespace = if namespace.is_empty() {
            "(none)".to_string()
        } else {
            format!("`{namespace}`")
        };
        out.push_str(&format!("| `{name}` | {namespace} | {read_as} |\n"));
    }
    out
}
