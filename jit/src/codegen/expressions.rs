//! Expressions: each IR node to native code or a host call, in the interpreter's order.

use clearance_ir::types::Type;
use clearance_ir::{BinaryOp, CmpOp, Constant, Domain, LocalId, Node, NodeId, UnaryOp};
use clearance_runtime::value::Value;
use cranelift_codegen::ir::Value as Register;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, types};

use super::{Compiled, Host, Kind, MAX_INLINE_DEPTH, RuleCompiler, Scope, Unsupported, Val};
use crate::host::{Operation, Test};

impl<'p> RuleCompiler<'p, '_> {
    pub(super) fn refs(&mut self, scope: Scope<'p>, nodes: &[NodeId]) -> Compiled<Vec<Register>> {
        let mut registers = Vec::with_capacity(nodes.len());
        for node in nodes {
            let value = self.expr(scope, *node)?;
            registers.push(self.pointer(value));
        }
        Ok(registers)
    }

    pub(super) fn expr(&mut self, scope: Scope<'p>, node: NodeId) -> Compiled<Val> {
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
                let present = self.presence(pointer);
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
                    Val::Ref(pointer) => Ok(Val::Bool(self.presence(pointer))),
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
                Ok(Val::Bool(self.compare(cmp, domain, left, right)))
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
