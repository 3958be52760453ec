//! Findings and results: what a run says about each record, in a form that operators act on
//! and auditors keep.

use std::sync::Arc;

use clearance_compiler::diagnostics::Severity;
use clearance_compiler::ir::Citation;
use serde::{Deserialize, Serialize};

use crate::bind::{BindError, BindErrorKind};

/// A text in English and French.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Texts {
    pub en: String,
    pub fr: String,
}

/// A value that the failed condition read: the "why" of a verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Observation {
    /// The expression as the rule names it, such as `item.gross_mass`.
    pub expression: String,
    /// Where the value is in the input, such as `declaration.items[2].gross_mass`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub value: String,
}

/// Which rules, in which version, gave a finding, and as of which date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Provenance {
    pub ruleset: String,
    pub version: String,
    /// The library's hash: SHA-256 of the engine's version and every source file the rules
    /// were compiled from, by library-relative name.
    pub rules_hash: String,
    /// The rule set's hash: its file and the files it imports (empty for data findings).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ruleset_hash: String,
    pub as_of: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: String,
    /// What a rule's findings share: computed once per rule, not per finding.
    pub title: Arc<Texts>,
    pub severity: Severity,
    pub category: &'static str,
    pub requirements: Arc<[String]>,
    pub message: Texts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Texts>,
    /// The JSON paths of the values involved.
    pub paths: Vec<String>,
    /// The values that made the condition fail.
    pub values: Vec<Observation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assertion: Option<Arc<str>>,
    /// Why the rule could not be evaluated, on the finding that says so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<crate::interp::EvalErrorKind>,
    pub citations: Arc<[Citation]>,
    pub provenance: Arc<Provenance>,
}

/// The rule id under which data problems are reported.
pub const TECHNICAL_VALIDATION_RULE: &str = "technical-validation";

/// The rule id under which a code that an open code list does not hold is reported.
pub const UNLISTED_CODE_RULE: &str = "unlisted-code";

impl Finding {
    /// A finding for data that did not bind (CAS alert category "technical validation").
    pub fn technical(error: &BindError, provenance: Arc<Provenance>) -> Finding {
        let french = match error.kind {
            BindErrorKind::Malformed => "enregistrement illisible",
            BindErrorKind::WrongType => "type de donnée incorrect",
            BindErrorKind::MissingField => "champ obligatoire absent",
            BindErrorKind::UnknownField => "champ inconnu",
            BindErrorKind::DuplicateField => "champ répété",
            BindErrorKind::UnknownCode => "code inconnu",
            BindErrorKind::UnlistedCode => "code absent de la liste",
            BindErrorKind::OutOfRange => "valeur hors limites",
            BindErrorKind::InvalidValue => "valeur invalide",
        };
        let at = if error.path.is_empty() {
            String::new()
        } else {
            format!("{}: ", error.path)
        };
        let (rule, title, severity) = if error.is_warning() {
            (
                UNLISTED_CODE_RULE,
                Texts {
                    en: "A code the code list does not hold".to_string(),
                    fr: "Un code que la liste de codes ne contient pas".to_string(),
                },
                Severity::Warning,
            )
        } else {
            (
                TECHNICAL_VALIDATION_RULE,
                Texts {
                    en: "The record does not match the rule set's schema".to_string(),
                    fr: "L'enregistrement n'est pas conforme au schéma du jeu de règles"
                        .to_string(),
                },
                Severity::Error,
            )
        };
        Finding {
            rule: rule.to_string(),
            title: Arc::new(title),
            severity,
            category: "technical-validation",
            requirements: Arc::from(vec!["CAS-CAT-01".to_string()]),
            message: Texts {
                en: format!("{at}{}", error.message),
                fr: format!("{at}{french} : {}", error.message_fr),
            },
            fix: None,
            paths: if error.path.is_empty() {
                Vec::new()
            } else {
                vec![error.path.clone()]
            },
            values: Vec::new(),
            assertion: None,
            error: None,
            citations: Arc::from(Vec::new()),
            provenance,
        }
    }

    /// A finding that informs and decides nothing: why a record was not checked, or what a
    /// message that is not a declaration is.
    pub fn information(rule: &str, message: Texts, provenance: Arc<Provenance>) -> Finding {
        Finding {
            rule: rule.to_string(),
            title: Arc::new(message.clone()),
            severity: Severity::Info,
            category: "information",
            requirements: Arc::from(Vec::new()),
            message,
            fix: None,
            paths: Vec::new(),
            values: Vec::new(),
            assertion: None,
            error: None,
            citations: Arc::from(Vec::new()),
            provenance,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every rule in force passed or did not apply.
    Pass,
    /// Only warnings or information.
    Warn,
    /// At least one error finding.
    Fail,
    /// No error, but an action the administration takes is due (a rule of severity `action`).
    ActionDue,
    /// Some of the record's data did not bind to the schema. Rules that do not read it were
    /// still evaluated; those that do were not.
    Invalid,
    /// No rule was in force for the record (its date is outside every rule set's period):
    /// it was not checked, so it did not pass.
    NotEvaluated,
    /// The message is not a declaration (a notification, a report): no rule concerns it.
    NotADeclaration,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
            Verdict::ActionDue => "action_due",
            Verdict::Invalid => "invalid",
            Verdict::NotEvaluated => "not_evaluated",
            Verdict::NotADeclaration => "not_a_declaration",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleCounts {
    pub evaluated: usize,
    pub passed: usize,
    pub failed: usize,
    pub not_applicable: usize,
    pub errors: usize,
}

/// The one result of one input record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecordResult {
    /// The record's position in the input, from 1.
    pub record: usize,
    /// The file the record came from, and its line there (NDJSON), when the caller knows them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub verdict: Verdict,
    pub as_of: String,
    /// The library's hash (see [`Provenance::rules_hash`]).
    pub rules_hash: Arc<str>,
    /// The rule sets that evaluated the record, with their versions and hashes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rulesets: Vec<Arc<RulesetRef>>,
    pub rules: RuleCounts,
    pub findings: Vec<Finding>,
}

/// A rule set as results name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulesetRef {
    pub name: String,
    pub version: String,
    pub hash: String,
}

impl RecordResult {
    pub fn verdict_of(findings: &[Finding]) -> Verdict {
        let has = |severity: Severity| findings.iter().any(|finding| finding.severity == severity);
        if has(Severity::Error) {
            Verdict::Fail
        } else if has(Severity::Action) {
            Verdict::ActionDue
        } else if has(Severity::Warning) {
            Verdict::Warn
        } else {
            Verdict::Pass
        }
    }
}

/// Totals of a run: records in, results out, and verdicts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub records_in: usize,
    pub results_out: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub action_due: usize,
    pub invalid: usize,
    pub not_evaluated: usize,
    pub not_a_declaration: usize,
    /// Input files that were passed over (a directory's files of other kinds).
    pub skipped_files: usize,
    pub findings: usize,
    pub rules_hash: String,
    /// Every loaded rule set, with its version and hash.
    pub rulesets: Vec<Arc<RulesetRef>>,
    pub as_of: String,
}

impl Summary {
    /// Whether a result of the run needs attention: one failed, was invalid, or was not
    /// evaluated. Such a run exits with status 1.
    pub fn needs_attention(&self) -> bool {
        self.fail + self.invalid + self.not_evaluated > 0
    }

    pub fn add(&mut self, result: &RecordResult) {
        self.results_out += 1;
        self.findings += result.findings.len();
        match result.verdict {
            Verdict::Pass => self.pass += 1,
            Verdict::Warn => self.warn += 1,
            Verdict::Fail => self.fail += 1,
            Verdict::ActionDue => self.action_due += 1,
            Verdict::Invalid => self.invalid += 1,
            Verdict::NotEvaluated => self.not_evaluated += 1,
            Verdict::NotADeclaration => self.not_a_declaration += 1,
        }
    }
}
