//! The rule set being served: loaded from the rule directory, checked, compiled, and swapped in
//! whole, so that every request is answered by exactly one version.

use std::path::{Path, PathBuf};

use clearance_compiler::diagnostics::Language;
use clearance_compiler::diagnostics::render::render_human;
use clearance_runtime::RuleSet;
use serde::Serialize;

/// One loaded version of the rule directory.
pub struct Served {
    pub rule_set: RuleSet,
    /// Counts the rule sets loaded since the server started, from 1.
    pub generation: u64,
    pub rulesets: Vec<ServedRuleset>,
    pub loaded_at: jiff::Timestamp,
    pub warnings: Vec<String>,
}

impl Served {
    /// The hash of the whole rule library, which every answer names.
    pub fn rules_hash(&self) -> &str {
        self.rule_set.rules_hash()
    }

    /// What `/v1/rulesets`, `/v1/status` and `/v1/reload` say of the rules served.
    pub fn view(&self) -> ServedView<'_> {
        ServedView {
            hash: self.rules_hash(),
            generation: self.generation,
            loaded_at: self.loaded_at.to_string(),
            rulesets: &self.rulesets,
            warnings: &self.warnings,
        }
    }
}

/// The rules served, as the endpoints that report on them show them.
#[derive(Serialize)]
pub struct ServedView<'a> {
    pub hash: &'a str,
    pub generation: u64,
    pub loaded_at: String,
    pub rulesets: &'a [ServedRuleset],
    pub warnings: &'a [String],
}

/// A rule set of the loaded library, as `/v1/rulesets` and every response name it.
#[derive(Clone, Debug, Serialize)]
pub struct ServedRuleset {
    pub name: String,
    pub version: String,
    pub hash: String,
    /// The first day it is in force, when it says.
    pub effective_from: Option<String>,
    /// The last day it is in force, when it says.
    pub effective_until: Option<String>,
    pub rules: usize,
}

/// Loads, checks and compiles the rule library at `directory`, as `clearance run` does; or the
/// diagnostics that refuse it, rendered as `clearance check` prints them (without colour).
pub fn load(
    directory: &Path,
    generation: u64,
    allow_record_as_of: bool,
) -> Result<Served, Vec<String>> {
    let checked = match clearance_library::checked(&[PathBuf::from(directory)]) {
        Ok(checked) => checked,
        Err(clearance_library::Refused::Unreadable(message)) => return Err(vec![message]),
        Err(clearance_library::Refused::Diagnostics { loaded, errors }) => {
            let rendered =
                render_human(&errors, &loaded.project.sources(), false, Language::English);
            return Err(vec![rendered]);
        }
        Err(clearance_library::Refused::Data(problems)) => {
            return Err(problems.iter().map(ToString::to_string).collect());
        }
    };
    outside_the_directory(directory, &checked.rule_set)?;
    let mut warnings = checked.warnings;
    let rule_set = checked.rule_set.allow_record_as_of(allow_record_as_of);
    let (rule_set, _, error) = clearance_jit::attach(rule_set, false);
    if let Some(error) = error {
        warnings.push(format!("warning: {error}; the interpreter runs every rule"));
    }
    let rulesets = rule_set
        .program()
        .rulesets
        .iter()
        .map(|ruleset| ServedRuleset {
            name: ruleset.name.clone(),
            version: ruleset.version.clone(),
            hash: ruleset.hash.clone(),
            effective_from: ruleset.validity.from.map(|date| date.to_string()),
            effective_until: ruleset.validity.until.map(|date| date.to_string()),
            rules: ruleset.rules.len(),
        })
        .collect();
    Ok(Served {
        rule_set,
        generation,
        rulesets,
        loaded_at: jiff::Timestamp::now(),
        warnings,
    })
}

/// The data files the rules read must be under the rule directory: it is the only place the
/// server reads rules from, and the only place it watches for changes.
fn outside_the_directory(directory: &Path, rule_set: &RuleSet) -> Result<(), Vec<String>> {
    let root = directory.canonicalize().map_err(|error| {
        vec![format!(
            "error: cannot read `{}`: {error}",
            directory.display()
        )]
    })?;
    let outside: Vec<String> = rule_set
        .program()
        .data_files()
        .into_iter()
        .filter(|file| {
            Path::new(file)
                .canonicalize()
                .is_ok_and(|path| !path.starts_with(&root))
        })
        .map(|file| {
            format!(
                "error: the data file `{file}` is outside the rule directory `{}`; the server reads the rules and their data from that directory only, and watches only it for changes: move the file under it",
                directory.display()
            )
        })
        .collect();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(outside)
    }
}
