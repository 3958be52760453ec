//! Loops: `for every` steps, quantifiers, counts, sums, minima, maxima and comprehensions,
//! stopping where the interpreter stops.

use clearance_ir::types::Type;
use clearance_ir::{Domain, LocalId, LoopKind, NodeId};
use cranelift_codegen::ir::Value as Register;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{Block, InstBuilder, types};

use super::{Compiled, Host, Kind, RuleCompiler, Scope, Unsupported, Val};
use crate::host::Operation;

impl<'p> RuleCompiler<'p, '_> {
    /// Walks the elements of a list: binds `var` and `index`, skips the element at `skip`,
    /// and runs `each` with the block to continue with; falls through to `next` at the end.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn each_element(
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
    pub(super) fn fold(
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
