//! The VS Code extension's TextMate grammar is the one generated from the compiler's lists.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;

#[test]
fn the_extensions_grammar_is_generated_from_the_keywords_and_builtins() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../editors/vscode/syntaxes/clearance.tmLanguage.json");
    let generated = clearance_ide::textmate::textmate_grammar();
    if std::env::var_os("CLEARANCE_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what ide/src/textmate.rs generates: run `CLEARANCE_UPDATE_DOCS=1 cargo test -p clearance-ide --test textmate`",
        path.display()
    );
    // It is JSON, and it names every builtin function and keyword somewhere.
    let parsed: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(parsed["scopeName"], "source.clearance");
    for word in clearance_compiler::syntax::KEYWORDS {
        assert!(generated.contains(word), "{word}");
    }
}
