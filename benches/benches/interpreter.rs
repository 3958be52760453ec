//! The interpreter on the starred declaration rules, beside hand-written Rust, in one run.
//! `cargo bench -p clearance-benches`; figures and their reading are in BENCHMARKS.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::hint::black_box;

use clearance_benches::{
    bound, declarations, finding_messages, hand_written, item_count, ndjson, star_rule_set,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jiff::civil::Date;

const DECLARATIONS: usize = 1000;
const SEED: u64 = 20261124;

fn star_rules(criterion: &mut Criterion) {
    let rule_set = star_rule_set().unwrap_or_else(|errors| panic!("{errors}"));
    let as_of = Date::constant(2026, 3, 10);
    let synthetic = declarations(DECLARATIONS, SEED);
    let items = item_count(&synthetic) as u64;
    let json = ndjson(&synthetic);
    let bound = bound(&rule_set, &synthetic).unwrap();

    // Both sides must agree before their speed means anything.
    for (declaration, inputs) in synthetic.iter().zip(&bound) {
        let mut expected = hand_written(declaration);
        expected.sort();
        assert_eq!(
            finding_messages(&rule_set, inputs, as_of),
            expected,
            "{}",
            declaration.reference
        );
    }

    let mut group = criterion.benchmark_group("star_rules");
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
                black_box(rule_set.evaluate_ruleset(0, black_box(inputs), as_of));
            }
        })
    });
    group.bench_function("bind_and_interpret_json", |bencher| {
        bencher.iter(|| {
            for (position, record) in json.iter().enumerate() {
                black_box(rule_set.evaluate_text(black_box(record), position + 1, as_of));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, star_rules);
criterion_main!(benches);
