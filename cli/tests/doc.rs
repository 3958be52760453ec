//! `clearance doc`, end to end over the rule library: every rule appears in both languages
//! and in the search index, no internal link or anchor is broken, the configuration table and
//! both versions of a rule set are shown, the same rules give the same site, and a directory
//! that holds something else is refused.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use support::{clearance, root, scratch, stderr, stdout};

fn html_files(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            html_files(&path, found);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "html")
        {
            found.push(path);
        }
    }
}

/// The values of `attribute="..."` in a page.
fn attribute_values(page: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    page.split(&needle)
        .skip(1)
        .filter_map(|rest| {
            rest.split_once('"')
                .map(|(value, _)| value.replace("&amp;", "&"))
        })
        .collect()
}

/// The rule identifiers of the library, read from the rule files themselves.
fn library_rules() -> BTreeSet<String> {
    let mut rules = BTreeSet::new();
    let mut stack = vec![root().join("rules")];
    while let Some(directory) = stack.pop() {
        for entry in std::fs::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|extension| extension == "clr") {
                for line in std::fs::read_to_string(&path).unwrap().lines() {
                    if let Some(id) = line.strip_prefix("rule ") {
                        rules.insert(id.trim().to_string());
                    }
                }
            }
        }
    }
    rules
}

fn generate(out: &Path) {
    let output = clearance(&["doc", "rules", "--out", out.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("67 rules"), "{}", stdout(&output));
}

#[test]
fn every_rule_appears_in_both_languages_and_no_internal_link_is_broken() {
    let out = scratch("doc", "site");
    generate(&out);
    let mut pages = Vec::new();
    html_files(&out, &mut pages);
    let texts: BTreeMap<PathBuf, String> = pages
        .iter()
        .map(|page| {
            (
                page.canonicalize().unwrap(),
                std::fs::read_to_string(page).unwrap(),
            )
        })
        .collect();
    let anchors: BTreeMap<&PathBuf, BTreeSet<String>> = texts
        .iter()
        .map(|(path, text)| (path, attribute_values(text, "id").into_iter().collect()))
        .collect();
    let mut checked = 0;
    for (path, text) in &texts {
        for href in attribute_values(text, "href") {
            if href.starts_with("http://") || href.starts_with("https://") {
                continue;
            }
            let (file, anchor) = href.split_once('#').unwrap_or((href.as_str(), ""));
            let target = if file.is_empty() {
                path.clone()
            } else {
                path.parent().unwrap().join(file)
            };
            let target = target
                .canonicalize()
                .unwrap_or_else(|_| panic!("{}: the link `{href}` leads nowhere", path.display()));
            if !anchor.is_empty() {
                let ids = anchors.get(&target).unwrap_or_else(|| {
                    panic!("{}: `{href}` is not a page of the site", path.display())
                });
                assert!(
                    ids.contains(anchor),
                    "{}: no `#{anchor}` in `{href}`",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 1_000, "only {checked} links");
    let rules = library_rules();
    assert_eq!(rules.len(), 67);
    for lang in ["en", "fr"] {
        let ids: BTreeSet<&String> = texts
            .iter()
            .filter(|(path, _)| path.starts_with(out.canonicalize().unwrap().join(lang)))
            .flat_map(|(path, _)| anchors[path].iter())
            .collect();
        let index = std::fs::read_to_string(out.join(lang).join("search-index.js")).unwrap();
        for rule in &rules {
            assert!(
                ids.contains(&format!("rule-{rule}")),
                "{lang}: rule {rule} has no section"
            );
            assert!(
                index.contains(&format!("#rule-{rule}\"")),
                "{lang}: {rule} is not searchable"
            );
        }
    }
    // Both versions of the Togo transfer rules, each with its period and a link to the other.
    let older = &texts[&out
        .join("en/rulesets/tg.guce.mad_transfer-2018.1.html")
        .canonicalize()
        .unwrap()];
    assert!(
        older.contains("in force from 2018-01-01 until 2018-12-31"),
        "{older}"
    );
    assert!(older.contains("tg.guce.mad_transfer-2019.1.html"));
    let newer = &texts[&out
        .join("fr/rulesets/tg.guce.mad_transfer-2019.1.html")
        .canonicalize()
        .unwrap()];
    assert!(newer.contains("en vigueur depuis le 2019-01-01"), "{newer}");
    // The operator's configuration table, rendered as a table of its records.
    let cas = &texts[&out
        .join("en/rulesets/cas.declaration-2026.1.html")
        .canonicalize()
        .unwrap()];
    assert!(
        cas.contains("<td>CFG-0201-CHEDP</td>"),
        "the configuration table is missing"
    );
    // A code list with both labels, an exception under its base rule, a cited sentence.
    let codes = &texts[&out
        .join("fr/modules/stdlib.codes.html")
        .canonicalize()
        .unwrap()];
    assert!(
        codes.contains("Ex Works") && codes.contains("À l&#39;usine")
            || codes.contains("À l'usine")
    );
    let fiche4 = &texts[&out
        .join("fr/rulesets/fr.dgddi.delta_x_import_fallback-2021.06.html")
        .canonicalize()
        .unwrap()];
    assert!(
        fiche4.contains("Exceptions à l'exigence de base")
            || fiche4.contains("Exceptions à l&#39;exigence de base")
    );
    assert!(fiche4.contains("doivent être réintégrées sous 24 heures"));
}

#[test]
fn the_same_rules_give_the_same_site_and_another_directory_is_refused() {
    let out = scratch("doc", "again");
    generate(&out);
    let first = std::fs::read_to_string(out.join("en/traceability.html")).unwrap();
    std::fs::write(out.join("en/stale.html"), "a page of an earlier site").unwrap();
    generate(&out);
    assert_eq!(
        std::fs::read_to_string(out.join("en/traceability.html")).unwrap(),
        first
    );
    assert!(
        !out.join("en/stale.html").exists(),
        "an earlier site's page stayed"
    );

    let other = scratch("doc", "other");
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let output = clearance(&["doc", "rules", "--out", other.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("holds no site made by `clearance doc`"),
        "{}",
        stderr(&output)
    );
    assert!(other.join("notes.txt").exists());
}
