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

use super::xml::{Element, parse};
use super::{RawContent, RawRecord, RecordSource};
use crate::data::Node;

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

/// One data element: its number in the UCC / CDS data model, where it is in a DEC-DMS
/// `Declaration`, and the field of `Declaration` (or of one of its items, `items[]`) it fills.
#[derive(Clone, Copy, Debug)]
pub struct MappingRow {
    pub data_element: &'static str,
    pub xml_path: &'static str,
    pub field: &'static str,
    pub note: &'static str,
}

const fn row(
    data_element: &'static str,
    xml_path: &'static str,
    field: &'static str,
    note: &'static str,
) -> MappingRow {
    MappingRow {
        data_element,
        xml_path,
        field,
        note,
    }
}

/// The mapping, in the order of the data model.
pub const MAPPING: &[MappingRow] = &[
    row(
        "1/1",
        "TypeCode (characters 1-2)",
        "declaration_type",
        "when FunctionCode is 9",
    ),
    row(
        "1/2",
        "TypeCode (character 3)",
        "additional_type",
        "when FunctionCode is 9",
    ),
    row(
        "—",
        "FunctionCode, TypeCode",
        "message_kind",
        "9: declaration; 13 with COR: amendment, INV: cancellation, GPR: goods presentation",
    ),
    row("—", "FunctionCode", "function_code", "as declared"),
    row(
        "1/10",
        "GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure (with PreviousCode)/CurrentCode + PreviousCode",
        "items[].procedure",
        "4 digits; `procedure` of the declaration when every item declares the same",
    ),
    row(
        "1/11",
        "GoodsShipment/GovernmentAgencyGoodsItem/GovernmentProcedure (3 characters)/CurrentCode",
        "items[].additional_procedures",
        "",
    ),
    row(
        "2/1",
        "GoodsShipment/PreviousDocument: CategoryCode, TypeCode, ID, LineNumeric",
        "previous_documents",
        "also per item: items[].previous_documents",
    ),
    row(
        "2/2",
        "AdditionalInformation: StatementCode, StatementDescription",
        "additional_information",
        "also per item: items[].additional_information",
    ),
    row(
        "2/3",
        "GoodsShipment/GovernmentAgencyGoodsItem/AdditionalDocument: CategoryCode + TypeCode, ID, LPCOExemptionCode, Name",
        "items[].documents",
        "code: CategoryCode followed by TypeCode, such as N935",
    ),
    row(
        "2/3, 2/6",
        "AdditionalDocument: CategoryCode + TypeCode, ID",
        "documents",
        "declaration level, such as 1DAN (deferment)",
    ),
    row(
        "2/5",
        "FunctionalReferenceID",
        "reference",
        "the local reference number (LRN); also the record's `id`",
    ),
    row(
        "—",
        "ID",
        "mrn",
        "the movement reference number, on amendments and cancellations",
    ),
    row("3/1, 3/2", "Exporter: ID, Name, Address", "exporter", ""),
    row(
        "3/9, 3/10",
        "GoodsShipment/Consignee: ID, Name, Address",
        "consignee",
        "",
    ),
    row(
        "3/15, 3/16",
        "GoodsShipment/Importer: ID, Name, Address",
        "importer",
        "",
    ),
    row(
        "3/17, 3/18",
        "Declarant: ID, Name, Address",
        "declarant",
        "",
    ),
    row(
        "3/19, 3/20, 3/21",
        "Agent: ID, Name, Address, FunctionCode",
        "representative",
        "FunctionCode: the representative status",
    ),
    row(
        "3/24, 3/25",
        "GoodsShipment/Seller: ID, Name, Address",
        "seller",
        "",
    ),
    row(
        "3/26, 3/27",
        "GoodsShipment/Buyer: ID, Name, Address",
        "buyer",
        "",
    ),
    row(
        "3/39",
        "AuthorisationHolder: ID, CategoryCode",
        "authorisation_holders",
        "",
    ),
    row(
        "4/1",
        "GoodsShipment/TradeTerms/ConditionCode",
        "incoterm",
        "",
    ),
    row(
        "4/1",
        "GoodsShipment/TradeTerms/LocationID, else LocationName",
        "delivery_place",
        "",
    ),
    row("4/11", "InvoiceAmount (currencyID)", "invoice_value", ""),
    row(
        "4/14",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/InvoiceLine/ItemChargeAmount (currencyID)",
        "items[].value",
        "",
    ),
    row(
        "4/16",
        "GoodsShipment/GovernmentAgencyGoodsItem/CustomsValuation/MethodCode",
        "items[].valuation_method",
        "",
    ),
    row(
        "5/8",
        "GoodsShipment/Destination/CountryCode",
        "destination_country",
        "",
    ),
    row(
        "5/14",
        "GoodsShipment/ExportCountry/ID",
        "dispatch_country",
        "",
    ),
    row(
        "5/15",
        "GoodsShipment/GovernmentAgencyGoodsItem/Origin (TypeCode 1, or none)/CountryCode",
        "items[].origin",
        "",
    ),
    row(
        "5/16",
        "GoodsShipment/GovernmentAgencyGoodsItem/Origin (TypeCode 2)/CountryCode",
        "items[].preferential_origin",
        "",
    ),
    row(
        "6/1",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/NetNetWeightMeasure (unitCode)",
        "items[].net_mass",
        "kilograms unless unitCode says otherwise",
    ),
    row(
        "6/5",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/GoodsMeasure/GrossMassMeasure (unitCode)",
        "items[].gross_mass",
        "",
    ),
    row("6/5", "TotalGrossMassMeasure (unitCode)", "gross_mass", ""),
    row(
        "6/8",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Description",
        "items[].description",
        "",
    ),
    row(
        "6/14",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/Classification (IdentificationTypeCode TSP)/ID",
        "items[].cn_code",
        "8 digits",
    ),
    row(
        "6/14, 6/15",
        "Classification TSP/ID + Classification TRC/ID",
        "items[].taric",
        "10 digits, when both are declared",
    ),
    row(
        "6/16, 6/17",
        "Classification (IdentificationTypeCode TRA or GN)/ID",
        "items[].additional_codes",
        "",
    ),
    row("6/18", "TotalPackageQuantity", "total_packages", ""),
    row(
        "1/6",
        "GoodsShipment/GovernmentAgencyGoodsItem/SequenceNumeric",
        "items[].seq",
        "",
    ),
    row(
        "7/2",
        "GoodsShipment/Consignment/ContainerCode",
        "containerised",
        "1: true, 0: false",
    ),
    row(
        "7/4",
        "BorderTransportMeans/ModeCode",
        "border_transport_mode",
        "",
    ),
    row(
        "7/10",
        "GoodsShipment/Consignment/TransportEquipment/ID",
        "containers",
        "every ID, as declared",
    ),
    row(
        "7/15",
        "BorderTransportMeans/RegistrationNationalityCode",
        "border_transport_nationality",
        "",
    ),
    row(
        "—",
        "MetaData/ResponsibleCountryCode",
        "jurisdiction",
        "GB: UK; an EU member state: EU",
    ),
];

/// Units of measure (UN/ECE Recommendation 20) that masses are declared in.
const MASS_UNITS: &[(&str, &str)] = &[("KGM", "kg"), ("GRM", "g"), ("TNE", "t")];

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
        .find(|(namespace, name, _)| *namespace == root.namespace && *name == root.name)
        .map(|(_, _, kind)| *kind);
    let metadata = match kind {
        Some(MessageKind::DmsMetaData) => Some(&root),
        Some(MessageKind::MdgEnvelope) => root
            .at("requestDetail/MetaData")
            .filter(|metadata| metadata.namespace == METADATA_DMS),
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
        .filter(|declaration| declaration.namespace == DEC_DMS)
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
        .map(jurisdiction_of);
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

/// GB (and XI, Northern Ireland, whose declarations CDS also takes) is the UK; any other
/// country code is taken as an EU member state.
fn jurisdiction_of(country: &str) -> &'static str {
    match country {
        "GB" | "XI" => "UK",
        _ => "EU",
    }
}

/// A record for one declaration: `{"id": ..., "declaration": {...}}`. Its id is the local
/// reference number (else the MRN), followed by `#n` when the file holds several.
fn record(declaration: &Element, jurisdiction: Option<&str>, number: Option<usize>) -> Node {
    let reference = declaration
        .text_at("FunctionalReferenceID")
        .or_else(|| declaration.text_at("ID"));
    let mut id = reference.unwrap_or("").to_string();
    if let Some(number) = number {
        id.push_str(&format!("#{number}"));
    }
    let mut pairs = Vec::new();
    if !id.is_empty() {
        pairs.push(("id", Node::text(id)));
    }
    pairs.push(("declaration", declaration_node(declaration, jurisdiction)));
    Node::object(pairs)
}

/// Fields of a node being built: absent values are left out, so that the binder sees them
/// as absent.
#[derive(Default)]
struct Fields(Vec<(&'static str, Node)>);

impl Fields {
    fn put(&mut self, name: &'static str, value: Option<Node>) {
        if let Some(value) = value {
            self.0.push((name, value));
        }
    }

    fn text(&mut self, name: &'static str, value: Option<&str>) {
        self.put(name, value.map(Node::text));
    }

    fn list(&mut self, name: &'static str, values: Vec<Node>) {
        if !values.is_empty() {
            self.0.push((name, Node::List(values)));
        }
    }

    fn node(self) -> Node {
        Node::object(self.0)
    }
}

/// The kind of message a function code and type code make. A combination this reader does
/// not know is passed on as declared (`13/XYZ`), for the binder to report as an unknown code.
fn message_kind(function_code: Option<&str>, type_code: Option<&str>) -> Option<String> {
    let known = match (function_code?, type_code) {
        ("9", _) => "declaration",
        ("13", Some("COR")) => "amendment",
        ("13", Some("INV")) => "cancellation",
        ("13", Some("GPR")) => "goods_presentation",
        (function, kind) => return Some(format!("{function}/{}", kind.unwrap_or(""))),
    };
    Some(known.to_string())
}

fn declaration_node(declaration: &Element, jurisdiction: Option<&str>) -> Node {
    let mut fields = Fields::default();
    let function_code = declaration.text_at("FunctionCode");
    let type_code = declaration.text_at("TypeCode");
    fields.text("jurisdiction", jurisdiction);
    fields.text("function_code", function_code);
    fields.text(
        "message_kind",
        message_kind(function_code, type_code).as_deref(),
    );
    if function_code == Some("9")
        && let Some(type_code) = type_code
    {
        fields.text("declaration_type", type_code.get(..2));
        fields.text("additional_type", type_code.get(2..));
    }
    fields.text(
        "reference",
        declaration
            .text_at("FunctionalReferenceID")
            .or(declaration.text_at("ID")),
    );
    fields.text("mrn", declaration.text_at("ID"));
    fields.put(
        "gross_mass",
        declaration.at("TotalGrossMassMeasure").map(mass),
    );
    fields.text(
        "total_packages",
        declaration.text_at("TotalPackageQuantity"),
    );
    fields.put("invoice_value", declaration.at("InvoiceAmount").map(amount));
    fields.put("exporter", declaration.child("Exporter").map(party));
    fields.put("declarant", declaration.child("Declarant").map(party));
    fields.put("representative", declaration.child("Agent").map(party));
    fields.list(
        "authorisation_holders",
        declaration
            .all("AuthorisationHolder")
            .map(|holder| {
                let mut authorisation = Fields::default();
                authorisation.text("kind", holder.text_at("CategoryCode"));
                authorisation.text("holder", holder.text_at("ID"));
                authorisation.node()
            })
            .collect(),
    );
    fields.list(
        "documents",
        declaration
            .all("AdditionalDocument")
            .map(document)
            .collect(),
    );
    fields.list(
        "additional_information",
        declaration
            .all("AdditionalInformation")
            .map(additional_information)
            .collect(),
    );
    if let Some(means) = declaration.child("BorderTransportMeans") {
        fields.text("border_transport_mode", means.text_at("ModeCode"));
        fields.text(
            "border_transport_nationality",
            means.text_at("RegistrationNationalityCode"),
        );
    }
    if let Some(shipment) = declaration.child("GoodsShipment") {
        fields.put("importer", shipment.child("Importer").map(party));
        fields.put("consignee", shipment.child("Consignee").map(party));
        fields.put("seller", shipment.child("Seller").map(party));
        fields.put("buyer", shipment.child("Buyer").map(party));
        fields.text("incoterm", shipment.text_at("TradeTerms/ConditionCode"));
        fields.text(
            "delivery_place",
            shipment
                .text_at("TradeTerms/LocationID")
                .or(shipment.text_at("TradeTerms/LocationName")),
        );
        fields.text(
            "destination_country",
            shipment.text_at("Destination/CountryCode"),
        );
        fields.text("dispatch_country", shipment.text_at("ExportCountry/ID"));
        if let Some(container) = shipment.text_at("Consignment/ContainerCode") {
            fields.put("containerised", Some(flag(container)));
        }
        fields.list(
            "containers",
            shipment
                .every("Consignment/TransportEquipment")
                .into_iter()
                .filter_map(|equipment| equipment.text_at("ID"))
                .map(Node::text)
                .collect(),
        );
        fields.list(
            "previous_documents",
            shipment
                .all("PreviousDocument")
                .map(previous_document)
                .collect(),
        );
        let items: Vec<&Element> = shipment.all("GovernmentAgencyGoodsItem").collect();
        let procedures: Vec<Option<String>> = items.iter().map(|item| procedure(item)).collect();
        if let Some(Some(first)) = procedures.first()
            && procedures
                .iter()
                .all(|procedure| procedure.as_deref() == Some(first.as_str()))
        {
            fields.text("procedure", Some(first));
        }
        fields.list(
            "items",
            items
                .iter()
                .zip(procedures)
                .map(|(item, procedure)| item_node(item, procedure))
                .collect(),
        );
    }
    fields.node()
}

/// DE 1/10: the procedure with its previous procedure, such as `4000`.
fn procedure(item: &Element) -> Option<String> {
    item.all("GovernmentProcedure").find_map(|procedure| {
        let current = procedure.text_at("CurrentCode")?;
        let previous = procedure.text_at("PreviousCode")?;
        Some(format!("{current}{previous}"))
    })
}

fn item_node(item: &Element, procedure: Option<String>) -> Node {
    let mut fields = Fields::default();
    fields.text("seq", item.text_at("SequenceNumeric"));
    fields.text("procedure", procedure.as_deref());
    fields.list(
        "additional_procedures",
        item.all("GovernmentProcedure")
            .filter(|procedure| procedure.text_at("PreviousCode").is_none())
            .filter_map(|procedure| procedure.text_at("CurrentCode"))
            .map(Node::text)
            .collect(),
    );
    fields.text(
        "valuation_method",
        item.text_at("CustomsValuation/MethodCode"),
    );
    if let Some(commodity) = item.child("Commodity") {
        fields.text("description", commodity.text_at("Description"));
        let classification = |kind: &str| {
            commodity
                .all("Classification")
                .find(|classification| {
                    classification.text_at("IdentificationTypeCode") == Some(kind)
                })
                .and_then(|classification| classification.text_at("ID"))
        };
        let cn_code = classification("TSP");
        fields.text("cn_code", cn_code);
        if let (Some(cn_code), Some(taric)) = (cn_code, classification("TRC")) {
            fields.text("taric", Some(&format!("{cn_code}{taric}")));
        }
        fields.list(
            "additional_codes",
            commodity
                .all("Classification")
                .filter(|classification| {
                    matches!(
                        classification.text_at("IdentificationTypeCode"),
                        Some("TRA" | "GN")
                    )
                })
                .filter_map(|classification| classification.text_at("ID"))
                .map(Node::text)
                .collect(),
        );
        fields.put(
            "gross_mass",
            commodity.at("GoodsMeasure/GrossMassMeasure").map(mass),
        );
        fields.put(
            "net_mass",
            commodity.at("GoodsMeasure/NetNetWeightMeasure").map(mass),
        );
        fields.put(
            "value",
            commodity.at("InvoiceLine/ItemChargeAmount").map(amount),
        );
    }
    let origin = |preferential: bool| {
        item.all("Origin")
            .find(|origin| match origin.text_at("TypeCode") {
                Some("2") => preferential,
                _ => !preferential,
            })
            .and_then(|origin| origin.text_at("CountryCode"))
    };
    fields.text("origin", origin(false));
    fields.text("preferential_origin", origin(true));
    fields.list(
        "documents",
        item.all("AdditionalDocument").map(document).collect(),
    );
    fields.list(
        "previous_documents",
        item.all("PreviousDocument")
            .map(previous_document)
            .collect(),
    );
    fields.list(
        "additional_information",
        item.all("AdditionalInformation")
            .map(additional_information)
            .collect(),
    );
    fields.node()
}

fn document(element: &Element) -> Node {
    let mut fields = Fields::default();
    let code = format!(
        "{}{}",
        element.text_at("CategoryCode").unwrap_or(""),
        element.text_at("TypeCode").unwrap_or("")
    );
    fields.text(
        "code",
        Some(&code)
            .filter(|code| !code.is_empty())
            .map(String::as_str),
    );
    fields.text("reference", element.text_at("ID"));
    fields.text("status", element.text_at("LPCOExemptionCode"));
    fields.text("name", element.text_at("Name"));
    fields.node()
}

fn previous_document(element: &Element) -> Node {
    let mut fields = Fields::default();
    fields.text("category", element.text_at("CategoryCode"));
    fields.text("kind", element.text_at("TypeCode"));
    fields.text("reference", element.text_at("ID"));
    fields.text("line", element.text_at("LineNumeric"));
    fields.node()
}

fn additional_information(element: &Element) -> Node {
    let mut fields = Fields::default();
    fields.text("code", element.text_at("StatementCode"));
    fields.text("text", element.text_at("StatementDescription"));
    fields.node()
}

fn party(element: &Element) -> Node {
    let mut fields = Fields::default();
    fields.text("eori", element.text_at("ID"));
    fields.text("name", element.text_at("Name"));
    fields.text("street", element.text_at("Address/Line"));
    fields.text("city", element.text_at("Address/CityName"));
    fields.text("postcode", element.text_at("Address/PostcodeID"));
    fields.text("country", element.text_at("Address/CountryCode"));
    fields.text("status", element.text_at("FunctionCode"));
    fields.node()
}

/// A mass with its unit: `{"value": "15", "unit": "kg"}`. A unit code that is not a mass unit
/// is passed on as declared, for the binder to report.
fn mass(element: &Element) -> Node {
    let unit = match element.attribute("unitCode") {
        None => "kg".to_string(),
        Some(code) => MASS_UNITS
            .iter()
            .find(|(un_code, _)| *un_code == code)
            .map_or_else(|| code.to_string(), |(_, unit)| unit.to_string()),
    };
    Node::object([
        ("value", Node::text(element.text.trim())),
        ("unit", Node::text(unit)),
    ])
}

/// An amount with its currency: `{"amount": "2000", "currency": "GBP"}`.
fn amount(element: &Element) -> Node {
    let mut fields = vec![("amount", Node::text(element.text.trim()))];
    if let Some(currency) = element.attribute("currencyID") {
        fields.push(("currency", Node::text(currency)));
    }
    Node::object(fields)
}

/// `1` and `0` as the indicator's true and false; anything else as declared.
fn flag(text: &str) -> Node {
    match text {
        "1" => Node::Bool(true),
        "0" => Node::Bool(false),
        other => Node::text(other),
    }
}

/// The mapping as a Markdown table, for `docs/wco-xml.md`.
pub fn mapping_table() -> String {
    let mut out = String::from(
        "| DE | XML path in `Declaration` | field of `Declaration` | note |\n|---|---|---|---|\n",
    );
    for row in MAPPING {
        out.push_str(&format!(
            "| {} | `{}` | `{}` | {} |\n",
            row.data_element, row.xml_path, row.field, row.note
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(records: &[RawRecord]) -> Vec<String> {
        records
            .iter()
            .map(|record| match &record.content {
                RawContent::Tree(node) => format!("tree {:?}", node.get("id")),
                RawContent::NotADeclaration(what) => format!("not a declaration: {what}"),
                RawContent::Unreadable(why) => format!("unreadable: {why}"),
                RawContent::Json(_) => "json".to_string(),
            })
            .collect()
    }

    #[test]
    fn a_declaration_maps_onto_the_schema() {
        let xml = br#"<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" xmlns="urn:wco:datamodel:WCO:DEC-DMS:2">
  <md:ResponsibleCountryCode>GB</md:ResponsibleCountryCode>
  <Declaration>
    <FunctionCode>9</FunctionCode>
    <FunctionalReferenceID>LRN1</FunctionalReferenceID>
    <TypeCode>IMA</TypeCode>
    <BorderTransportMeans><ModeCode>6</ModeCode></BorderTransportMeans>
    <GoodsShipment>
      <Consignment><ContainerCode>1</ContainerCode>
        <TransportEquipment><ID>AD12345</ID></TransportEquipment>
        <TransportEquipment><ID>CSQU3054383</ID></TransportEquipment>
      </Consignment>
      <GovernmentAgencyGoodsItem>
        <SequenceNumeric>1</SequenceNumeric>
        <AdditionalDocument><CategoryCode>N</CategoryCode><TypeCode>935</TypeCode><ID>INV-1</ID></AdditionalDocument>
        <Commodity>
          <Classification><ID>85434000</ID><IdentificationTypeCode>TSP</IdentificationTypeCode></Classification>
          <Classification><ID>00</ID><IdentificationTypeCode>TRC</IdentificationTypeCode></Classification>
          <GoodsMeasure><GrossMassMeasure unitCode="KGM">15</GrossMassMeasure><NetNetWeightMeasure>10.5</NetNetWeightMeasure></GoodsMeasure>
        </Commodity>
        <GovernmentProcedure><CurrentCode>40</CurrentCode><PreviousCode>00</PreviousCode></GovernmentProcedure>
        <GovernmentProcedure><CurrentCode>000</CurrentCode></GovernmentProcedure>
      </GovernmentAgencyGoodsItem>
      <TradeTerms><ConditionCode>DAT</ConditionCode><LocationID>GBBEL</LocationID></TradeTerms>
    </GoodsShipment>
  </Declaration>
</md:MetaData>"#;
        let records = read_messages(xml);
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].line, Some(3));
        let RawContent::Tree(node) = &records[0].content else {
            panic!("{:?}", content(&records))
        };
        assert_eq!(node.get("id"), Some(&Node::text("LRN1")));
        let declaration = node.get("declaration").unwrap();
        let get = |name: &str| declaration.get(name).cloned();
        assert_eq!(get("jurisdiction"), Some(Node::text("UK")));
        assert_eq!(get("message_kind"), Some(Node::text("declaration")));
        assert_eq!(get("declaration_type"), Some(Node::text("IM")));
        assert_eq!(get("additional_type"), Some(Node::text("A")));
        assert_eq!(get("border_transport_mode"), Some(Node::text("6")));
        assert_eq!(get("incoterm"), Some(Node::text("DAT")));
        assert_eq!(get("procedure"), Some(Node::text("4000")));
        assert_eq!(get("containerised"), Some(Node::Bool(true)));
        assert_eq!(
            get("containers"),
            Some(Node::List(vec![
                Node::text("AD12345"),
                Node::text("CSQU3054383")
            ]))
        );
        let Some(Node::List(items)) = get("items") else {
            panic!("no items")
        };
        let item = &items[0];
        assert_eq!(item.get("cn_code"), Some(&Node::text("85434000")));
        assert_eq!(item.get("taric"), Some(&Node::text("8543400000")));
        assert_eq!(
            item.get("net_mass"),
            Some(&Node::object([
                ("value", Node::text("10.5")),
                ("unit", Node::text("kg"))
            ]))
        );
        assert_eq!(
            item.get("additional_procedures"),
            Some(&Node::List(vec![Node::text("000")]))
        );
        let Some(Node::List(documents)) = item.get("documents") else {
            panic!("no documents")
        };
        assert_eq!(documents[0].get("code"), Some(&Node::text("N935")));
    }

    #[test]
    fn other_messages_say_what_they_are() {
        let notification =
            b"<MetaData><Response><FunctionCode>01</FunctionCode></Response></MetaData>";
        assert_eq!(
            content(&read_messages(notification)),
            ["not a declaration: a DMS notification (a response of customs)"]
        );
        let report = br#"<r:DeclarationStatusResponse xmlns:r="http://gov.uk/customs/declarationInformationRetrieval/status/v2"/>"#;
        assert_eq!(
            content(&read_messages(report)),
            ["not a declaration: a DIS report (declaration status)"]
        );
        let unknown = br#"<mdMetaData xmlns="urnwcodatamodelWCODEC-DMS2"/>"#;
        let found = content(&read_messages(unknown));
        assert!(
            found[0].contains("`mdMetaData`") && found[0].contains("not a message"),
            "{found:?}"
        );
        let broken = b"<a>\n<b></a>";
        let records = read_messages(broken);
        assert_eq!(records[0].line, Some(2));
        assert!(content(&records)[0].starts_with("unreadable: the file is not well-formed XML"));
    }

    #[test]
    fn several_declarations_give_one_record_each() {
        let xml = br#"<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" xmlns="urn:wco:datamodel:WCO:DEC-DMS:2">
  <Declaration><FunctionalReferenceID>A</FunctionalReferenceID></Declaration>
  <Declaration><FunctionalReferenceID>A</FunctionalReferenceID></Declaration>
</md:MetaData>"#;
        assert_eq!(
            content(&read_messages(xml)),
            [
                "tree Some(Text(\"A#1\"))".to_string(),
                "tree Some(Text(\"A#2\"))".to_string()
            ]
        );
    }
}
