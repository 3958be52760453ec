//! A record generator driven by the rule library's input schema, reaching the edges: absent
//! fields, zero and equal masses, 22.00 EUR and one cent more, instants around the EU's
//! daylight-saving changes, leap days, empty and 50-item lists, unknown codes, and one value in
//! five records that does not bind. The runtime's tests and the JIT's differential tests share
//! it (`#[path]`), so that both backends are checked on the same records.

use std::path::Path;

use clearance_compiler::ir::Program;
use clearance_compiler::types::{Constraint, Type};
use clearance_runtime::RuleSet;
use proptest::prelude::Rng;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use rust_decimal::Decimal;
use serde_json::{Map, Value, json};

/// Every rule file of the repository's library, with the data files it reads.
pub fn rule_library() -> RuleSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut pending = vec![root.join("rules")];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "clr") {
                let name = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                files.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    RuleSet::compile_reading(&files, |name| std::fs::read(root.join(name)))
        .unwrap_or_else(|errors| panic!("{errors}"))
}

pub struct Generator<'p> {
    program: &'p Program,
    runner: TestRunner,
    /// Whether the record being generated may still get one value that does not bind.
    may_break: bool,
    /// A strategy per refinement pattern, built once: building one compiles its regex.
    patterns:
        std::collections::HashMap<String, Option<proptest::string::RegexGeneratorStrategy<String>>>,
}

impl<'p> Generator<'p> {
    /// The same records on every run.
    pub fn deterministic(program: &'p Program) -> Generator<'p> {
        Generator::with_runner(program, TestRunner::deterministic())
    }

    /// Records of their own for each seed, the same on every run: generators with different
    /// seeds can work in parallel.
    pub fn seeded(program: &'p Program, seed: u64) -> Generator<'p> {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let rng = proptest::test_runner::TestRng::from_seed(
            proptest::test_runner::RngAlgorithm::ChaCha,
            &bytes,
        );
        Generator::with_runner(
            program,
            TestRunner::new_with_rng(proptest::test_runner::Config::default(), rng),
        )
    }

    fn with_runner(program: &'p Program, runner: TestRunner) -> Generator<'p> {
        Generator {
            program,
            runner,
            may_break: false,
            patterns: std::collections::HashMap::new(),
        }
    }
}

impl Generator<'_> {
    fn below(&mut self, bound: u64) -> u64 {
        self.runner.rng().next_u64() % bound
    }

    /// One time in `odds`, once per record at most: a value that should not bind.
    fn breaks(&mut self, odds: u64) -> bool {
        let breaks = self.may_break && self.below(odds) == 0;
        if breaks {
            self.may_break = false;
        }
        breaks
    }

    /// A text that a refinement's pattern accepts.
    fn matching(&mut self, pattern: &str) -> Value {
        let strategy = self
            .patterns
            .entry(pattern.to_string())
            .or_insert_with(|| proptest::string::string_regex(pattern).ok());
        match strategy
            .as_ref()
            .map(|strategy| strategy.new_tree(&mut self.runner))
        {
            Some(Ok(tree)) => json!(tree.current()),
            _ => json!(""),
        }
    }

    fn pick<'a>(&mut self, choices: &'a [&'a str]) -> &'a str {
        choices[self.below(choices.len() as u64) as usize]
    }

    fn value(&mut self, ty: &Type, depth: usize) -> Value {
        match ty {
            Type::Optional(inner) => self.value(inner, depth),
            Type::Refined(refined) => match &refined.constraint {
                Constraint::Matching(pattern) if !self.breaks(20) => self.matching(pattern),
                Constraint::Between(low, high) if !self.breaks(20) => {
                    let middle = (*low + *high) / Decimal::TWO;
                    let value = [*low, *high, middle.round()][self.below(3) as usize];
                    match refined.base.base() {
                        Type::Int => json!(value.to_string().parse::<i64>().unwrap_or(0)),
                        _ => json!(value.to_string()),
                    }
                }
                _ => self.value(&refined.base, depth),
            },
            Type::Bool => json!(self.below(2) == 0),
            Type::Int => json!([0, 1, -1, 2, 50, 1_000_000][self.below(6) as usize]),
            Type::Decimal => {
                json!(["0", "22", "22.00", "22.01", "-1.5", "0.001"][self.below(6) as usize])
            }
            Type::Text if self.breaks(50) => json!(""),
            Type::Text => json!(self.pick(&["A", "R-1", "é", "GB123456789000", "0201"])),
            Type::Date => json!(self.pick(&[
                "2026-03-29",
                "2026-10-25",
                "2024-02-29",
                "2026-12-31",
                "2026-01-01"
            ])),
            Type::DateTime => json!(self.pick(&[
                "2026-03-29T00:59:59Z",
                "2026-03-29T01:00:00Z",
                "2026-03-29T03:00:00+02:00",
                "2026-10-25T02:30:00+02:00",
                "2026-10-25T02:30:00+01:00",
                "2026-03-10T10:00:00Z",
                "2026-03-11T10:00:01Z",
            ])),
            Type::Duration if self.breaks(50) => json!("P2D"),
            Type::Duration => json!(self.pick(&["PT0S", "PT24H", "PT24H0M1S", "PT1S"])),
            Type::Period => json!(self.pick(&["P1D", "P1M", "P0D"])),
            Type::Money(currency) => {
                let amount = self.pick(&["0", "22.00", "22.01", "21.99", "1000000"]);
                let code = match currency {
                    Some(code) => code.to_string(),
                    None if self.breaks(20) => "XXX".to_string(),
                    None => self.pick(&["EUR", "EUR", "GBP", "USD"]).to_string(),
                };
                json!(format!("{amount} {code}"))
            }
            Type::Quantity(dimension) => {
                let amount = self.pick(&["0", "1", "1.5", "1000", "0.001"]);
                json!(format!("{amount} {}", dimension.base_unit()))
            }
            Type::Code(path) => {
                let codes = self
                    .program
                    .codelists
                    .iter()
                    .find(|list| &list.path == path)
                    .map(|list| {
                        list.codes
                            .iter()
                            .map(|code| code.external.clone())
                            .collect()
                    })
                    .unwrap_or_else(Vec::new);
                if codes.is_empty() || self.breaks(20) {
                    json!("ZZ-UNKNOWN")
                } else {
                    json!(codes[self.below(codes.len() as u64) as usize])
                }
            }
            Type::List(element) | Type::Set(element) => {
                let length = match self.below(10) {
                    0 | 1 => 0,
                    9 if depth < 2 => 50,
                    other => other as usize % 3 + 1,
                };
                Value::Array(
                    (0..length)
                        .map(|_| self.value(element, depth + 1))
                        .collect(),
                )
            }
            Type::Record(path) => {
                let Some(record) = self
                    .program
                    .records
                    .iter()
                    .find(|record| &record.path == path)
                else {
                    return json!({});
                };
                let mut object = Map::new();
                for field in &record.fields {
                    // Optional fields are left out three times in ten.
                    if field.ty.is_optional() && self.below(10) < 3 {
                        continue;
                    }
                    if depth > 4
                        && matches!(
                            field.ty.unwrap_optional().base(),
                            Type::List(_) | Type::Record(_)
                        )
                    {
                        continue;
                    }
                    object.insert(field.name.clone(), self.value(&field.ty, depth + 1));
                }
                Value::Object(object)
            }
            Type::Error | Type::Absent | Type::BusinessOffset => Value::Null,
        }
    }

    /// A record: each input of the library, most of the time.
    pub fn record(&mut self) -> String {
        // One record in five may hold one value that does not bind.
        self.may_break = self.below(5) == 0;
        let mut object = Map::new();
        for input in &self.program.inputs {
            if self.below(10) < 8 {
                object.insert(input.name.clone(), self.value(&input.ty, 0));
            }
        }
        Value::Object(object).to_string()
    }
}
