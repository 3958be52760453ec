//! The message catalogues: both parse, hold the same keys with the same arguments, and hold
//! every key the compiler uses.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clearance_compiler::diagnostics::Language;
use fluent_bundle::FluentResource;

/// Each message of a catalogue, with the names of the arguments it uses.
fn messages(source: &str) -> BTreeMap<String, BTreeSet<String>> {
    let variable = regex::Regex::new(r"\$([A-Za-z_][A-Za-z0-9_]*)").unwrap();
    let mut messages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let (key, _) = line
                .split_once(" = ")
                .expect("a message line is `key = value`");
            assert!(
                messages.insert(key.to_string(), BTreeSet::new()).is_none(),
                "`{key}` is defined twice"
            );
            current = Some(key.to_string());
        }
        let key = current
            .as_ref()
            .expect("a continuation line follows a message");
        let names = messages.get_mut(key).unwrap();
        names.extend(variable.captures_iter(line).map(|c| c[1].to_string()));
    }
    messages
}

#[test]
fn both_catalogues_parse() {
    for language in Language::ALL {
        if let Err((_, errors)) = FluentResource::try_new(language.catalogue_source().to_string()) {
            panic!(
                "the `{}` catalogue does not parse: {errors:?}",
                language.tag()
            );
        }
    }
}

#[test]
fn both_catalogues_hold_the_same_messages_with_the_same_arguments() {
    let english = messages(Language::English.catalogue_source());
    let french = messages(Language::French.catalogue_source());
    let only_english: Vec<&String> = english
        .keys()
        .filter(|k| !french.contains_key(*k))
        .collect();
    let only_french: Vec<&String> = french
        .keys()
        .filter(|k| !english.contains_key(*k))
        .collect();
    assert!(
        only_english.is_empty(),
        "not translated into French: {only_english:?}"
    );
    assert!(
        only_french.is_empty(),
        "French messages with no English one: {only_french:?}"
    );
    for (key, names) in &english {
        assert_eq!(
            names, &french[key],
            "`{key}` takes other arguments in French"
        );
    }
}

/// The keys the compiler's source names: in `text!`, `Text::new` and the grammar's
/// descriptions of what it expected.
fn keys_in_source(dir: &Path, keys: &mut BTreeSet<String>) {
    let pattern = regex::Regex::new(
        r#"(?:text!\(\s*|Text::new\(\s*)"([a-z][a-z0-9-]*)"|"(expected--[a-z0-9-]+)""#,
    )
    .unwrap();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_in_source(&path, keys);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for captures in pattern.captures_iter(&text) {
                let key = captures.get(1).or_else(|| captures.get(2)).unwrap();
                keys.insert(key.as_str().to_string());
            }
        }
    }
}

#[test]
fn every_key_the_compiler_the_ide_and_the_server_use_is_in_the_catalogues() {
    let mut used = BTreeSet::new();
    // The editor's layer and the language server word their answers from the same catalogues.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    keys_in_source(&manifest.join("src"), &mut used);
    keys_in_source(&manifest.join("../ide/src"), &mut used);
    keys_in_source(&manifest.join("../lsp/src"), &mut used);
    assert!(used.len() > 300, "the scan found only {} keys", used.len());
    let english = messages(Language::English.catalogue_source());
    let missing: Vec<&String> = used
        .iter()
        .filter(|key| !english.contains_key(*key))
        .collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalogues: {missing:?}"
    );
    let unused: Vec<&String> = english.keys().filter(|key| !used.contains(*key)).collect();
    assert!(unused.is_empty(), "messages no code uses: {unused:?}");
}

#[test]
fn french_differs_from_english() {
    let english = messages(Language::English.catalogue_source());
    let text = |language: Language, key: &str| {
        clearance_compiler::diagnostics::Text::new(
            Box::leak(key.to_string().into_boxed_str()),
            Vec::new(),
        )
        .render(language)
    };
    let same: Vec<&String> = english
        .iter()
        .filter(|(key, names)| {
            names.is_empty()
                && !key.starts_with("expected--")
                && text(Language::English, key) == text(Language::French, key)
        })
        .map(|(key, _)| key)
        .collect();
    assert!(
        same.is_empty(),
        "messages left in English in the French catalogue: {same:?}"
    );
}
