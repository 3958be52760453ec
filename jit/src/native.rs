//! Everything unsafe in the JIT, in one module: the host functions compiled code calls (they
//! take raw pointers), the memory of the compiled code, and the call into it.
//!
//! The contract between compiled code and these functions: every `*const Value` compiled code
//! holds points to a value that lives for the whole evaluation of one rule (an input, an
//! element or field of one, a constant of the compiled module, or a value made by a host
//! function and kept in the [`HostContext`] until the rule is decided); a null pointer means
//! "leave this record to the interpreter" and is never read.
#![allow(unsafe_code)]

use clearance_runtime::value::Value;
use cranelift_jit::JITModule;
use cranelift_module::FuncId;

use crate::host::{self, HostContext, Operation, Test, UNDECIDED};

/// The value behind a pointer compiled code passed, `None` for null.
///
/// # Safety
/// `pointer` is null or points to a value that lives for the evaluation (the module contract).
unsafe fn value<'a>(pointer: *const Value) -> Option<&'a Value> {
    // SAFETY: by the module contract, a non-null pointer from compiled code points to a live
    // value that nothing mutates while the rule is evaluated.
    unsafe { pointer.as_ref() }
}

/// The operands compiled code passed as an array of `count` pointers, none of them null.
///
/// # Safety
/// `operands` points to `count` pointers, each satisfying the module contract.
unsafe fn operands<'a>(operands: *const *const Value, count: usize) -> Option<&'a [&'a Value]> {
    if count == 0 {
        return Some(&[]);
    }
    // SAFETY: compiled code passes the address of a stack array of `count` pointers.
    let pointers = unsafe { std::slice::from_raw_parts(operands, count) };
    if pointers.iter().any(|pointer| pointer.is_null()) {
        return None;
    }
    // SAFETY: a non-null `*const Value` to a live value and a `&Value` have the same layout
    // and meaning, and each value lives for the evaluation (the module contract): the array
    // is read as references, with no copy and no allocation per call.
    Some(unsafe { std::slice::from_raw_parts(operands.cast::<&'a Value>(), count) })
}

/// # Safety
/// `context` is the evaluation's context, which compiled code received as its first argument.
unsafe fn context<'a, 'm>(context: *mut HostContext<'m>) -> Option<&'a mut HostContext<'m>> {
    // SAFETY: the caller of the compiled function passes a live, exclusive context, and no
    // other reference to it exists while compiled code runs.
    unsafe { context.as_mut() }
}

/// Field `index` of a record, or null when the value is not a record (an absent record).
pub(crate) extern "C" fn field(record: *const Value, index: u32) -> *const Value {
    // SAFETY: `record` satisfies the module contract.
    match unsafe { value(record) } {
        Some(Value::Record(fields)) => fields
            .get(index as usize)
            .map_or(std::ptr::null(), |field| field as *const Value),
        _ => std::ptr::null(),
    }
}

/// The length of a list, or -1 when the value is not a list.
pub(crate) extern "C" fn list_length(list: *const Value) -> i64 {
    // SAFETY: `list` satisfies the module contract.
    match unsafe { value(list) } {
        Some(Value::List(items)) => i64::try_from(items.len()).unwrap_or(-1),
        _ => -1,
    }
}

/// Element `position` of a list, or null when it is out of range or invalid data (which the
/// interpreter reports when the rule reads it).
pub(crate) extern "C" fn list_element(list: *const Value, position: i64) -> *const Value {
    // SAFETY: `list` satisfies the module contract.
    let Some(Value::List(items)) = (unsafe { value(list) }) else {
        return std::ptr::null();
    };
    match usize::try_from(position).ok().and_then(|at| items.get(at)) {
        Some(Value::Invalid) | None => std::ptr::null(),
        Some(item) => item as *const Value,
    }
}

/// A boolean value: 0, 1, or 2 when it is not a boolean (absent, invalid).
pub(crate) extern "C" fn as_bool(pointer: *const Value) -> u32 {
    // SAFETY: `pointer` satisfies the module contract.
    match unsafe { value(pointer) } {
        Some(Value::Bool(holds)) => u32::from(*holds),
        _ => UNDECIDED,
    }
}

/// An integer value written to `out`: 1, or 0 when it is not an integer.
pub(crate) extern "C" fn as_int(pointer: *const Value, out: *mut i64) -> u32 {
    // SAFETY: `pointer` satisfies the module contract.
    let Some(Value::Int(number)) = (unsafe { value(pointer) }) else {
        return 0;
    };
    // SAFETY: compiled code passes the address of an 8-byte stack slot.
    unsafe { out.write(*number) };
    1
}

/// Whether a value may be bound to a name: 1, or 0 for invalid data.
pub(crate) extern "C" fn bindable(pointer: *const Value) -> u32 {
    // SAFETY: `pointer` satisfies the module contract.
    match unsafe { value(pointer) } {
        Some(Value::Invalid) | None => 0,
        Some(_) => 1,
    }
}

/// An integer as a value, for operations that take values.
pub(crate) extern "C" fn make_int(
    context_pointer: *mut HostContext<'_>,
    number: i64,
) -> *const Value {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return std::ptr::null();
    };
    context.keep(Value::Int(number))
}

/// An operation on values; `accumulator` may be null (a fold's first step). Null when it fails.
pub(crate) extern "C" fn apply(
    context_pointer: *mut HostContext<'_>,
    operation: *const Operation,
    accumulator: *const Value,
    operand_pointers: *const *const Value,
    count: usize,
) -> *const Value {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return std::ptr::null();
    };
    // SAFETY: `operation` is a descriptor owned by the compiled module, alive while it runs.
    let Some(operation) = (unsafe { operation.as_ref() }) else {
        return std::ptr::null();
    };
    // SAFETY: operands and accumulator satisfy the module contract.
    let (Some(operands), accumulator) = (unsafe { operands(operand_pointers, count) }, unsafe {
        value(accumulator)
    }) else {
        return std::ptr::null();
    };
    match host::apply(context, operation, accumulator, operands) {
        Some(result) => context.keep(result),
        None => std::ptr::null(),
    }
}

/// A test on values: 0, 1, or 2 to leave the record to the interpreter.
pub(crate) extern "C" fn test(
    context_pointer: *mut HostContext<'_>,
    test: *const Test,
    operand_pointers: *const *const Value,
    count: usize,
) -> u32 {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return UNDECIDED;
    };
    // SAFETY: `test` is a descriptor owned by the compiled module, alive while it runs.
    let Some(test) = (unsafe { test.as_ref() }) else {
        return UNDECIDED;
    };
    // SAFETY: the operands satisfy the module contract.
    let Some(operands) = (unsafe { operands(operand_pointers, count) }) else {
        return UNDECIDED;
    };
    host::test(context, test, operands)
}

/// Whether a value is present: 0 for absent, 1, or 2 for invalid data.
pub(crate) extern "C" fn presence(pointer: *const Value) -> u32 {
    // SAFETY: `pointer` satisfies the module contract.
    match unsafe { value(pointer) } {
        Some(value) => host::presence(value),
        None => UNDECIDED,
    }
}

/// A comparison of two values by its number (`host::comparison_number`): 0, 1, or 2 to
/// leave the record to the interpreter.
pub(crate) extern "C" fn compare(left: *const Value, right: *const Value, comparison: u32) -> u32 {
    // SAFETY: both pointers satisfy the module contract.
    match (unsafe { value(left) }, unsafe { value(right) }) {
        (Some(left), Some(right)) => host::compare(left, right, comparison),
        _ => UNDECIDED,
    }
}

/// Starts collecting a list; gives its handle.
pub(crate) extern "C" fn collect_start(context_pointer: *mut HostContext<'_>) -> i64 {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return -1;
    };
    context.collecting.push(Vec::new());
    i64::try_from(context.collecting.len() - 1).unwrap_or(-1)
}

/// Adds a value to a list being collected: 1, or 0 when the handle is unknown.
pub(crate) extern "C" fn collect_push(
    context_pointer: *mut HostContext<'_>,
    handle: i64,
    element: *const Value,
) -> u32 {
    // SAFETY: the compiled function's context argument; `element` satisfies the contract.
    let (Some(context), Some(element)) = (unsafe { context(context_pointer) }, unsafe {
        value(element)
    }) else {
        return 0;
    };
    match usize::try_from(handle)
        .ok()
        .and_then(|at| context.collecting.get_mut(at))
    {
        Some(list) => {
            list.push(element.clone());
            1
        }
        None => 0,
    }
}

/// The collected list as a value (the shared empty list when nothing was collected).
pub(crate) extern "C" fn collect_finish(
    context_pointer: *mut HostContext<'_>,
    handle: i64,
) -> *const Value {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return std::ptr::null();
    };
    let Some(list) = usize::try_from(handle)
        .ok()
        .and_then(|at| context.collecting.get_mut(at))
    else {
        return std::ptr::null();
    };
    let list = std::mem::take(list);
    let value = if list.is_empty() {
        Value::empty_list()
    } else {
        Value::List(list.into())
    };
    context.keep(value)
}

/// Records that the assertion failed at the binding whose `for every` positions are the
/// `count` integers at `positions`.
pub(crate) extern "C" fn record_failure(
    context_pointer: *mut HostContext<'_>,
    positions: *const i64,
    count: usize,
) {
    // SAFETY: the compiled function's context argument.
    let Some(context) = (unsafe { context(context_pointer) }) else {
        return;
    };
    let positions: &[i64] = if count == 0 {
        &[]
    } else {
        // SAFETY: compiled code passes the address of a stack array of `count` integers.
        unsafe { std::slice::from_raw_parts(positions, count) }
    };
    context.failures.push(
        positions
            .iter()
            .map(|position| usize::try_from(*position).unwrap_or(usize::MAX))
            .collect(),
    );
}

/// A compiled rule: `fn(context, inputs) -> outcome`.
type RuleEntry = extern "C" fn(*mut HostContext<'_>, *const Value) -> u32;

/// The compiled code of a rule set, and the functions in it.
pub(crate) struct CompiledCode {
    /// Owns the executable memory the function pointers point into; never used again.
    _module: JITModule,
    entries: Vec<Option<RuleEntry>>,
}

// SAFETY: after `finalize_definitions` the module's memory is read-only executable code that
// no thread writes; the module itself is never touched again, only kept alive.
unsafe impl Send for CompiledCode {}
// SAFETY: as above: shared use only calls the immutable compiled functions.
unsafe impl Sync for CompiledCode {}

impl CompiledCode {
    /// Takes a finalized module and the functions defined in it (by rule, `None` for a rule
    /// that did not compile).
    pub(crate) fn new(
        mut module: JITModule,
        functions: &[Option<FuncId>],
    ) -> Result<CompiledCode, String> {
        module
            .finalize_definitions()
            .map_err(|error| error.to_string())?;
        let entries = functions
            .iter()
            .map(|function| {
                function.map(|function| {
                    let code = module.get_finalized_function(function);
                    // SAFETY: `code` is the finalized function built with the signature
                    // `(pointer, pointer) -> i32` in the host's calling convention, which is
                    // `RuleEntry`'s.
                    unsafe { std::mem::transmute::<*const u8, RuleEntry>(code) }
                })
            })
            .collect();
        Ok(CompiledCode {
            _module: module,
            entries,
        })
    }

    /// Runs compiled rule `position` on the rule set's inputs: its outcome (0 not
    /// applicable, 1 passed, 2 leave it to the interpreter), or `None` when it did not compile.
    pub(crate) fn run(
        &self,
        position: usize,
        context: &mut HostContext<'_>,
        inputs: &[Value],
    ) -> Option<u32> {
        let entry = (*self.entries.get(position)?)?;
        // Compiled code reads input `k` at `inputs + k * size_of::<Value>()`, only for `k`
        // below the rule set's input count, which the engine always passes in full.
        Some(entry(context, inputs.as_ptr()))
    }
}
