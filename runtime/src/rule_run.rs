//! One rule on one record: the `for every`, `let` and `when` steps, exceptions decided in
//! Catala's sense, and the findings a failure gives, with the values that explain it.

use std::sync::Arc;

use clearance_compiler::diagnostics::Severity;
use clearance_compiler::ir::{
    Body, LocalId, Node, NodeId, Program, RuleIr, RulesetIr, Step, Template, TemplatePiece,
};
use clearance_compiler::syntax::ast::Lang;
use jiff::civil::Date;

use crate::coverage::{Coverage, RulePlace};
use crate::engine::{RuleMeta, RuleReport, RuleSet, RuleStatus};
use crate::findings::{Finding, Observation, Provenance, Texts};
use crate::interp::{
    EvalError, EvalErrorKind, Evaluator, NoObserver, Observer, Slot, frame, label_of,
};
use crate::value::{Value, display};

/// The evaluation of one rule on one record.
pub(crate) struct RuleRun<'a> {
    pub(crate) rule_set: &'a RuleSet,
    pub(crate) ruleset: &'a RulesetIr,
    pub(crate) rule: &'a RuleIr,
    pub(crate) meta: &'a RuleMeta,
    pub(crate) as_of: Date,
    /// Shared by the rules of one rule set on one record, made at the first finding.
    pub(crate) provenance: &'a std::cell::OnceCell<Arc<Provenance>>,
    pub(crate) reached: usize,
    pub(crate) failures: usize,
    pub(crate) findings: Vec<Finding>,
    pub(crate) error: Option<EvalError>,
    /// Where to record the branches taken, when examples run with coverage.
    pub(crate) coverage: Option<(&'a Coverage, RulePlace)>,
}

impl<'a> RuleRun<'a> {
    fn provenance(&self) -> Arc<Provenance> {
        Arc::clone(
            self.provenance
                .get_or_init(|| self.rule_set.provenance(Some(self.ruleset), self.as_of)),
        )
    }

    /// Runs the rule; or, given the bindings a backend found it failing at, explains those
    /// alone. Should the explanation not give exactly one failure at each, the rule runs
    /// whole: the interpreter's answer is the reference.
    pub(crate) fn run_or_explain(
        mut self,
        inputs: &[Value],
        failed_at: Option<&[Vec<usize>]>,
    ) -> RuleReport {
        let Some(bindings) = failed_at else {
            return self.run(inputs);
        };
        let mut frame = input_frame(self.rule, inputs);
        let mut evaluator = Evaluator::new(&self.rule_set.machine, NoObserver).as_of(self.as_of);
        let mut reproduced = !bindings.is_empty();
        for binding in bindings {
            let failures = self.failures;
            let explained = self.steps(&mut evaluator, 0, &mut frame, Some(binding));
            if explained.is_err() || self.failures != failures + 1 {
                reproduced = false;
                break;
            }
        }
        if !reproduced {
            self.rule_set
                .unreproduced
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.reached = 0;
            self.failures = 0;
            self.findings.clear();
            self.error = None;
            return self.run(inputs);
        }
        RuleReport {
            rule: self.rule.id.clone(),
            status: RuleStatus::Failed(self.failures),
            findings: self.findings,
        }
    }

    pub(crate) fn run(mut self, inputs: &[Value]) -> RuleReport {
        let mut frame = input_frame(self.rule, inputs);
        let mut evaluator = Evaluator::new(&self.rule_set.machine, NoObserver)
            .as_of(self.as_of)
            .covering(self.coverage.map(|(coverage, _)| coverage));
        if let Err(error) = self.steps(&mut evaluator, 0, &mut frame, None) {
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

    /// The steps from `position` on: every binding, or with `only`, the one binding whose
    /// `for every` steps stand at those positions (which must reach the assertion).
    fn steps<'i>(
        &mut self,
        evaluator: &mut Evaluator<'_, NoObserver>,
        position: usize,
        frame: &mut [Slot<'i>],
        only: Option<&[usize]>,
    ) -> Result<(), EvalError> {
        let body = &self.rule.body;
        let Some(step) = self.rule.steps.get(position) else {
            if only.is_some_and(|rest| !rest.is_empty()) {
                return Err(EvalError::new(
                    EvalErrorKind::Internal,
                    "a failed binding names more positions than the rule has loops",
                ));
            }
            return self.assert(evaluator, frame);
        };
        match step {
            Step::ForEvery {
                var,
                index,
                collection,
            } => {
                let elements = evaluator.elements(body, *collection, frame)?;
                let (positions, rest) = match only {
                    None => (0..elements.len(), None),
                    Some([at, rest @ ..]) if *at < elements.len() => (*at..*at + 1, Some(rest)),
                    Some(_) => {
                        return Err(EvalError::new(
                            EvalErrorKind::Internal,
                            "a failed binding is out of range",
                        ));
                    }
                };
                for item_position in positions {
                    frame[var.index()] = elements.slot(item_position);
                    frame[index.index()] =
                        Slot::Owned(Value::Int(i64::try_from(item_position).unwrap_or(i64::MAX)));
                    self.steps(evaluator, position + 1, frame, rest)?;
                }
                Ok(())
            }
            Step::Let { local, value } => {
                frame[local.index()] = Slot::Owned(evaluator.eval(body, *value, frame)?);
                self.steps(evaluator, position + 1, frame, only)
            }
            Step::When(condition) => {
                let held = evaluator.eval_bool(body, *condition, frame)?;
                if let Some((coverage, place)) = self.coverage {
                    coverage.when(place, position, held);
                }
                if held {
                    self.steps(evaluator, position + 1, frame, only)
                } else if only.is_some() {
                    Err(EvalError::new(
                        EvalErrorKind::Internal,
                        "a failed binding is not reached",
                    ))
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
        let mut applicable_positions: smallvec::SmallVec<[usize; 2]> = smallvec::SmallVec::new();
        for (position, exception) in self.rule.exceptions.iter().enumerate() {
            if evaluator.eval_bool(body, exception.condition, frame)? {
                applicable.push(exception);
                applicable_positions.push(position);
            }
        }
        if let Some((coverage, place)) = self.coverage {
            coverage.decided(place, &applicable_positions);
        }
        let assertion = match applicable.as_slice() {
            [] => self.rule.require,
            [exception] => match exception.requirement {
                None => return Ok(()),
                Some(requirement) => Some(requirement),
            },
            [first, second, ..] => {
                return Err(EvalError::new(
                    EvalErrorKind::AmbiguousExceptions,
                    format!(
                        "two exceptions apply at once, so the rule is ambiguous for this record: `{}` and `{}`",
                        first.description, second.description
                    ),
                ));
            }
        };
        let Some(assertion) = assertion else {
            return Ok(());
        };
        let holds = evaluator.eval_bool(body, assertion, frame)?;
        if let Some((coverage, place)) = self.coverage {
            coverage.outcome(place, holds);
        }
        if holds {
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
        // Instants print on the clock of the rule set's zone, when it names one: a Toronto
        // deadline shows as Toronto shows it, never as a time its clocks skip.
        let zone = self
            .ruleset
            .zone
            .as_deref()
            .and_then(|zone| clearance_compiler::time::time_zone(zone).ok());
        let render = |lang: Lang, frame: &mut [Slot<'_>]| -> Option<String> {
            let template = templates.iter().find(|template| template.lang == lang)?;
            let mut evaluator =
                Evaluator::new(&self.rule_set.machine, NoObserver).as_of(self.as_of);
            let mut out = String::new();
            for piece in &template.pieces {
                match piece {
                    TemplatePiece::Text(text) => out.push_str(text),
                    TemplatePiece::Value(node) => {
                        match evaluator.eval(&self.rule.body, *node, frame) {
                            Ok(value) => out.push_str(&display(
                                &match &zone {
                                    Some(zone) => crate::value::in_zone(value, zone),
                                    None => value,
                                },
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
        let mut evaluator = Evaluator::new(&self.rule_set.machine, tracer).as_of(self.as_of);
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
            error: None,
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
                fr: format!(
                    "la règle n'a pas pu être évaluée : {}",
                    error.message_fr.as_deref().unwrap_or(&error.message)
                ),
            },
            fix: None,
            paths: Vec::new(),
            values: Vec::new(),
            assertion: None,
            error: Some(error.kind),
            citations: Arc::clone(&self.meta.citations),
            provenance: self.provenance(),
        }
    }
}

/// A rule's frame with its inputs in their slots. Inputs are borrowed for the whole
/// evaluation: loops over them bind by reference.
fn input_frame<'i>(rule: &RuleIr, inputs: &'i [Value]) -> Vec<Slot<'i>> {
    let mut frame = frame(rule.body.locals.len().max(inputs.len()));
    for (slot, input) in frame.iter_mut().zip(inputs) {
        *slot = Slot::Borrowed(input);
    }
    frame
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
                let position = match frame.get(index.index()).map(Slot::get) {
                    Some(Value::Int(position)) => Some(*position),
                    _ => None,
                };
                if let (Some(base), Some(position), Some(slot)) =
                    (base, position, paths.get_mut(var.index()))
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
        Node::Local(local) => paths.get(local.index()).cloned().flatten(),
        Node::Field { base, name, .. } => {
            path_of(body, *base, paths).map(|base| format!("{base}.{name}"))
        }
        _ => None,
    }
}

impl Observer for Tracer<'_> {
    const ACTIVE: bool = true;

    fn element(&mut self, body: &Body, var: LocalId, collection: NodeId, index: usize) {
        let path = path_of(body, collection, &self.paths).map(|base| format!("{base}[{index}]"));
        if let Some(slot) = self.paths.get_mut(var.index()) {
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
