//! The Cranelift JIT: each rule's decision compiled to native code.
//!
//! [`Jit::compile`] compiles every rule of a loaded [`RuleSet`]; the rule set then runs with it
//! as its [`RuleDecider`] (`RuleSet::with_decider`). Compiled code decides the common case, a
//! rule that passes or does not apply; a failure, an error, or any value it does not decide
//! itself (absent where a value is needed, invalid data) it leaves to the interpreter, which
//! gives the result and explains it. So findings are the interpreter's, byte for byte, whichever
//! backend ran; `tests/differential.rs` checks the decisions against the interpreter's on the
//! rule library's examples and on generated records.
//!
//! A rule that does not compile (a construct the code generator refuses) runs on the
//! interpreter; [`Jit::stats`] says which rules did and why.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clearance_runtime::interp::Machine;
use clearance_runtime::value::Value;
use clearance_runtime::{Decision, RuleDecider, RuleSet};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Module, default_libcall_names};
use jiff::civil::Date;
use rayon::prelude::*;

mod codegen;
mod host;
mod native;

use codegen::{NOT_APPLICABLE, PASSED, Pool, RuleCompiler, Unsupported, rule_signature};

/// The JIT could not start: the host is not a target Cranelift supports, or its settings were
/// refused.
#[derive(Debug)]
pub struct JitError(pub String);

impl std::fmt::Display for JitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the JIT could not start: {}", self.0)
    }
}

impl std::error::Error for JitError {}

struct CompiledRule {
    /// The position of its function in the compiled code, or why it was not compiled.
    entry: Result<usize, String>,
    decided: AtomicU64,
    interpreted: AtomicU64,
}

thread_local! {
    /// The values host functions made for the last rule this thread decided, emptied and
    /// reused by the next, so that deciding a rule allocates nothing in the common case.
    static STORE: std::cell::RefCell<Vec<Vec<Value>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The compiled rules of one rule set.
pub struct Jit {
    /// The program the rules were compiled from: the only one this JIT decides for.
    program: std::sync::Arc<clearance_ir::Program>,
    code: native::CompiledCode,
    /// Constants and operation descriptors the compiled code points to; dropped after it.
    _pool: Pool,
    /// Each rule set's rules, in the program's order (names and inputs are the program's).
    rulesets: Vec<Vec<CompiledRule>>,
    compile_time: Duration,
    counting: bool,
}

/// How one rule ran: by which backend, and how many records each decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleStats {
    pub ruleset: String,
    pub rule: String,
    /// Why the rule runs on the interpreter, when it does not compile.
    pub not_compiled: Option<String>,
    /// Records compiled code decided (passed or not applicable).
    pub decided: u64,
    /// Records compiled code left to the interpreter (failures, errors, absent or invalid
    /// values).
    pub interpreted: u64,
}

/// A rule's machine code. It may live at any address: it calls host functions through
/// addresses written in its instructions and refers to no symbol, so it needs no relocation.
struct CompiledFunction {
    bytes: Vec<u8>,
    alignment: u64,
}

/// Compiles one rule to machine code. A fault in the code generator or in Cranelift leaves
/// the rule to the interpreter: it never stops the rule set from loading.
#[allow(clippy::too_many_arguments)]
fn compile_rule(
    isa: &dyn cranelift_codegen::isa::TargetIsa,
    signature: &cranelift_codegen::ir::Signature,
    target: cranelift_codegen::isa::TargetFrontendConfig,
    program: &clearance_ir::Program,
    machine: &Machine,
    pool: &mut Pool,
    rule: &clearance_ir::RuleIr,
    input_count: usize,
) -> Result<CompiledFunction, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut context = cranelift_codegen::Context::new();
        context.func.signature = signature.clone();
        let mut function_context = FunctionBuilderContext::new();
        let builder = FunctionBuilder::new(&mut context.func, &mut function_context);
        RuleCompiler::compile(builder, program, machine, pool, rule, input_count, target)
            .map_err(|Unsupported(reason)| reason)?;
        let compiled = context
            .compile(
                isa,
                &mut cranelift_codegen::control::ControlPlane::default(),
            )
            .map_err(|error| format!("code generation failed: {:?}", error.inner))?;
        if !compiled.buffer.relocs().is_empty() {
            return Err("code generation failed: the code needs relocations".to_string());
        }
        Ok(CompiledFunction {
            bytes: compiled.code_buffer().to_vec(),
            alignment: u64::from(compiled.buffer.alignment),
        })
    }))
    .unwrap_or_else(|_| Err("code generation failed".to_string()))
}

/// The rule set as `clearance run` and `clearance serve` evaluate it by default: with its rules
/// compiled, deciding what they can (`counting` as [`Jit::counting`]). When the rules do not
/// compile, the rule set is returned as it was, for the interpreter, with the reason.
pub fn attach(
    rule_set: RuleSet,
    counting: bool,
) -> (RuleSet, Option<std::sync::Arc<Jit>>, Option<JitError>) {
    match Jit::compile(&rule_set) {
        Ok(jit) => {
            let jit = std::sync::Arc::new(jit.counting(counting));
            (rule_set.with_decider(jit.clone()), Some(jit), None)
        }
        Err(error) => (rule_set, None, Some(error)),
    }
}

impl Jit {
    /// Compiles every rule of `rule_set`. Data files must already be bound (`with_data`):
    /// constants are computed now.
    pub fn compile(rule_set: &RuleSet) -> Result<Jit, JitError> {
        let started = Instant::now();
        let mut flags = settings::builder();
        // Frame pointers let a profiler walk through compiled code into the host functions.
        for (name, value) in [
            ("opt_level", "speed"),
            ("is_pic", "false"),
            ("preserve_frame_pointers", "true"),
        ] {
            flags
                .set(name, value)
                .map_err(|error| JitError(format!("setting `{name}`: {error}")))?;
        }
        let isa = cranelift_native::builder()
            .map_err(|error| JitError(error.to_string()))?
            .finish(settings::Flags::new(flags))
            .map_err(|error| JitError(error.to_string()))?;
        let mut module = JITModule::new(JITBuilder::with_isa(isa, default_libcall_names()));
        let machine = rule_set.machine();
        let program = &machine.program;
        let signature = rule_signature(module.isa().default_call_conv());
        let target = module.target_config();
        // Rules compile to machine code independently, on every core; each keeps the
        // constants its code points to in a pool of its own.
        let all_rules: Vec<(&clearance_ir::RuleIr, usize)> = program
            .rulesets
            .iter()
            .flat_map(|ruleset| {
                ruleset
                    .rules
                    .iter()
                    .map(move |rule| (rule, ruleset.inputs.len()))
            })
            .collect();
        let isa = module.isa();
        let built: Vec<(Result<CompiledFunction, String>, Pool)> = all_rules
            .par_iter()
            .map(|(rule, input_count)| {
                let mut pool = Pool::default();
                let compiled = compile_rule(
                    isa,
                    &signature,
                    target,
                    program,
                    machine,
                    &mut pool,
                    rule,
                    *input_count,
                );
                (compiled, pool)
            })
            .collect();
        let mut pool = Pool::default();
        let mut functions: Vec<Option<FuncId>> = Vec::new();
        let mut entries = Vec::with_capacity(built.len());
        for (compiled, rule_pool) in built {
            pool.absorb(rule_pool);
            let entry = compiled.and_then(|function| {
                let id = module
                    .declare_anonymous_function(&signature)
                    .map_err(|error| format!("code generation failed: {error}"))?;
                module
                    .define_function_bytes(id, function.alignment, &function.bytes, &[])
                    .map_err(|error| format!("code generation failed: {error}"))?;
                functions.push(Some(id));
                Ok(functions.len() - 1)
            });
            entries.push(entry);
        }
        let mut entries = entries.into_iter();
        let rulesets = program
            .rulesets
            .iter()
            .map(|ruleset| {
                ruleset
                    .rules
                    .iter()
                    .map(|_| CompiledRule {
                        entry: entries
                            .next()
                            .unwrap_or_else(|| Err("the rule was not compiled".to_string())),
                        decided: AtomicU64::new(0),
                        interpreted: AtomicU64::new(0),
                    })
                    .collect()
            })
            .collect();
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            native::CompiledCode::new(module, &functions)
        }))
        .unwrap_or_else(|_| Err("linking the compiled rules failed".to_string()))
        .map_err(JitError)?;
        Ok(Jit {
            program: std::sync::Arc::clone(&machine.program),
            code,
            _pool: pool,
            rulesets,
            compile_time: started.elapsed(),
            counting: false,
        })
    }

    /// Counts, per rule, the records compiled code decided and those it left to the
    /// interpreter (for `--stats`; off by default, as counting is shared between threads).
    pub fn counting(mut self, counting: bool) -> Jit {
        self.counting = counting;
        self
    }

    /// The time [`Jit::compile`] took.
    pub fn compile_time(&self) -> Duration {
        self.compile_time
    }

    /// Every rule, in program order: whether it compiled and what it decided.
    pub fn stats(&self) -> Vec<RuleStats> {
        self.program
            .rulesets
            .iter()
            .zip(&self.rulesets)
            .flat_map(|(ruleset, compiled)| {
                ruleset
                    .rules
                    .iter()
                    .zip(compiled)
                    .map(move |(rule, compiled)| RuleStats {
                        ruleset: ruleset.name.clone(),
                        rule: rule.id.clone(),
                        not_compiled: compiled.entry.as_ref().err().cloned(),
                        decided: compiled.decided.load(Ordering::Relaxed),
                        interpreted: compiled.interpreted.load(Ordering::Relaxed),
                    })
            })
            .collect()
    }
}

impl RuleDecider for Jit {
    fn decide(
        &self,
        machine: &Machine,
        ruleset: usize,
        rule: usize,
        inputs: &[Value],
        as_of: Date,
    ) -> Option<Decision> {
        // Compiled code holds this program's constants and positions: another program's rule
        // set runs on its interpreter.
        if !std::sync::Arc::ptr_eq(&machine.program, &self.program) {
            return None;
        }
        let compiled = self.rulesets.get(ruleset)?.get(rule)?;
        let entry = *compiled.entry.as_ref().ok()?;
        // Compiled code reads the rule set's inputs by position.
        if inputs.len() < self.program.rulesets.get(ruleset)?.inputs.len() {
            return None;
        }
        let store = STORE.with(|store| {
            store
                .try_borrow_mut()
                .map(|mut store| std::mem::take(&mut *store))
        });
        let mut context = host::HostContext::new(machine, as_of, store.unwrap_or_default());
        let outcome = self.code.run(entry, &mut context, inputs);
        let outcome = outcome?;
        let decision = match i64::from(outcome) {
            PASSED | NOT_APPLICABLE if !context.failures.is_empty() => {
                Decision::Failed(std::mem::take(&mut context.failures))
            }
            PASSED => Decision::Passed,
            NOT_APPLICABLE => Decision::NotApplicable,
            // INTERPRET, or anything else compiled code could return.
            _ => Decision::Interpret,
        };
        let store = context.into_store();
        STORE.with(|slot| {
            if let Ok(mut slot) = slot.try_borrow_mut() {
                *slot = store;
            }
        });
        if self.counting {
            let counter = if decision == Decision::Interpret {
                &compiled.interpreted
            } else {
                &compiled.decided
            };
            counter.fetch_add(1, Ordering::Relaxed);
        }
        Some(decision)
    }

    fn name(&self) -> &'static str {
        "jit"
    }
}
