//! The TextMate grammar of the VS Code extension, generated from the compiler's own lists:
//! the grammar's keywords (`syntax::KEYWORDS`), the item keywords (`ItemKind`) and the builtin
//! functions (`BUILTINS`). `editors/vscode/syntaxes/clearance.tmLanguage.json` is this output;
//! a test keeps the two equal (`CLEARANCE_UPDATE_DOCS=1` rewrites the file).

use clearance_compiler::builtins::{BUILTINS, Form};
use clearance_compiler::syntax::ast::ItemKind;
use clearance_compiler::syntax::{KEYWORDS, VALUE_WORDS};

/// Words that combine conditions.
const OPERATOR_WORDS: &[&str] = &["and", "or", "not", "mod", "otherwise"];

fn alternatives(words: &[&str]) -> String {
    let mut sorted: Vec<&str> = words.to_vec();
    // Longer words first, so that `time` never hides `times`.
    sorted.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    sorted.dedup();
    sorted.join("|")
}

/// The grammar, as pretty-printed JSON with a final newline.
pub fn textmate_grammar() -> String {
    let item_keywords: Vec<&str> = KEYWORDS
        .iter()
        .copied()
        .filter(|word| ItemKind::from_keyword(word).is_some())
        .collect();
    // Items that declare a name (a rule or requirement is named by an identifier with dashes).
    let named_items: Vec<&str> = item_keywords
        .iter()
        .copied()
        .filter(|word| {
            !matches!(
                ItemKind::from_keyword(word),
                Some(
                    ItemKind::Rule
                        | ItemKind::Requirement
                        | ItemKind::Ruleset
                        | ItemKind::Module
                        | ItemKind::Use
                        | ItemKind::Example
                )
            )
        })
        .collect();
    let other_keywords: Vec<&str> = KEYWORDS
        .iter()
        .copied()
        .filter(|word| ItemKind::from_keyword(word).is_none() && !OPERATOR_WORDS.contains(word))
        .collect();
    let functions: Vec<&str> = BUILTINS
        .iter()
        .filter(|entry| entry.form == Form::Call)
        .map(|entry| entry.name)
        .collect();
    let reference = r"[A-Za-z][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*";
    let rule = |name: &str, pattern: String| {
        format!(
            r#"    {{ "name": "{name}", "match": {} }}"#,
            json_string(&pattern)
        )
    };
    let patterns = [
        rule("comment.line.documentation.clearance", "///.*$".to_string()),
        rule("comment.line.double-slash.clearance", "//.*$".to_string()),
        r##"    { "include": "#string" }"##.to_string(),
        format!(
            r#"    {{ "match": {}, "captures": {{ "1": {{ "name": "keyword.other.item.clearance" }}, "2": {{ "name": "entity.name.function.clearance" }} }} }}"#,
            json_string(&format!(r"^(rule|requirement)\s+({reference})"))
        ),
        format!(
            r#"    {{ "match": {}, "captures": {{ "1": {{ "name": "keyword.other.item.clearance" }}, "2": {{ "name": "entity.name.type.clearance" }} }} }}"#,
            json_string(&format!(
                r"^({})\s+([A-Za-z_][A-Za-z0-9_]*)",
                alternatives(&named_items)
            ))
        ),
        rule(
            "keyword.other.item.clearance",
            format!(r"^(?:{})\b", alternatives(&item_keywords)),
        ),
        format!(
            r#"    {{ "match": {}, "captures": {{ "1": {{ "name": "keyword.control.clearance" }}, "2": {{ "name": "entity.name.tag.requirement.clearance" }} }} }}"#,
            json_string(&format!(r"\b(implements|cites|expect|source)\s+({reference})"))
        ),
        rule(
            "constant.numeric.date.clearance",
            r"\b\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?(?:\[[^\]]+\])?)?".to_string(),
        ),
        rule("constant.numeric.time.clearance", r"\b\d{2}:\d{2}\b".to_string()),
        rule("constant.numeric.clearance", r"\b\d+(?:\.\d+)?\b".to_string()),
        rule(
            "constant.language.clearance",
            format!(r"\b(?:{})\b", alternatives(VALUE_WORDS)),
        ),
        rule(
            "keyword.operator.word.clearance",
            format!(r"\b(?:{})\b", alternatives(OPERATOR_WORDS)),
        ),
        rule(
            "support.function.builtin.clearance",
            format!(r"\b(?:{})(?=\s*\()", alternatives(&functions)),
        ),
        rule(
            "keyword.control.clearance",
            format!(r"\b(?:{})\b", alternatives(&other_keywords)),
        ),
        rule(
            "entity.name.type.clearance",
            r"\b[A-Z][a-z][A-Za-z0-9_]*\b".to_string(),
        ),
        rule(
            "keyword.operator.clearance",
            r"=>|->|==|!=|<=|>=|\?\.|[<>=+\-*/^?|]".to_string(),
        ),
    ];
    let string = r#"  "repository": {
    "string": {
      "name": "string.quoted.double.clearance",
      "begin": "\"",
      "end": "\"|$",
      "patterns": [
        { "name": "constant.character.escape.clearance", "match": "\\\\." },
        { "name": "meta.template.expression.clearance", "match": "\\{[^}\"]*\\}" }
      ]
    }
  }"#;
    format!(
        "{{\n  \"$schema\": \"https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json\",\n  \"name\": \"Clearance\",\n  \"scopeName\": \"source.clearance\",\n  \"fileTypes\": [\"clr\"],\n  \"comment\": \"Generated by clearance-ide (ide/src/textmate.rs) from the compiler's keywords and builtins: do not edit.\",\n  \"patterns\": [\n{}\n  ],\n{string}\n}}\n",
        patterns.join(",\n")
    )
}

fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(ch),
        }
    }
    out.push('"');
    out
}
