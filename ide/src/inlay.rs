//! Inlay hints: the type the checker gave each binding whose type is not written, after its
//! name: a `let` (`let total: Mass = sum ...`), a `for every` or loop variable (`item: Item`),
//! in rules, functions, tables and constants alike. Parameters, whose types are written, get
//! none.

use clearance_compiler::check::{CheckedItem, NameTarget};
use clearance_compiler::db::ItemId;
use clearance_compiler::items::parsed_file;
use clearance_compiler::project::Project;

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
    let text = file.text(db);
    let mut hints = Vec::new();
    for parsed in &parsed_file(db, file).items {
        let item_start = parsed.offset as usize;
        let item_end = item_start + parsed.len as usize;
        if item_end < start || item_start > end {
            continue;
        }
        let Some(checked) = CheckedItem::of(db, ItemId::new(db, file, parsed.key.clone())) else {
            continue;
        };
        for name in checked.names() {
            let NameTarget::Binding { ty } = &name.target else {
                continue;
            };
            let offset = item_start + name.span.end as usize;
            let written = text
                .get(offset..)
                .is_some_and(|rest| rest.trim_start_matches([' ', '\t']).starts_with(':'));
            if ty.is_error() || written || !(start..=end).contains(&offset) {
                continue;
            }
            hints.push(InlayHint {
                offset,
                label: format!(": {ty}"),
            });
        }
    }
    hints.sort_by_key(|hint| hint.offset);
    hints.dedup();
    hints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_binding_without_a_written_type_shows_its_type() {
        let mut project = Project::default();
        let text = "ruleset lib.hints\n  title en \"Hints\" fr \"Indices\"\n  version \"1\"\n  source CAS \"CAS\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nrule R-1\n  title en \"t\" fr \"t\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  let total = sum item.net_mass otherwise 0 kg for item in declaration.items\n  let named = declaration.reference\n  require total >= 0 kg and named != \"\"\n  message en \"m\" fr \"m\"\n";
        project.add_file("lib/hints.clr", text);
        let hints = inlay_hints(&project, "lib/hints.clr", 0, text.len());
        let total = text.find("let total").unwrap() + "let total".len();
        let item = text.find("for item").unwrap() + "for item".len();
        let named = text.find("let named").unwrap() + "let named".len();
        assert_eq!(
            hints,
            [
                InlayHint {
                    offset: total,
                    label: ": Mass".to_string()
                },
                InlayHint {
                    offset: item,
                    label: ": Item".to_string()
                },
                InlayHint {
                    offset: named,
                    label: ": Text".to_string()
                },
            ]
        );
        assert!(inlay_hints(&project, "lib/hints.clr", 0, 10).is_empty());

        // A function's `let` has one; its parameter, whose type is written, has none.
        let function = "module lib.f\n\nfn f(n: Int) -> Int\n  let doubled = n * 2\n  = doubled\n";
        project.add_file("lib/f.clr", function);
        let doubled = function.find("let doubled").unwrap() + "let doubled".len();
        assert_eq!(
            inlay_hints(&project, "lib/f.clr", 0, function.len()),
            [InlayHint {
                offset: doubled,
                label: ": Int".to_string()
            }]
        );
    }
}
