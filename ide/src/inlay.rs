//! Inlay hints: the type the checker gave each `let` of a rule, after its name
//! (`let total: Mass = sum ...`), with its unit or currency where the type has one.

use clearance_compiler::db::ItemId;
use clearance_compiler::ir::Step;
use clearance_compiler::items::{item_syntax, parsed_file};
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::{ItemData, ItemKind, RuleClauseKind};

/// A hint: text to show at a byte offset of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
}

/// The hints of the file at `path` whose offsets fall in `start..end`.
pub fn inlay_hints(project: &Project, path: &str, start: usize, end: usize) -> Vec<InlayHint> {
    let db = project.db();
    let Some(file) = project.file(path) else {
        return Vec::new();
    };
    let mut hints = Vec::new();
    for parsed in &parsed_file(db, file).items {
        let item_start = parsed.offset as usize;
        let item_end = item_start + parsed.len as usize;
        if parsed.key.kind != ItemKind::Rule || item_end < start || item_start > end {
            continue;
        }
        let item = ItemId::new(db, file, parsed.key.clone());
        let Some(syntax) = item_syntax(db, item) else {
            continue;
        };
        let ItemData::Rule(rule) = &syntax.data else {
            continue;
        };
        let ir = clearance_compiler::check::rule::rule_ir(db, item);
        let names = rule.clauses.iter().filter_map(|clause| match &clause.kind {
            RuleClauseKind::Let(binding) => Some(&binding.name),
            _ => None,
        });
        let values = ir.steps.iter().filter_map(|step| match step {
            Step::Let { value, .. } => Some(*value),
            _ => None,
        });
        for (name, value) in names.zip(values) {
            let Some(ty) = ir.body.types.get(value.index()) else {
                continue;
            };
            if ty.is_error() {
                continue;
            }
            let offset = item_start + name.span.end as usize;
            if (start..=end).contains(&offset) {
                hints.push(InlayHint {
                    offset,
                    label: format!(": {ty}"),
                });
            }
        }
    }
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_let_of_a_rule_shows_its_type() {
        let mut project = Project::default();
        let text = "ruleset lib.hints\n  title en \"Hints\" fr \"Indices\"\n  version \"1\"\n  source CAS \"CAS\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nrule R-1\n  title en \"t\" fr \"t\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  let total = sum item.net_mass otherwise 0 kg for item in declaration.items\n  let named = declaration.reference\n  require total >= 0 kg and named != \"\"\n  message en \"m\" fr \"m\"\n";
        project.add_file("lib/hints.clr", text);
        let hints = inlay_hints(&project, "lib/hints.clr", 0, text.len());
        let total = text.find("let total").unwrap() + "let total".len();
        let named = text.find("let named").unwrap() + "let named".len();
        assert_eq!(
            hints,
            [
                InlayHint {
                    offset: total,
                    label: ": Mass".to_string()
                },
                InlayHint {
                    offset: named,
                    label: ": Text".to_string()
                },
            ]
        );
        assert!(inlay_hints(&project, "lib/hints.clr", 0, 10).is_empty());
    }
}
