//! Signature help: inside the parentheses of a call, the called builtin's, function's or
//! table's parameters, with the one being written.

use clearance_compiler::builtins::builtin_named;
use clearance_compiler::defs::{function_signature, table_signature};
use clearance_compiler::project::Project;
use clearance_compiler::resolve::file_scope;
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::lexer::{TokenKind, tokenize};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// The call as written in the docs: `convert(amount, currency, rates)`.
    pub label: String,
    /// Markdown.
    pub documentation: String,
    pub parameters: Vec<String>,
    /// The parameter the cursor is in (0-based).
    pub active: usize,
}

/// The call whose parentheses hold `offset`, in the file at `path`.
pub fn signature_help(project: &Project, path: &str, offset: usize) -> Option<SignatureHelp> {
    let db = project.db();
    let file = project.file(path)?;
    let text = file.text(db);
    let before = &text[..offset.min(text.len())];
    // The innermost open parenthesis before the cursor, and the commas written in it, within
    // the item that holds the cursor.
    let item_start = clearance_compiler::items::parsed_file(db, file)
        .item_at(before.len())
        .map_or(0, |item| item.offset as usize);
    let tokens = tokenize(&before[item_start..]);
    let mut open: Vec<(usize, usize)> = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        match token.kind {
            TokenKind::LParen | TokenKind::LBracket | TokenKind::LBrace => open.push((index, 0)),
            TokenKind::RParen | TokenKind::RBracket | TokenKind::RBrace => {
                open.pop();
            }
            TokenKind::Comma => {
                if let Some((_, commas)) = open.last_mut() {
                    *commas += 1;
                }
            }
            _ => {}
        }
    }
    let &(paren, active) = open.last()?;
    if tokens[paren].kind != TokenKind::LParen || paren == 0 {
        return None;
    }
    let callee = tokens[paren - 1];
    if callee.kind != TokenKind::Ident {
        return None;
    }
    let name = &before[item_start + callee.start..item_start + callee.end];
    if let Some(def) = file_scope(db, file).get(name) {
        let item = def.item(db);
        let signature = match def.key.kind {
            ItemKind::Function => function_signature(db, item).as_ref().clone(),
            ItemKind::Table => table_signature(db, item).signature.clone(),
            _ => return None,
        };
        let parameters: Vec<String> = signature
            .params
            .iter()
            .map(|(name, ty)| format!("{name}: {ty}"))
            .collect();
        return Some(SignatureHelp {
            label: format!("{name}({}) -> {}", parameters.join(", "), signature.result),
            documentation: format!("{} `{name}`", def.key.kind.keyword()),
            parameters,
            active,
        });
    }
    let entry = builtin_named(name)?;
    let inside = entry
        .written
        .split_once('(')
        .and_then(|(_, rest)| rest.rsplit_once(')'))
        .map_or("", |(inside, _)| inside);
    let parameters: Vec<String> = inside
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(str::to_string)
        .collect();
    Some(SignatureHelp {
        label: entry.written.to_string(),
        documentation: format!("`{}`\n\n{}", entry.shown_type, entry.meaning),
        parameters,
        active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameter_being_written_of_a_builtin_and_of_a_function() {
        let mut project = Project::default();
        let text = "module lib.calls\n\nfn span(from_day: Date, to_day: Date) -> Int\n  = 1\n\nconst a = span(2026-01-01, \nconst b = starts_with(\"x\", \n";
        project.add_file("lib/calls.clr", text);
        let at = text.find("span(2026-01-01, ").unwrap() + "span(2026-01-01, ".len();
        let help = signature_help(&project, "lib/calls.clr", at).unwrap();
        assert_eq!(help.label, "span(from_day: Date, to_day: Date) -> Int");
        assert_eq!(help.parameters, ["from_day: Date", "to_day: Date"]);
        assert_eq!(help.active, 1);
        let at = text.find("starts_with(").unwrap() + "starts_with(".len();
        let help = signature_help(&project, "lib/calls.clr", at).unwrap();
        assert_eq!(help.active, 0);
        assert_eq!(help.parameters.len(), 2, "{help:?}");
        assert!(help.documentation.contains("Bool"), "{help:?}");
        assert!(signature_help(&project, "lib/calls.clr", 3).is_none());
    }
}
