//! The interpreter: the reference semantics of the IR. Every later backend must give the same
//! results, error for error.
//!
//! Evaluation never panics: an impossible state (a type the checker should have ruled out) and
//! a run-time failure (an overflow, a missing exchange rate) both become an [`EvalError`],
//! which the engine reports as a finding on the record.

use std::cmp::Ordering;
use std::sync::Arc;

use clearance_compiler::ir::{
    BinaryOp, Body, Builtin, Constant, Domain, LocalId, LoopKind, Node, NodeId, UnaryOp,
};
use clearance_compiler::types::Type;
use jiff::SignedDuration;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::coverage::Coverage;
pub use crate::ops::{Eval, EvalError, EvalErrorKind, binary, order};
use crate::ops::{
    add, as_bool, as_decimal, as_int, as_list, as_text, compare, internal, overflow, unary, update,
};
use crate::value::{Value, display};

mod builtins;
mod machine;
mod tables;

pub use machine::Machine;

const MAX_DEPTH: u32 = 256;

/// A local slot: a value of its own, or a value borrowed for the whole evaluation from the
/// inputs (and the data they hold). Loops over input data bind their elements by borrowing, so
/// walking a declaration's items touches no reference count.
#[derive(Clone, Debug)]
pub enum Slot<'a> {
    Owned(Value),
    Borrowed(&'a Value),
}

impl Slot<'_> {
    #[inline]
    pub fn get(&self) -> &Value {
        match self {
            Slot::Owned(value) => value,
            Slot::Borrowed(value) => value,
        }
    }
}

/// A field of every record in a list, lists of lists flattened, absent fields left out.
pub fn project(list: &Value, index: u32) -> Eval<Value> {
    let mut values = Vec::new();
    for item in as_list(list)?.iter() {
        let Value::Record(fields) = item else {
            return Err(internal("a projection read a value that is not a record"));
        };
        match fields.get(index as usize) {
            Some(Value::Absent) | None => {}
            Some(Value::List(inner)) => values.extend(inner.iter().cloned()),
            Some(value) => values.push(value.clone()),
        }
    }
    Ok(Value::List(Arc::from(values)))
}

/// A set of the values, each once, in the order first written.
pub fn make_set(values: Vec<Value>) -> Value {
    let mut members: Vec<Value> = Vec::with_capacity(values.len());
    for value in values {
        if !members.iter().any(|existing| existing.same(&value)) {
            members.push(value);
        }
    }
    Value::List(Arc::from(members))
}

/// The names of the listed fields that are absent or empty in a record (or, with `provided`,
/// those that are given).
pub fn missing_fields(record: &Value, fields: &[(u32, Arc<str>)], provided: bool) -> Eval<Value> {
    let Value::Record(values) = record else {
        return Err(EvalError::new(
            EvalErrorKind::AbsentValue,
            "`missing` read an absent record",
        ));
    };
    let missing: Vec<Value> = fields
        .iter()
        .filter(|(index, _)| {
            let absent = match values.get(*index as usize) {
                None | Some(Value::Absent) => true,
                Some(Value::Text(text)) => text.trim().is_empty(),
                Some(Value::List(items)) => items.is_empty(),
                Some(_) => false,
            };
            absent != provided
        })
        .map(|(_, name)| Value::Text(Arc::clone(name)))
        .collect();
    Ok(Value::List(Arc::from(missing)))
}

/// A frame of `size` absent slots.
pub fn frame<'a>(size: usize) -> Vec<Slot<'a>> {
    vec![Slot::Owned(Value::Absent); size]
}

/// The position a link was resolved to; a program with unresolved links is refused before it
/// runs (`Program::unlinked`), so this fails only on a hand-built program.
fn linked(link: &clearance_compiler::ir::Link) -> Eval<u32> {
    link.index
        .ok_or_else(|| internal(&format!("`{}` was never linked", link.path)))
}

/// Sees what evaluation reads, to explain a verdict. The interpreter is generic over it, so
/// that the fast path ([`NoObserver`]) pays nothing. Only reads in the body being explained
/// are seen, not those inside the functions and tables it calls.
pub trait Observer {
    const ACTIVE: bool;
    /// A loop variable now stands for element `index` of `collection`.
    fn element(&mut self, _body: &Body, _var: LocalId, _collection: NodeId, _index: usize) {}
    /// A local or a field was read.
    fn read(&mut self, _body: &Body, _node: NodeId, _value: &Value) {}
}

pub struct NoObserver;

impl Observer for NoObserver {
    const ACTIVE: bool = false;
}

/// One evaluation: the machine, the observer and the call depth.
pub struct Evaluator<'m, O: Observer> {
    machine: &'m Machine,
    pub observer: O,
    depth: u32,
    /// The date the record is checked as of, for `as_of()`.
    as_of: Option<jiff::civil::Date>,
    /// Where to record the table rows that match, when examples run with coverage.
    coverage: Option<&'m Coverage>,
}

impl<'m, O: Observer> Evaluator<'m, O> {
    pub fn new(machine: &'m Machine, observer: O) -> Evaluator<'m, O> {
        Evaluator {
            machine,
            observer,
            depth: 0,
            as_of: None,
            coverage: None,
        }
    }

    /// The evaluator that records into `coverage` the table rows that match.
    pub fn covering(mut self, coverage: Option<&'m Coverage>) -> Evaluator<'m, O> {
        self.coverage = coverage;
        self
    }

    /// The evaluator of a record checked as of `date`.
    pub fn as_of(mut self, date: jiff::civil::Date) -> Evaluator<'m, O> {
        self.as_of = Some(date);
        self
    }

    /// A condition. The common forms (comparisons of places, presence tests, connectives) are
    /// decided here without building a value; the rest go through [`Evaluator::eval`]. The
    /// explaining evaluation always takes the general path, which reports every read.
    pub fn eval_bool<'a>(
        &mut self,
        body: &Body,
        node: NodeId,
        frame: &mut [Slot<'a>],
    ) -> Eval<bool> {
        if !O::ACTIVE {
            match body.node(node) {
                Some(Node::Binary {
                    op: BinaryOp::Compare(cmp, domain),
                    lhs,
                    rhs,
                }) => {
                    if let (Some(left), Some(right)) =
                        (operand(body, *lhs, frame), operand(body, *rhs, frame))
                    {
                        return compare(*cmp, &left, &right, *domain);
                    }
                }
                Some(Node::IsPresent(operand)) => {
                    if let Some(value) = place(body, *operand, frame) {
                        return Ok(!value.is_absent());
                    }
                }
                Some(Node::And(left, right)) => {
                    return Ok(self.eval_bool(body, *left, frame)?
                        && self.eval_bool(body, *right, frame)?);
                }
                Some(Node::Or(left, right)) => {
                    return Ok(self.eval_bool(body, *left, frame)?
                        || self.eval_bool(body, *right, frame)?);
                }
                Some(Node::Unary {
                    op: UnaryOp::Not,
                    operand,
                }) => return Ok(!self.eval_bool(body, *operand, frame)?),
                Some(Node::Const(Constant::Bool(value))) => return Ok(*value),
                _ => {}
            }
        }
        let value = self.eval(body, node, frame)?;
        as_bool(&value)
    }

    fn constant(&mut self, index: u32) -> Eval<Value> {
        let machine = self.machine;
        let Some(cell) = machine.consts.get(index as usize) else {
            return Err(internal("unknown constant"));
        };
        if let Some(value) = cell.get() {
            return value.clone();
        }
        let constant = &machine.program.consts[index as usize];
        if let Some(data) = &constant.data {
            return Err(EvalError::new(
                EvalErrorKind::MissingData,
                format!("the data file `{}` was not loaded", data.file),
            ));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(EvalError::new(
                EvalErrorKind::Cycle,
                "constants refer to each other in a cycle",
            ));
        }
        let mut frame = frame(constant.body.locals.len());
        let mut evaluator = Evaluator::new(machine, NoObserver);
        evaluator.depth = self.depth;
        let value = evaluator.eval(&constant.body, constant.root, &mut frame);
        self.depth -= 1;
        cell.get_or_init(|| value).clone()
    }

    pub fn eval<'a>(&mut self, body: &Body, node: NodeId, frame: &mut [Slot<'a>]) -> Eval<Value> {
        let Some(current) = body.node(node) else {
            return Err(internal("a node is missing"));
        };
        match current {
            Node::Const(constant) => Ok(Value::from_constant(constant)),
            Node::Local(local) => {
                let value = frame
                    .get(local.index())
                    .map(|slot| slot.get().clone())
                    .ok_or_else(|| internal("a local slot is missing"))?;
                if matches!(value, Value::Invalid) {
                    return Err(invalid_read(body, node));
                }
                if O::ACTIVE && self.depth == 0 {
                    self.observer.read(body, node, &value);
                }
                Ok(value)
            }
            Node::ConstRef(link) => self.constant(linked(link)?),
            Node::Field { base, index, .. } => {
                // A field of a local, or of a field of one, is read in place: no record is
                // cloned on the way to it.
                if let Some(value) = place(body, node, frame) {
                    let value = value.clone();
                    if O::ACTIVE && self.depth == 0 {
                        self.observer.read(body, node, &value);
                    }
                    return Ok(value);
                }
                let record = self.eval(body, *base, frame)?;
                let value = match &record {
                    Value::Record(fields) => match fields.get(*index as usize) {
                        Some(Value::Invalid) => return Err(invalid_read(body, node)),
                        Some(value) => value.clone(),
                        None => return Err(internal("a record field is missing")),
                    },
                    Value::Absent => {
                        return Err(EvalError::new(
                            EvalErrorKind::AbsentValue,
                            "a field of an absent record was read",
                        ));
                    }
                    _ => {
                        return Err(internal(
                            "a field was read from a value that is not a record",
                        ));
                    }
                };
                if O::ACTIVE && self.depth == 0 {
                    self.observer.read(body, node, &value);
                }
                Ok(value)
            }
            Node::Project { base, index, .. } => {
                let list = self.eval(body, *base, frame)?;
                project(&list, *index)
            }
            Node::Unary { op, operand } => {
                let value = self.eval(body, *operand, frame)?;
                unary(*op, value)
            }
            Node::Binary { op, lhs, rhs } => {
                // Comparisons of places and constants, the bulk of rule conditions, compare in
                // place: no value is cloned. The explaining evaluation takes the general path,
                // which reports every read.
                if !O::ACTIVE
                    && let BinaryOp::Compare(cmp, domain) = op
                    && let (Some(left), Some(right)) =
                        (operand(body, *lhs, frame), operand(body, *rhs, frame))
                {
                    return Ok(Value::Bool(compare(*cmp, &left, &right, *domain)?));
                }
                let left = self.eval(body, *lhs, frame)?;
                let right = self.eval(body, *rhs, frame)?;
                binary(*op, &left, &right)
            }
            Node::And(left, right) => {
                if !self.eval_bool(body, *left, frame)? {
                    return Ok(Value::Bool(false));
                }
                Ok(Value::Bool(self.eval_bool(body, *right, frame)?))
            }
            Node::Or(left, right) => {
                if self.eval_bool(body, *left, frame)? {
                    return Ok(Value::Bool(true));
                }
                Ok(Value::Bool(self.eval_bool(body, *right, frame)?))
            }
            Node::If {
                condition,
                then,
                otherwise,
            } => {
                if self.eval_bool(body, *condition, frame)? {
                    self.eval(body, *then, frame)
                } else {
                    self.eval(body, *otherwise, frame)
                }
            }
            Node::Otherwise { value, default } => {
                let value = self.eval(body, *value, frame)?;
                if value.is_absent() {
                    self.eval(body, *default, frame)
                } else {
                    Ok(value)
                }
            }
            Node::IsPresent(operand) => {
                if !O::ACTIVE
                    && let Some(value) = place(body, *operand, frame)
                {
                    return Ok(Value::Bool(!value.is_absent()));
                }
                let value = self.eval(body, *operand, frame)?;
                Ok(Value::Bool(!value.is_absent()))
            }
            Node::IsEmpty(operand) => {
                if !O::ACTIVE
                    && let Some(Value::List(items)) = place(body, *operand, frame)
                {
                    return Ok(Value::Bool(items.is_empty()));
                }
                let value = self.eval(body, *operand, frame)?;
                Ok(Value::Bool(match &value {
                    Value::List(items) => items.is_empty(),
                    Value::Text(text) => text.is_empty(),
                    Value::Absent => {
                        return Err(EvalError::new(
                            EvalErrorKind::AbsentValue,
                            "`is empty` read an absent value",
                        ));
                    }
                    _ => return Err(internal("`is empty` on a value that is not a collection")),
                }))
            }
            Node::Contains {
                collection,
                element,
            } => {
                let element = self.eval(body, *element, frame)?;
                if !O::ACTIVE
                    && let Some(Value::List(items)) = place(body, *collection, frame)
                {
                    return Ok(Value::Bool(items.iter().any(|item| item.same(&element))));
                }
                let collection = self.eval(body, *collection, frame)?;
                Ok(Value::Bool(
                    as_list(&collection)?.iter().any(|item| item.same(&element)),
                ))
            }
            Node::Loop {
                kind,
                var,
                index,
                collection,
                skip,
                filter,
                body: loop_body,
            } => self.run_loop(
                body,
                frame,
                LoopSpec {
                    kind: *kind,
                    var: *var,
                    index: *index,
                    collection: *collection,
                    skip: *skip,
                    filter: *filter,
                    body: *loop_body,
                    result_type: body.ty(node),
                },
            ),
            Node::MakeList(items) => {
                let values = items
                    .iter()
                    .map(|item| self.eval(body, *item, frame))
                    .collect::<Eval<Vec<_>>>()?;
                Ok(Value::List(Arc::from(values)))
            }
            Node::MakeSet(items) => {
                let values = items
                    .iter()
                    .map(|item| self.eval(body, *item, frame))
                    .collect::<Eval<Vec<_>>>()?;
                Ok(make_set(values))
            }
            Node::MakeRecord(fields) => {
                let values = fields
                    .iter()
                    .map(|field| self.eval(body, *field, frame))
                    .collect::<Eval<Vec<_>>>()?;
                Ok(Value::Record(Arc::from(values)))
            }
            Node::Call { function, args } => {
                let machine = self.machine;
                let Some(callee) = machine.program.functions.get(linked(function)? as usize) else {
                    return Err(internal("unknown function"));
                };
                let mut callee_frame = self::frame(callee.body.locals.len().max(args.len()));
                for (slot, arg) in args.iter().enumerate() {
                    callee_frame[slot] = match long_place(body, *arg, frame) {
                        Some(value) if !O::ACTIVE => Slot::Borrowed(value),
                        _ => Slot::Owned(self.eval(body, *arg, frame)?),
                    };
                }
                self.enter()?;
                let result = stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
                    self.eval(&callee.body, callee.root, &mut callee_frame)
                });
                self.depth -= 1;
                result
            }
            Node::TableCall { table, args } => {
                // Arguments read from data are borrowed: matching a row clones nothing.
                let mut arguments: Arguments<'a> = Arguments::with_capacity(args.len());
                for arg in args {
                    arguments.push(match long_place(body, *arg, frame) {
                        Some(value) if !O::ACTIVE => Slot::Borrowed(value),
                        _ => Slot::Owned(self.eval(body, *arg, frame)?),
                    });
                }
                stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || {
                    self.call_table(linked(table)?, arguments)
                })
            }
            Node::Builtin {
                builtin,
                args,
                link,
            } => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(body, *arg, frame)?);
                }
                let first_type = args
                    .first()
                    .map(|arg| body.ty(*arg))
                    .unwrap_or(&Type::Error);
                self.apply_builtin(
                    *builtin,
                    values,
                    link.as_ref().and_then(|link| link.index),
                    first_type,
                )
            }
            Node::Matches { text, pattern } => {
                let value = self.eval(body, *text, frame)?;
                Ok(Value::Bool(self.machine.matches(pattern, &value)?))
            }
            Node::MissingFields {
                record,
                fields,
                provided,
            } => {
                let value = self.eval(body, *record, frame)?;
                missing_fields(&value, fields, *provided)
            }
            Node::BusinessAdd {
                start,
                amount,
                unit,
                calendar,
            } => {
                let start = self.eval(body, *start, frame)?;
                self.machine
                    .business_add(&start, *amount, *unit, linked(calendar)?)
            }
            Node::Let {
                local,
                value,
                body: inner,
            } => {
                let value = self.eval(body, *value, frame)?;
                let slot = frame
                    .get_mut(local.index())
                    .ok_or_else(|| internal("a local slot is missing"))?;
                *slot = Slot::Owned(value);
                self.eval(body, *inner, frame)
            }
            Node::Update { base, path, value } => {
                let base = self.eval(body, *base, frame)?;
                let value = self.eval(body, *value, frame)?;
                update(&base, path, value)
            }
        }
    }

    /// The elements of a collection: borrowed when it is a place in data that lives for the
    /// whole evaluation, shared otherwise.
    pub fn elements<'a>(
        &mut self,
        body: &Body,
        collection: NodeId,
        frame: &mut [Slot<'a>],
    ) -> Eval<Elements<'a>> {
        if let Some(Value::List(items)) = long_place(body, collection, frame) {
            if O::ACTIVE && self.depth == 0 {
                self.observer
                    .read(body, collection, &Value::List(Arc::clone(items)));
            }
            return Ok(Elements::Borrowed(items));
        }
        let value = self.eval(body, collection, frame)?;
        Ok(Elements::Shared(Arc::clone(as_list(&value)?)))
    }

    fn enter(&mut self) -> Eval<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(EvalError::new(
                EvalErrorKind::Unsupported,
                "calls nest too deeply",
            ));
        }
        Ok(())
    }

    fn run_loop<'a>(
        &mut self,
        body: &Body,
        frame: &mut [Slot<'a>],
        spec: LoopSpec<'_>,
    ) -> Eval<Value> {
        let elements = self.elements(body, spec.collection, frame)?;
        let skip_at = match spec.skip {
            Some(slot) => Some(as_int(
                frame.get(slot.index()).map_or(&Value::Absent, Slot::get),
            )?),
            None => None,
        };
        let mut count: i64 = 0;
        let mut accumulator: Option<Value> = None;
        let mut collected = Vec::new();
        for position in 0..elements.len() {
            let position_value = i64::try_from(position).map_err(|_| overflow())?;
            if skip_at == Some(position_value) {
                continue;
            }
            if let Some(slot) = frame.get_mut(spec.var.index()) {
                *slot = elements.slot(position);
            }
            if let Some(slot) = frame.get_mut(spec.index.index()) {
                *slot = Slot::Owned(Value::Int(position_value));
            }
            if O::ACTIVE && self.depth == 0 {
                self.observer
                    .element(body, spec.var, spec.collection, position);
            }
            if let Some(filter) = spec.filter
                && !self.eval_bool(body, filter, frame)?
            {
                continue;
            }
            let loop_body = spec.body;
            match spec.kind {
                LoopKind::Every | LoopKind::Some | LoopKind::No => {
                    let Some(loop_body) = loop_body else {
                        return Err(internal("a quantifier has no body"));
                    };
                    let holds = self.eval_bool(body, loop_body, frame)?;
                    match (spec.kind, holds) {
                        (LoopKind::Every, false) => return Ok(Value::Bool(false)),
                        (LoopKind::Some, true) => return Ok(Value::Bool(true)),
                        (LoopKind::No, true) => return Ok(Value::Bool(false)),
                        _ => {}
                    }
                }
                LoopKind::Count => count = count.checked_add(1).ok_or_else(overflow)?,
                LoopKind::Sum(_) | LoopKind::Min(_) | LoopKind::Max(_) => {
                    let Some(loop_body) = loop_body else {
                        return Err(internal("an aggregate has no value"));
                    };
                    let value = self.eval(body, loop_body, frame)?;
                    accumulator = Some(match (spec.kind, accumulator) {
                        (_, None) => value,
                        (LoopKind::Sum(domain), Some(total)) => add(domain, &total, &value)?,
                        (LoopKind::Min(_), Some(best)) => {
                            if order(&value, &best)? == Ordering::Less {
                                value
                            } else {
                                best
                            }
                        }
                        (_, Some(best)) => {
                            if order(&value, &best)? == Ordering::Greater {
                                value
                            } else {
                                best
                            }
                        }
                    });
                }
                LoopKind::Collect => {
                    let Some(loop_body) = loop_body else {
                        return Err(internal("a comprehension has no value"));
                    };
                    collected.push(self.eval(body, loop_body, frame)?);
                }
            }
        }
        Ok(match spec.kind {
            LoopKind::Every | LoopKind::No => Value::Bool(true),
            LoopKind::Some => Value::Bool(false),
            LoopKind::Count => Value::Int(count),
            LoopKind::Sum(domain) => match accumulator {
                Some(total) => total,
                None => self.zero_of(domain, spec.result_type)?,
            },
            LoopKind::Min(_) | LoopKind::Max(_) => accumulator.unwrap_or(Value::Absent),
            LoopKind::Collect if collected.is_empty() => Value::empty_list(),
            LoopKind::Collect => Value::List(Arc::from(collected)),
        })
    }

    /// The sum of a loop over no element, in its domain (`ty` is the sum's type).
    pub fn zero_of(&self, domain: Domain, ty: &Type) -> Eval<Value> {
        Ok(match domain {
            Domain::Int => Value::Int(0),
            Domain::Decimal => Value::Decimal(Decimal::ZERO),
            Domain::Quantity => Value::Quantity(Decimal::ZERO),
            Domain::Duration => Value::Duration(SignedDuration::ZERO),
            Domain::Money => {
                let Type::Money(Some(code)) = ty.base() else {
                    return Err(internal("a sum of money has no currency"));
                };
                let program = &self.machine.program;
                let index = program
                    .currency_codelist
                    .and_then(|list| program.codelists.get(list as usize))
                    .and_then(|list| list.codes.iter().position(|c| c.name == code.as_ref()))
                    .and_then(|index| u32::try_from(index).ok())
                    .ok_or_else(|| internal("unknown currency"))?;
                Value::Money(Decimal::ZERO, index)
            }
            _ => return Err(internal("no zero for this sum")),
        })
    }
}

/// A comparison operand read without evaluation: a place, borrowed, or a scalar constant.
#[inline]
fn operand<'f>(
    body: &Body,
    node: NodeId,
    frame: &'f [Slot<'_>],
) -> Option<std::borrow::Cow<'f, Value>> {
    match body.node(node)? {
        Node::Const(
            constant @ (Constant::Int(_)
            | Constant::Decimal(_)
            | Constant::Quantity(_)
            | Constant::Money(..)
            | Constant::Bool(_)
            | Constant::Code(_)
            | Constant::Date(_)
            | Constant::Duration(_)),
        ) => Some(std::borrow::Cow::Owned(Value::from_constant(constant))),
        Node::Local(_) | Node::Field { .. } => {
            place(body, node, frame).map(std::borrow::Cow::Borrowed)
        }
        _ => None,
    }
}

/// The value a place (a local, or fields of one) reads, borrowed from the frame; `None` when
/// the node is not a place or the path meets an absent record (the caller then reports it).
/// An invalid value is no place either: the caller evaluates the node, which reports it.
#[inline]
fn place<'f>(body: &Body, node: NodeId, frame: &'f [Slot<'_>]) -> Option<&'f Value> {
    let value = match body.node(node)? {
        Node::Local(local) => frame.get(local.index()).map(Slot::get),
        Node::Field { base, index, .. } => match place(body, *base, frame)? {
            Value::Record(fields) => fields.get(*index as usize),
            _ => None,
        },
        _ => None,
    }?;
    (!matches!(value, Value::Invalid)).then_some(value)
}

/// How a rule names a place it reads: `item.gross_mass`.
pub(crate) fn label_of(body: &Body, node: NodeId) -> Option<String> {
    match body.node(node)? {
        Node::Local(local) => body.locals.get(local.index()).map(|name| name.to_string()),
        Node::Field { base, name, .. } => {
            label_of(body, *base).map(|base| format!("{base}.{name}"))
        }
        _ => None,
    }
}

/// The error of a rule that reads data that did not bind: it is not evaluated.
fn invalid_read(body: &Body, node: NodeId) -> EvalError {
    let what = label_of(body, node)
        .map(|label| format!("`{label}`"))
        .unwrap_or_else(|| "`?`".to_string());
    EvalError::new(EvalErrorKind::InvalidData, format!(
        "it reads {what}, whose value in the record is invalid (see the technical-validation finding)"
    ))
    .with_french(format!(
        "elle lit {what}, dont la valeur dans l'enregistrement est invalide (voir le constat de validation technique)"
    ))
}

/// The arguments of a table call: few, so kept off the heap.
type Arguments<'a> = smallvec::SmallVec<[Slot<'a>; 4]>;

/// A place whose value lives for the whole evaluation (`'a`): a borrowed slot, or fields of one.
#[inline]
fn long_place<'a>(body: &Body, node: NodeId, frame: &[Slot<'a>]) -> Option<&'a Value> {
    match body.node(node)? {
        Node::Local(local) => match frame.get(local.index())? {
            Slot::Borrowed(value) => Some(value),
            Slot::Owned(_) => None,
        },
        Node::Field { base, index, .. } => match long_place(body, *base, frame)? {
            Value::Record(fields) => fields
                .get(*index as usize)
                .filter(|value| !matches!(value, Value::Invalid)),
            _ => None,
        },
        _ => None,
    }
}

/// The elements a loop walks.
pub enum Elements<'a> {
    Borrowed(&'a [Value]),
    Shared(Arc<[Value]>),
}

impl<'a> Elements<'a> {
    pub fn len(&self) -> usize {
        match self {
            Elements::Borrowed(items) => items.len(),
            Elements::Shared(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The slot that binds element `position`.
    #[inline]
    pub fn slot(&self, position: usize) -> Slot<'a> {
        match self {
            Elements::Borrowed(items) => items
                .get(position)
                .map_or(Slot::Owned(Value::Absent), Slot::Borrowed),
            Elements::Shared(items) => {
                Slot::Owned(items.get(position).cloned().unwrap_or(Value::Absent))
            }
        }
    }
}

struct LoopSpec<'t> {
    kind: LoopKind,
    var: LocalId,
    index: LocalId,
    collection: NodeId,
    skip: Option<LocalId>,
    filter: Option<NodeId>,
    body: Option<NodeId>,
    result_type: &'t Type,
}
