//! The JIT beside the interpreter and hand-written Rust, in one run: evaluation alone, end to
//! end from NDJSON text beside parsing that text into `serde_json::Value`, one thread and two,
//! and the JIT's compile time for 10, 100 and 1,000 rules.
//! `cargo bench -p clearance-benches --bench jit`; figures and their reading are in
//! BENCHMARKS.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::HashSet;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clearance_benches::{
    bound, declarations, finding_messages, hand_written, item_count, ndjson, star_rule_set,
    to_json, to_node,
};
use clearance_jit::Jit;
use clearance_runtime::RuleSet;
use clearance_runtime::value::Value;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::Date;

// The allocator of the `clearance` binary, so that end to end here is what a run costs; the
// parse into `serde_json::Value` it is compared with gets the same allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DECLARATIONS: usize = 1000;
const SEED: u64 = 20261124;

fn star_rules_compiled() -> RuleSet {
    star_rule_set().unwrap_or_else(|errors| panic!("{errors}"))
}

fn star_rules(criterion: &mut Criterion) {
    let interpreted = star_rules_compiled();
    let compiled_rules = star_rules_compiled();
    let jit = Arc::new(Jit::compile(&compiled_rules).unwrap());
    let compiled = compiled_rules.with_decider(jit);
    let as_of = Date::constant(2026, 3, 10);
    let synthetic = declarations(DECLARATIONS, SEED);
    let items = item_count(&synthetic) as u64;
    let ndjson = ndjson(&synthetic);
    let bound = bound(&interpreted, &synthetic).unwrap();
    // Every side must find the same violations before its speed means anything.
    for (declaration, inputs) in synthetic.iter().zip(&bound) {
        let reference = finding_messages(&interpreted, inputs, as_of);
        assert_eq!(finding_messages(&compiled, inputs, as_of), reference);
        let mut expected = hand_written(declaration);
        expected.sort();
        assert_eq!(reference, expected, "{}", declaration.reference);
    }
    for (position, record) in ndjson.iter().enumerate() {
        assert_eq!(
            serde_json::to_string(&interpreted.evaluate_text(record, position + 1, as_of)).unwrap(),
            serde_json::to_string(&compiled.evaluate_text(record, position + 1, as_of)).unwrap()
        );
    }

    let mut group = criterion.benchmark_group("jit_star_rules");
    group.throughput(Throughput::Elements(items));
    group.bench_function("hand_written_rust", |bencher| {
        bencher.iter(|| {
            for declaration in &synthetic {
                black_box(hand_written(black_box(declaration)));
            }
        })
    });
    group.bench_function("interpreter", |bencher| {
        bencher.iter(|| {
            for inputs in &bound {
                black_box(interpreted.evaluate_ruleset(0, black_box(inputs), as_of));
            }
        })
    });
    group.bench_function("jit", |bencher| {
        bencher.iter(|| {
            for inputs in &bound {
                black_box(compiled.evaluate_ruleset(0, black_box(inputs), as_of));
            }
        })
    });
    group.bench_function("parse_ndjson_to_serde_json_value", |bencher| {
        bencher.iter(|| {
            for record in &ndjson {
                black_box(serde_json::from_str::<serde_json::Value>(black_box(record)).unwrap());
            }
        })
    });
    group.bench_function("end_to_end_interpreter", |bencher| {
        bencher.iter(|| {
            for (position, record) in ndjson.iter().enumerate() {
                black_box(interpreted.evaluate_text(black_box(record), position + 1, as_of));
            }
        })
    });
    group.bench_function("end_to_end_jit", |bencher| {
        bencher.iter(|| {
            for (position, record) in ndjson.iter().enumerate() {
                black_box(compiled.evaluate_text(black_box(record), position + 1, as_of));
            }
        })
    });
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        group.bench_function(
            format!("end_to_end_jit_batch_{threads}_threads"),
            |bencher| {
                bencher
                    .iter(|| pool.install(|| black_box(compiled.evaluate_batch(&ndjson, 1, as_of))))
            },
        );
    }
    group.finish();
}

/// The bytes a bound value holds (its own slot aside) and the heap blocks it takes: each shared
/// list, record, text and instant is one block with two reference counts before its data.
fn bound_size(value: &Value, seen: &mut HashSet<usize>) -> (usize, usize) {
    const COUNTS: usize = 16;
    let slot = std::mem::size_of::<Value>();
    match value {
        Value::List(items) | Value::Record(items) => {
            // A block shared between places (such as the per-thread empty list) counts once.
            if !seen.insert(items.as_ptr() as usize) {
                return (0, 0);
            }
            items
                .iter()
                .fold((COUNTS + items.len() * slot, 1), |(bytes, blocks), item| {
                    let (more, more_blocks) = bound_size(item, seen);
                    (bytes + more, blocks + more_blocks)
                })
        }
        Value::Text(text) | Value::UnlistedCode(text) => (COUNTS + text.len(), 1),
        Value::DateTime(_) => (COUNTS + std::mem::size_of::<jiff::ZonedDateTime>(), 1),
        _ => (0, 0),
    }
}

/// Prints the size of the bound form against the JSON text, per declaration.
fn bound_form(_criterion: &mut Criterion) {
    let rule_set = star_rules_compiled();
    let synthetic = declarations(DECLARATIONS, SEED);
    let (mut bytes, mut blocks, mut text) = (0, 0, 0);
    for declaration in &synthetic {
        let value = rule_set
            .bind_input("declaration", &to_node(declaration))
            .unwrap();
        let (more, more_blocks) = bound_size(&value, &mut HashSet::new());
        bytes += more + std::mem::size_of::<Value>();
        blocks += more_blocks;
        text += serde_json::json!({ "declaration": to_json(declaration) })
            .to_string()
            .len();
    }
    let count = synthetic.len() as f64;
    println!(
        "bound_form: {:.0} bytes per declaration ({:.2}x its {:.0} bytes of JSON text), {:.0} heap blocks",
        bytes as f64 / count,
        bytes as f64 / text as f64,
        text as f64 / count,
        blocks as f64 / count
    );
}

/// A rule book of `count` rules on items, each with its own threshold.
fn rule_book(count: usize) -> String {
    let mut text = String::from(
        "ruleset bench.book\n  title en \"Many rules\" fr \"Beaucoup de règles\"\n  version \"1\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\n",
    );
    for rule in 0..count {
        text.push_str(&format!(
            "rule BOOK-{rule}\n  title en \"Rule {rule}\" fr \"Règle {rule}\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  for every item in declaration.items\n  when item.gross_mass is present and item.gross_mass > {rule} kg and item.net_mass is present\n  require item.gross_mass >= item.net_mass or item.seq > {rule}\n  message en \"item {{item.seq}} fails rule {rule}\" fr \"l'article {{item.seq}} échoue à la règle {rule}\"\n\n"
        ));
    }
    text
}

/// Prints the JIT's compile time for 10, 100 and 1,000 rules (the best of five), beside
/// criterion's figures; `cargo bench` shows it in its output.
fn compile_time(_criterion: &mut Criterion) {
    for count in [10, 100, 1000] {
        let rule_set = RuleSet::compile(&[("bench/book.clr".to_string(), rule_book(count))])
            .unwrap_or_else(|errors| panic!("{errors}"));
        let mut best = Duration::MAX;
        for _ in 0..5 {
            let started = Instant::now();
            let jit = Jit::compile(&rule_set).unwrap();
            best = best.min(started.elapsed());
            assert!(jit.stats().iter().all(|rule| rule.not_compiled.is_none()));
        }
        println!(
            "jit_compile/{count}_rules: {:.2} ms ({:.1} µs per rule)",
            best.as_secs_f64() * 1000.0,
            best.as_secs_f64() * 1e6 / count as f64
        );
    }
}

criterion_group!(benches, star_rules, compile_time, bound_form);
criterion_main!(benches);
