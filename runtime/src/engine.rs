//! The embedding API: a loaded, checked rule set that threads share, one call to evaluate a
//! record, one for a batch. The command line uses exactly this API.

use std::sync::Arc;

use clearance_compiler::diagnostics::FileDiagnostic;
use clearance_compiler::ir::{Citation, Program, RulesetIr};
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::Lang;
use clearance_compiler::types::Type;
use jiff::civil::Date;
use rayon::prelude::*;

use crate::backend::{Decision, RuleDecider};
use crate::bind::{BindError, BindErrorKind, Binder, DataPath, Said, key_hint, said};
use crate::coverage::{Coverage, RulePlace};
use crate::data::{Node, Tree, parse_json_in, with_arena};
use crate::data_files::{self, DataError, DataFile};
use crate::findings::{Finding, Provenance, RecordResult, RuleCounts, RulesetRef, Texts, Verdict};
use crate::interp::{EvalError, EvalErrorKind, Evaluator, Machine, NoObserver, frame};
use crate::rule_run::RuleRun;
use crate::value::Value;

/// Record keys that are not inputs: the record's identifier and its own as-of date.
pub const RESERVED_KEYS: &[&str] = &["id", "as_of"];

/// A checked rule set, ready to evaluate records. It is immutable, `Send` and `Sync`: share
/// one behind an `Arc` between every thread of a validation server.
pub struct RuleSet {
    pub(crate) machine: Machine,
    binder: Binder,
    /// The parts of each rule's findings that never change, by rule set and rule position.
    metadata: Vec<Vec<RuleMeta>>,
    /// Whether a record may choose the date its rules are taken from (its `as_of` key). The
    /// operator decides, not the record: off unless the embedding program turns it on.
    allow_record_as_of: bool,
    rules_hash: Arc<str>,
    /// Each rule set as results name it, by position in the program.
    ruleset_refs: Vec<Arc<RulesetRef>>,
    /// A compiled backend that decides the rules it compiled; the interpreter runs the rest
    /// and explains every failure.
    decider: Option<Arc<dyn RuleDecider>>,
    /// Failures a backend reported that the interpreter did not find at those bindings: each
    /// is a backend fault, corrected by running the rule whole (`unreproduced_failures`).
    pub(crate) unreproduced: std::sync::atomic::AtomicU64,
}

/// What every finding of one rule shares.
#[derive(Clone, Debug)]
pub(crate) struct RuleMeta {
    pub(crate) title: Arc<Texts>,
    pub(crate) requirements: Arc<[String]>,
    pub(crate) citations: Arc<[Citation]>,
    pub(crate) assertion: Arc<str>,
}

/// Compiling failed; the diagnostics say why.
#[derive(Debug)]
pub struct CompileErrors {
    pub diagnostics: Vec<FileDiagnostic>,
    pub sources: clearance_compiler::diagnostics::render::SourceMap,
    /// Problems with the data files the rules read.
    pub data: Vec<DataError>,
    /// Definitions the program's links name but it lacks (a compiler fault, never the
    /// analyst's): such a program is not run.
    pub unlinked: Vec<String>,
}

impl std::fmt::Display for CompileErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}",
            clearance_compiler::diagnostics::render::render_human(
                &self.diagnostics,
                &self.sources,
                false,
                clearance_compiler::diagnostics::Language::English,
            )
        )?;
        for problem in &self.data {
            writeln!(f, "{problem}")?;
        }
        for path in &self.unlinked {
            writeln!(
                f,
                "internal error: `{path}` is used but not in the program; please report these rules to the Clearance maintainers"
            )?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rulesets", &self.machine.program.rulesets.len())
            .field("rules_hash", &self.rules_hash)
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
        RuleSet::compile_with_data(files, &[])
    }

    /// Compiles rule files, then reads the data files they name with `read` (given each file's
    /// name as the program names it) and binds them: for callers whose data sits beside the
    /// rules under the same names. A file `read` cannot give is a problem of the rules.
    pub fn compile_reading(
        files: &[(String, String)],
        read: impl Fn(&str) -> std::io::Result<Vec<u8>>,
    ) -> Result<RuleSet, CompileErrors> {
        let project = RuleSet::checked_project(files)?;
        let program = project.program();
        let mut data = Vec::new();
        let mut unreadable = Vec::new();
        for name in program.data_files() {
            match read(name) {
                Ok(bytes) => data.push(DataFile {
                    name: name.to_string(),
                    hash_name: name.to_string(),
                    bytes,
                }),
                Err(error) => unreadable.push(DataError::unreadable(name, &error)),
            }
        }
        if !unreadable.is_empty() {
            return Err(CompileErrors {
                diagnostics: Vec::new(),
                sources: project.sources(),
                data: unreadable,
                unlinked: Vec::new(),
            });
        }
        RuleSet::with_checked_data(&project, program, &data)
    }

    /// Compiles rule files and binds the data files they read (`data "..."`), named as the
    /// program names them: the declaring file's folder joined with the written path. A data
    /// file the rules read but that is not given refuses the rules, like a problem in one.
    pub fn compile_with_data(
        files: &[(String, String)],
        data: &[DataFile],
    ) -> Result<RuleSet, CompileErrors> {
        let project = RuleSet::checked_project(files)?;
        RuleSet::with_checked_data(&project, project.program(), data)
    }

    /// The project of the files, when they check without errors.
    fn checked_project(files: &[(String, String)]) -> Result<Project, CompileErrors> {
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
                data: Vec::new(),
                unlinked: Vec::new(),
            });
        }
        let unlinked = &project.program().unlinked;
        if !unlinked.is_empty() {
            return Err(CompileErrors {
                diagnostics: Vec::new(),
                sources: project.sources(),
                data: Vec::new(),
                unlinked: unlinked.iter().map(ToString::to_string).collect(),
            });
        }
        Ok(project)
    }

    fn with_checked_data(
        project: &Project,
        program: Arc<Program>,
        data: &[DataFile],
    ) -> Result<RuleSet, CompileErrors> {
        match RuleSet::from_program(program).with_data(data) {
            Ok((rule_set, _warnings)) => Ok(rule_set),
            Err(problems) => Err(CompileErrors {
                diagnostics: Vec::new(),
                sources: project.sources(),
                data: problems,
                unlinked: Vec::new(),
            }),
        }
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
        let ruleset_refs = program
            .rulesets
            .iter()
            .map(|ruleset| {
                Arc::new(RulesetRef {
                    name: ruleset.name.clone(),
                    version: ruleset.version.clone(),
                    hash: ruleset.hash.clone(),
                })
            })
            .collect();
        RuleSet {
            rules_hash: Arc::from(program.content_hash.as_str()),
            ruleset_refs,
            decider: None,
            unreproduced: std::sync::atomic::AtomicU64::new(0),
            machine: Machine::new(program),
            binder,
            metadata,
            allow_record_as_of: false,
        }
    }

    /// Binds the records of the data files the rules name (`Program::data_files`), read by the
    /// caller. Problems that are not warnings refuse the rule set; the hashes then name the data
    /// too, so that a result says which data its rules read.
    pub fn with_data(
        mut self,
        files: &[DataFile],
    ) -> Result<(RuleSet, Vec<DataError>), Vec<DataError>> {
        let loaded = data_files::load(&self.machine.program, &self.binder, files);
        if loaded.problems.iter().any(|problem| !problem.warning) {
            return Err(loaded.problems);
        }
        for (index, value) in loaded.values {
            self.machine.set_data_constant(index, value);
        }
        if !self.machine.program.data_files().is_empty() {
            let digest = loaded.digest.as_deref();
            self.rules_hash = Arc::from(data_files::combined_hash(&self.rules_hash, digest));
            self.ruleset_refs = self
                .ruleset_refs
                .iter()
                .map(|ruleset| {
                    Arc::new(RulesetRef {
                        name: ruleset.name.clone(),
                        version: ruleset.version.clone(),
                        hash: data_files::combined_hash(&ruleset.hash, digest),
                    })
                })
                .collect();
        }
        Ok((self, loaded.problems))
    }

    /// Lets each record choose, with its own `as_of` key, the date whose rules it is checked
    /// against (for replaying past decisions). Off by default: a record that sets `as_of` is
    /// otherwise invalid, with a finding that says why.
    pub fn allow_record_as_of(mut self, allow: bool) -> RuleSet {
        self.allow_record_as_of = allow;
        self
    }

    /// The rule set with a compiled backend deciding the rules it compiled. Results do not
    /// change: the backend decides passes, rules that do not apply and the bindings where a
    /// rule fails, and the interpreter gives every finding.
    pub fn with_decider(mut self, decider: Arc<dyn RuleDecider>) -> RuleSet {
        self.decider = Some(decider);
        self
    }

    /// How many times a backend said a rule failed at bindings where the interpreter did not
    /// find exactly those failures (the result was then the interpreter's, from the whole
    /// rule). Zero unless the backend is wrong; the differential tests hold it to zero.
    pub fn unreproduced_failures(&self) -> u64 {
        self.unreproduced.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn program(&self) -> &Program {
        &self.machine.program
    }

    /// The hash of the rules and the data files they read, as every result names it.
    pub fn rules_hash(&self) -> &str {
        &self.rules_hash
    }

    /// Every loaded rule set as results name it: name, version and hash.
    pub fn rulesets(&self) -> &[Arc<RulesetRef>] {
        &self.ruleset_refs
    }

    /// The summary of a run of these rules as of `as_of`, before any record: the rules named,
    /// every count at zero.
    pub fn empty_summary(&self, as_of: Date) -> crate::findings::Summary {
        crate::findings::Summary {
            rules_hash: self.rules_hash.to_string(),
            rulesets: self.ruleset_refs.clone(),
            as_of: as_of.to_string(),
            ..crate::findings::Summary::default()
        }
    }

    pub fn machine(&self) -> &Machine {
        &self.machine
    }

    pub(crate) fn provenance(&self, ruleset: Option<&RulesetIr>, as_of: Date) -> Arc<Provenance> {
        Arc::new(Provenance {
            ruleset: ruleset.map(|r| r.name.clone()).unwrap_or_default(),
            version: ruleset.map(|r| r.version.clone()).unwrap_or_default(),
            rules_hash: self.rules_hash.to_string(),
            ruleset_hash: ruleset
                .and_then(|ruleset| {
                    let rulesets = &self.machine.program.rulesets;
                    let index = rulesets.iter().position(|r| std::ptr::eq(r, ruleset))?;
                    self.ruleset_refs.get(index).map(|r| r.hash.clone())
                })
                .unwrap_or_default(),
            as_of: as_of.to_string(),
        })
    }

    /// Evaluates one record given as JSON text. Malformed JSON is a finding, not an error.
    pub fn evaluate_text(&self, text: &str, position: usize, as_of: Date) -> RecordResult {
        self.evaluate_bytes(text.as_bytes(), position, as_of)
    }

    /// Evaluates one record given as bytes that should be JSON: invalid UTF-8 and malformed
    /// JSON are findings with their line and column, not errors.
    pub fn evaluate_bytes(&self, bytes: &[u8], position: usize, as_of: Date) -> RecordResult {
        with_arena(|arena| match parse_json_in(arena, bytes) {
            Ok(tree) => self.evaluate_tree(tree, position, as_of),
            Err(error) => self.unreadable(position, as_of, error.to_string()),
        })
    }

    /// Evaluates a batch on every core, keeping the input order. `first_position` is the
    /// position of the first record in the whole input, for reports.
    pub fn evaluate_batch<T: AsRef<[u8]> + Sync>(
        &self,
        records: &[T],
        first_position: usize,
        as_of: Date,
    ) -> Vec<RecordResult> {
        self.in_parallel(records, first_position, |bytes, position| {
            self.evaluate_bytes(bytes.as_ref(), position, as_of)
        })
    }

    /// Evaluates each of `records` on every core, keeping the input order: `evaluate` gets a
    /// record and its position in the whole input (the first being `first_position`).
    pub(crate) fn in_parallel<T: Sync>(
        &self,
        records: &[T],
        first_position: usize,
        evaluate: impl Fn(&T, usize) -> RecordResult + Sync,
    ) -> Vec<RecordResult> {
        records
            .par_iter()
            .enumerate()
            .map(|(offset, record)| evaluate(record, first_position + offset))
            .collect()
    }

    /// A result for input that could not be read as records at all.
    pub fn unreadable(&self, position: usize, as_of: Date, message: String) -> RecordResult {
        self.invalid(
            position,
            None,
            as_of,
            vec![BindError::new(
                "",
                BindErrorKind::Malformed,
                Said {
                    fr: format!("le lecteur signale : {message}"),
                    en: message,
                },
            )],
        )
    }

    /// A result for a message that is not a declaration (a notification, a report): no rule
    /// concerns it, and it is neither passed nor failed. `what` says what it is.
    pub fn not_a_declaration(&self, position: usize, as_of: Date, what: &str) -> RecordResult {
        let mut result = self.result(position, None, as_of);
        result.verdict = Verdict::NotADeclaration;
        result.findings.push(Finding::information(
            "not-a-declaration",
            Texts {
                en: format!("this message is not a declaration: {what}; no rule applies to it"),
                fr: format!(
                    "ce message n'est pas une déclaration ({what}) : aucune règle ne s'y applique"
                ),
            },
            self.provenance(None, as_of),
        ));
        result
    }

    fn result(&self, position: usize, id: Option<String>, as_of: Date) -> RecordResult {
        RecordResult {
            record: position,
            source: None,
            line: None,
            id,
            verdict: Verdict::Pass,
            as_of: as_of.to_string(),
            rules_hash: Arc::clone(&self.rules_hash),
            rulesets: Vec::new(),
            rules: RuleCounts::default(),
            findings: Vec::new(),
        }
    }

    fn invalid(
        &self,
        position: usize,
        id: Option<String>,
        as_of: Date,
        errors: Vec<BindError>,
    ) -> RecordResult {
        let provenance = self.provenance(None, as_of);
        let mut result = self.result(position, id, as_of);
        result.verdict = Verdict::Invalid;
        result.findings = errors
            .iter()
            .map(|error| Finding::technical(error, provenance.clone()))
            .collect();
        result
    }

    /// The date whose rules a record is checked against: the run's, or the record's own where
    /// the operator allows it. An `as_of` the record may not set, or that is not a date, is an
    /// error that refuses the whole record: no rule can be chosen for it.
    fn record_as_of(&self, record: Tree<'_>, as_of: Date) -> Result<Date, BindError> {
        let Some(value) = record.get("as_of") else {
            return Ok(as_of);
        };
        if !self.allow_record_as_of {
            return Err(BindError::new(
                "as_of",
                BindErrorKind::InvalidValue,
                said!(
                    "the record asks to be checked with the rules of its own date, which this run does not allow (the operator allows it with `--allow-record-as-of`)",
                    "l'enregistrement demande à être contrôlé selon les règles de sa propre date, ce que cette exécution n'autorise pas (l'opérateur l'autorise avec `--allow-record-as-of`)"
                ),
            ));
        }
        match value {
            Tree::Text(text) => clearance_compiler::time::parse_date(text).map_err(|message| {
                BindError::new(
                    "as_of",
                    BindErrorKind::InvalidValue,
                    Said {
                        en: message.to_string(),
                        fr: "`as_of` n'est pas une date valide de la forme AAAA-MM-JJ".to_string(),
                    },
                )
            }),
            _ => Err(BindError::new(
                "as_of",
                BindErrorKind::WrongType,
                said!(
                    "`as_of` is a date such as \"2026-03-10\"",
                    "`as_of` est une date telle que \"2026-03-10\""
                ),
            )),
        }
    }

    /// Evaluates one record: binds it to the inputs of every rule set, then runs the rules in
    /// force at `as_of` (or at the record's own `as_of`, where the operator allows it).
    pub fn evaluate(&self, record: &Node, position: usize, as_of: Date) -> RecordResult {
        with_arena(|arena| self.evaluate_tree(record.to_tree(arena), position, as_of))
    }

    fn evaluate_tree(&self, record: Tree<'_>, position: usize, as_of: Date) -> RecordResult {
        let program = &self.machine.program;
        let Tree::Object(object) = record else {
            return self.invalid(
                position,
                None,
                as_of,
                vec![BindError::new(
                    "",
                    BindErrorKind::WrongType,
                    said!(
                        "a record is a JSON object whose keys are the rule set's inputs",
                        "un enregistrement est un objet JSON dont les clés sont les entrées du jeu de règles"
                    ),
                )],
            );
        };
        let id = match record.get("id") {
            Some(Tree::Text(text) | Tree::Number(text)) => Some(crate::bind::shorten(text)),
            _ => None,
        };
        let mut errors = Vec::new();
        crate::bind::report_duplicate_keys(object, &DataPath::Root, &mut errors);
        let (as_of, as_of_refused) = match self.record_as_of(record, as_of) {
            Ok(date) => (date, false),
            Err(error) => {
                errors.push(error);
                (as_of, true)
            }
        };
        // A record provides some inputs; the rule sets whose required inputs are all among
        // them run, the others do not concern this record.
        let mut inputs = Vec::with_capacity(program.inputs.len());
        let mut provided = Vec::with_capacity(program.inputs.len());
        for input in &program.inputs {
            let is_list = matches!(input.ty.base(), Type::List(_) | Type::Set(_));
            let value = match record.get(&input.name) {
                None | Some(Tree::Null) => {
                    provided.push(is_list || input.ty.is_optional());
                    if is_list {
                        Value::empty_list()
                    } else {
                        Value::Absent
                    }
                }
                Some(value) => {
                    provided.push(true);
                    let path = DataPath::top(&input.name);
                    self.binder.bind(value, &input.ty, &path, &mut errors)
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
            let names = names
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            errors.push(BindError::new(
                "",
                BindErrorKind::MissingField,
                said!(
                    "the record provides the inputs of no loaded rule set; give at least one of: {}",
                    "l'enregistrement ne fournit les entrées d'aucun jeu de règles chargé ; donnez au moins l'une de : {}",
                    names
                ),
            ));
        }
        for (key, _) in object {
            if !RESERVED_KEYS.contains(key)
                && !program.inputs.iter().any(|input| input.name == *key)
            {
                let names = program
                    .inputs
                    .iter()
                    .map(|input| input.name.as_str())
                    .chain(RESERVED_KEYS.iter().copied());
                let hint = key_hint(clearance_compiler::diagnostics::closest(key, names));
                let (hint, hint_fr) = (hint.en, hint.fr);
                errors.push(BindError::new(
                    key.to_string(),
                    BindErrorKind::UnknownField,
                    Said {
                        en: format!("`{key}` is not an input of the loaded rule sets{hint}"),
                        fr: format!(
                            "`{key}` n'est pas une entrée des jeux de règles chargés{hint_fr}"
                        ),
                    },
                ));
            }
        }
        // A record that concerns no rule set, or that asks for a date it may not choose, is
        // refused whole; otherwise the rules run on what did bind, and those that read invalid
        // data are reported as not evaluated.
        let (warnings, errors): (Vec<BindError>, Vec<BindError>) =
            errors.into_iter().partition(BindError::is_warning);
        if concerned.is_empty() || as_of_refused {
            return self.invalid(
                position,
                id,
                as_of,
                errors.into_iter().chain(warnings).collect(),
            );
        }
        let data_provenance = self.provenance(None, as_of);
        let mut findings: Vec<Finding> = errors
            .iter()
            .chain(&warnings)
            .map(|error| Finding::technical(error, Arc::clone(&data_provenance)))
            .collect();
        let mut counts = RuleCounts::default();
        let mut evaluated_by = Vec::new();
        for (index, ruleset) in &concerned {
            if !ruleset.validity.contains(as_of) {
                continue;
            }
            if let Some(reference) = self.ruleset_refs.get(*index) {
                evaluated_by.push(Arc::clone(reference));
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
            for report in self.evaluate_ruleset(*index, &ruleset_inputs, as_of) {
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
        let mut result = self.result(position, id, as_of);
        result.rules = counts;
        result.rulesets = evaluated_by;
        if !errors.is_empty() {
            result.verdict = Verdict::Invalid;
            result.findings = findings;
            return result;
        }
        if counts.evaluated == 0 {
            // No rule was in force for this record: it was not checked, so it did not pass.
            let periods = concerned
                .iter()
                .map(|(_, ruleset)| format!("`{}` {}", ruleset.name, ruleset.validity))
                .collect::<Vec<_>>()
                .join(", ");
            let periods_in_french = concerned
                .iter()
                .map(|(_, ruleset)| format!("`{}` {}", ruleset.name, ruleset.validity.in_french()))
                .collect::<Vec<_>>()
                .join(", ");
            result.verdict = Verdict::NotEvaluated;
            result.findings = findings;
            result.findings.push(Finding::information(
                "not-evaluated",
                Texts {
                    en: format!(
                        "no rule of the rule sets for this record is in force on {as_of} ({periods}), so the record was not checked"
                    ),
                    fr: format!(
                        "aucune règle des jeux de règles de cet enregistrement n'est en vigueur le {as_of} ({periods_in_french}) : l'enregistrement n'a pas été contrôlé"
                    ),
                },
                data_provenance,
            ));
            return result;
        }
        result.verdict = RecordResult::verdict_of(&findings);
        result.findings = findings;
        result
    }

    /// Runs every rule of the rule set at `index` in the program on its inputs (in the rule
    /// set's input order).
    pub fn evaluate_ruleset(&self, index: usize, inputs: &[Value], as_of: Date) -> Vec<RuleReport> {
        self.evaluate_ruleset_covering(index, inputs, as_of, None)
    }

    /// [`RuleSet::evaluate_ruleset`], recording into `coverage` what the interpreter reaches.
    /// With coverage, every rule is interpreted: a compiled backend does not see branches.
    pub fn evaluate_ruleset_covering(
        &self,
        index: usize,
        inputs: &[Value],
        as_of: Date,
        coverage: Option<&Coverage>,
    ) -> Vec<RuleReport> {
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
            .zip(0..)
            .map(|((rule, meta), position)| {
                if !rule.validity.contains(as_of) {
                    return RuleReport {
                        rule: rule.id.clone(),
                        status: RuleStatus::NotInForce,
                        findings: Vec::new(),
                    };
                }
                let decided = self
                    .decider
                    .as_ref()
                    .filter(|_| coverage.is_none())
                    .and_then(|decider| {
                        decider.decide(&self.machine, index, position, inputs, as_of)
                    });
                let report = |status| RuleReport {
                    rule: rule.id.clone(),
                    status,
                    findings: Vec::new(),
                };
                let failed_at = match decided {
                    Some(Decision::Passed) => return report(RuleStatus::Passed),
                    Some(Decision::NotApplicable) => return report(RuleStatus::NotApplicable),
                    Some(Decision::Failed(bindings)) => Some(bindings),
                    Some(Decision::Interpret) | None => None,
                };
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
                    coverage: coverage.map(|coverage| {
                        (
                            coverage,
                            RulePlace {
                                ruleset: index,
                                rule: position,
                            },
                        )
                    }),
                }
                .run_or_explain(inputs, failed_at.as_deref())
            })
            .collect()
    }

    /// Binds one input of the loaded rule sets from JSON, as a record would provide it.
    pub fn bind_input(&self, name: &str, json: &Node) -> Result<Value, Vec<BindError>> {
        let Some(input) = self
            .machine
            .program
            .inputs
            .iter()
            .find(|input| input.name == name)
        else {
            return Err(vec![BindError::new(
                name,
                BindErrorKind::UnknownField,
                said!(
                    "`{name}` is not an input of the loaded rule sets",
                    "`{name}` n'est pas une entrée des jeux de règles chargés"
                ),
            )]);
        };
        let mut errors = Vec::new();
        let value = with_arena(|arena| {
            self.binder.bind(
                json.to_tree(arena),
                &input.ty,
                &DataPath::top(name),
                &mut errors,
            )
        });
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
            Value::Record(fields) if fields.len() == ruleset.inputs.len() => Ok(fields
                .iter()
                .zip(&ruleset.inputs)
                .map(|(field, input)| {
                    let ty = self
                        .machine
                        .program
                        .inputs
                        .get(*input as usize)
                        .map(|input| &input.ty);
                    match ty {
                        Some(ty) => self.binder.normalize(field.clone(), ty),
                        None => field.clone(),
                    }
                })
                .collect()),
            _ => Err(EvalError::new(
                EvalErrorKind::InvalidArgument,
                "the example's `given` did not build the rule set's inputs",
            )),
        }
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
