//! Find references and rename, for the names of items: records, code lists, type aliases,
//! constants, functions, tables, fixtures, calendars, holidays, rules and requirement
//! identifiers, across the project's files.
//!
//! A candidate is every word of the name's text outside comments (and inside strings only in
//! their `{...}` templates) that resolves, as "go to definition" resolves it, to the same
//! definition. A word the checker resolved to a binding (`let`, a parameter, a loop variable)
//! is that binding, not the definition, and a rename to a name that an item using the
//! definition binds is refused. Bindings themselves are found and renamed through what the
//! checker recorded (`check::NameTarget::Binding` and `Local`), in their item.
//!
//! Fields and codes are found through what the checker recorded of each body (the record a
//! field was read from, the list a code belongs to), not by their words: `item.code` and
//! `document.code` are different fields. A field read from data, or any code, is not renamed:
//! the data names them, and would no longer bind.

use clearance_compiler::check::NameTarget;
use clearance_compiler::db::SourceFile;
use clearance_compiler::diagnostics::Text;
use clearance_compiler::project::Project;
use clearance_compiler::resolve::{DefRef, file_scope, module_index};
use clearance_compiler::syntax::KEYWORDS;
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::lexer::{TokenKind, tokenize};
use clearance_compiler::text;

use crate::{FileRange, name_range, resolve};

/// One place the definition is named.
struct Occurrence {
    file: SourceFile,
    start: usize,
    end: usize,
}

/// Every place that names the definition the word at `offset` names, the definition itself
/// included when `include_declaration`.
pub fn references(
    project: &Project,
    path: &str,
    offset: usize,
    include_declaration: bool,
) -> Vec<FileRange> {
    let Some(file) = project.file(path) else {
        return Vec::new();
    };
    if let Some(mut places) = crate::names::local_at(project, file, offset) {
        if !include_declaration {
            places.remove(0);
        }
        return places;
    }
    if let Some(name) = crate::names::known_target_at(project, file, offset) {
        let declaration = crate::names::declaration(project, &name.target);
        let mut found = crate::names::uses(project, &name.target);
        if include_declaration && let Some(declaration) = declaration {
            found.retain(|range| *range != declaration);
            found.insert(0, declaration);
        }
        return found;
    }
    let Some((def, _, _)) = resolve(project, file, offset) else {
        return Vec::new();
    };
    let declaration = name_range(project, &def);
    let db = project.db();
    let mut found: Vec<FileRange> = occurrences(project, &def)
        .into_iter()
        .map(|occurrence| FileRange {
            path: occurrence.file.path(db).clone(),
            start: occurrence.start,
            end: occurrence.end,
        })
        .filter(|range| include_declaration || Some(range) != declaration.as_ref())
        .collect();
    if include_declaration
        && let Some(declaration) = declaration
        && !found.contains(&declaration)
    {
        found.insert(0, declaration);
    }
    found
}

/// The words of the definition's name that resolve to it, in every file of the project.
fn occurrences(project: &Project, def: &DefRef) -> Vec<Occurrence> {
    let db = project.db();
    let name = def.key.name.as_str();
    let dashed = matches!(def.key.kind, ItemKind::Rule | ItemKind::Requirement);
    let mut found = Vec::new();
    for &file in project.files() {
        let text = file.text(db);
        if !text.contains(name) {
            continue;
        }
        for (start, end) in words(text, name, dashed) {
            if let Some((resolved, word_start, word_end)) = resolve(project, file, start)
                && resolved == *def
                && (word_start, word_end) == (start, end)
                // A binding of the same name is not the definition.
                && !crate::names::name_use_at(project, file, start)
                    .is_some_and(|name| crate::names::is_binding(&name.target))
            {
                found.push(Occurrence { file, start, end });
            }
        }
    }
    found
}

/// The places `name` is written as a whole word that may name an item: in code or in a
/// string's `{...}` template, not after a `.` (a field or a code), not before a `:` (a field,
/// a parameter or a record literal's key).
fn words(text: &str, name: &str, dashed: bool) -> Vec<(usize, usize)> {
    let code = code_ranges(text);
    text.match_indices(name)
        .map(|(start, _)| (start, start + name.len()))
        .filter(|&(start, end)| {
            // The whole word there is the name, as "go to definition" reads words.
            crate::word_at(text, start, dashed) == Some((start, end))
                && !text[..start].ends_with('.')
                && !text[end..].trim_start_matches([' ', '\t']).starts_with(':')
                && code.iter().any(|range| range.contains(&start))
        })
        .collect()
}

/// The byte ranges that hold code: everything but comments and strings, plus the templates
/// inside strings.
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut code_start = 0;
    for token in tokenize(text) {
        match token.kind {
            TokenKind::Comment | TokenKind::DocComment => {
                ranges.push(code_start..token.start);
                code_start = token.end;
            }
            TokenKind::String | TokenKind::UnterminatedString => {
                ranges.push(code_start..token.start);
                let literal = &text[token.start..token.end];
                let mut from = 0;
                while let Some(open) = literal[from..].find('{') {
                    let open = from + open;
                    let Some(close) = literal[open..].find('}') else {
                        break;
                    };
                    ranges.push(token.start + open + 1..token.start + open + close);
                    from = open + close + 1;
                }
                code_start = token.end;
            }
            _ => {}
        }
    }
    ranges.push(code_start..text.len());
    ranges
}

/// Whether a rename can start at `offset`: the range of the name to rename, or why not.
pub fn prepare_rename(project: &Project, path: &str, offset: usize) -> Result<FileRange, Text> {
    let file = project
        .file(path)
        .ok_or_else(|| text!("rename--file-outside-library"))?;
    if let Some(places) = crate::names::local_at(project, file, offset) {
        return places
            .into_iter()
            .find(|place| (place.start..=place.end).contains(&offset))
            .ok_or_else(|| text!("rename--nothing-here"));
    }
    if let Some(name) = crate::names::known_target_at(project, file, offset) {
        return prepare_field_rename(project, path, &name);
    }
    let Some((def, start, end)) = resolve(project, file, offset) else {
        return Err(text!("rename--nothing-here"));
    };
    if project.is_stdlib(def.file) {
        return Err(text!("rename--standard-library", name = def.key.name));
    }
    Ok(FileRange {
        path: path.to_string(),
        start,
        end,
    })
}

/// The edits that rename the definition the word at `offset` names to `new_name`, each a
/// range and the new name; or why the rename would change what the rules mean.
pub fn rename(
    project: &Project,
    path: &str,
    offset: usize,
    new_name: &str,
) -> Result<Vec<FileRange>, Text> {
    prepare_rename(project, path, offset)?;
    let db = project.db();
    let file = project
        .file(path)
        .ok_or_else(|| text!("rename--file-outside-library"))?;
    if let Some(places) = crate::names::local_at(project, file, offset) {
        return rename_local(project, file, places, new_name);
    }
    if let Some(name) = crate::names::known_target_at(project, file, offset) {
        return rename_field(project, &name, new_name);
    }
    let (def, _, _) =
        resolve(project, file, offset).ok_or_else(|| text!("rename--nothing-here"))?;
    let old_name = def.key.name.clone();
    if new_name == old_name {
        return Ok(Vec::new());
    }
    let dashed = matches!(def.key.kind, ItemKind::Rule | ItemKind::Requirement);
    new_name_is_a_name(new_name, dashed)?;
    let places = occurrences(project, &def);
    let declaration = name_range(project, &def);
    let mut files: Vec<SourceFile> = places.iter().map(|place| place.file).collect();
    files.push(def.file);
    files.dedup();
    // The new name must not mean something already where the old one is used.
    let taken_by = match def.key.kind {
        ItemKind::Requirement => module_index(db)
            .requirements
            .get(new_name)
            .map(|_| text!("rename--taken-by-requirement", name = new_name)),
        ItemKind::Rule => clearance_compiler::items::parsed_file(db, def.file)
            .items
            .iter()
            .any(|item| item.key.kind == ItemKind::Rule && item.key.name == new_name)
            .then(|| text!("rename--taken-by-rule", name = new_name)),
        _ => files.iter().find_map(|&candidate| {
            let existing = file_scope(db, candidate).get(new_name)?.clone();
            Some(text!(
                "rename--taken-by-definition",
                name = new_name,
                kind = existing.key.kind.keyword(),
                path = candidate.path(db)
            ))
        }),
    };
    if let Some(taken_by) = taken_by {
        return Err(taken_by);
    }
    for place in &places {
        if crate::names::declares_local(project, place.file, place.start, new_name) {
            return Err(text!(
                "rename--hidden-by-binding",
                name = new_name,
                old = old_name,
                path = place.file.path(db)
            ));
        }
    }
    let mut edits: Vec<FileRange> = places
        .into_iter()
        .map(|place| FileRange {
            path: place.file.path(db).clone(),
            start: place.start,
            end: place.end,
        })
        .collect();
    if let Some(declaration) = declaration
        && !edits.contains(&declaration)
    {
        edits.push(declaration);
    }
    Ok(edits)
}

/// A field can be renamed where the rules alone name it: not a code (its name is its value in
/// data), not a field of data read from outside, not in the standard library.
fn prepare_field_rename(
    project: &Project,
    path: &str,
    name: &crate::names::NameAt,
) -> Result<FileRange, Text> {
    let db = project.db();
    let written = project
        .file(path)
        .map(|file| file.text(db)[name.start..name.end].to_string())
        .unwrap_or_default();
    let NameTarget::Field { record, .. } = &name.target else {
        return Err(text!("rename--code", name = written));
    };
    if crate::names::declared_in_stdlib(project, &name.target) {
        return Err(text!(
            "rename--standard-library-field",
            name = written,
            record = record.name
        ));
    }
    if let Some(reason) = crate::names::read_from_data(project, record, &written) {
        return Err(reason);
    }
    Ok(FileRange {
        path: path.to_string(),
        start: name.start,
        end: name.end,
    })
}

fn rename_field(
    project: &Project,
    name: &crate::names::NameAt,
    new_name: &str,
) -> Result<Vec<FileRange>, Text> {
    let NameTarget::Field { record, index } = &name.target else {
        return Err(text!("rename--nothing-here"));
    };
    let fields = crate::names::fields_of(project, record);
    let old_name = index
        .and_then(|index| fields.get(index as usize))
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    if new_name == old_name {
        return Ok(Vec::new());
    }
    new_name_is_a_name(new_name, false)?;
    if fields.iter().any(|(field, _)| field == new_name) {
        return Err(text!(
            "rename--field-taken",
            name = new_name,
            record = record.name
        ));
    }
    let mut edits = crate::names::uses(project, &name.target);
    if let Some(declaration) = crate::names::declaration(project, &name.target)
        && !edits.contains(&declaration)
    {
        edits.push(declaration);
    }
    Ok(edits)
}

/// A binding renamed at its declaration and every use, in its item; refused where the new name
/// is a word of the language or is already written in the item (another binding, an input, a
/// definition the item uses), where it would mean something else or capture a use.
fn rename_local(
    project: &Project,
    file: SourceFile,
    places: Vec<FileRange>,
    new_name: &str,
) -> Result<Vec<FileRange>, Text> {
    let db = project.db();
    let text = file.text(db);
    let Some(declaration) = places.first() else {
        return Ok(Vec::new());
    };
    if text.get(declaration.start..declaration.end) == Some(new_name) {
        return Ok(Vec::new());
    }
    new_name_is_a_name(new_name, false)?;
    let parsed = clearance_compiler::items::parsed_file(db, file);
    let item = parsed
        .item_at(declaration.start)
        .ok_or_else(|| text!("rename--nothing-here"))?;
    let item_start = item.offset as usize;
    let item_text = &text[item_start..(item_start + item.len as usize).min(text.len())];
    let written = tokenize(item_text).into_iter().any(|token| {
        token.kind == TokenKind::Ident && &item_text[token.start..token.end] == new_name
    });
    if written {
        return Err(text!(
            "rename--written-in-item",
            name = new_name,
            kind = item.key.kind.keyword(),
            item = item.key.name
        ));
    }
    Ok(places)
}

/// Whether `new_name` can name something: a name (an identifier with `-` for rules and
/// requirements) that is not a word of the language.
fn new_name_is_a_name(new_name: &str, dashed: bool) -> Result<(), Text> {
    if !is_name(new_name, dashed) {
        return Err(if dashed {
            text!("rename--not-an-identifier", name = new_name)
        } else {
            text!("rename--not-a-name", name = new_name)
        });
    }
    if KEYWORDS.contains(&new_name) || clearance_compiler::syntax::VALUE_WORDS.contains(&new_name) {
        return Err(text!("rename--word-of-the-language", name = new_name));
    }
    Ok(())
}

fn is_name(text: &str, dashed: bool) -> bool {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    if dashed {
        first.is_ascii_alphabetic()
            && !text.ends_with('-')
            && !text.contains("--")
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    } else {
        (first.is_ascii_alphabetic() || first == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHARED: &str =
        "module lib.shared\n\nconst limit = 5\n\nfn twice(x: Int) -> Int\n  = x + x\n";
    const MAIN: &str = "module lib.main\n\nuse lib.shared.{limit, twice}\n\n// limit in a comment\nconst doubled = twice(limit) + limit\n\nrecord Box\n  limit: Int\n\nfn over(b: Box) -> Bool\n  = b.limit > limit\n";

    fn project() -> Project {
        let mut project = Project::default();
        project.add_file("lib/shared.clr", SHARED);
        project.add_file("lib/main.clr", MAIN);
        project
    }

    fn texts(project: &Project, ranges: &[FileRange]) -> Vec<String> {
        ranges
            .iter()
            .map(|range| {
                let text = project.file(&range.path).unwrap().text(project.db());
                format!(
                    "{}:{}:{}",
                    range.path,
                    range.start,
                    &text[range.start..range.end]
                )
            })
            .collect()
    }

    #[test]
    fn references_cross_files_and_skip_comments_fields_and_keys() {
        let project = project();
        let at = MAIN.find("twice(limit)").unwrap() + "twice(".len();
        let found = references(&project, "lib/main.clr", at, true);
        let import = MAIN.find("{limit").unwrap() + 1;
        let in_call = at;
        let added = MAIN.find(") + limit").unwrap() + 4;
        let compared = MAIN.find("> limit").unwrap() + 2;
        assert_eq!(
            texts(&project, &found),
            [
                format!("lib/shared.clr:{}:limit", SHARED.find("limit").unwrap()),
                format!("lib/main.clr:{import}:limit"),
                format!("lib/main.clr:{in_call}:limit"),
                format!("lib/main.clr:{added}:limit"),
                format!("lib/main.clr:{compared}:limit"),
            ]
        );
        assert_eq!(references(&project, "lib/main.clr", at, false).len(), 4);
    }

    #[test]
    fn rename_edits_every_reference_or_says_why_not() {
        let project = project();
        let at = MAIN.find("twice(limit)").unwrap() + "twice(".len();
        let edits = rename(&project, "lib/main.clr", at, "ceiling").unwrap();
        assert_eq!(edits.len(), 5);
        assert_eq!(
            rename(&project, "lib/main.clr", at, "twice")
                .unwrap_err()
                .english(),
            "`twice` already names fn `twice` in `lib/shared.clr`: after the rename `twice` would mean two things"
        );
        assert!(
            rename(&project, "lib/main.clr", at, "2x")
                .unwrap_err()
                .english()
                .contains("is not a name")
        );
        assert!(
            rename(&project, "lib/main.clr", at, "every")
                .unwrap_err()
                .english()
                .contains("word of the language")
        );
        // The refusal is a catalogue text: in French for a French editor.
        assert_eq!(
            rename(&project, "lib/main.clr", at, "every")
                .unwrap_err()
                .render(clearance_compiler::diagnostics::Language::French),
            "`every` est un mot du langage"
        );
        let field = MAIN.find("b.limit").unwrap() + 2;
        let range = prepare_rename(&project, "lib/main.clr", field).unwrap();
        assert_eq!(&MAIN[range.start..range.end], "limit");
        let field_edits = rename(&project, "lib/main.clr", field, "ceiling").unwrap();
        assert_eq!(
            field_edits.len(),
            2,
            "the field and `b.limit`: {field_edits:?}"
        );
        let declaration = MAIN.find("(b: Box)").unwrap() + 4;
        assert!(
            prepare_rename(&project, "lib/main.clr", declaration).is_ok(),
            "a record is renamed from a use"
        );
    }

    #[test]
    fn a_binding_of_the_same_name_is_left_out_and_one_of_the_new_name_refuses_the_rename() {
        let mut project = project();
        let local = "module lib.local\n\nuse lib.shared.{limit}\n\nfn f(n: Int) -> Int\n  let limit = n\n  = limit\n\nconst g = limit\n";
        project.add_file("lib/local.clr", local);
        let at = SHARED.find("limit").unwrap();
        // The `let limit` of `fn f` and its use are the binding, not the constant.
        let renamed: Vec<(String, usize)> = rename(&project, "lib/shared.clr", at, "ceiling")
            .unwrap()
            .into_iter()
            .filter(|place| place.path == "lib/local.clr")
            .map(|place| (place.path, place.start))
            .collect();
        let in_local = |needle: &str| {
            (
                "lib/local.clr".to_string(),
                local.find(needle).unwrap() + needle.len() - "limit".len(),
            )
        };
        assert_eq!(renamed, [in_local("{limit"), in_local("const g = limit")]);
        let (binding, _) = references(
            &project,
            "lib/local.clr",
            local.find("= limit").unwrap() + 2,
            true,
        )
        .into_iter()
        .map(|place| (place.start, place.end))
        .unzip::<_, _, Vec<_>, Vec<_>>();
        assert_eq!(
            binding,
            [
                local.find("let limit").unwrap() + 4,
                local.find("= limit").unwrap() + 2
            ]
        );

        // Renamed to a name an item that uses it binds, the constant would be hidden there.
        project.add_file(
            "lib/hidden.clr",
            "module lib.hidden\n\nuse lib.shared.{limit}\n\nfn h(ceiling: Int) -> Int\n  = ceiling + limit\n",
        );
        let refused = rename(&project, "lib/shared.clr", at, "ceiling")
            .unwrap_err()
            .english();
        assert!(
            refused.contains("`ceiling` is bound in the item that uses `limit`"),
            "{refused}"
        );
    }

    #[test]
    fn a_binding_is_renamed_in_its_item_unless_the_new_name_is_written_there() {
        let mut project = project();
        let text = "module lib.binding\n\nfn f(n: Int) -> Int\n  let doubled = n * 2\n  = doubled + doubled\n\nfn g(doubled: Int) -> Int\n  = doubled\n";
        project.add_file("lib/binding.clr", text);
        let at = text.find("doubled + ").unwrap() + 1;
        assert_eq!(
            prepare_rename(&project, "lib/binding.clr", at).map(|place| place.start),
            Ok(text.find("doubled + ").unwrap())
        );
        let starts: Vec<usize> = rename(&project, "lib/binding.clr", at, "twice")
            .unwrap()
            .into_iter()
            .map(|place| place.start)
            .collect();
        let first = text.find("let doubled").unwrap() + 4;
        let uses = text.find("doubled + ").unwrap();
        // `fn g`'s parameter of the same name is another binding.
        assert_eq!(starts, [first, uses, uses + "doubled + ".len()]);
        let refused = rename(&project, "lib/binding.clr", at, "n")
            .unwrap_err()
            .english();
        assert!(
            refused.contains("`n` is already written in `fn f`"),
            "{refused}"
        );
    }

    #[test]
    fn the_standard_library_is_not_renamed() {
        let mut project = project();
        project.add_file(
            "lib/uses.clr",
            "module lib.uses\n\nuse stdlib.customs.*\n\nfn f(d: Declaration) -> Bool\n  = true\n",
        );
        let text = project
            .file("lib/uses.clr")
            .unwrap()
            .text(project.db())
            .clone();
        let at = text.find("Declaration").unwrap();
        assert_eq!(
            prepare_rename(&project, "lib/uses.clr", at)
                .unwrap_err()
                .english(),
            "`Declaration` is defined in the standard library, which is read-only"
        );
    }
}
