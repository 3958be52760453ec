//! The operations compiled code calls on values, in safe Rust: each is the runtime's own
//! function (`clearance_runtime::ops`, the interpreter's builtins and tables), so that a
//! compiled rule computes exactly what the interpreter computes. An operation that fails gives
//! `None`, and the compiled rule then leaves the record to the interpreter, which reports the
//! error with its kind and message.

use std::cmp::Ordering;
use std::sync::Arc;

use clearance_ir::types::Type;
use clearance_ir::{BinaryOp, Builtin, BusinessUnit, CmpOp, Domain, LoopKind, PathStep, UnaryOp};
use clearance_runtime::interp::{
    Evaluator, Machine, NoObserver, make_set, missing_fields, project,
};
use clearance_runtime::ops;
use clearance_runtime::value::Value;
use jiff::civil::Date;

/// What one evaluation of a compiled rule needs from its host: the loaded program, the date,
/// and the values its operations made, kept until the rule is decided.
pub(crate) struct HostContext<'m> {
    pub(crate) machine: &'m Machine,
    pub(crate) as_of: Date,
    /// Values made during the evaluation, in chunks that never grow past their capacity:
    /// compiled code holds pointers to them, which must stay put.
    made: Vec<Vec<Value>>,
    /// Lists being collected by `for ... collect` loops, by handle.
    pub(crate) collecting: Vec<Vec<Value>>,
    /// The bindings the assertion failed at: the positions of the `for every` steps.
    pub(crate) failures: Vec<Vec<usize>>,
}

impl HostContext<'_> {
    /// The store, emptied, to hand to the thread's next context: nothing made for a record
    /// outlives its decision; only one chunk of memory is kept.
    pub(crate) fn into_store(self) -> Vec<Vec<Value>> {
        let mut made = self.made;
        made.truncate(1);
        for chunk in &mut made {
            chunk.clear();
        }
        made
    }
}

/// Values per chunk of [`HostContext::keep`]'s store.
const CHUNK: usize = 64;

impl<'m> HostContext<'m> {
    /// Keeps a value until the rule is decided and gives its address, which stays valid until
    /// then: a chunk is never pushed past its capacity, so it never moves its values.
    pub(crate) fn keep(&mut self, value: Value) -> *const Value {
        let has_room = self
            .made
            .last()
            .is_some_and(|chunk| chunk.len() < chunk.capacity());
        if !has_room {
            self.made.push(Vec::with_capacity(CHUNK));
        }
        match self.made.last_mut() {
            Some(chunk) => {
                chunk.push(value);
                chunk
                    .last()
                    .map_or(std::ptr::null(), |kept| kept as *const Value)
            }
            None => std::ptr::null(),
        }
    }

    /// A context whose store is `made`: the emptied chunks of the thread's last context, so
    /// that a thread reuses one store from rule to rule instead of allocating.
    pub(crate) fn new(machine: &'m Machine, as_of: Date, made: Vec<Vec<Value>>) -> HostContext<'m> {
        HostContext {
            machine,
            as_of,
            made,
            collecting: Vec::new(),
            failures: Vec::new(),
        }
    }
}

/// An operation compiled code asks of its host, with what it needs besides its operands.
#[derive(Debug)]
pub(crate) enum Operation {
    Binary(BinaryOp),
    Unary(UnaryOp),
    Builtin {
        builtin: Builtin,
        link: Option<u32>,
        first_type: Type,
    },
    Table(u32),
    Project(u32),
    MakeList,
    MakeSet,
    MakeRecord,
    Missing {
        fields: Vec<(u32, Arc<str>)>,
        provided: bool,
    },
    BusinessAdd {
        amount: i64,
        unit: BusinessUnit,
        calendar: u32,
    },
    Update(Vec<PathStep>),
    /// One step of a `sum`, `min` or `max` loop: the accumulator (none at the first element)
    /// and the element's value.
    Fold(LoopKind),
    /// The sum of a loop over nothing.
    Zero(Domain, Type),
}

/// A test compiled code asks of its host: true, false, or leave it to the interpreter.
#[derive(Debug)]
pub(crate) enum Test {
    /// `collection contains element`.
    Contains,
    IsEmpty,
    Matches(Arc<str>),
}

/// The comparison operators and domains, by the position compiled code passes for them to
/// [`compare`] (one number: operator * 16 + domain).
const OPERATORS: [CmpOp; 6] = [
    CmpOp::Eq,
    CmpOp::NotEq,
    CmpOp::Lt,
    CmpOp::LtEq,
    CmpOp::Gt,
    CmpOp::GtEq,
];
const DOMAINS: [Domain; 12] = [
    Domain::Bool,
    Domain::Int,
    Domain::Decimal,
    Domain::Money,
    Domain::Quantity,
    Domain::Duration,
    Domain::Text,
    Domain::Code,
    Domain::Date,
    Domain::DateTime,
    Domain::Structural,
    Domain::Set,
];

/// The number compiled code passes for a comparison: the positions of its operator and
/// domain in [`OPERATORS`] and [`DOMAINS`], which a test checks.
pub(crate) fn comparison_number(op: CmpOp, domain: Domain) -> u32 {
    let op = match op {
        CmpOp::Eq => 0,
        CmpOp::NotEq => 1,
        CmpOp::Lt => 2,
        CmpOp::LtEq => 3,
        CmpOp::Gt => 4,
        CmpOp::GtEq => 5,
    };
    let domain = match domain {
        Domain::Bool => 0,
        Domain::Int => 1,
        Domain::Decimal => 2,
        Domain::Money => 3,
        Domain::Quantity => 4,
        Domain::Duration => 5,
        Domain::Text => 6,
        Domain::Code => 7,
        Domain::Date => 8,
        Domain::DateTime => 9,
        Domain::Structural => 10,
        Domain::Set => 11,
    };
    op * 16 + domain
}

/// A comparison of two values, by its number: the interpreter's `ops::compare`.
pub(crate) fn compare(left: &Value, right: &Value, comparison: u32) -> u32 {
    let (Some(op), Some(domain)) = (
        OPERATORS.get((comparison / 16) as usize),
        DOMAINS.get((comparison % 16) as usize),
    ) else {
        return UNDECIDED;
    };
    if matches!(left, Value::Invalid) || matches!(right, Value::Invalid) {
        return UNDECIDED;
    }
    match ops::compare(*op, left, right, *domain) {
        Ok(true) => TRUE,
        Ok(false) => FALSE,
        Err(_) => UNDECIDED,
    }
}

/// Whether a value is present: false for absent; invalid data is left to the interpreter.
pub(crate) fn presence(value: &Value) -> u32 {
    match value {
        Value::Absent => FALSE,
        Value::Invalid => UNDECIDED,
        _ => TRUE,
    }
}

/// The outcome of a test, as compiled code reads it.
pub(crate) const FALSE: u32 = 0;
pub(crate) const TRUE: u32 = 1;
pub(crate) const UNDECIDED: u32 = 2;

pub(crate) fn apply(
    context: &mut HostContext<'_>,
    operation: &Operation,
    accumulator: Option<&Value>,
    operands: &[&Value],
) -> Option<Value> {
    let operand = |position: usize| operands.get(position).copied();
    if operands.iter().any(|value| matches!(value, Value::Invalid)) {
        return None;
    }
    let result = match operation {
        Operation::Binary(op) => ops::binary(*op, operand(0)?, operand(1)?),
        Operation::Unary(op) => ops::unary(*op, operand(0)?.clone()),
        Operation::Builtin {
            builtin,
            link,
            first_type,
        } => Evaluator::new(context.machine, NoObserver)
            .as_of(context.as_of)
            .apply_builtin(
                *builtin,
                operands.iter().map(|value| (*value).clone()).collect(),
                *link,
                first_type,
            ),
        Operation::Table(index) => Evaluator::new(context.machine, NoObserver)
            .as_of(context.as_of)
            .apply_table(*index, operands),
        Operation::Project(index) => project(operand(0)?, *index),
        Operation::MakeList => Ok(Value::List(
            operands.iter().map(|value| (*value).clone()).collect(),
        )),
        Operation::MakeSet => Ok(make_set(
            operands.iter().map(|value| (*value).clone()).collect(),
        )),
        Operation::MakeRecord => Ok(Value::Record(
            operands.iter().map(|value| (*value).clone()).collect(),
        )),
        Operation::Missing { fields, provided } => missing_fields(operand(0)?, fields, *provided),
        Operation::BusinessAdd {
            amount,
            unit,
            calendar,
        } => context
            .machine
            .business_add(operand(0)?, *amount, *unit, *calendar),
        Operation::Update(path) => ops::update(operand(0)?, path, operand(1)?.clone()),
        Operation::Fold(kind) => {
            let value = operand(0)?;
            match (kind, accumulator) {
                (_, None) => Ok(value.clone()),
                (LoopKind::Sum(domain), Some(total)) => ops::add(*domain, total, value),
                (LoopKind::Min(_), Some(best)) => match ops::order(value, best) {
                    Ok(Ordering::Less) => Ok(value.clone()),
                    Ok(_) => Ok(best.clone()),
                    Err(error) => Err(error),
                },
                (LoopKind::Max(_), Some(best)) => match ops::order(value, best) {
                    Ok(Ordering::Greater) => Ok(value.clone()),
                    Ok(_) => Ok(best.clone()),
                    Err(error) => Err(error),
                },
                _ => return None,
            }
        }
        Operation::Zero(domain, ty) => {
            Evaluator::new(context.machine, NoObserver).zero_of(*domain, ty)
        }
    };
    result.ok()
}

pub(crate) fn test(context: &HostContext<'_>, test: &Test, operands: &[&Value]) -> u32 {
    let decided = |holds: bool| if holds { TRUE } else { FALSE };
    if operands.iter().any(|value| matches!(value, Value::Invalid)) {
        return UNDECIDED;
    }
    match (test, operands) {
        (Test::Contains, [Value::List(items), element]) => {
            decided(items.iter().any(|item| item.same(element)))
        }
        (Test::IsEmpty, [Value::List(items)]) => decided(items.is_empty()),
        (Test::IsEmpty, [Value::Text(text)]) => decided(text.is_empty()),
        (Test::Matches(pattern), [value]) => match context.machine.matches(pattern, value) {
            Ok(holds) => decided(holds),
            Err(_) => UNDECIDED,
        },
        _ => UNDECIDED,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_comparison_number_reads_back_as_its_operator_and_domain() {
        for op in OPERATORS {
            for domain in DOMAINS {
                let number = comparison_number(op, domain);
                assert_eq!(OPERATORS[(number / 16) as usize], op);
                assert_eq!(DOMAINS[(number % 16) as usize], domain);
            }
        }
    }
}
