//! Tests of the WCO reader on small messages written for them.

use super::*;
use crate::data::Node;
use crate::input::{RawContent, RawRecord};

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
    let notification = b"<MetaData><Response><FunctionCode>01</FunctionCode></Response></MetaData>";
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

#[test]
fn the_jurisdiction_is_known_or_left_absent() {
    let jurisdiction = |country: &str| {
        let xml = format!(
            r#"<md:MetaData xmlns:md="urn:wco:datamodel:WCO:DocumentMetaData-DMS:2" xmlns="urn:wco:datamodel:WCO:DEC-DMS:2"><md:ResponsibleCountryCode>{country}</md:ResponsibleCountryCode><Declaration><FunctionalReferenceID>A</FunctionalReferenceID></Declaration></md:MetaData>"#
        );
        let records = read_messages(xml.as_bytes());
        let RawContent::Tree(node) = &records[0].content else {
            panic!("{:?}", content(&records))
        };
        node.get("declaration")
            .and_then(|declaration| declaration.get("jurisdiction"))
            .cloned()
    };
    assert_eq!(jurisdiction("GB"), Some(Node::text("UK")));
    assert_eq!(jurisdiction("FR"), Some(Node::text("EU")));
    assert_eq!(jurisdiction("US"), None);
}
