//! What changed between two versions of a rule library, structurally: the rule sets and rules
//! added, removed and changed (with the clauses that changed), the requirements whose
//! implementing rules change, and the data files (the operator's configuration tables, the
//! tariff's measures) whose records change.
//!
//! Rule sets are paired by name (and by version first, when one side holds several versions of
//! a rule set), rules by identifier, data files by their path in the library. A clause is
//! compared as the findings quote it ([`format::one_line`]), so that layout and comments are
//! not changes.

use std::collections::{BTreeMap, BTreeSet};

use clearance_compiler::ir::{Program, RuleIr, RulesetIr};
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::{format, split_items};
use jiff::civil::Date;
use serde::Serialize;

/// One side of a comparison: a checked program, the text of its files, the date whose rules
/// count (every version of every rule set when there is none), and its data files.
pub struct Side<'a> {
    pub program: &'a Program,
    /// A file's text by its path in the program.
    pub text_of: &'a dyn Fn(&str) -> Option<String>,
    pub as_of: Option<Date>,
    /// Each data file's text by its path relative to its library.
    pub data_files: &'a BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseChange {
    /// `-` for a clause only the old rule has, `+` for one only the new rule has.
    pub sign: char,
    pub clause: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub rule: String,
    pub change: Change,
    /// The clauses of a changed rule that changed, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub clauses: Vec<ClauseChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RulesetChange {
    pub name: String,
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    /// Whether the rule set's hash changed (its file or a file it imports), even where no rule
    /// did: a function, a table or a constant it uses may have.
    pub hash_changed: bool,
    pub rules: Vec<RuleChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequirementChange {
    pub requirement: String,
    pub old_rules: Vec<String>,
    pub new_rules: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DataFileChange {
    pub file: String,
    pub change: Change,
    /// The lines (records, and a CSV file's header) only the old file has.
    pub removed: Vec<String>,
    /// The lines only the new file has.
    pub added: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StructuralDiff {
    pub rulesets: Vec<RulesetChange>,
    pub requirements: Vec<RequirementChange>,
    pub data_files: Vec<DataFileChange>,
}

impl StructuralDiff {
    pub fn is_empty(&self) -> bool {
        self.rulesets.is_empty() && self.requirements.is_empty() && self.data_files.is_empty()
    }
}

/// Compares two sides.
pub fn compare(old: &Side<'_>, new: &Side<'_>) -> StructuralDiff {
    let old_sets = selected(old);
    let new_sets = selected(new);
    let mut rulesets = Vec::new();
    for (old_set, new_set) in pair(&old_sets, &new_sets) {
        match (old_set, new_set) {
            (Some(old_set), Some(new_set)) => {
                let rules = rule_changes(old, old_set, new, new_set);
                let hash_changed = old_set.ruleset.hash != new_set.ruleset.hash;
                if rules.is_empty()
                    && !hash_changed
                    && old_set.ruleset.version == new_set.ruleset.version
                {
                    continue;
                }
                rulesets.push(RulesetChange {
                    name: new_set.ruleset.name.clone(),
                    change: Change::Changed,
                    old_version: Some(old_set.ruleset.version.clone()),
                    new_version: Some(new_set.ruleset.version.clone()),
                    hash_changed,
                    rules,
                });
            }
            (Some(only), None) | (None, Some(only)) => {
                let added = new_set.is_some();
                rulesets.push(RulesetChange {
                    name: only.ruleset.name.clone(),
                    change: if added {
                        Change::Added
                    } else {
                        Change::Removed
                    },
                    old_version: (!added).then(|| only.ruleset.version.clone()),
                    new_version: added.then(|| only.ruleset.version.clone()),
                    hash_changed: true,
                    rules: only
                        .rules
                        .iter()
                        .map(|rule| {
                            whole_rule(
                                rule,
                                if added {
                                    Change::Added
                                } else {
                                    Change::Removed
                                },
                            )
                        })
                        .collect(),
                });
            }
            (None, None) => {}
        }
    }
    StructuralDiff {
        rulesets,
        requirements: requirement_changes(&old_sets, &new_sets),
        data_files: data_file_changes(old.data_files, new.data_files),
    }
}

/// A rule set with the rules of it that count on the side's date.
struct Selected<'p> {
    ruleset: &'p RulesetIr,
    rules: Vec<&'p RuleIr>,
}

fn selected<'p>(side: &Side<'p>) -> Vec<Selected<'p>> {
    side.program
        .rulesets
        .iter()
        .filter(|ruleset| {
            side.as_of
                .is_none_or(|date| ruleset.validity.contains(date))
        })
        .map(|ruleset| Selected {
            ruleset,
            rules: ruleset
                .rules
                .iter()
                .filter(|rule| side.as_of.is_none_or(|date| rule.validity.contains(date)))
                .collect(),
        })
        .collect()
}

/// Pairs rule sets: the same name and version first, then the same name where each side has
/// one rule set of that name left; the rest stand alone. In name order.
fn pair<'s, 'p>(
    old: &'s [Selected<'p>],
    new: &'s [Selected<'p>],
) -> Vec<(Option<&'s Selected<'p>>, Option<&'s Selected<'p>>)> {
    let names: BTreeSet<&str> = old
        .iter()
        .chain(new)
        .map(|set| set.ruleset.name.as_str())
        .collect();
    let mut pairs = Vec::new();
    for name in names {
        let mut old_left: Vec<&Selected<'p>> =
            old.iter().filter(|set| set.ruleset.name == name).collect();
        let mut new_left: Vec<&Selected<'p>> =
            new.iter().filter(|set| set.ruleset.name == name).collect();
        old_left.retain(|old_set| {
            match new_left
                .iter()
                .position(|new_set| new_set.ruleset.version == old_set.ruleset.version)
            {
                Some(index) => {
                    pairs.push((Some(*old_set), Some(new_left.remove(index))));
                    false
                }
                None => true,
            }
        });
        if let ([old_set], [new_set]) = (old_left.as_slice(), new_left.as_slice()) {
            pairs.push((Some(*old_set), Some(*new_set)));
            continue;
        }
        pairs.extend(old_left.into_iter().map(|set| (Some(set), None)));
        pairs.extend(new_left.into_iter().map(|set| (None, Some(set))));
    }
    pairs
}

fn rule_changes(
    old: &Side<'_>,
    old_set: &Selected<'_>,
    new: &Side<'_>,
    new_set: &Selected<'_>,
) -> Vec<RuleChange> {
    let old_clauses = rule_clauses(old, old_set.ruleset);
    let new_clauses = rule_clauses(new, new_set.ruleset);
    let mut changes = Vec::new();
    for rule in &old_set.rules {
        if !new_set.rules.iter().any(|other| other.id == rule.id) {
            changes.push(whole_rule(rule, Change::Removed));
        }
    }
    for rule in &new_set.rules {
        if !old_set.rules.iter().any(|other| other.id == rule.id) {
            changes.push(whole_rule(rule, Change::Added));
            continue;
        }
        let empty = Vec::new();
        let before = old_clauses.get(&rule.id).unwrap_or(&empty);
        let after = new_clauses.get(&rule.id).unwrap_or(&empty);
        let clauses = clause_changes(before, after);
        if !clauses.is_empty() {
            changes.push(RuleChange {
                rule: rule.id.clone(),
                change: Change::Changed,
                clauses,
            });
        }
    }
    changes
}

/// A rule only one side has: added or removed whole, with no clause to list.
fn whole_rule(rule: &RuleIr, change: Change) -> RuleChange {
    RuleChange {
        rule: rule.id.clone(),
        change,
        clauses: Vec::new(),
    }
}

/// Each rule of a rule set's file, as its clauses on one line each.
fn rule_clauses(side: &Side<'_>, ruleset: &RulesetIr) -> BTreeMap<String, Vec<String>> {
    let Some(text) = (side.text_of)(&ruleset.path) else {
        return BTreeMap::new();
    };
    split_items(&text)
        .items
        .iter()
        .filter(|item| item.kind == ItemKind::Rule)
        .filter_map(|item| {
            let source = text.get(item.start..item.end)?;
            Some((item.name.clone(), clauses(source)))
        })
        .collect()
}

/// The clauses of an item: its header line, then each line indented by two spaces with the
/// more indented lines that continue it; comment lines are not part of a clause.
fn clauses(item: &str) -> Vec<String> {
    let mut clauses: Vec<String> = Vec::new();
    for line in item.lines() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with("//") {
            continue;
        }
        let indent = line.len() - trimmed.len();
        match clauses.last_mut() {
            Some(clause) if indent > 2 => {
                clause.push('\n');
                clause.push_str(line);
            }
            _ => clauses.push(line.to_string()),
        }
    }
    clauses
        .iter()
        .map(|clause| format::one_line(clause))
        .collect()
}

fn clause_changes(before: &[String], after: &[String]) -> Vec<ClauseChange> {
    use similar::{Algorithm, ChangeTag, capture_diff_slices};
    let mut changes = Vec::new();
    for operation in capture_diff_slices(Algorithm::Myers, before, after) {
        for change in operation.iter_changes(before, after) {
            let clause = change.value();
            let sign = match change.tag() {
                ChangeTag::Equal => continue,
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
            };
            changes.push(ClauseChange {
                sign,
                clause: clause.clone(),
            });
        }
    }
    changes
}

fn requirement_changes(old: &[Selected<'_>], new: &[Selected<'_>]) -> Vec<RequirementChange> {
    let implementing = |sets: &[Selected<'_>]| {
        let mut by_requirement: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for set in sets {
            for rule in &set.rules {
                for requirement in &rule.requirements {
                    by_requirement
                        .entry(requirement.clone())
                        .or_default()
                        .insert(rule.id.clone());
                }
            }
        }
        by_requirement
    };
    let (before, after) = (implementing(old), implementing(new));
    let requirements: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = BTreeSet::new();
    requirements
        .into_iter()
        .filter_map(|requirement| {
            let old_rules = before.get(requirement).unwrap_or(&empty);
            let new_rules = after.get(requirement).unwrap_or(&empty);
            (old_rules != new_rules).then(|| RequirementChange {
                requirement: requirement.clone(),
                old_rules: old_rules.iter().cloned().collect(),
                new_rules: new_rules.iter().cloned().collect(),
            })
        })
        .collect()
}

fn data_file_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
) -> Vec<DataFileChange> {
    let files: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let mut changes = Vec::new();
    for file in files {
        let (before, after) = (old.get(file), new.get(file));
        if before == after {
            continue;
        }
        let (before_lines, after_lines) = (non_blank_lines(before), non_blank_lines(after));
        let mut removed = Vec::new();
        let mut added = Vec::new();
        let diff =
            similar::capture_diff_slices(similar::Algorithm::Myers, &before_lines, &after_lines);
        for operation in diff {
            for change in operation.iter_changes(&before_lines, &after_lines) {
                let line = change.value();
                match change.tag() {
                    similar::ChangeTag::Equal => {}
                    similar::ChangeTag::Delete => removed.push(line.to_string()),
                    similar::ChangeTag::Insert => added.push(line.to_string()),
                }
            }
        }
        changes.push(DataFileChange {
            file: file.clone(),
            change: match (before, after) {
                (None, _) => Change::Added,
                (_, None) => Change::Removed,
                _ => Change::Changed,
            },
            removed,
            added,
        });
    }
    changes
}

fn non_blank_lines(text: Option<&String>) -> Vec<&str> {
    text.map(|text| {
        text.lines()
            .filter(|line| !line.trim().is_empty())
            .collect()
    })
    .unwrap_or_default()
}

/// The report as text: a line per rule set, rule and clause, then the requirements and data
/// files.
pub fn human(diff: &StructuralDiff) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let word = |change: Change| match change {
        Change::Added => "added",
        Change::Removed => "removed",
        Change::Changed => "changed",
    };
    for ruleset in &diff.rulesets {
        let versions = match (&ruleset.old_version, &ruleset.new_version) {
            (Some(old), Some(new)) if old != new => format!(" (version {old} → {new})"),
            (Some(version), Some(_)) => format!(" (version {version})"),
            (Some(version), None) | (None, Some(version)) => format!(" (version {version})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "rule set {} {}{versions}",
            ruleset.name,
            word(ruleset.change)
        );
        if ruleset.change == Change::Changed && ruleset.rules.is_empty() && ruleset.hash_changed {
            let _ = writeln!(
                out,
                "  no rule changed; its files changed (a definition it uses, a comment or an example)"
            );
        }
        for rule in &ruleset.rules {
            let _ = writeln!(out, "  rule {} {}", rule.rule, word(rule.change));
            for clause in &rule.clauses {
                let _ = writeln!(out, "    {} {}", clause.sign, clause.clause);
            }
        }
    }
    for requirement in &diff.requirements {
        let list = |rules: &[String]| {
            if rules.is_empty() {
                "no rule".to_string()
            } else {
                rules.join(", ")
            }
        };
        let _ = writeln!(
            out,
            "requirement {}: implemented by {}, now by {}",
            requirement.requirement,
            list(&requirement.old_rules),
            list(&requirement.new_rules)
        );
    }
    for file in &diff.data_files {
        let _ = writeln!(
            out,
            "data file {} {}: {} line{} removed, {} added",
            file.file,
            word(file.change),
            file.removed.len(),
            if file.removed.len() == 1 { "" } else { "s" },
            file.added.len()
        );
        for line in &file.removed {
            let _ = writeln!(out, "  - {line}");
        }
        for line in &file.added {
            let _ = writeln!(out, "  + {line}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn clauses_join_their_continuation_lines_and_drop_comments() {
        let item = "/// A doc line.\nrule R\n  title en \"T\" fr \"T\"\n  // a comment\n  require a\n      and  b\n  message en \"m\" fr \"m\"\n";
        assert_eq!(
            clauses(item),
            [
                "rule R",
                "title en \"T\" fr \"T\"",
                "require a and b",
                "message en \"m\" fr \"m\""
            ]
        );
    }

    #[test]
    fn changed_clauses_are_listed_with_their_sign() {
        let before = vec![
            "rule R".to_string(),
            "severity error".to_string(),
            "require a".to_string(),
        ];
        let after = vec![
            "rule R".to_string(),
            "severity warning".to_string(),
            "require a".to_string(),
        ];
        let changes = clause_changes(&before, &after);
        assert_eq!(
            changes,
            [
                ClauseChange {
                    sign: '-',
                    clause: "severity error".to_string()
                },
                ClauseChange {
                    sign: '+',
                    clause: "severity warning".to_string()
                },
            ]
        );
    }

    #[test]
    fn data_files_give_the_lines_removed_and_added() {
        let old = BTreeMap::from([("a.csv".to_string(), "h\n1\n2\n".to_string())]);
        let new = BTreeMap::from([
            ("a.csv".to_string(), "h\n1\n3\n".to_string()),
            ("b.csv".to_string(), "h\n".to_string()),
        ]);
        let changes = data_file_changes(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].removed, ["2"]);
        assert_eq!(changes[0].added, ["3"]);
        assert_eq!(changes[1].change, Change::Added);
    }
}
