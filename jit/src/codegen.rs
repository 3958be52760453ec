//! Rule IR to Cranelift IR. A rule compiles to one function `fn(context, inputs) -> outcome`
//! that walks the rule's steps, exceptions and assertion as the interpreter does, with the same
//! order of evaluation and the same short cuts (`and`, `or`, `if`, quantifiers that stop at the
//! first element that decides them, `otherwise`), so that it never reads what the interpreter
//! would not.
//!
//! Booleans and integers are native values; every other value is a pointer to a runtime
//! [`Value`] (in the inputs, in a constant of the module, or made by a host function).
//! Control flow, comparisons and arithmetic of integers, field reads, list walks and
//! presence tests are native code; other operations call the runtime's own functions through
//! the host functions of [`crate::native`]. Whatever is not the plain case (an absent value
//! where one is needed, invalid data, an overflow, a failed assertion) leaves the record to
//! the interpreter: the function returns [`INTERPRET`], and the interpreter, the reference,
//! gives the result and its findings.

use std::collections::HashMap;

use clearance_ir::types::Type;
use clearance_ir::{
    BinaryOp, Body, CmpOp, Constant, Domain, LocalId, LoopKind, Node, NodeId, Program, RuleIr,
    Step, UnaryOp,
};
use clearance_runtime::interp::Machine;
use clearance_runtime::value::Value;
use cranelift_codegen::ir::Value as Register;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    AbiParam, Block, InstBuilder, SigRef, Signature, StackSlotData, StackSlotKind, types,
};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, Variable};

use crate::host::{Operation, Test};
use crate::native;

/// The outcomes a compiled rule returns.
pub(crate) const NOT_APPLICABLE: i64 = 0;
pub(crate) const PASSED: i64 = 1;
pub(crate) const INTERPRET: i64 = 2;

/// Calls nest at most this deep in compiled code: each call is compiled inline.
const MAX_INLINE_DEPTH: u32 = 16;

/// What compiled code keeps alive while it may run: the constants and the descriptors of
/// operations its instructions point to.
#[derive(Default)]
// Boxed so that the addresses compiled code holds stay put as the vectors grow.
#[allow(clippy::vec_box)]
pub(crate) struct Pool {
    values: Vec<Box<Value>>,
    operations: Vec<Box<Operation>>,
    tests: Vec<Box<Test>>,
}

impl Pool {
    fn value(&mut self, value: Value) -> i64 {
        let boxed = Box::new(value);
        let address = &*boxed as *const Value as i64;
        self.values.push(boxed);
        address
    }

    fn operation(&mut self, operation: Operation) -> i64 {
        let boxed = Box::new(operation);
        let address = &*boxed as *const Operation as i64;
        self.operations.push(boxed);
        address
    }

    fn test(&mut self, test: Test) -> i64 {
        let boxed = Box::new(test);
        let address = &*boxed as *const Test as i64;
        self.tests.push(boxed);
        address
    }
}

/// Why a rule was left to the interpreter at compile time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

type Compiled<T> = Result<T, Unsupported>;

/// A compiled expression's value.
#[derive(Clone, Copy, Debug)]
enum Val {
    Bool(Register),
    Int(Register),
    /// A pointer to a runtime value.
    Ref(Register),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bool,
    Int,
    Ref,
}

impl Kind {
    fn of_type(ty: &Type) -> Kind {
        match ty.base() {
            Type::Bool => Kind::Bool,
            Type::Int => Kind::Int,
            _ => Kind::Ref,
        }
    }

    fn machine_type(self) -> types::Type {
        match self {
            Kind::Bool => types::I8,
            Kind::Int | Kind::Ref => types::I64,
        }
    }
}

/// The body being compiled and the frame its locals live in: the rule's, or a call's that is
/// compiled inline.
#[derive(Clone, Copy)]
struct Scope<'p> {
    body: &'p Body,
    frame: u32,
}

/// The host functions compiled code calls, each with its signature.
#[derive(Clone, Copy)]
enum Host {
    Field,
    ListLength,
    ListElement,
    AsBool,
    AsInt,
    Bindable,
    MakeInt,
    Apply,
    Test,
    CollectStart,
    CollectPush,
    CollectFinish,
    RecordFailure,
}

impl Host {
    fn address(self) -> i64 {
        match self {
            Host::Field => native::field as *const () as i64,
            Host::ListLength => native::list_length as *const () as i64,
            Host::ListElement => native::list_element as *const () as i64,
            Host::AsBool => native::as_bool as *const () as i64,
            Host::AsInt => native::as_int as *const () as i64,
            Host::Bindable => native::bindable as *const () as i64,
            Host::MakeInt => native::make_int as *const () as i64,
            Host::Apply => native::apply as *const () as i64,
            Host::Test => native::test as *const () as i64,
            Host::CollectStart => native::collect_start as *const () as i64,
            Host::CollectPush => native::collect_push as *const () as i64,
            Host::CollectFinish => native::collect_finish as *const () as i64,
            Host::RecordFailure => native::record_failure as *const () as i64,
        }
    }

    /// Parameter and result types; pointers and sizes are 64 bits, outcomes 32.
    fn shape(self) -> (&'static [types::Type], &'static [types::Type]) {
        use types::{I32, I64};
        match self {
            Host::Field => (&[I64, I32], &[I64]),
            Host::ListLength => (&[I64], &[I64]),
            Host::ListElement => (&[I64, I64], &[I64]),
            Host::AsBool | Host::Bindable => (&[I64], &[I32]),
            Host::AsInt => (&[I64, I64], &[I32]),
            Host::MakeInt => (&[I64, I64], &[I64]),
            Host::Apply => (&[I64, I64, I64, I64, I64], &[I64]),
            Host::Test => (&[I64, I64, I64, I64], &[I32]),
            Host::CollectStart => (&[I64], &[I64]),
            Host::CollectPush => (&[I64, I64, I64], &[I32]),
            Host::CollectFinish => (&[I64, I64], &[I64]),
            Host::RecordFailure => (&[I64, I64, I64], &[]),
        }
    }
}

/// Compiles one rule into the function the builder holds.
pub(crate) struct RuleCompiler<'p, 'b> {
    builder: FunctionBuilder<'b>,
    program: &'p Program,
    machine: &'p Machine,
    pool: &'p mut Pool,
    context: Register,
    interpret: Block,
    reached: Variable,
    locals: HashMap<(u32, LocalId), (Variable, Kind)>,
    /// The position locals of the `for every` steps around the assertion being compiled.
    loop_positions: Vec<LocalId>,
    frames: u32,
    depth: u32,
    signatures: HashMap<usize, SigRef>,
    call_convention: CallConv,
    true_value: i64,
    false_value: i64,
    absent_value: i64,
}

/// The signature of every compiled rule: `(context, inputs) -> outcome`.
pub(crate) fn rule_signature(call_convention: CallConv) -> Signature {
    let mut signature = Signature::new(call_convention);
    signature.params.push(AbiParam::new(types::I64));
    signature.params.push(AbiParam::new(types::I64));
    signature.returns.push(AbiParam::new(types::I32));
    signature
}

impl<'p, 'b> RuleCompiler<'p, 'b> {
    /// Compiles `rule` of a rule set with `input_count` inputs into `builder`'s function.
    pub(crate) fn compile(
        mut builder: FunctionBuilder<'b>,
        program: &'p Program,
        machine: &'p Machine,
        pool: &'p mut Pool,
        rule: &'p RuleIr,
        input_count: usize,
        target: TargetFrontendConfig,
    ) -> Compiled<()> {
        let call_convention = target.default_call_conv;
        let entry = builder.create_block();
        builder.append_block_params_for_function_params(entry);
        builder.switch_to_block(entry);
        let (context, inputs) = match builder.block_params(entry) {
            [context, inputs] => (*context, *inputs),
            _ => return Err(Unsupported("the rule signature is wrong".into())),
        };
        let interpret = builder.create_block();
        let reached = builder.declare_var(types::I8);
        let zero = builder.ins().iconst(types::I8, 0);
        builder.def_var(reached, zero);
        let true_value = pool.value(Value::Bool(true));
        let false_value = pool.value(Value::Bool(false));
        let absent_value = pool.value(Value::Absent);
        let mut compiler = RuleCompiler {
            builder,
            program,
            machine,
            pool,
            context,

            interpret,
            reached,
            locals: HashMap::new(),
            loop_positions: Vec::new(),
            frames: 1,
            depth: 0,
            signatures: HashMap::new(),
            call_convention,
            true_value,
            false_value,
            absent_value,
        };
        let scope = Scope {
            body: &rule.body,
            frame: 0,
        };
        let size = i64::try_from(std::mem::size_of::<Value>())
            .map_err(|_| Unsupported("values are too large".into()))?;
        for position in 0..input_count {
            let offset = i64::try_from(position)
                .unwrap_or(i64::MAX)
                .saturating_mul(size);
            let address = compiler.builder.ins().iadd_imm_s(inputs, offset);
            let local = LocalId::from_index(position);
            compiler.bind(scope, local, Val::Ref(address), true)?;
        }
        let done = compiler.builder.create_block();
        compiler.steps(scope, rule, 0, done)?;
        compiler.builder.switch_to_block(done);
        let reached = compiler.builder.use_var(compiler.reached);
        let outcome = compiler.builder.ins().uextend(types::I32, reached);
        compiler.builder.ins().return_(&[outcome]);
        compiler.builder.switch_to_block(compiler.interpret);
        let outcome = compiler.builder.ins().iconst(types::I32, INTERPRET);
        compiler.builder.ins().return_(&[outcome]);
        compiler.builder.seal_all_blocks();
        compiler.builder.finalize(target);
        Ok(())
    }

    fn steps(
        &mut self,
        scope: Scope<'p>,
        rule: &'p RuleIr,
        position: usize,
        next: Block,
    ) -> Compiled<()> {
        let Some(step) = rule.steps.get(position) else {
            self.assert(scope, rule)?;
            self.builder.ins().jump(next, &[]);
            return Ok(());
        };
        match step {
            Step::ForEvery {
                var,
                index,
                collection,
            } => {
                let collection = self.expr(scope, *collection)?;
                let collection = self.pointer(collection);
                self.loop_positions.push(*index);
                let walked = self.each_element(
                    scope,
                    collection,
                    *var,
                    *index,
                    None,
                    next,
                    |compiler, continue_block| {
                        compiler.steps(scope, rule, position + 1, continue_block)
                    },
                );
                self.loop_positions.pop();
                walked
            }
            Step::Let { local, value } => {
                let value = self.expr(scope, *value)?;
                self.bind(scope, *local, value, true)?;
                self.steps(scope, rule, position + 1, next)
            }
            Step::When(condition) => {
                let holds = self.expr(scope, *condition)?;
                let holds = self.condition(holds)?;
                let then = self.builder.create_block();
                self.builder.ins().brif(holds, then, &[], next, &[]);
                self.builder.switch_to_block(then);
                self.steps(scope, rule, position + 1, next)
            }
        }
    }

    /// The assertion at one binding: exceptions first, as in Catala; two exceptions that hold
    /// at once and a failed assertion both leave the record to the interpreter.
    fn assert(&mut self, scope: Scope<'p>, rule: &'p RuleIr) -> Compiled<()> {
        let one = self.builder.ins().iconst(types::I8, 1);
        self.builder.def_var(self.reached, one);
        let applicable = self.builder.declare_var(types::I64);
        let chosen = self.builder.declare_var(types::I64);
        let zero = self.builder.ins().iconst(types::I64, 0);
        self.builder.def_var(applicable, zero);
        let none = self.builder.ins().iconst(types::I64, -1);
        self.builder.def_var(chosen, none);
        for (position, exception) in rule.exceptions.iter().enumerate() {
            let holds = self.expr(scope, exception.condition)?;
            let holds = self.condition(holds)?;
            let counted = self.builder.create_block();
            let after = self.builder.create_block();
            self.builder.ins().brif(holds, counted, &[], after, &[]);
            self.builder.switch_to_block(counted);
            let count = self.builder.use_var(applicable);
            let count = self.builder.ins().iadd_imm_s(count, 1);
            self.builder.def_var(applicable, count);
            let this = self.builder.ins().iconst(types::I64, position as i64);
            self.builder.def_var(chosen, this);
            self.builder.ins().jump(after, &[]);
            self.builder.switch_to_block(after);
        }
        let count = self.builder.use_var(applicable);
        let ambiguous = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedGreaterThanOrEqual, count, 2);
        self.interpret_if(ambiguous);
        let done = self.builder.create_block();
        let base = self.builder.create_block();
        let exceptional = self.builder.create_block();
        let count = self.builder.use_var(applicable);
        self.builder.ins().brif(count, exceptional, &[], base, &[]);
        self.builder.switch_to_block(base);
        if let Some(requirement) = rule.require {
            self.require(scope, requirement)?;
        }
        self.builder.ins().jump(done, &[]);
        self.builder.switch_to_block(exceptional);
        for (position, exception) in rule.exceptions.iter().enumerate() {
            let Some(requirement) = exception.requirement else {
                continue;
            };
            let this = self.builder.create_block();
            let other = self.builder.create_block();
            let which = self.builder.use_var(chosen);
            let is_this = self
                .builder
                .ins()
                .icmp_imm_s(IntCC::Equal, which, position as i64);
            self.builder.ins().brif(is_this, this, &[], other, &[]);
            self.builder.switch_to_block(this);
            self.require(scope, requirement)?;
            self.builder.ins().jump(done, &[]);
            self.builder.switch_to_block(other);
        }
        // An exemption: nothing to check.
        self.builder.ins().jump(done, &[]);
        self.builder.switch_to_block(done);
        Ok(())
    }

    /// An assertion that must hold. A failure is recorded with the positions of the
    /// `for every` steps, for the interpreter to explain, and the walk goes on.
    fn require(&mut self, scope: Scope<'p>, requirement: NodeId) -> Compiled<()> {
        let holds = self.expr(scope, requirement)?;
        let holds = self.condition(holds)?;
        let failed = self.builder.create_block();
        let next = self.builder.create_block();
        self.builder.ins().brif(holds, next, &[], failed, &[]);
        self.builder.switch_to_block(failed);
        let mut positions = Vec::with_capacity(self.loop_positions.len());
        for local in self.loop_positions.clone() {
            let position = self.local(scope, local)?;
            positions.push(self.integer(position)?);
        }
        let (array, count) = self.operand_array(&positions);
        self.call(Host::RecordFailure, &[self.context, array, count]);
        self.builder.ins().jump(next, &[]);
        self.builder.switch_to_block(next);
        Ok(())
    }

    /// Leaves the record to the interpreter when `condition` is non-zero.
    fn interpret_if(&mut self, condition: Register) {
        let next = self.builder.create_block();
        self.builder
            .ins()
            .brif(condition, self.interpret, &[], next, &[]);
        self.builder.switch_to_block(next);
    }

    fn interpret_if_null(&mut self, pointer: Register) {
        let null = self.builder.ins().icmp_imm_s(IntCC::Equal, pointer, 0);
        self.interpret_if(null);
    }

    fn call(&mut self, host: Host, arguments: &[Register]) -> Register {
        let key = host as usize;
        let signature = match self.signatures.get(&key) {
            Some(signature) => *signature,
            None => {
                let (params, returns) = host.shape();
                let mut signature = Signature::new(self.call_convention);
                signature
                    .params
                    .extend(params.iter().map(|ty| AbiParam::new(*ty)));
                signature
                    .returns
                    .extend(returns.iter().map(|ty| AbiParam::new(*ty)));
                let signature = self.builder.import_signature(signature);
                self.signatures.insert(key, signature);
                signature
            }
        };
        let callee = self.builder.ins().iconst(types::I64, host.address());
        let call = self
            .builder
            .ins()
            .call_indirect(signature, callee, arguments);
        self.builder
            .inst_results(call)
            .first()
            .copied()
            .unwrap_or(callee)
    }

    fn condition(&mut self, value: Val) -> Compiled<Register> {
        match value {
            Val::Bool(register) => Ok(register),
            Val::Int(_) => Err(Unsupported(
                "an integer where a condition was expected".into(),
            )),
            Val::Ref(pointer) => {
                let outcome = self.call(Host::AsBool, &[pointer]);
                let undecided = self.builder.ins().icmp_imm_s(IntCC::Equal, outcome, 2);
                self.interpret_if(undecided);
                Ok(self.builder.ins().ireduce(types::I8, outcome))
            }
        }
    }

    fn integer(&mut self, value: Val) -> Compiled<Register> {
        match value {
            Val::Int(register) => Ok(register),
            Val::Bool(_) => Err(Unsupported(
                "a condition where an integer was expected".into(),
            )),
            Val::Ref(pointer) => {
                let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    8,
                    3,
                ));
                let address = self.builder.ins().stack_addr(types::I64, slot, 0);
                let ok = self.call(Host::AsInt, &[pointer, address]);
                let failed = self.builder.ins().icmp_imm_s(IntCC::Equal, ok, 0);
                self.interpret_if(failed);
                Ok(self
                    .builder
                    .ins()
                    .stack_load(types::I64, types::I64, slot, 0))
            }
        }
    }

    fn pointer(&mut self, value: Val) -> Register {
        match value {
            Val::Ref(pointer) => pointer,
            Val::Int(number) => {
                let pointer = self.call(Host::MakeInt, &[self.context, number]);
                self.interpret_if_null(pointer);
                pointer
            }
            Val::Bool(holds) => {
                let yes = self.builder.ins().iconst(types::I64, self.true_value);
                let no = self.builder.ins().iconst(types::I64, self.false_value);
                self.builder.ins().select(holds, yes, no)
            }
        }
    }

    fn in_kind(&mut self, value: Val, kind: Kind) -> Compiled<Register> {
        match kind {
            Kind::Bool => self.condition(value),
            Kind::Int => self.integer(value),
            Kind::Ref => Ok(self.pointer(value)),
        }
    }

    fn wrap(kind: Kind, register: Register) -> Val {
        match kind {
            Kind::Bool => Val::Bool(register),
            Kind::Int => Val::Int(register),
            Kind::Ref => Val::Ref(register),
        }
    }

    /// Binds a local. A value bound from data is checked first: a name bound to invalid data
    /// is the interpreter's to report.
    fn bind(&mut self, scope: Scope<'p>, local: LocalId, value: Val, check: bool) -> Compiled<()> {
        if let (true, Val::Ref(pointer)) = (check, value) {
            let bindable = self.call(Host::Bindable, &[pointer]);
            let invalid = self.builder.ins().icmp_imm_s(IntCC::Equal, bindable, 0);
            self.interpret_if(invalid);
        }
        let key = (scope.frame, local);
        let (variable, kind) = match self.locals.get(&key) {
            Some(known) => *known,
            None => {
                let kind = match value {
                    Val::Bool(_) => Kind::Bool,
                    Val::Int(_) => Kind::Int,
                    Val::Ref(_) => Kind::Ref,
                };
                let variable = self.builder.declare_var(kind.machine_type());
                self.locals.insert(key, (variable, kind));
                (variable, kind)
            }
        };
        let register = self.in_kind(value, kind)?;
        self.builder.def_var(variable, register);
        Ok(())
    }

    fn local(&mut self, scope: Scope<'p>, local: LocalId) -> Compiled<Val> {
        let Some((variable, kind)) = self.locals.get(&(scope.frame, local)).copied() else {
            return Err(Unsupported(format!(
                "`{}` is read before it is bound",
                scope
                    .body
                    .locals
                    .get(local.index())
                    .map_or("?", |name| name.as_ref())
            )));
        };
        Ok(Self::wrap(kind, self.builder.use_var(variable)))
    }

    /// Pointers to the operands, in a stack array.
    fn operand_array(&mut self, operands: &[Register]) -> (Register, Register) {
        let count = self.builder.ins().iconst(types::I64, operands.len() as i64);
        if operands.is_empty() {
            let null = self.builder.ins().iconst(types::I64, 0);
            return (null, count);
        }
        let size = u32::try_from(operands.len() * 8).unwrap_or(u32::MAX);
        let slot = self.builder.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            3,
        ));
        for (position, operand) in operands.iter().enumerate() {
            let offset = i32::try_from(position * 8).unwrap_or(i32::MAX);
            self.builder
                .ins()
                .stack_store(types::I64, *operand, slot, offset);
        }
        let address = self.builder.ins().stack_addr(types::I64, slot, 0);
        (address, count)
    }

    fn apply(
        &mut self,
        operation: Operation,
        accumulator: Option<Register>,
        operands: &[Register],
    ) -> Register {
        let descriptor = self.pool.operation(operation);
        let descriptor = self.builder.ins().iconst(types::I64, descriptor);
        let accumulator = match accumulator {
            Some(accumulator) => accumulator,
            None => self.builder.ins().iconst(types::I64, 0),
        };
        let (array, count) = self.operand_array(operands);
        let result = self.call(
            Host::Apply,
            &[self.context, descriptor, accumulator, array, count],
        );
        self.interpret_if_null(result);
        result
    }

    fn test(&mut self, test: Test, operands: &[Register]) -> Register {
        let descriptor = self.pool.test(test);
        let descriptor = self.builder.ins().iconst(types::I64, descriptor);
        let (array, count) = self.operand_array(operands);
        let outcome = self.call(Host::Test, &[self.context, descriptor, array, count]);
        let undecided = self.builder.ins().icmp_imm_s(IntCC::Equal, outcome, 2);
        self.interpret_if(undecided);
        self.builder.ins().ireduce(types::I8, outcome)
    }

    fn refs(&mut self, scope: Scope<'p>, nodes: &[NodeId]) -> Compiled<Vec<Register>> {
        let mut registers = Vec::with_capacity(nodes.len());
        for node in nodes {
            let value = self.expr(scope, *node)?;
            registers.push(self.pointer(value));
        }
        Ok(registers)
    }

    fn expr(&mut self, scope: Scope<'p>, node: NodeId) -> Compiled<Val> {
        let Some(current) = scope.body.node(node) else {
            return Err(Unsupported("a node is missing".into()));
        };
        let ty = scope.body.ty(node);
        match current {
            Node::Const(constant) => Ok(match constant {
                Constant::Bool(holds) => {
                    Val::Bool(self.builder.ins().iconst(types::I8, i64::from(*holds)))
                }
                Constant::Int(number) => Val::Int(self.builder.ins().iconst(types::I64, *number)),
                other => {
                    let address = self.pool.value(Value::from_constant(other));
                    Val::Ref(self.builder.ins().iconst(types::I64, address))
                }
            }),
            Node::Local(local) => self.local(scope, *local),
            Node::ConstRef(link) => {
                let index = link
                    .index
                    .ok_or_else(|| Unsupported(format!("`{}` was never linked", link.path)))?;
                let value = self.machine.constant_value(index).map_err(|error| {
                    Unsupported(format!("constant `{}`: {}", link.path, error.message))
                })?;
                let address = self.pool.value(value);
                Ok(Val::Ref(self.builder.ins().iconst(types::I64, address)))
            }
            Node::Field { base, index, .. } => {
                let base = self.expr(scope, *base)?;
                let base = self.pointer(base);
                let index = self.builder.ins().iconst(types::I32, i64::from(*index));
                let field = self.call(Host::Field, &[base, index]);
                self.interpret_if_null(field);
                Ok(Val::Ref(field))
            }
            Node::Project { base, index, .. } => {
                let base = self.refs(scope, &[*base])?;
                Ok(Val::Ref(self.apply(
                    Operation::Project(*index),
                    None,
                    &base,
                )))
            }
            Node::Unary { op, operand } => {
                let value = self.expr(scope, *operand)?;
                match op {
                    UnaryOp::Not => {
                        let holds = self.condition(value)?;
                        Ok(Val::Bool(self.builder.ins().bxor_imm_u(holds, 1)))
                    }
                    UnaryOp::NegateInt => {
                        let number = self.integer(value)?;
                        let minimum = self
                            .builder
                            .ins()
                            .icmp_imm_s(IntCC::Equal, number, i64::MIN);
                        self.interpret_if(minimum);
                        Ok(Val::Int(self.builder.ins().ineg(number)))
                    }
                    other => {
                        let operand = self.pointer(value);
                        Ok(Val::Ref(self.apply(
                            Operation::Unary(*other),
                            None,
                            &[operand],
                        )))
                    }
                }
            }
            Node::Binary { op, lhs, rhs } => self.binary(scope, *op, *lhs, *rhs),
            Node::And(left, right) | Node::Or(left, right) => {
                let is_and = matches!(current, Node::And(..));
                let result = self.builder.declare_var(types::I8);
                let left = self.expr(scope, *left)?;
                let left = self.condition(left)?;
                self.builder.def_var(result, left);
                let right_block = self.builder.create_block();
                let done = self.builder.create_block();
                if is_and {
                    self.builder.ins().brif(left, right_block, &[], done, &[]);
                } else {
                    self.builder.ins().brif(left, done, &[], right_block, &[]);
                }
                self.builder.switch_to_block(right_block);
                let right = self.expr(scope, *right)?;
                let right = self.condition(right)?;
                self.builder.def_var(result, right);
                self.builder.ins().jump(done, &[]);
                self.builder.switch_to_block(done);
                Ok(Val::Bool(self.builder.use_var(result)))
            }
            Node::If {
                condition,
                then,
                otherwise,
            } => {
                let kind = Kind::of_type(ty);
                let holds = self.expr(scope, *condition)?;
                let holds = self.condition(holds)?;
                let result = self.builder.declare_var(kind.machine_type());
                let then_block = self.builder.create_block();
                let else_block = self.builder.create_block();
                let done = self.builder.create_block();
                self.builder
                    .ins()
                    .brif(holds, then_block, &[], else_block, &[]);
                for (block, branch) in [(then_block, *then), (else_block, *otherwise)] {
                    self.builder.switch_to_block(block);
                    let value = self.expr(scope, branch)?;
                    let value = self.in_kind(value, kind)?;
                    self.builder.def_var(result, value);
                    self.builder.ins().jump(done, &[]);
                }
                self.builder.switch_to_block(done);
                Ok(Self::wrap(kind, self.builder.use_var(result)))
            }
            Node::Otherwise { value, default } => {
                let value = self.expr(scope, *value)?;
                let Val::Ref(pointer) = value else {
                    return Ok(value);
                };
                let kind = Kind::of_type(ty);
                let present = self.test(Test::Presence, &[pointer]);
                let result = self.builder.declare_var(kind.machine_type());
                let present_block = self.builder.create_block();
                let absent_block = self.builder.create_block();
                let done = self.builder.create_block();
                self.builder
                    .ins()
                    .brif(present, present_block, &[], absent_block, &[]);
                self.builder.switch_to_block(present_block);
                let given = self.in_kind(Val::Ref(pointer), kind)?;
                self.builder.def_var(result, given);
                self.builder.ins().jump(done, &[]);
                self.builder.switch_to_block(absent_block);
                let fallback = self.expr(scope, *default)?;
                let fallback = self.in_kind(fallback, kind)?;
                self.builder.def_var(result, fallback);
                self.builder.ins().jump(done, &[]);
                self.builder.switch_to_block(done);
                Ok(Self::wrap(kind, self.builder.use_var(result)))
            }
            Node::IsPresent(operand) => {
                let value = self.expr(scope, *operand)?;
                match value {
                    Val::Ref(pointer) => Ok(Val::Bool(self.test(Test::Presence, &[pointer]))),
                    Val::Bool(_) | Val::Int(_) => {
                        Ok(Val::Bool(self.builder.ins().iconst(types::I8, 1)))
                    }
                }
            }
            Node::IsEmpty(operand) => {
                let operand = self.refs(scope, &[*operand])?;
                Ok(Val::Bool(self.test(Test::IsEmpty, &operand)))
            }
            Node::Contains {
                collection,
                element,
            } => {
                // The interpreter reads the element first.
                let element = self.refs(scope, &[*element])?;
                let collection = self.refs(scope, &[*collection])?;
                let operands = [collection[0], element[0]];
                Ok(Val::Bool(self.test(Test::Contains, &operands)))
            }
            Node::Loop {
                kind,
                var,
                index,
                collection,
                skip,
                filter,
                body,
            } => self.fold(
                scope,
                ty,
                *kind,
                *var,
                *index,
                *collection,
                *skip,
                *filter,
                *body,
            ),
            Node::MakeList(items) => {
                let items = self.refs(scope, items)?;
                Ok(Val::Ref(self.apply(Operation::MakeList, None, &items)))
            }
            Node::MakeSet(items) => {
                let items = self.refs(scope, items)?;
                Ok(Val::Ref(self.apply(Operation::MakeSet, None, &items)))
            }
            Node::MakeRecord(fields) => {
                let fields = self.refs(scope, fields)?;
                Ok(Val::Ref(self.apply(Operation::MakeRecord, None, &fields)))
            }
            Node::Call { function, args } => {
                let index = function
                    .index
                    .ok_or_else(|| Unsupported(format!("`{}` was never linked", function.path)))?;
                let callee = self
                    .program
                    .functions
                    .get(index as usize)
                    .ok_or_else(|| Unsupported("an unknown function".into()))?;
                if self.depth >= MAX_INLINE_DEPTH {
                    return Err(Unsupported(format!(
                        "calls nest more than {MAX_INLINE_DEPTH} deep (through `{}`)",
                        function.path
                    )));
                }
                let callee_scope = Scope {
                    body: &callee.body,
                    frame: self.frames,
                };
                self.frames += 1;
                for (position, arg) in args.iter().enumerate() {
                    let value = self.expr(scope, *arg)?;
                    self.bind(callee_scope, LocalId::from_index(position), value, true)?;
                }
                self.depth += 1;
                let result = self.expr(callee_scope, callee.root);
                self.depth -= 1;
                result
            }
            Node::TableCall { table, args } => {
                let index = table
                    .index
                    .ok_or_else(|| Unsupported(format!("`{}` was never linked", table.path)))?;
                let args = self.refs(scope, args)?;
                Ok(Val::Ref(self.apply(Operation::Table(index), None, &args)))
            }
            Node::Builtin {
                builtin,
                args,
                link,
            } => {
                let first_type = args
                    .first()
                    .map(|arg| scope.body.ty(*arg).clone())
                    .unwrap_or(Type::Error);
                let args = self.refs(scope, args)?;
                let operation = Operation::Builtin {
                    builtin: *builtin,
                    link: link.as_ref().and_then(|link| link.index),
                    first_type,
                };
                Ok(Val::Ref(self.apply(operation, None, &args)))
            }
            Node::Matches { text, pattern } => {
                let text = self.refs(scope, &[*text])?;
                Ok(Val::Bool(self.test(Test::Matches(pattern.clone()), &text)))
            }
            Node::MissingFields {
                record,
                fields,
                provided,
            } => {
                let record = self.refs(scope, &[*record])?;
                let operation = Operation::Missing {
                    fields: fields.clone(),
                    provided: *provided,
                };
                Ok(Val::Ref(self.apply(operation, None, &record)))
            }
            Node::BusinessAdd {
                start,
                amount,
                unit,
                calendar,
            } => {
                let calendar = calendar
                    .index
                    .ok_or_else(|| Unsupported(format!("`{}` was never linked", calendar.path)))?;
                let start = self.refs(scope, &[*start])?;
                let operation = Operation::BusinessAdd {
                    amount: *amount,
                    unit: *unit,
                    calendar,
                };
                Ok(Val::Ref(self.apply(operation, None, &start)))
            }
            Node::Let { local, value, body } => {
                let value = self.expr(scope, *value)?;
                self.bind(scope, *local, value, true)?;
                self.expr(scope, *body)
            }
            Node::Update { base, path, value } => {
                let operands = self.refs(scope, &[*base, *value])?;
                Ok(Val::Ref(self.apply(
                    Operation::Update(path.clone()),
                    None,
                    &operands,
                )))
            }
        }
    }

    fn binary(
        &mut self,
        scope: Scope<'p>,
        op: BinaryOp,
        lhs: NodeId,
        rhs: NodeId,
    ) -> Compiled<Val> {
        let left = self.expr(scope, lhs)?;
        let right = self.expr(scope, rhs)?;
        let both_int = matches!(left, Val::Int(_)) || matches!(right, Val::Int(_));
        match op {
            BinaryOp::Compare(cmp, Domain::Int) if both_int => {
                let left = self.integer(left)?;
                let right = self.integer(right)?;
                Ok(Val::Bool(self.builder.ins().icmp(
                    int_condition(cmp),
                    left,
                    right,
                )))
            }
            BinaryOp::Compare(cmp @ (CmpOp::Eq | CmpOp::NotEq), Domain::Bool)
                if matches!((left, right), (Val::Bool(_), Val::Bool(_))) =>
            {
                let left = self.condition(left)?;
                let right = self.condition(right)?;
                Ok(Val::Bool(self.builder.ins().icmp(
                    int_condition(cmp),
                    left,
                    right,
                )))
            }
            BinaryOp::Compare(cmp, domain) => {
                let left = self.pointer(left);
                let right = self.pointer(right);
                Ok(Val::Bool(
                    self.test(Test::Compare(cmp, domain), &[left, right]),
                ))
            }
            BinaryOp::AddInt | BinaryOp::SubInt | BinaryOp::MulInt => {
                let left = self.integer(left)?;
                let right = self.integer(right)?;
                let (result, overflowed) = match op {
                    BinaryOp::AddInt => self.builder.ins().sadd_overflow(left, right),
                    BinaryOp::SubInt => self.builder.ins().ssub_overflow(left, right),
                    _ => self.builder.ins().smul_overflow(left, right),
                };
                self.interpret_if(overflowed);
                Ok(Val::Int(result))
            }
            other => {
                let left = self.pointer(left);
                let right = self.pointer(right);
                let result = self.apply(Operation::Binary(other), None, &[left, right]);
                // Integer results come back as values; a later integer operation reads them.
                Ok(Val::Ref(result))
            }
        }
    }

    /// Walks the elements of a list: binds `var` and `index`, skips the element at `skip`,
    /// and runs `each` with the block to continue with; falls through to `next` at the end.
    #[allow(clippy::too_many_arguments)]
    fn each_element(
        &mut self,
        scope: Scope<'p>,
        collection: Register,
        var: LocalId,
        index: LocalId,
        skip: Option<Register>,
        next: Block,
        mut each: impl FnMut(&mut Self, Block) -> Compiled<()>,
    ) -> Compiled<()> {
        let length = self.call(Host::ListLength, &[collection]);
        let not_a_list = self
            .builder
            .ins()
            .icmp_imm_s(IntCC::SignedLessThan, length, 0);
        self.interpret_if(not_a_list);
        let position = self.builder.declare_var(types::I64);
        let zero = self.builder.ins().iconst(types::I64, 0);
        self.builder.def_var(position, zero);
        let header = self.builder.create_block();
        let body = self.builder.create_block();
        let continue_block = self.builder.create_block();
        self.builder.ins().jump(header, &[]);
        self.builder.switch_to_block(header);
        let at = self.builder.use_var(position);
        let more = self.builder.ins().icmp(IntCC::SignedLessThan, at, length);
        self.builder.ins().brif(more, body, &[], next, &[]);
        self.builder.switch_to_block(body);
        let at = self.builder.use_var(position);
        if let Some(skip) = skip {
            let skipped = self.builder.ins().icmp(IntCC::Equal, at, skip);
            let kept = self.builder.create_block();
            self.builder
                .ins()
                .brif(skipped, continue_block, &[], kept, &[]);
            self.builder.switch_to_block(kept);
        }
        let element = self.call(Host::ListElement, &[collection, at]);
        self.interpret_if_null(element);
        self.bind(scope, var, Val::Ref(element), false)?;
        self.bind(scope, index, Val::Int(at), false)?;
        each(self, continue_block)?;
        self.builder.switch_to_block(continue_block);
        let at = self.builder.use_var(position);
        let following = self.builder.ins().iadd_imm_s(at, 1);
        self.builder.def_var(position, following);
        self.builder.ins().jump(header, &[]);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn fold(
        &mut self,
        scope: Scope<'p>,
        ty: &Type,
        kind: LoopKind,
        var: LocalId,
        index: LocalId,
        collection: NodeId,
        skip: Option<LocalId>,
        filter: Option<NodeId>,
        body: Option<NodeId>,
    ) -> Compiled<Val> {
        let collection = self.expr(scope, collection)?;
        let collection = self.pointer(collection);
        let skip = match skip {
            Some(local) => {
                let position = self.local(scope, local)?;
                Some(self.integer(position)?)
            }
            None => None,
        };
        let result_kind = match kind {
            LoopKind::Every | LoopKind::Some | LoopKind::No => Kind::Bool,
            LoopKind::Count | LoopKind::Sum(Domain::Int) => Kind::Int,
            _ => Kind::Ref,
        };
        let result = self.builder.declare_var(result_kind.machine_type());
        let initial = match kind {
            LoopKind::Every | LoopKind::No => self.builder.ins().iconst(types::I8, 1),
            LoopKind::Some => self.builder.ins().iconst(types::I8, 0),
            LoopKind::Collect => {
                let handle = self.call(Host::CollectStart, &[self.context]);
                let failed = self
                    .builder
                    .ins()
                    .icmp_imm_s(IntCC::SignedLessThan, handle, 0);
                self.interpret_if(failed);
                handle
            }
            _ => self.builder.ins().iconst(types::I64, 0),
        };
        self.builder.def_var(result, initial);
        let done = self.builder.create_block();
        let exit = self.builder.create_block();
        let body = match (kind, body) {
            (LoopKind::Count, _) => None,
            (_, Some(body)) => Some(body),
            (_, None) => return Err(Unsupported("a loop has no body".into())),
        };
        self.each_element(
            scope,
            collection,
            var,
            index,
            skip,
            exit,
            |compiler, continue_block| {
                if let Some(filter) = filter {
                    let kept = compiler.expr(scope, filter)?;
                    let kept = compiler.condition(kept)?;
                    let go = compiler.builder.create_block();
                    compiler
                        .builder
                        .ins()
                        .brif(kept, go, &[], continue_block, &[]);
                    compiler.builder.switch_to_block(go);
                }
                match kind {
                    LoopKind::Every | LoopKind::Some | LoopKind::No => {
                        let Some(body) = body else {
                            return Err(Unsupported("a quantifier has no body".into()));
                        };
                        let holds = compiler.expr(scope, body)?;
                        let holds = compiler.condition(holds)?;
                        let decided = compiler.builder.create_block();
                        let (decides_when, answer) = match kind {
                            LoopKind::Every => (false, 0),
                            LoopKind::Some => (true, 1),
                            _ => (true, 0),
                        };
                        if decides_when {
                            compiler
                                .builder
                                .ins()
                                .brif(holds, decided, &[], continue_block, &[]);
                        } else {
                            compiler
                                .builder
                                .ins()
                                .brif(holds, continue_block, &[], decided, &[]);
                        }
                        compiler.builder.switch_to_block(decided);
                        let answer = compiler.builder.ins().iconst(types::I8, answer);
                        compiler.builder.def_var(result, answer);
                        compiler.builder.ins().jump(done, &[]);
                    }
                    LoopKind::Count => {
                        let count = compiler.builder.use_var(result);
                        let count = compiler.builder.ins().iadd_imm_s(count, 1);
                        compiler.builder.def_var(result, count);
                        compiler.builder.ins().jump(continue_block, &[]);
                    }
                    LoopKind::Sum(Domain::Int) => {
                        let Some(body) = body else {
                            return Err(Unsupported("a sum has no value".into()));
                        };
                        let value = compiler.expr(scope, body)?;
                        let value = compiler.integer(value)?;
                        let total = compiler.builder.use_var(result);
                        let (total, overflowed) =
                            compiler.builder.ins().sadd_overflow(total, value);
                        compiler.interpret_if(overflowed);
                        compiler.builder.def_var(result, total);
                        compiler.builder.ins().jump(continue_block, &[]);
                    }
                    LoopKind::Sum(_) | LoopKind::Min(_) | LoopKind::Max(_) => {
                        let Some(body) = body else {
                            return Err(Unsupported("an aggregate has no value".into()));
                        };
                        let value = compiler.expr(scope, body)?;
                        let value = compiler.pointer(value);
                        let accumulator = compiler.builder.use_var(result);
                        let folded =
                            compiler.apply(Operation::Fold(kind), Some(accumulator), &[value]);
                        compiler.builder.def_var(result, folded);
                        compiler.builder.ins().jump(continue_block, &[]);
                    }
                    LoopKind::Collect => {
                        let Some(body) = body else {
                            return Err(Unsupported("a comprehension has no value".into()));
                        };
                        let value = compiler.expr(scope, body)?;
                        let value = compiler.pointer(value);
                        let handle = compiler.builder.use_var(result);
                        let pushed =
                            compiler.call(Host::CollectPush, &[compiler.context, handle, value]);
                        let failed = compiler.builder.ins().icmp_imm_s(IntCC::Equal, pushed, 0);
                        compiler.interpret_if(failed);
                        compiler.builder.ins().jump(continue_block, &[]);
                    }
                }
                Ok(())
            },
        )?;
        // The loop ran to its end.
        self.builder.switch_to_block(exit);
        match kind {
            LoopKind::Sum(domain) if domain != Domain::Int => {
                let accumulator = self.builder.use_var(result);
                let empty = self.builder.create_block();
                self.builder.ins().brif(accumulator, done, &[], empty, &[]);
                self.builder.switch_to_block(empty);
                let zero = self.apply(Operation::Zero(domain, ty.clone()), None, &[]);
                self.builder.def_var(result, zero);
                self.builder.ins().jump(done, &[]);
            }
            LoopKind::Min(_) | LoopKind::Max(_) => {
                let accumulator = self.builder.use_var(result);
                let absent = self.builder.ins().iconst(types::I64, self.absent_value);
                let value = self.builder.ins().select(accumulator, accumulator, absent);
                self.builder.def_var(result, value);
                self.builder.ins().jump(done, &[]);
            }
            LoopKind::Collect => {
                let handle = self.builder.use_var(result);
                let list = self.call(Host::CollectFinish, &[self.context, handle]);
                self.interpret_if_null(list);
                self.builder.def_var(result, list);
                self.builder.ins().jump(done, &[]);
            }
            _ => {
                self.builder.ins().jump(done, &[]);
            }
        }
        self.builder.switch_to_block(done);
        Ok(Self::wrap(result_kind, self.builder.use_var(result)))
    }
}

fn int_condition(op: CmpOp) -> IntCC {
    match op {
        CmpOp::Eq => IntCC::Equal,
        CmpOp::NotEq => IntCC::NotEqual,
        CmpOp::Lt => IntCC::SignedLessThan,
        CmpOp::LtEq => IntCC::SignedLessThanOrEqual,
        CmpOp::Gt => IntCC::SignedGreaterThan,
        CmpOp::GtEq => IntCC::SignedGreaterThanOrEqual,
    }
}
