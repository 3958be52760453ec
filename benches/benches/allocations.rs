//! Heap allocations per declaration: binding its JSON, evaluating the starred rules with the
//! interpreter and with the JIT, and the whole way from NDJSON text to a result. Counted by
//! dhat's allocator, over the same 1,000 declarations as the other benchmarks.
//! `cargo bench -p clearance-benches --bench allocations`; figures in BENCHMARKS.md.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;

use clearance_benches::{declarations, ndjson, star_rule_set, to_node};
use clearance_runtime::value::Value;
use jiff::civil::Date;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

const DECLARATIONS: usize = 1000;
const SEED: u64 = 20261124;

/// Heap blocks allocated while `work` runs.
fn blocks(work: impl FnOnce()) -> u64 {
    let before = dhat::HeapStats::get().total_blocks;
    work();
    dhat::HeapStats::get().total_blocks - before
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let interpreted = star_rule_set().unwrap_or_else(|errors| panic!("{errors}"));
    let compiled_rules = star_rule_set().unwrap_or_else(|errors| panic!("{errors}"));
    let jit = clearance_jit::Jit::compile(&compiled_rules).unwrap();
    let compiled = compiled_rules.with_decider(Arc::new(jit));
    let as_of = Date::constant(2026, 3, 10);
    let synthetic = declarations(DECLARATIONS, SEED);
    let nodes: Vec<clearance_runtime::data::Node> = synthetic.iter().map(to_node).collect();
    let ndjson = ndjson(&synthetic);
    let mut bound: Vec<Vec<Value>> = Vec::with_capacity(DECLARATIONS);
    let binding = blocks(|| {
        for node in &nodes {
            bound.push(vec![interpreted.bind_input("declaration", node).unwrap()]);
        }
    });
    // Warm the JIT's per-thread store, as a server's threads are after their first record.
    drop(compiled.evaluate_ruleset(0, &bound[0], as_of));
    let interpreter = blocks(|| {
        for inputs in &bound {
            drop(interpreted.evaluate_ruleset(0, inputs, as_of));
        }
    });
    let with_jit = blocks(|| {
        for inputs in &bound {
            drop(compiled.evaluate_ruleset(0, inputs, as_of));
        }
    });
    let end_to_end = blocks(|| {
        for (position, record) in ndjson.iter().enumerate() {
            drop(compiled.evaluate_text(record, position + 1, as_of));
        }
    });
    let per = |count: u64| count as f64 / DECLARATIONS as f64;
    println!("allocations per declaration (1,000 declarations, three starred rules):");
    println!("  binding the parsed JSON: {:.0}", per(binding));
    println!("  interpreter, evaluation: {:.1}", per(interpreter));
    println!("  JIT, evaluation: {:.1}", per(with_jit));
    println!("  JIT, NDJSON text to result: {:.0}", per(end_to_end));
}
