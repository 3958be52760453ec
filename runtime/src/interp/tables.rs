//! Decision tables: their patterns compiled once at load, and a call that finds the rows an
//! input matches under the table's hit policy.

use std::cmp::Ordering;
use std::sync::Arc;

use clearance_compiler::ir::{Body, Domain, HitPolicy, Node, NodeId, PatternTest};
use clearance_compiler::syntax::ast::CmpOp;

use super::{Arguments, Evaluator, Machine, NoObserver, Observer, Slot, frame};
use crate::ops::{Eval, EvalError, EvalErrorKind, compare, internal, order};
use crate::value::Value;

#[derive(Clone, Debug)]
pub(super) enum CompiledTest {
    Any,
    Equals(Value),
    Prefix(Arc<str>),
    Compare(CmpOp, Value),
    Between(Value, Value),
    OneOf(Vec<Value>),
}

#[derive(Clone, Debug)]
pub(super) struct CompiledTable {
    rows: Vec<Vec<CompiledTest>>,
    /// Each row's value, computed once when it reads no parameter.
    constant_values: Vec<Option<Value>>,
}

/// Whether a body node reads no local: its value is the same on every call.
fn is_constant(body: &Body, node: NodeId) -> bool {
    match body.node(node) {
        Some(Node::Const(_)) => true,
        Some(Node::MakeList(items) | Node::MakeSet(items) | Node::MakeRecord(items)) => {
            items.iter().all(|item| is_constant(body, *item))
        }
        _ => false,
    }
}

impl Machine {
    pub(super) fn compile_table(
        &self,
        table: &clearance_compiler::ir::TableIr,
    ) -> Eval<CompiledTable> {
        let mut evaluator = Evaluator::new(self, NoObserver);
        let mut frame = frame(table.body.locals.len());
        let mut constant = |node: NodeId| evaluator.eval(&table.body, node, &mut frame);
        let mut rows = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let mut tests = Vec::with_capacity(row.tests.len());
            for test in &row.tests {
                tests.push(match test {
                    PatternTest::Any => CompiledTest::Any,
                    PatternTest::Equals(node) => CompiledTest::Equals(constant(*node)?),
                    PatternTest::Prefix(prefix) => CompiledTest::Prefix(Arc::clone(prefix)),
                    PatternTest::Compare(op, node) => CompiledTest::Compare(*op, constant(*node)?),
                    PatternTest::Between(low, high) => {
                        CompiledTest::Between(constant(*low)?, constant(*high)?)
                    }
                    PatternTest::OneOf(nodes) => CompiledTest::OneOf(
                        nodes
                            .iter()
                            .map(|node| constant(*node))
                            .collect::<Eval<Vec<_>>>()?,
                    ),
                });
            }
            rows.push(tests);
        }
        let mut constant_values = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            constant_values.push(if is_constant(&table.body, row.value) {
                Some(constant(row.value)?)
            } else {
                None
            });
        }
        Ok(CompiledTable {
            rows,
            constant_values,
        })
    }
}

impl<'m, O: Observer> Evaluator<'m, O> {
    /// A table called on argument values, as compiled code calls it: the arguments are
    /// borrowed, as the interpreter borrows those it reads from data.
    pub fn apply_table(&mut self, index: u32, arguments: &[&Value]) -> Eval<Value> {
        let arguments: Arguments<'_> = arguments
            .iter()
            .map(|value| Slot::Borrowed(value))
            .collect();
        self.call_table(index, arguments)
    }

    pub(super) fn call_table(&mut self, index: u32, arguments: Arguments<'_>) -> Eval<Value> {
        let machine = self.machine;
        let (Some(table), Some(compiled)) = (
            machine.program.tables.get(index as usize),
            machine.tables.get(index as usize),
        ) else {
            return Err(internal("unknown table"));
        };
        let compiled = compiled.as_ref().map_err(Clone::clone)?;
        let row_matches = |tests: &[CompiledTest]| -> Eval<bool> {
            for (test, argument) in tests.iter().zip(&arguments) {
                if !test_matches(test, argument.get())? {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        let mut matched: smallvec::SmallVec<[usize; 4]> = smallvec::SmallVec::new();
        for (position, tests) in compiled.rows.iter().enumerate() {
            if row_matches(tests)? {
                matched.push(position);
                // First: the first row decides. Unique: a second match is an error.
                if table.policy == HitPolicy::First
                    || (table.policy == HitPolicy::Unique && matched.len() == 2)
                {
                    break;
                }
            }
        }
        if let Some(coverage) = self.coverage {
            coverage.table_rows(index, &matched);
        }
        self.enter()?;
        let value_of = |evaluator: &mut Self, row: usize| -> Eval<Value> {
            if let Some(Some(value)) = compiled.constant_values.get(row) {
                return Ok(value.clone());
            }
            let mut frame = frame(table.body.locals.len().max(arguments.len()));
            for (slot, argument) in frame.iter_mut().zip(arguments.iter()) {
                *slot = argument.clone();
            }
            evaluator.eval(&table.body, table.rows[row].value, &mut frame)
        };
        let result = match table.policy {
            HitPolicy::First | HitPolicy::Unique => match matched.as_slice() {
                [] if table.absent_when_no_match => Ok(Value::Absent),
                [] => Err(EvalError::new(
                    EvalErrorKind::NoTableRow,
                    format!("no row of table `{}` matches this input", table.path.name),
                )),
                [row] => value_of(self, *row),
                [first, second, ..] => Err(EvalError::new(
                    EvalErrorKind::AmbiguousTable,
                    format!(
                        "rows {} and {} of table `{}` both match, but its policy is `unique`",
                        first + 1,
                        second + 1,
                        table.path.name
                    ),
                )),
            },
            HitPolicy::Collect => {
                let mut values = Vec::with_capacity(matched.len());
                for row in matched {
                    values.push(value_of(self, row)?);
                }
                Ok(Value::List(Arc::from(values)))
            }
        };
        self.depth -= 1;
        result
    }
}

fn test_matches(test: &CompiledTest, argument: &Value) -> Eval<bool> {
    if argument.is_absent() {
        return Ok(matches!(test, CompiledTest::Any));
    }
    Ok(match test {
        CompiledTest::Any => true,
        CompiledTest::Equals(value) => argument.same(value),
        CompiledTest::Prefix(prefix) => {
            matches!(argument, Value::Text(text) if text.starts_with(prefix.as_ref()))
        }
        CompiledTest::Compare(op, value) => compare(*op, argument, value, Domain::Decimal)?,
        CompiledTest::Between(low, high) => {
            order(argument, low)? != Ordering::Less && order(argument, high)? != Ordering::Greater
        }
        CompiledTest::OneOf(values) => values.iter().any(|value| argument.same(value)),
    })
}
