//! The loaded program: what is computed once, when a program is loaded, and shared by every
//! evaluation (constants, calendars, regular expressions, code lookups, compiled tables).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use clearance_compiler::ir::{Body, Node, Program};
use clearance_compiler::syntax::ast::BusinessUnit;
use jiff::SignedDuration;
use regex::Regex;

use super::tables::CompiledTable;
use super::{Evaluator, NoObserver};
use crate::calendar::Calendar;
use crate::ops::{Eval, EvalError, EvalErrorKind, as_text, internal, overflow};
use crate::value::Value;

/// A loaded program: the IR plus what is computed once at load (constants, calendars, regular
/// expressions, table patterns). Immutable and shared by every thread.
pub struct Machine {
    pub program: Arc<Program>,
    pub(super) consts: Vec<OnceLock<Eval<Value>>>,
    pub(super) calendars: Vec<Result<Calendar, String>>,
    pub(super) regexes: HashMap<Arc<str>, Regex>,
    pub(super) tables: Vec<Result<CompiledTable, EvalError>>,
    /// Each code list's codes as data writes them (aliases included), by the list's path, for
    /// `to_code`.
    pub(super) code_lookups: HashMap<String, CodeLookup>,
}

pub(super) struct CodeLookup {
    pub(super) codes: HashMap<String, u32>,
    pub(super) open: Option<Regex>,
}

impl Machine {
    pub fn new(program: Arc<Program>) -> Machine {
        let mut regexes = HashMap::new();
        let mut collect = |body: &Body| {
            for node in &body.nodes {
                if let Node::Matches { pattern, .. } = node
                    && !regexes.contains_key(pattern)
                    && let Ok(regex) = Regex::new(pattern)
                {
                    regexes.insert(Arc::clone(pattern), regex);
                }
            }
        };
        for function in &program.functions {
            collect(&function.body);
        }
        for table in &program.tables {
            collect(&table.body);
        }
        for constant in &program.consts {
            collect(&constant.body);
        }
        for ruleset in &program.rulesets {
            for rule in &ruleset.rules {
                collect(&rule.body);
            }
            for example in &ruleset.examples {
                collect(&example.body);
            }
        }
        let calendars = program.calendars.iter().map(Calendar::new).collect();
        let consts = program.consts.iter().map(|_| OnceLock::new()).collect();
        let code_lookups = program
            .codelists
            .iter()
            .map(|list| {
                let mut codes = HashMap::new();
                for (index, code) in list.codes.iter().enumerate() {
                    let Ok(index) = u32::try_from(index) else {
                        continue;
                    };
                    codes.insert(code.external.clone(), index);
                    for alias in &code.aliases {
                        codes.entry(alias.clone()).or_insert(index);
                    }
                }
                let open = list
                    .open
                    .as_deref()
                    .and_then(|pattern| Regex::new(pattern).ok());
                (list.path.to_string(), CodeLookup { codes, open })
            })
            .collect();
        let mut machine = Machine {
            program,
            consts,
            calendars,
            regexes,
            tables: Vec::new(),
            code_lookups,
        };
        let tables = machine
            .program
            .tables
            .iter()
            .map(|table| machine.compile_table(table))
            .collect();
        machine.tables = tables;
        machine
    }

    /// Sets the value of a constant read from a data file.
    pub(crate) fn set_data_constant(&mut self, index: usize, value: Value) {
        if let Some(cell) = self.consts.get_mut(index) {
            *cell = OnceLock::from(Ok(value));
        }
    }

    /// Problems found at load time: calendars whose zone is unknown, tables whose patterns
    /// failed to evaluate. The compiler reports these too; this is the runtime's own guard.
    pub fn load_errors(&self) -> Vec<String> {
        let mut errors = Vec::new();
        for calendar in &self.calendars {
            if let Err(message) = calendar {
                errors.push(message.clone());
            }
        }
        for (table, compiled) in self.program.tables.iter().zip(&self.tables) {
            if let Err(error) = compiled {
                errors.push(format!("table `{}`: {}", table.path.name, error.message));
            }
        }
        errors
    }

    /// The value of the constant at `index` in the program, computed once.
    pub fn constant_value(&self, index: u32) -> Eval<Value> {
        Evaluator::new(self, NoObserver).constant(index)
    }

    /// Whether a text matches one of the program's patterns (`matches "..."`).
    pub fn matches(&self, pattern: &str, value: &Value) -> Eval<bool> {
        let Some(regex) = self.regexes.get(pattern) else {
            return Err(internal("a pattern was not compiled"));
        };
        Ok(regex.is_match(as_text(value)?))
    }

    /// A date-time moved by business hours or days on the calendar at `calendar`.
    pub fn business_add(
        &self,
        start: &Value,
        amount: i64,
        unit: BusinessUnit,
        calendar: u32,
    ) -> Eval<Value> {
        let Value::DateTime(start) = start else {
            return Err(EvalError::new(
                EvalErrorKind::AbsentValue,
                "business time was added to an absent date-time",
            ));
        };
        let calendar = self.calendar(calendar)?;
        let deadline = match unit {
            BusinessUnit::Hours => {
                let hours = amount.checked_mul(3600).ok_or_else(overflow)?;
                calendar.add_hours(start, SignedDuration::from_secs(hours))
            }
            BusinessUnit::Days => calendar.add_days(start, amount),
        }
        .map_err(|message| EvalError::new(EvalErrorKind::InvalidArgument, message))?;
        Ok(Value::DateTime(Arc::new(deadline)))
    }

    pub fn calendar(&self, index: u32) -> Eval<&Calendar> {
        match self.calendars.get(index as usize) {
            Some(Ok(calendar)) => Ok(calendar),
            Some(Err(message)) => Err(EvalError::new(
                EvalErrorKind::InvalidDefinition,
                message.clone(),
            )),
            None => Err(internal("unknown calendar")),
        }
    }
}
