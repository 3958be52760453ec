//! The HMRC CDS sample declarations (real data, Apache-2.0, vendored in
//! `tests/data/hmrc-cds-samples/`): every file gives results, declarations bind, and the
//! values that `../shared/data/hmrc-cds-samples/README.md` measured reach the rules.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read as _;
use std::path::Path;

use clearance_runtime::input::wco::read_messages;
use clearance_runtime::input::{RawContent, RawRecord};
use clearance_runtime::{RuleSet, Verdict};
use jiff::civil::Date;

/// Every `.xml` file of the archive (any case), by path.
fn corpus() -> BTreeMap<String, Vec<u8>> {
    let archive = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/hmrc-cds-samples/annotated_XML_samples.tar.gz");
    let file = std::fs::File::open(&archive).unwrap();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
    let mut files = BTreeMap::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().display().to_string();
        if !path.to_ascii_lowercase().ends_with(".xml") {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(path, bytes);
    }
    files
}

/// Rules that fail once per value they are to count, so that the findings show which values
/// reached the rules through the whole pipeline (reader, mapping, binding, interpreter).
const PROBES: &str = r#"
ruleset probe.corpus
  title en "Values of the corpus that reach the rules"
  version "1"
  effective from 2000-01-01
  source HMRC "HMRC CDS sample declarations"
  input declaration: Declaration

use stdlib.customs.*
use stdlib.documents.*

rule PROBE-MASSES
  title en "an item with both masses"
  severity info
  category validation_violation
  implements PROBE-01
  cites HMRC "samples"
  for every item in declaration.items
  when item.gross_mass is present and item.net_mass is present
  require false
  message en "{item.gross_mass} {item.net_mass}"

rule PROBE-EQUIPMENT
  title en "an equipment identifier"
  severity info
  category validation_violation
  implements PROBE-01
  cites HMRC "samples"
  for every container in declaration.containers
  require false
  message en "{container}"

rule PROBE-ITEM-EQUIPMENT
  title en "an equipment identifier of an item"
  severity info
  category validation_violation
  implements PROBE-01
  cites HMRC "samples"
  for every item in declaration.items
  for every container in item.containers
  require false
  message en "{container}"

rule PROBE-ITEM-DOCUMENTS
  title en "a document code of an item"
  severity info
  category validation_violation
  implements PROBE-01
  cites HMRC "samples"
  for every item in declaration.items
  for every document in item.documents
  require false
  message en "{document.code}"

rule PROBE-DOCUMENTS
  title en "a document code of the declaration"
  severity info
  category validation_violation
  implements PROBE-01
  cites HMRC "samples"
  for every document in declaration.documents
  require false
  message en "{document.code}"
"#;

const CATALOGUE: &str = r#"
module requirements
  title en "Probe requirements"
  source HMRC "HMRC CDS sample declarations"

requirement PROBE-01
  title en "Values reach the rules"
  cites HMRC "samples"
"#;

fn records(files: &BTreeMap<String, Vec<u8>>) -> Vec<(String, RawRecord)> {
    files
        .iter()
        .flat_map(|(path, bytes)| {
            read_messages(bytes)
                .into_iter()
                .map(move |record| (path.clone(), record))
        })
        .collect()
}

#[test]
fn every_file_gives_results_and_declarations_bind() {
    let files = corpus();
    assert_eq!(files.len(), 2475, "2,457 `.xml` and 18 `.XML` files");
    let records = records(&files);
    let rules = RuleSet::compile(&[
        ("probe/corpus.clr".to_string(), PROBES.to_string()),
        ("probe/requirements.clr".to_string(), CATALOGUE.to_string()),
    ])
    .unwrap_or_else(|errors| panic!("{errors}"));
    let raw: Vec<RawRecord> = records.iter().map(|(_, record)| record.clone()).collect();
    let results = rules.evaluate_raw(&raw, 1, Date::constant(2026, 3, 10));
    assert_eq!(results.len(), records.len());

    let mut malformed = Vec::new();
    let mut declarations = 0;
    let mut bound = 0;
    let mut not_declarations = 0;
    // Counted apart for the `.xml` files and the 18 `.XML` ones, as the measured facts are.
    let mut masses = [0, 0];
    let mut equipment = [0, 0];
    let mut codes = [BTreeSet::new(), BTreeSet::new()];
    for ((path, record), result) in records.iter().zip(&results) {
        match &record.content {
            RawContent::Unreadable(message) if message.contains("not well-formed") => {
                assert!(message.contains("(line "), "{path}: {message}");
                malformed.push(path.rsplit('/').next().unwrap().to_string());
                continue;
            }
            RawContent::NotADeclaration(_) => {
                assert_eq!(result.verdict, Verdict::NotADeclaration);
                not_declarations += 1;
                continue;
            }
            _ => declarations += 1,
        }
        if result
            .findings
            .iter()
            .all(|finding| finding.rule != "technical-validation")
        {
            bound += 1;
        }
        let upper = usize::from(path.ends_with(".XML"));
        for finding in &result.findings {
            match finding.rule.as_str() {
                "PROBE-MASSES" => masses[upper] += 1,
                "PROBE-EQUIPMENT" | "PROBE-ITEM-EQUIPMENT" => equipment[upper] += 1,
                "PROBE-ITEM-DOCUMENTS" | "PROBE-DOCUMENTS" => {
                    codes[upper].insert(finding.message.en.clone());
                }
                _ => {}
            }
        }
    }
    malformed.sort();
    malformed.dedup();
    assert_eq!(
        malformed,
        [
            "TT_EX002a.xml",
            "TT_EX022a_Declaration1_(Step1).xml",
            "TT_IM084a.xml"
        ],
        "the 9 malformed files: 3 names in each of the 3 API-version trees"
    );
    // 555 DMS notifications, 15 DIS reports and 924 inventory-linking messages and
    // notifications without goods.
    assert_eq!(not_declarations, 1494);
    // 969 `Declaration` elements, and 3 files whose root element's namespace is garbled.
    assert_eq!(declarations, 972);
    // All but the 3 garbled files and 3 declarations whose commodity code has 6 digits.
    assert_eq!(bound, 966);
    assert!(
        bound * 100 >= declarations * 98,
        "{bound} of {declarations}"
    );
    // The measured facts (816 items with both masses, 780 equipment IDs, 132 document codes)
    // were counted over every `.xml` file with `GoodsShipment`: of those, 3 items and 3 IDs are
    // in DIS reports (copies customs returns, `not_a_declaration`) and 3 and 3 in the 3 files
    // whose root element's namespace is garbled (reported unreadable, with the namespace). The
    // declarations hold the rest, and every one of their values reaches the rules.
    println!(
        "masses {masses:?}, equipment {equipment:?}, codes {} and {}",
        codes[0].len(),
        codes[1].len()
    );
    assert_eq!(masses[0], 816 - 3 - 3, "items with both gross and net mass");
    assert_eq!(equipment[0], 780 - 3 - 3, "transport equipment identifiers");
    assert_eq!(
        codes[0].len(),
        132,
        "distinct DE 2/3 document codes: {:?}",
        codes[0]
    );
    assert_eq!(
        (masses[1], equipment[1]),
        (18, 18),
        "the `.XML` declarations"
    );
}

/// A rule set that reports every equipment identifier once, with what the container rules
/// decide by: the container indicator and the mode at the border.
const CONTAINER_PROBE: &str = r#"
ruleset probe.containers
  title en "Equipment identifiers of the corpus" fr "Identifiants d'équipement du corpus"
  version "1"
  effective from 2000-01-01
  source HMRC "HMRC CDS sample declarations"
  input declaration: Declaration

use stdlib.customs.*

rule PROBE-CONTAINER
  title en "an equipment identifier" fr "un identifiant d'équipement"
  severity info
  category port_error
  implements CAS-PORT-01
  cites HMRC "samples"
  for every container in declaration.containers + declaration.items.containers
  require false
  message en "{container}|{declaration.containerised}|{declaration.border_transport_mode}"
          fr "{container}"
"#;

/// Every equipment identifier of the corpus is accounted for by the container rules: not
/// checked because the goods are not declared containerised, covered by the warning on
/// containerised air or postal goods, or checked, with at most one of the three findings
/// (not DE 7/10, neither ISO 6346 nor ILU, wrong check digit) or none when it is valid.
#[test]
fn every_equipment_identifier_is_accounted_for_by_the_container_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files: Vec<(String, String)> = vec![(
        "rules/probe/containers.clr".to_string(),
        CONTAINER_PROBE.to_string(),
    )];
    for name in [
        "rules/requirements.clr",
        "rules/cas/declaration.clr",
        "rules/uk-tariff/data.clr",
    ] {
        files.push((
            name.to_string(),
            std::fs::read_to_string(root.join(name)).unwrap(),
        ));
    }
    let rules = RuleSet::compile_reading(&files, |name| std::fs::read(root.join(name)))
        .unwrap_or_else(|errors| panic!("{errors}"));
    let records = records(&corpus());
    let raw: Vec<RawRecord> = records.iter().map(|(_, record)| record.clone()).collect();
    let results = rules.evaluate_raw(&raw, 1, Date::constant(2026, 3, 10));

    let mut buckets: BTreeMap<&str, usize> = BTreeMap::new();
    let mut identifiers = 0;
    for result in &results {
        let reported = |rule: &str, container: &str| {
            result
                .findings
                .iter()
                .filter(|finding| {
                    finding.rule == rule
                        && finding.values.iter().any(|value| {
                            value.expression == "container" && value.value == container
                        })
                })
                .count()
        };
        let air_warning = result
            .findings
            .iter()
            .any(|finding| finding.rule == "CAS-PORT-CONTAINERISED-AIR");
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for probe in result
            .findings
            .iter()
            .filter(|finding| finding.rule == "PROBE-CONTAINER")
        {
            identifiers += 1;
            let mut parts = probe.message.en.split('|');
            let (container, containerised, mode) = (
                parts.next().unwrap(),
                parts.next().unwrap(),
                parts.next().unwrap(),
            );
            // A declaration may repeat an identifier: each occurrence has its own finding.
            let occurrence = seen.entry(container.to_string()).or_default();
            *occurrence += 1;
            let bucket = if containerised != "true" {
                "not containerised: not checked"
            } else if mode == "4" || mode == "5" {
                assert!(
                    air_warning,
                    "{container}: containerised by air or post without the warning"
                );
                "containerised by air or post: warned"
            } else {
                let findings = [
                    ("CAS-PORT-CONTAINER-ID", "not DE 7/10"),
                    (
                        "CAS-PORT-CONTAINER-FORMAT",
                        "neither ISO 6346 nor ILU: warned",
                    ),
                    ("CAS-PORT-CHECK-DIGIT", "wrong check digit"),
                ];
                let hits: Vec<&str> = findings
                    .iter()
                    .filter(|(rule, _)| reported(rule, container) >= *occurrence)
                    .map(|(_, bucket)| *bucket)
                    .collect();
                assert!(hits.len() <= 1, "{container}: {hits:?}");
                hits.first()
                    .copied()
                    .unwrap_or("valid ISO 6346 or ILU number")
            };
            *buckets.entry(bucket).or_default() += 1;
        }
    }
    println!("{identifiers} identifiers: {buckets:#?}");
    // 780 identifiers in the files, less 3 in DIS reports and 3 in the garbled files.
    assert_eq!(identifiers, 774 + 18);
    assert_eq!(buckets.values().sum::<usize>(), identifiers);
    assert_eq!(buckets.get("neither ISO 6346 nor ILU: warned"), Some(&633));
    assert_eq!(buckets.get("wrong check digit"), Some(&63));
    assert_eq!(buckets.get("not DE 7/10"), None);
}
