//! Quick fixes: the edits a diagnostic's help proposes, as plain data for the editor.
//!
//! A fix is offered only where its result is known to check: a did-you-mean replaces the name
//! by the candidate the checker found; a presence test is written only for a path (the checker
//! narrows paths, not calls) whose first name is in scope where the test goes; a requirement
//! is added to the catalogue with the implementing rule's title, and with its citation when the
//! catalogue declares that source.

use clearance_compiler::db::SourceFile;
use clearance_compiler::diagnostics::{DiagnosticId, FileDiagnostic, Text, quick_fix};
use clearance_compiler::items::{ParsedItem, file_header, parsed_file};
use clearance_compiler::project::Project;
use clearance_compiler::resolve::module_index;
use clearance_compiler::syntax::ast::{
    Expr, ExprKind, ItemData, ItemKind, RuleClause, RuleClauseKind, RuleItem, Span,
};
use clearance_compiler::text;

/// Replace `start..end` (bytes of the file at `path`) with `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub path: String,
    pub start: usize,
    pub end: usize,
    pub new_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: Text,
    /// The diagnostic it mends, with file-absolute spans.
    pub diagnostic: FileDiagnostic,
    /// In file order within each file; several files for a requirement added to the catalogue.
    pub edits: Vec<FileEdit>,
    /// The fix the help names first, which an editor may apply on its own.
    pub preferred: bool,
}

/// The fixes of the diagnostics of the file at `path` whose primary span meets `start..end`.
pub fn fixes(project: &Project, path: &str, start: usize, end: usize) -> Vec<Fix> {
    let Some(file) = project.file(path) else {
        return Vec::new();
    };
    let mut fixes = Vec::new();
    for file_diagnostic in project.diagnostics(|candidate| candidate == path) {
        let span = file_diagnostic.diagnostic.primary_span();
        if (span.end as usize) < start || end < span.start as usize {
            continue;
        }
        let edit = |start: usize, end: usize, new_text: String| FileEdit {
            path: path.to_string(),
            start,
            end,
            new_text,
        };
        if let Some(fix) = quick_fix(&file_diagnostic.diagnostic) {
            let (start, end) = (span.start as usize, span.end as usize);
            let written = if fix.after {
                edit(end, end, fix.text)
            } else {
                edit(start, end, fix.text)
            };
            fixes.push(Fix {
                title: fix.title,
                diagnostic: file_diagnostic.clone(),
                edits: vec![written],
                preferred: true,
            });
        }
        match file_diagnostic.diagnostic.id {
            DiagnosticId::MaybeAbsent => {
                fixes.extend(presence_tests(project, file, &file_diagnostic));
            }
            DiagnosticId::UnknownRequirement => {
                fixes.extend(catalogue_entry(project, file, &file_diagnostic));
            }
            _ => {}
        }
    }
    fixes
}

/// A name, or names joined by `.` or `?.`: what `is present` narrows.
fn is_path(text: &str) -> bool {
    let name = |part: &str| {
        let mut chars = part.chars();
        chars
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
            && chars.all(|rest| rest.is_ascii_alphanumeric() || rest == '_')
    };
    let parts: Vec<&str> = text.split('.').collect();
    parts.iter().enumerate().all(|(index, part)| {
        // `?` ends every part before a `?.`, never the last.
        let part = if index + 1 < parts.len() {
            part.strip_suffix('?').unwrap_or(part)
        } else {
            part
        };
        name(part)
    })
}

/// A maybe-absent value tested before use: in the rule's `when` (added, or its condition
/// extended), and with `and` in the smallest condition that holds it.
fn presence_tests(project: &Project, file: SourceFile, diagnostic: &FileDiagnostic) -> Vec<Fix> {
    let db = project.db();
    let text = file.text(db);
    let span = diagnostic.diagnostic.primary_span();
    let (start, end) = (span.start as usize, span.end as usize);
    let Some(value) = text.get(start..end).filter(|value| is_path(value)) else {
        return Vec::new();
    };
    let parsed = parsed_file(db, file);
    let Some(item) = parsed.item_at(start) else {
        return Vec::new();
    };
    let item_start = item.offset as usize;
    let relative = Span {
        start: span.start - item.offset,
        end: span.end - item.offset,
    };
    let path = file.path(db).clone();
    let edit = |start: usize, end: usize, new_text: String| FileEdit {
        path: path.clone(),
        start: item_start + start,
        end: item_start + end,
        new_text,
    };
    let mut fixes = Vec::new();
    if let ItemData::Rule(rule) = &item.item.data {
        let inputs: Vec<String> = file_header(db, file)
            .map(|header| {
                header
                    .inputs
                    .iter()
                    .map(|input| input.name.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(edits) = when_test(rule, &inputs, text, item_start, relative, value) {
            fixes.push(Fix {
                title: text!("action--test-present-in-when", value = value),
                diagnostic: diagnostic.clone(),
                edits: edits
                    .into_iter()
                    .map(|(start, end, new_text)| edit(start, end, new_text))
                    .collect(),
                preferred: true,
            });
        }
    }
    // The smallest test that holds the value, and whether it is a whole condition already
    // (which needs no parentheses).
    let (roots, conditions): (Vec<&Expr>, Vec<&Expr>) = match &item.item.data {
        ItemData::Rule(rule) => (
            rule.clauses.iter().flat_map(clause_expressions).collect(),
            rule.clauses.iter().flat_map(clause_conditions).collect(),
        ),
        ItemData::Function(function) => (
            function
                .lets
                .iter()
                .map(|binding| &binding.value)
                .chain([&function.body])
                .collect(),
            vec![&function.body],
        ),
        _ => (Vec::new(), Vec::new()),
    };
    let test = roots.iter().find_map(|root| innermost_test(root, relative));
    if let Some(test) = test {
        let (start, end) = (test.span.start as usize, test.span.end as usize);
        let bare = conditions
            .iter()
            .any(|condition| condition.span == test.span);
        let edits = if bare {
            vec![edit(start, start, format!("{value} is present and "))]
        } else {
            vec![
                edit(start, start, format!("({value} is present and ")),
                edit(end, end, ")".to_string()),
            ]
        };
        if fixes.first().is_none_or(|when| when.edits != edits) {
            fixes.push(Fix {
                title: text!("action--test-present-with-and", value = value),
                diagnostic: diagnostic.clone(),
                edits,
                preferred: fixes.is_empty(),
            });
        }
    }
    fixes
}

/// The smallest comparison, membership or presence test within `expr` that holds `span`.
fn innermost_test(expr: &Expr, span: Span) -> Option<&Expr> {
    if !(expr.span.start <= span.start && span.end <= expr.span.end) {
        return None;
    }
    expr.children()
        .into_iter()
        .find_map(|child| innermost_test(child, span))
        .or_else(|| {
            let test = matches!(
                expr.kind,
                ExprKind::Compare(..)
                    | ExprKind::Temporal(..)
                    | ExprKind::In { .. }
                    | ExprKind::Is { .. }
            );
            (test && expr.span != span).then_some(expr)
        })
}

/// Every expression a clause holds.
fn clause_expressions(clause: &RuleClause) -> Vec<&Expr> {
    match &clause.kind {
        RuleClauseKind::ForEvery { collection, .. } => vec![collection],
        RuleClauseKind::Let(binding) => vec![&binding.value],
        _ => clause_conditions(clause),
    }
}

/// The conditions a clause holds: what `when`, `require` and `except when` test.
fn clause_conditions(clause: &RuleClause) -> Vec<&Expr> {
    match &clause.kind {
        RuleClauseKind::When(condition) | RuleClauseKind::Require(condition) => vec![condition],
        RuleClauseKind::Except {
            condition,
            consequence,
        } => std::iter::once(condition).chain(consequence).collect(),
        _ => Vec::new(),
    }
}

/// The edits (item-relative) that test `value` in the rule's `when`: its condition extended
/// when the rule has one, a new `when` line before the clause that uses the value otherwise.
/// None where the value's first name is not bound yet at that place, or where a `when` comes
/// too late to guard the clause.
fn when_test(
    rule: &RuleItem,
    inputs: &[String],
    text: &str,
    item_start: usize,
    span: Span,
    value: &str,
) -> Option<Vec<(usize, usize, String)>> {
    let holds =
        |clause: &RuleClause| clause.span.start <= span.start && span.end <= clause.span.end;
    let used_at = rule.clauses.iter().position(holds)?;
    let used = &rule.clauses[used_at];
    let root = value.split(['.', '?']).next()?;
    let bound_before = |position: usize| {
        inputs.iter().any(|input| input == root)
            || rule.clauses[..position]
                .iter()
                .any(|clause| match &clause.kind {
                    RuleClauseKind::ForEvery { var, .. } => var.text == root,
                    RuleClauseKind::Let(binding) => binding.name.text == root,
                    _ => false,
                })
    };
    let when_at = rule
        .clauses
        .iter()
        .position(|clause| matches!(clause.kind, RuleClauseKind::When(_)));
    match when_at {
        Some(when_at) => {
            let RuleClauseKind::When(condition) = &rule.clauses[when_at].kind else {
                return None;
            };
            // The assertions are decided after every step; a step is guarded by an earlier
            // `when` only.
            let guarded = when_at <= used_at
                || matches!(
                    used.kind,
                    RuleClauseKind::Require(_) | RuleClauseKind::Except { .. }
                );
            if !guarded || !bound_before(when_at) {
                return None;
            }
            let (start, end) = (condition.span.start as usize, condition.span.end as usize);
            Some(if matches!(condition.kind, ExprKind::Or(..)) {
                vec![
                    (start, start, format!("{value} is present and (")),
                    (end, end, ")".to_string()),
                ]
            } else {
                vec![(start, start, format!("{value} is present and "))]
            })
        }
        None => {
            let guardable = matches!(
                used.kind,
                RuleClauseKind::ForEvery { .. }
                    | RuleClauseKind::Let(_)
                    | RuleClauseKind::Require(_)
                    | RuleClauseKind::Except { .. }
            );
            if !guardable || !bound_before(used_at) {
                return None;
            }
            let clause_start = item_start + used.span.start as usize;
            let line_start = text[..clause_start].rfind('\n').map_or(0, |at| at + 1);
            let indent = &text[line_start..clause_start];
            if !indent.chars().all(char::is_whitespace) {
                return None;
            }
            let at = line_start - item_start;
            Some(vec![(at, at, format!("{indent}when {value} is present\n"))])
        }
    }
}

/// A requirement the catalogue lacks, added to it: after the last requirement of its nearest
/// family (`CAS-MASS-`, else `CAS-`, for `CAS-MASS-09`), with the implementing rule's title and
/// citation.
fn catalogue_entry(
    project: &Project,
    file: SourceFile,
    diagnostic: &FileDiagnostic,
) -> Option<Fix> {
    let db = project.db();
    let text = file.text(db);
    let span = diagnostic.diagnostic.primary_span();
    let id = text.get(span.start as usize..span.end as usize)?;
    let index = module_index(db);
    // The catalogue is the file that holds the most requirements.
    let mut counts: Vec<(SourceFile, usize)> = Vec::new();
    for definition in index.requirements.values() {
        match counts.iter_mut().find(|(file, _)| *file == definition.file) {
            Some((_, count)) => *count += 1,
            None => counts.push((definition.file, 1)),
        }
    }
    let catalogue = counts
        .iter()
        .max_by_key(|(_, count)| *count)
        .map(|(file, _)| *file)?;
    if project.is_stdlib(catalogue) {
        return None;
    }
    let catalogue_text = catalogue.text(db);
    let parsed = parsed_file(db, catalogue);
    let requirements: Vec<&ParsedItem> = parsed
        .items
        .iter()
        .filter(|item| item.key.kind == ItemKind::Requirement)
        .collect();
    // The nearest family first: `CAS-MASS-` for `CAS-MASS-09`, then `CAS-`.
    let families = [
        id.rsplit_once('-').map(|(family, _)| format!("{family}-")),
        id.split_once('-').map(|(family, _)| format!("{family}-")),
    ];
    let after = families
        .iter()
        .flatten()
        .find_map(|family| {
            requirements
                .iter()
                .rev()
                .find(|item| item.key.name.starts_with(family.as_str()))
        })
        .or(requirements.last())?;
    let at = end_of_clauses(catalogue_text, after);
    let rule_item = parsed_file(db, file).item_at(span.start as usize)?.clone();
    let mut entry = format!("\n\nrequirement {id}");
    if let ItemData::Rule(rule) = &rule_item.item.data {
        let declared: Vec<String> = file_header(db, catalogue)
            .map(|header| {
                header
                    .sources
                    .iter()
                    .map(|source| source.id.text.clone())
                    .collect()
            })
            .unwrap_or_default();
        let clause_text = |clause: &RuleClause| {
            let start = rule_item.offset as usize + clause.span.start as usize;
            let end = rule_item.offset as usize + clause.span.end as usize;
            text.get(start..end).map(str::to_string)
        };
        let title = rule
            .clauses
            .iter()
            .find(|clause| matches!(clause.kind, RuleClauseKind::Title(_)));
        let cites = rule.clauses.iter().find(|clause| match &clause.kind {
            RuleClauseKind::Cites(cite) => declared.contains(&cite.source.text),
            _ => false,
        });
        for clause in title.into_iter().chain(cites) {
            if let Some(written) = clause_text(clause) {
                entry.push_str("\n  ");
                entry.push_str(&written);
            }
        }
    }
    // The file's name: an editor's paths are absolute, and the title is one line.
    let catalogue_path = catalogue.path(db);
    let catalogue_name = catalogue_path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(catalogue_path);
    Some(Fix {
        title: text!(
            "action--add-requirement-to-catalogue",
            id = id,
            file = catalogue_name
        ),
        diagnostic: diagnostic.clone(),
        edits: vec![FileEdit {
            path: catalogue.path(db).clone(),
            start: at,
            end: at,
            new_text: entry,
        }],
        preferred: false,
    })
}

/// Where an item's own lines end: after its last indented line, before the blank lines and
/// column-0 comments that run up to the next item.
fn end_of_clauses(text: &str, item: &ParsedItem) -> usize {
    let start = item.offset as usize;
    let end = (start + item.len as usize).min(text.len());
    let mut last = start;
    let mut offset = start;
    for (index, line) in text[start..end].split_inclusive('\n').enumerate() {
        let content = line.trim_end();
        let own = index == 0 || (content.starts_with([' ', '\t']) && !content.trim().is_empty());
        if index > 0 && !content.is_empty() && !content.starts_with([' ', '\t']) {
            break;
        }
        if own {
            last = offset + content.len();
        }
        offset += line.len();
    }
    last
}

#[cfg(test)]
mod tests {
    use super::is_path;

    #[test]
    fn paths_are_names_joined_by_dots() {
        for path in [
            "item",
            "item.gross_mass",
            "declaration.consignor?.name",
            "_x.y1",
        ] {
            assert!(is_path(path), "{path}");
        }
        for other in ["", "f(x)", "a + b", "a..b", ".a", "1x", "a.", "?.a"] {
            assert!(!is_path(other), "{other}");
        }
    }
}
