//! How a DEC-DMS `Declaration` maps onto the standard library's `Declaration` record: the
//! table of data elements ([`MAPPING`]) and the code that follows it.

use super::super::xml::Element;
use crate::data::Node;

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
        "8 digits (the first 8 when TSP/ID has 10)",
    ),
    row(
        "6/14, 6/15",
        "Classification TSP/ID + Classification TRC/ID",
        "items[].taric",
        "10 digits: TSP/ID followed by TRC/ID, or TSP/ID alone when it has all ten",
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
        "7/10",
        "GoodsShipment/GovernmentAgencyGoodsItem/Commodity/TransportEquipment/ID",
        "items[].containers",
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

/// A record for one declaration: `{"id": ..., "declaration": {...}}`. Its id is the local
/// reference number (else the MRN), followed by `#n` when the file holds several.
pub(super) fn record(
    declaration: &Element,
    jurisdiction: Option<&str>,
    number: Option<usize>,
) -> Node {
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

    /// The list of `map` applied to every `child` element of `parent`.
    fn each(
        &mut self,
        name: &'static str,
        parent: &Element,
        child: &str,
        map: impl Fn(&Element) -> Node,
    ) {
        self.list(name, parent.all(child).map(map).collect());
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
    fields.each("documents", declaration, "AdditionalDocument", document);
    fields.each(
        "additional_information",
        declaration,
        "AdditionalInformation",
        additional_information,
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
        fields.each(
            "previous_documents",
            shipment,
            "PreviousDocument",
            previous_document,
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
        // Some declarations put all ten TARIC digits in the TSP classification.
        let declared = classification("TSP");
        let (cn_code, taric) = match (declared, classification("TRC")) {
            (Some(code), _) if code.len() == 10 && code.bytes().all(|b| b.is_ascii_digit()) => {
                (code.get(..8), Some(code.to_string()))
            }
            (Some(code), Some(suffix)) => (Some(code), Some(format!("{code}{suffix}"))),
            (code, None) => (code, None),
            (None, Some(_)) => (None, None),
        };
        fields.text("cn_code", cn_code);
        fields.text("taric", taric.as_deref());
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
        fields.list(
            "containers",
            commodity
                .all("TransportEquipment")
                .filter_map(|equipment| equipment.text_at("ID"))
                .map(Node::text)
                .collect(),
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
    fields.each("documents", item, "AdditionalDocument", document);
    fields.each(
        "previous_documents",
        item,
        "PreviousDocument",
        previous_document,
    );
    fields.each(
        "additional_information",
        item,
        "AdditionalInformation",
        additional_information,
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
