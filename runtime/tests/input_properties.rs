//! Property tests of the readers: whatever the bytes, reading never panics and every input
//! gives at least one record, each of which evaluates to exactly one result.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::BufRead;

use clearance_runtime::RuleSet;
use clearance_runtime::input::wco::read_messages;
use clearance_runtime::input::{InputFormat, RawRecord, open_records};
use jiff::civil::Date;
use proptest::prelude::*;

const RULES: &str = include_str!("../../rules/cas/declaration.clr");
const DECLARATION: &str = include_str!("../../examples/cds-import-declaration.xml");
const RECORDS: &str = include_str!("../../examples/declarations.ndjson");

/// Compiled once for every case.
fn rule_set() -> &'static RuleSet {
    static RULE_SET: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULE_SET.get_or_init(compile)
}

fn compile() -> RuleSet {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    RuleSet::compile_reading(
        &[
            ("rules/cas/declaration.clr".to_string(), RULES.to_string()),
            (
                "rules/requirements.clr".to_string(),
                include_str!("../../rules/requirements.clr").to_string(),
            ),
            (
                "rules/uk-tariff/data.clr".to_string(),
                include_str!("../../rules/uk-tariff/data.clr").to_string(),
            ),
        ],
        |name| std::fs::read(root.join(name)),
    )
    .unwrap_or_else(|errors| panic!("{errors}"))
}

fn read_all(bytes: &[u8], format: InputFormat) -> Vec<RawRecord> {
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(bytes.to_vec()));
    let mut source = open_records(reader, format, None).unwrap();
    let mut records = Vec::new();
    while let Some(record) = source.next_record().unwrap() {
        records.push(record);
    }
    records
}

/// A text with a few of its bytes deleted, duplicated or replaced by one of `tokens`.
fn mutated(base: &'static str, tokens: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec((0..base.len(), 0usize..30, 0..tokens.len(), 0u8..3), 1..5).prop_map(
        move |edits| {
            let mut bytes = base.as_bytes().to_vec();
            for (at, length, token, kind) in edits {
                let at = at.min(bytes.len());
                let end = (at + length).min(bytes.len());
                match kind {
                    0 => {
                        bytes.drain(at..end);
                    }
                    1 => {
                        let copy = bytes[at..end].to_vec();
                        bytes.splice(at..at, copy);
                    }
                    _ => {
                        bytes.splice(at..end, tokens[token].bytes());
                    }
                }
            }
            bytes
        },
    )
}

const XML_TOKENS: &[&str] = &[
    "<",
    ">",
    "</",
    "/>",
    "&amp;",
    "&bogus;",
    "&#0;",
    "<!--",
    "-->",
    "--",
    "<![CDATA[",
    "]]>",
    "xmlns=\"urn:x\"",
    "\u{FEFF}",
    "\u{0}",
    "<Declaration>",
    "</GoodsShipment>",
    "-5",
    "1e400",
    "ZZZZ",
    "\"",
];

const JSON_TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\u{FEFF}",
    "\n",
    "1e999",
    "-0",
    "null",
    "99999999999999999999999999999999",
    "\u{FF}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn mutated_declarations_give_results(bytes in mutated(DECLARATION, XML_TOKENS)) {
        let records = read_messages(&bytes);
        prop_assert!(!records.is_empty());
        let results = rule_set().evaluate_raw(&records, 1, Date::constant(2026, 3, 10));
        prop_assert_eq!(results.len(), records.len());
    }

    #[test]
    fn arbitrary_bytes_are_one_xml_result(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let records = read_messages(&bytes);
        prop_assert!(!records.is_empty());
    }

    #[test]
    fn mutated_json_streams_give_results(bytes in mutated(RECORDS, JSON_TOKENS), array in any::<bool>()) {
        let bytes = if array {
            let mut wrapped = b"[".to_vec();
            wrapped.extend(bytes.split(|byte| *byte == b'\n').collect::<Vec<_>>().join(&b","[..]));
            wrapped.push(b']');
            wrapped
        } else {
            bytes
        };
        for format in [InputFormat::Json, InputFormat::Ndjson] {
            let records = read_all(&bytes, format);
            let results = rule_set().evaluate_raw(&records, 1, Date::constant(2026, 3, 10));
            prop_assert_eq!(results.len(), records.len());
        }
    }
}
