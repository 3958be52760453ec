//! The embedding API: a loaded, checked rule set that threads share, one call to evaluate a
//! record, one for a batch. The command line uses exactly this API.

use std::sync::Arc;

use clearance_compiler::diagnostics::{FileDiagnostic, Severity};
use clearance_compiler::ir::{
    Body, Citation, LocalId, Node, NodeId, Program, RuleIr, RulesetIr, Step, Template,
    TemplatePiece,
};
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::Lang;
use jiff::civil::Date;
use rayon::prelude::*;
use serde_json::Value as Json;

use crate::bind::{BindError, BindErrorKind, Binder};
use crate::findings::{Finding, Observation, Provenance, RecordResult, RuleCounts, Texts, Verdict};
use crate::interp::{EvalError, Evaluator, Machine, NoObserver, Observer, Slot, frame};
use crate::value::{Value, display};

/// Record keys that are not inputs: the record's identifier and its own as-of date.
pub const RESERVED_KEYS: &[&str] = &["id", "as_of"];

/// A checked rule set, ready to evaluate records. It is immutable, `Send` and `Sync`: share
/// one behind an `Arc` between every thread of a validation server.
pub struct RuleSet {
    machine: Machine,
    binder: Binder,
    /// The parts of each rule's findings that never change, by rule set and rule position.
    metadata: Vec<Vec<RuleMeta>>,
}

/// What every finding of one rule shares.
#[derive(Clone, Debug)]
struct RuleMeta {
    title: Arc<Texts>,
    requirements: Arc<[String]>,
    citations: Arc<[Citation]>,
    assertion: Arc<str>,
}

/// Compiling failed; the diagnostics say why.
#[derive(Debug)]
pub struct CompileErrors {
    pub diagnostics: Vec<FileDiagnostic>,
    pub sources: clearance_compiler::diagnostics::render::SourceMap,
}

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}",
            clearance_compiler::diagnostics::render::render_human(
                &self.diagnostics,
                &self.sources,
                false
            )
        )
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rulesets", &self.machine.program.rulesets.len())
            .field("rules_hash", &self.machine.program.content_hash)
            .finish()
    }
}

/// How one rule fared on one record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleStatus {
    Passed,
    Failed(usize),
    NotApplicable,
    NotInForce,
    Error,
}

#[derive(Clone, Debug)]
pub struct RuleReport {
    pub rule: String,
    pub status: RuleStatus,
    pub findings: Vec<Finding>,
}

impl RuleSet {
    /// Compiles rule files (path and text) with the standard library. Errors (not warnings)
    /// refuse the rule set: a validation server never runs rules that did not check.
    pub fn compile(files: &[(String, String)]) -> Result<RuleSet, CompileErrors> {
        let mut project = Project::default();
        for (path, text) in files {
            project.add_file(path, text);
        }
        let diagnostics: Vec<FileDiagnostic> = project
            .diagnostics(|_| true)
            .into_iter()
            .filter(|diagnostic| diagnostic.diagnostic.is_error())
            .collect();
        if !diagnostics.is_empty() {
            return Err(CompileErrors {
                diagnostics,
                sources: project.sources(),
            });
        }
        Ok(RuleSet::from_program(project.program()))
    }

    /// Loads an already checked program.
    pub fn from_program(program: Arc<Program>) -> RuleSet {
        let binder = Binder::new(&program);
        let metadata = program
            .rulesets
            .iter()
            .map(|ruleset| {
                ruleset
                    .rules
                    .iter()
                    .map(|rule| RuleMeta {
                        title: Arc::new(Texts {
                            en: rule.title.best(Lang::En).to_string(),
                            fr: rule.title.best(Lang::Fr).to_string(),
                        }),
                        requirements: Arc::from(rule.requirements.clone()),
                        citations: Arc::from(rule.citations.clone()),
                        assertion: Arc::from(rule.assertion_text.as_str()),
                    })
                    .collect()
            })
            .collect();
        RuleSet {
            machine: Machine::new(program),
            binder,
            metadata,
        }
    }

    pub fn program(&self) -> &Program {
        &self.machine.program
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    fn provenance(&self, ruleset: Option<&RulesetIr>, as_of: Date) -> Arc<Provenance> {
        Arc::new(Provenance {
            ruleset: ruleset.map(|r| r.name.clone()).unwrap_or_default(),
            version: ruleset.map(|r| r.version.clone()).unwrap_or_default(),
            rules_hash: self.machine.program.content_hash.clone(),
            as_of: as_of.to_string(),
        })
    }

    /// Evaluates one record given as JSON text. Malformed JSON is a finding, not an error.
    pub fn evaluate_text(&self, text: &str, position: usize, as_of: Date) -> RecordResult {
        match serde_json::from_str::<Json>(text) {
            Ok(json) => self.evaluate(&json, position, as_of),
            Err(error) => self.invalid(
                position,
                None,
                as_of,
                vec![BindError {
                    path: String::new(),
                    kind: BindErrorKind::Malformed,
                    message: format!("the record is not valid JSON: {error}"),
                }],
            ),
        }
    }

    /// Evaluates a batch on every core, keeping the input order. `first_position` is the
    /// position of the first record in the whole input, for reports.
    pub fn evaluate_batch(
        &self,
        records: &[String],
        first_position: usize,
        as_of: Date,
    ) -> Vec<RecordResult> {
        records
            .par_iter()
            .enumerate()
            .map(|(offset, text)| self.evaluate_text(text, first_position + offset, as_of))
            .collect()
    }

    /// Evaluates parsed records on every core, keeping the input order.
    pub fn evaluate_values(
        &self,
        records: &[Json],
        first_position: usize,
        as_of: Date,
    ) -> Vec<RecordResult> {
        records
            .par_iter()
            .enumerate()
            .map(|(offset, json)| self.evaluate(json, first_position + offset, as_of))
            .collect()
    }

    /// A result for input that could not be read as records at all.
    pub fn unreadable(&self, position: usize, as_of: Date, message: String) -> RecordResult {
        self.invalid(
            position,
            None,
            as_of,
            vec![BindError {
                path: String::new(),
                kind: BindErrorKind::Malformed,
                message,
            }],
        )
    }

    fn invalid(
        &self,
        position: usize,
        id: Option<String>,
        as_of: Date,
        errors: Vec<BindError>,
    ) -> RecordResult {
        let provenance = self.provenance(None, as_of);
        RecordResult {
            record: position,
            source: None,
            line: None,
            id,
            verdict: Verdict::Invalid,
            as_of: as_of.to_string(),
            rules: RuleCounts::default(),
            findings: errors
                .iter()
                .map(|error| Finding::technical(error, provenance.clone()))
                .collect(),
        }
    }

    /// Evaluates one record: binds it to the inputs of every rule set, then runs the rules in
    /// force at `as_of` (or at the record's own `as_of`).
    pub fn evaluate(&self, json: &Json, position: usize, as_of: Date) -> RecordResult {
        let program = &self.machine.program;
        let Json::Object(object) = json else {
            return self.invalid(
                position,
                None,
                as_of,
                vec![BindError {
                    path: String::new(),
                    kind: BindErrorKind::WrongType,
                    message: "a record is a JSON object whose keys are the rule set's inputs"
                        .to_string(),
                }],
            );
        };
        let id = object.get("id").and_then(|id| match id {
            Json::String(text) => Some(text.clone()),
            Json::Number(number) => Some(number.to_string()),
            _ => None,
        });
        let mut errors = Vec::new();
        let as_of = match object.get("as_of") {
            None => as_of,
            Some(Json::String(text)) => match clearance_compiler::time::parse_date(text) {
                Ok(date) => date,
                Err(message) => {
                    errors.push(BindError {
                        path: "as_of".to_string(),
                        kind: BindErrorKind::InvalidValue,
                        message,
                    });
                    as_of
                }
            },
            Some(_) => {
                errors.push(BindError {
                    path: "as_of".to_string(),
                    kind: BindErrorKind::WrongType,
                    message: "`as_of` is a date such as \"2026-03-10\"".to_string(),
                });
                as_of
            }
        };
        // A record provides some inputs; the rule sets whose required inputs are all among
        // them run, the others do not concern this record.
        let mut inputs = Vec::with_capacity(program.inputs.len());
        let mut provided = Vec::with_capacity(program.inputs.len());
        for input in &program.inputs {
            let is_list = matches!(
                input.ty.base(),
                clearance_compiler::types::Type::List(_) | clearance_compiler::types::Type::Set(_)
            );
            let value = match object.get(&input.name) {
                None | Some(Json::Null) => {
                    provided.push(is_list || input.ty.is_optional());
                    if is_list {
                        Value::empty_list()
                    } else {
                        Value::Absent
                    }
                }
                Some(value) => {
                    provided.push(true);
                    self.binder.bind(value, &input.ty, &input.name, &mut errors)
                }
            };
            inputs.push(value);
        }
        let concerned: Vec<(usize, &RulesetIr)> = program
            .rulesets
            .iter()
            .enumerate()
            .filter(|(_, ruleset)| {
                ruleset
                    .inputs
                    .iter()
                    .all(|index| provided.get(*index as usize).copied().unwrap_or(false))
            })
            .collect();
        if concerned.is_empty() && errors.is_empty() {
            let mut names: Vec<&str> = program
                .inputs
                .iter()
                .map(|input| input.name.as_str())
                .collect();
            names.dedup();
            errors.push(BindError {
                path: String::new(),
                kind: BindErrorKind::MissingField,
                message: format!(
                    "the record provides the inputs of no loaded rule set; give at least one of: {}",
                    names.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
                ),
            });
        }
        for key in object.keys() {
            if !RESERVED_KEYS.contains(&key.as_str())
                && !program.inputs.iter().any(|input| &input.name == key)
            {
                let names = program
                    .inputs
                    .iter()
                    .map(|input| input.name.as_str())
                    .chain(RESERVED_KEYS.iter().copied());
                let hint = clearance_compiler::diagnostics::closest(key, names)
                    .map(|candidate| format!("; did you mean `{candidate}`?"))
                    .unwrap_or_default();
                errors.push(BindError {
                    path: key.clone(),
                    kind: BindErrorKind::UnknownField,
                    message: format!("`{key}` is not an input of the loaded rule sets{hint}"),
                });
            }
        }
        if !errors.is_empty() {
            return self.invalid(position, id, as_of, errors);
        }
        let mut counts = RuleCounts::default();
        let mut findings = Vec::new();
        for (index, ruleset) in concerned {
            if !ruleset.validity.contains(as_of) {
                continue;
            }
            let ruleset_inputs: Vec<Value> = ruleset
                .inputs
                .iter()
                .map(|index| {
                    inputs
                        .get(*index as usize)
                        .cloned()
                        .unwrap_or(Value::Absent)
                })
                .collect();
            for report in self.evaluate_ruleset(index, &ruleset_inputs, as_of) {
                match report.status {
                    RuleStatus::NotInForce => continue,
                    RuleStatus::Passed => counts.passed += 1,
                    RuleStatus::Failed(_) => counts.failed += 1,
                    RuleStatus::NotApplicable => counts.not_applicable += 1,
                    RuleStatus::Error => counts.errors += 1,
                }
                counts.evaluated += 1;
                findings.extend(report.findings);
            }
        }
        RecordResult {
            record: position,
            source: None,
            line: None,
            id,
            verdict: RecordResult::verdict_of(&findings),
            as_of: as_of.to_string(),
            rules: counts,
            findings,
        }
    }

    /// Runs every rule of one rule set on its inputs (in the rule set's input order).
    /// Runs every rule of the rule set at `index` in the program on its inputs (in the rule
    /// set's input order).
    pub fn evaluate_ruleset(&self, index: usize, inputs: &[Value], as_of: Date) -> Vec<RuleReport> {
        let program = &self.machine.program;
        let (Some(ruleset), Some(metadata)) =
            (program.rulesets.get(index), self.metadata.get(index))
        else {
            return Vec::new();
        };
        let provenance = std::cell::OnceCell::new();
        ruleset
            .rules
            .iter()
            .zip(metadata)
            .map(|(rule, meta)| {
                if !rule.validity.contains(as_of) {
                    return RuleReport {
                        rule: rule.id.clone(),
                        status: RuleStatus::NotInForce,
                        findings: Vec::new(),
                    };
                }
                RuleRun {
                    rule_set: self,
                    ruleset,
                    rule,
                    meta,
                    as_of,
                    provenance: &provenance,
                    reached: 0,
                    failures: 0,
                    findings: Vec::new(),
                    error: None,
                }
                .run(inputs)
            })
            .collect()
    }

    /// Binds one input of the loaded rule sets from JSON, as a record would provide it.
    pub fn bind_input(&self, name: &str, json: &Json) -> Result<Value, Vec<BindError>> {
        let Some(input) = self
            .machine
            .program
            .inputs
            .iter()
            .find(|input| input.name == name)
        else {
            return Err(vec![BindError {
                path: name.to_string(),
                kind: BindErrorKind::UnknownField,
                message: format!("`{name}` is not an input of the loaded rule sets"),
            }]);
        };
        let mut errors = Vec::new();
        let value = self.binder.bind(json, &input.ty, name, &mut errors);
        if errors.is_empty() {
            Ok(value)
        } else {
            Err(errors)
        }
    }

    /// Builds the inputs of an example, by evaluating its `given`.
    pub fn example_inputs(
        &self,
        ruleset: &RulesetIr,
        example: &clearance_compiler::ir::ExampleIr,
    ) -> Result<Vec<Value>, EvalError> {
        let mut frame = frame(example.body.locals.len());
        let mut evaluator = Evaluator::new(&self.machine, NoObserver);
        let given = evaluator.eval(&example.body, example.given, &mut frame)?;
        match given {
            Value::Record(fields) if fields.len() == ruleset.inputs.len() => Ok(fields.to_vec()),
            _ => Err(EvalError::new(
                "the example's `given` did not build the rule set's inputs",
            )),
        }
    }
}

/// The evaluation of one rule on one record.
struct RuleRun<'a> {
    rule_set: &'a RuleSet,
    ruleset: &'a RulesetIr,
    rule: &'a RuleIr,
    meta: &'a RuleMeta,
    as_of: Date,
    /// Shared by the rules of one rule set on one record, made at the first finding.
    provenance: &'a std::cell::OnceCell<Arc<Provenance>>,
    reached: usize,
    failures: usize,
    findings: Vec<Finding>,
    error: Option<EvalError>,
}

impl<'a> RuleRun<'a> {
    fn provenance(&self) -> Arc<Provenance> {
        Arc::clone(
            self.provenance
                .get_or_init(|| self.rule_set.provenance(Some(self.ruleset), self.as_of)),
        )
    }

    fn run(mut self, inputs: &[Value]) -> RuleReport {
        // Inputs are borrowed for the whole evaluation: loops over them bind by reference.
        let mut frame = frame(self.rule.body.locals.len().max(inputs.len()));
        for (slot, input) in frame.iter_mut().zip(inputs) {
            *slot = Slot::Borrowed(input);
        }
        let mut evaluator = Evaluator::new(&self.rule_set.machine, NoObserver);
        if let Err(error) = self.steps(&mut evaluator, 0, &mut frame) {
            self.error = Some(error);
        }
        let status = if let Some(error) = &self.error {
            self.findings.push(self.error_finding(error));
            RuleStatus::Error
        } else if self.failures > 0 {
            RuleStatus::Failed(self.failures)
        } else if self.reached > 0 {
            RuleStatus::Passed
        } else {
            RuleStatus::NotApplicable
        };
        RuleReport {
            rule: self.rule.id.clone(),
            status,
            findings: self.findings,
        }
    }

    fn steps<'i>(
        &mut self,
        evaluator: &mut Evaluator<'_, NoObserver>,
        position: usize,
        frame: &mut [Slot<'i>],
    ) -> Result<(), EvalError> {
        let body = &self.rule.body;
        let Some(step) = self.rule.steps.get(position) else {
            return self.assert(evaluator, frame);
        };
        match step {
            Step::ForEvery {
                var,
                index,
                collection,
            } => {
                let elements = evaluator.elements(body, *collection, frame)?;
                for item_position in 0..elements.len() {
                    frame[*var as usize] = elements.slot(item_position);
                    frame[*index as usize] =
                        Slot::Owned(Value::Int(i64::try_from(item_position).unwrap_or(i64::MAX)));
                    self.steps(evaluator, position + 1, frame)?;
                }
                Ok(())
            }
            Step::Let { local, value } => {
                frame[*local as usize] = Slot::Owned(evaluator.eval(body, *value, frame)?);
                self.steps(evaluator, position + 1, frame)
            }
            Step::When(condition) => {
                if evaluator.eval_bool(body, *condition, frame)? {
                    self.steps(evaluator, position + 1, frame)
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Decides the assertion at one binding, exceptions first.
    fn assert(
        &mut self,
        evaluator: &mut Evaluator<'_, NoObserver>,
        frame: &mut [Slot<'_>],
    ) -> Result<(), EvalError> {
        let body = &self.rule.body;
        self.reached += 1;
        let mut applicable = Vec::new();
        for exception in &self.rule.exceptions {
            if evaluator.eval_bool(body, exception.condition, frame)? {
                applicable.push(exception);
            }
        }
        let assertion = match applicable.as_slice() {
            [] => self.rule.require,
            [exception] => match exception.requirement {
                None => return Ok(()),
                Some(requirement) => Some(requirement),
            },
            [first, second, ..] => {
                return Err(EvalError::new(format!(
                    "two exceptions apply at once, so the rule is ambiguous for this record: `{}` and `{}`",
                    first.description, second.description
                )));
            }
        };
        let Some(assertion) = assertion else {
            return Ok(());
        };
        if evaluator.eval_bool(body, assertion, frame)? {
            return Ok(());
        }
        self.failures += 1;
        let finding = self.failure_finding(assertion, frame);
        self.findings.push(finding);
        Ok(())
    }

    fn texts(&self, templates: &[Template], frame: &mut [Slot<'_>]) -> Option<Texts> {
        if templates.is_empty() {
            return None;
        }
        let render = |lang: Lang, frame: &mut [Slot<'_>]| -> Option<String> {
            let template = templates.iter().find(|template| template.lang == lang)?;
            let mut evaluator = Evaluator::new(&self.rule_set.machine, NoObserver);
            let mut out = String::new();
            for piece in &template.pieces {
                match piece {
                    TemplatePiece::Text(text) => out.push_str(text),
                    TemplatePiece::Value(node) => {
                        match evaluator.eval(&self.rule.body, *node, frame) {
                            Ok(value) => out.push_str(&display(
                                &value,
                                self.rule.body.ty(*node),
                                &self.rule_set.machine.program,
                            )),
                            Err(error) => out.push_str(&format!("(?: {})", error.message)),
                        }
                    }
                }
            }
            Some(out)
        };
        let en = render(Lang::En, frame);
        let fr = render(Lang::Fr, frame);
        Some(Texts {
            en: en.clone().or_else(|| fr.clone()).unwrap_or_default(),
            fr: fr.or(en).unwrap_or_default(),
        })
    }

    fn failure_finding(&self, assertion: NodeId, frame: &mut [Slot<'_>]) -> Finding {
        let program = &self.rule_set.machine.program;
        let mut tracer = Tracer::new(self.rule, self.ruleset, frame, program);
        let loop_paths = tracer.loop_paths.clone();
        let mut evaluator = Evaluator::new(&self.rule_set.machine, tracer);
        let mut trace_frame = frame.to_vec();
        let _ = evaluator.eval(&self.rule.body, assertion, &mut trace_frame);
        tracer = evaluator.observer;
        let mut paths = loop_paths;
        for observation in &tracer.observations {
            if let Some(path) = &observation.path
                && !paths.contains(path)
            {
                paths.push(path.clone());
            }
        }
        let message = self
            .texts(&self.rule.message, frame)
            .unwrap_or_else(|| Texts {
                en: self.rule.title.best(Lang::En).to_string(),
                fr: self.rule.title.best(Lang::Fr).to_string(),
            });
        Finding {
            rule: self.rule.id.clone(),
            title: Arc::clone(&self.meta.title),
            severity: self.rule.severity,
            category: self.rule.category.as_str(),
            requirements: Arc::clone(&self.meta.requirements),
            message,
            fix: self.texts(&self.rule.fix, frame),
            paths,
            values: tracer.observations,
            assertion: Some(Arc::clone(&self.meta.assertion)),
            citations: Arc::clone(&self.meta.citations),
            provenance: self.provenance(),
        }
    }

    fn error_finding(&self, error: &EvalError) -> Finding {
        Finding {
            rule: self.rule.id.clone(),
            title: Arc::clone(&self.meta.title),
            severity: Severity::Error,
            category: "technical-validation",
            requirements: Arc::clone(&self.meta.requirements),
            message: Texts {
                en: format!("the rule could not be evaluated: {}", error.message),
                fr: format!("la règle n'a pas pu être évaluée : {}", error.message),
            },
            fix: None,
            paths: Vec::new(),
            values: Vec::new(),
            assertion: None,
            citations: Arc::clone(&self.meta.citations),
            provenance: self.provenance(),
        }
    }
}

/// Records what a failed assertion read, with the JSON path of each value.
struct Tracer<'a> {
    paths: Vec<Option<String>>,
    /// The elements the rule's `for every` steps stand for at this failure.
    loop_paths: Vec<String>,
    observations: Vec<Observation>,
    program: &'a Program,
}

const MAX_OBSERVATIONS: usize = 12;

impl<'a> Tracer<'a> {
    fn new(
        rule: &RuleIr,
        ruleset: &RulesetIr,
        frame: &[Slot<'_>],
        program: &'a Program,
    ) -> Tracer<'a> {
        let mut paths = vec![None; rule.body.locals.len()];
        let mut loop_paths = Vec::new();
        for (slot, input) in ruleset.inputs.iter().enumerate() {
            if let (Some(path), Some(input)) =
                (paths.get_mut(slot), program.inputs.get(*input as usize))
            {
                *path = Some(input.name.clone());
            }
        }
        for step in &rule.steps {
            if let Step::ForEvery {
                var,
                index,
                collection,
            } = step
            {
                let base = path_of(&rule.body, *collection, &paths);
                let position = match frame.get(*index as usize).map(Slot::get) {
                    Some(Value::Int(position)) => Some(*position),
                    _ => None,
                };
                if let (Some(base), Some(position), Some(slot)) =
                    (base, position, paths.get_mut(*var as usize))
                {
                    let path = format!("{base}[{position}]");
                    loop_paths.push(path.clone());
                    *slot = Some(path);
                }
            }
        }
        Tracer {
            paths,
            loop_paths,
            observations: Vec::new(),
            program,
        }
    }
}

fn path_of(body: &Body, node: NodeId, paths: &[Option<String>]) -> Option<String> {
    match body.node(node)? {
        Node::Local(local) => paths.get(*local as usize).cloned().flatten(),
        Node::Field { base, name, .. } => {
            path_of(body, *base, paths).map(|base| format!("{base}.{name}"))
        }
        _ => None,
    }
}

fn label_of(body: &Body, node: NodeId) -> Option<String> {
    match body.node(node)? {
        Node::Local(local) => body
            .locals
            .get(*local as usize)
            .map(|name| name.to_string()),
        Node::Field { base, name, .. } => {
            label_of(body, *base).map(|base| format!("{base}.{name}"))
        }
        _ => None,
    }
}

impl Observer for Tracer<'_> {
    const ACTIVE: bool = true;

    fn element(&mut self, body: &Body, var: LocalId, collection: NodeId, index: usize) {
        let path = path_of(body, collection, &self.paths).map(|base| format!("{base}[{index}]"));
        if let Some(slot) = self.paths.get_mut(var as usize) {
            *slot = path;
        }
    }

    fn read(&mut self, body: &Body, node: NodeId, value: &Value) {
        if self.observations.len() >= MAX_OBSERVATIONS || matches!(value, Value::Record(_)) {
            return;
        }
        let is_local = matches!(body.node(node), Some(Node::Local(_)));
        if matches!(value, Value::List(_)) && !is_local {
            return;
        }
        let Some(expression) = label_of(body, node) else {
            return;
        };
        if expression.contains('#') {
            return;
        }
        let path = path_of(body, node, &self.paths);
        if self
            .observations
            .iter()
            .any(|seen| seen.expression == expression && seen.path == path)
        {
            return;
        }
        self.observations.push(Observation {
            expression,
            path,
            value: display(value, body.ty(node), self.program),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_set_is_shared_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<RuleSet>();
    }
}
