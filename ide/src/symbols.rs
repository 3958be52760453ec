//! Workspace symbols: the items of every file whose name holds what was typed.

use clearance_compiler::items::parsed_file;
use clearance_compiler::project::Project;
use clearance_compiler::syntax::ast::ItemKind;

use crate::{FileRange, name_range};

/// One item found by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub kind: ItemKind,
    /// Its name where it is defined.
    pub place: FileRange,
}

/// At most this many symbols are returned: a client narrows the search as the user types.
const MOST: usize = 200;

/// The items whose name holds `query` (letters compared without case), the best first: a name
/// that starts with it before one that only holds it, then in file order.
pub fn workspace_symbols(project: &Project, query: &str) -> Vec<Symbol> {
    let db = project.db();
    let query = query.to_lowercase();
    let mut found: Vec<(bool, Symbol)> = Vec::new();
    for &file in project.files() {
        for item in &parsed_file(db, file).items {
            let name = &item.key.name;
            if matches!(item.key.kind, ItemKind::Use) || name.is_empty() {
                continue;
            }
            let lowered = name.to_lowercase();
            if !lowered.contains(&query) {
                continue;
            }
            let def = clearance_compiler::resolve::DefRef {
                file,
                key: item.key.clone(),
            };
            let Some(place) = name_range(project, &def) else {
                continue;
            };
            found.push((
                lowered.starts_with(&query),
                Symbol {
                    name: name.clone(),
                    kind: item.key.kind,
                    place,
                },
            ));
        }
    }
    // A stable sort keeps file order within each group.
    found.sort_by_key(|(starts, _)| !*starts);
    found
        .into_iter()
        .take(MOST)
        .map(|(_, symbol)| symbol)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_found_by_part_of_their_name() {
        let mut project = Project::default();
        project.add_file(
            "lib/a.clr",
            "module lib.a\n\nconst mass_limit = 5\n\nconst gross_mass_floor = 1\n",
        );
        let found = workspace_symbols(&project, "MASS");
        let names: Vec<&str> = found.iter().map(|symbol| symbol.name.as_str()).collect();
        assert_eq!(names[0], "mass_limit", "{names:?}");
        assert!(names.contains(&"gross_mass_floor"), "{names:?}");
        // The standard library's items are found too.
        let declaration = workspace_symbols(&project, "Declaration");
        assert!(
            declaration
                .iter()
                .any(|symbol| symbol.name == "Declaration"
                    && symbol.place.path == "stdlib/customs.clr"),
            "{declaration:?}"
        );
    }
}
