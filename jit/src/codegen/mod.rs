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
use clearance_ir::{Body, CmpOp, Domain, LocalId, NodeId, Program, RuleIr, Step};
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

mod expressions;
mod host_calls;
mod loops;

use host_calls::Host;

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
    /// Takes another pool's contents; the boxes move, so the addresses stay.
    pub(crate) fn absorb(&mut self, other: Pool) {
        self.values.extend(other.values);
        self.operations.extend(other.operations);
        self.tests.extend(other.tests);
    }

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
        self.decided(outcome)
    }

    /// A host test's outcome as a condition; undecided leaves the record to the interpreter.
    fn decided(&mut self, outcome: Register) -> Register {
        let undecided = self.builder.ins().icmp_imm_s(IntCC::Equal, outcome, 2);
        self.interpret_if(undecided);
        self.builder.ins().ireduce(types::I8, outcome)
    }

    /// Whether the value behind a pointer is present.
    fn presence(&mut self, pointer: Register) -> Register {
        let outcome = self.call(Host::Presence, &[pointer]);
        self.decided(outcome)
    }

    /// A comparison of two values, by the host's own comparison.
    fn compare(&mut self, op: CmpOp, domain: Domain, left: Register, right: Register) -> Register {
        let number = crate::host::comparison_number(op, domain);
        let number = self.builder.ins().iconst(types::I32, i64::from(number));
        let outcome = self.call(Host::Compare, &[left, right, number]);
        self.decided(outcome)
    }
}
