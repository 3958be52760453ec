//! Getting declarations in: WCO DEC-DMS XML beside NDJSON, on the same real declarations (the
//! HMRC CDS samples vendored in `tests/data/hmrc-cds-samples/`). `cargo bench -p
//! clearance-benches --bench input`; figures and their reading are in BENCHMARKS.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;
use std::io::Read as _;

use clearance_runtime::RuleSet;
use clearance_runtime::data::{Node, parse_json};
use clearance_runtime::input::RawContent;
use clearance_runtime::input::wco::read_messages;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::Date;

/// The XML files of the archive that hold declarations, and their records.
fn corpus() -> (Vec<Vec<u8>>, Vec<Node>) {
    let archive = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/hmrc-cds-samples/annotated_XML_samples.tar.gz");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(archive).unwrap(),
    ));
    let mut files = Vec::new();
    let mut records = Vec::new();
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry
            .path()
            .unwrap()
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".xml")
        {
            continue;
        }
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let trees: Vec<Node> = read_messages(&bytes)
            .into_iter()
            .filter_map(|record| match record.content {
                RawContent::Tree(node) => Some(node),
                _ => None,
            })
            .collect();
        if !trees.is_empty() {
            files.push(bytes);
            records.extend(trees);
        }
    }
    (files, records)
}

/// A record as one line of JSON.
fn to_json(node: &Node, out: &mut String) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(value) => out.push_str(if *value { "true" } else { "false" }),
        Node::Number(text) => out.push_str(text),
        Node::Text(text) => out.push_str(&serde_json::to_string(text.as_ref()).unwrap()),
        Node::List(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                to_json(item, out);
            }
            out.push(']');
        }
        Node::Object(pairs) => {
            out.push('{');
            for (index, (key, value)) in pairs.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key.as_ref()).unwrap());
                out.push(':');
                to_json(value, out);
            }
            out.push('}');
        }
    }
}

fn input(criterion: &mut Criterion) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for path in [
        "rules/cas/declaration.clr",
        "rules/requirements.clr",
        "rules/uk-tariff/data.clr",
    ] {
        files.push((
            path.to_string(),
            std::fs::read_to_string(root.join(path)).unwrap(),
        ));
    }
    let rule_set = RuleSet::compile_reading(&files, |name| std::fs::read(root.join(name)))
        .unwrap_or_else(|errors| panic!("{errors}"));
    let as_of = Date::constant(2026, 3, 10);
    let (xml_files, records) = corpus();
    let lines: Vec<String> = records
        .iter()
        .map(|record| {
            let mut line = String::new();
            to_json(record, &mut line);
            line
        })
        .collect();
    // Both inputs must give the same results before their speed means anything.
    for (record, line) in records.iter().zip(&lines) {
        let from_xml = rule_set.evaluate(record, 1, as_of);
        let from_json = rule_set.evaluate_text(line, 1, as_of);
        assert_eq!(from_xml, from_json);
    }
    let xml_bytes: usize = xml_files.iter().map(Vec::len).sum();
    let json_bytes: usize = lines.iter().map(|line| line.len() + 1).sum();
    println!(
        "{} declarations in {} XML files ({xml_bytes} bytes), {json_bytes} bytes as NDJSON",
        records.len(),
        xml_files.len()
    );

    let mut group = criterion.benchmark_group("input");
    group.throughput(Throughput::Bytes(xml_bytes as u64));
    group.bench_function("wco_xml_read", |bencher| {
        bencher.iter(|| {
            for file in &xml_files {
                black_box(read_messages(black_box(file)));
            }
        })
    });
    group.bench_function("wco_xml_read_and_evaluate", |bencher| {
        bencher.iter(|| {
            for file in &xml_files {
                for record in read_messages(black_box(file)) {
                    if let RawContent::Tree(node) = &record.content {
                        black_box(rule_set.evaluate(node, 1, as_of));
                    }
                }
            }
        })
    });
    group.throughput(Throughput::Bytes(json_bytes as u64));
    group.bench_function("ndjson_read", |bencher| {
        bencher.iter(|| {
            for line in &lines {
                black_box(parse_json(black_box(line.as_bytes())).unwrap());
            }
        })
    });
    group.bench_function("ndjson_read_and_evaluate", |bencher| {
        bencher.iter(|| {
            for line in &lines {
                black_box(rule_set.evaluate_text(black_box(line), 1, as_of));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, input);
criterion_main!(benches);
