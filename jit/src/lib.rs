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
    rule: String,
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
    code: native::CompiledCode,
    /// Constants and operation descriptors the compiled code points to; dropped after it.
    _pool: Pool,
    rulesets: Vec<(String, usize, Vec<CompiledRule>)>,
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
        let mut pool = Pool::default();
        let mut context = module.make_context();
        let mut function_context = FunctionBuilderContext::new();
        let mut functions: Vec<Option<FuncId>> = Vec::new();
        let mut rulesets = Vec::with_capacity(program.rulesets.len());
        let signature = rule_signature(module.isa().default_call_conv());
        for ruleset in &program.rulesets {
            let mut rules = Vec::with_capacity(ruleset.rules.len());
            for rule in &ruleset.rules {
                context.func.signature = signature.clone();
                let target = module.target_config();
                // A fault in the code generator or in Cranelift leaves this rule to the
                // interpreter: it never stops the rule set from loading.
                let entry = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    let builder = FunctionBuilder::new(&mut context.func, &mut function_context);
                    RuleCompiler::compile(
                        builder,
                        program,
                        machine,
                        &mut pool,
                        rule,
                        ruleset.inputs.len(),
                        target,
                    )
                    .map_err(|Unsupported(reason)| reason)?;
                    let id = module
                        .declare_anonymous_function(&signature)
                        .map_err(|error| format!("code generation failed: {error}"))?;
                    module
                        .define_function(id, &mut context)
                        .map_err(|error| format!("code generation failed: {error}"))?;
                    Ok(id)
                }))
                .unwrap_or_else(|_| Err("code generation failed".to_string()));
                if entry.is_err() {
                    // A function left half-built leaves the builder's context dirty.
                    function_context = FunctionBuilderContext::new();
                }
                module.clear_context(&mut context);
                let entry = entry.map(|id| {
                    functions.push(Some(id));
                    functions.len() - 1
                });
                rules.push(CompiledRule {
                    rule: rule.id.clone(),
                    entry,
                    decided: AtomicU64::new(0),
                    interpreted: AtomicU64::new(0),
                });
            }
            rulesets.push((ruleset.name.clone(), ruleset.inputs.len(), rules));
        }
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            native::CompiledCode::new(module, &functions)
        }))
        .unwrap_or_else(|_| Err("linking the compiled rules failed".to_string()))
        .map_err(JitError)?;
        Ok(Jit {
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
        self.rulesets
            .iter()
            .flat_map(|(ruleset, _, rules)| {
                rules.iter().map(move |rule| RuleStats {
                    ruleset: ruleset.clone(),
                    rule: rule.rule.clone(),
                    not_compiled: rule.entry.as_ref().err().cloned(),
                    decided: rule.decided.load(Ordering::Relaxed),
                    interpreted: rule.interpreted.load(Ordering::Relaxed),
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
        let (_, input_count, rules) = self.rulesets.get(ruleset)?;
        let compiled = rules.get(rule)?;
        let entry = *compiled.entry.as_ref().ok()?;
        if inputs.len() < *input_count {
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
        let mut store = context.into_store();
        // Nothing made for this record outlives its decision; only the memory is kept.
        store.truncate(1);
        for chunk in &mut store {
            chunk.clear();
        }
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
