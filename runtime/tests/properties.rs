//! Property tests: no input, however broken, panics the parser, the checker or the runtime.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use clearance_compiler::project::Project;
use clearance_compiler::syntax::parse_file;
use clearance_runtime::RuleSet;
use proptest::prelude::*;

const VALID: &str = include_str!("../../rules/cas/declaration.clr");

const TOKENS: &[&str] = &[
    "rule ",
    "require ",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "every ",
    " in ",
    "satisfies ",
    "+",
    "-",
    "kg",
    " EUR",
    "2026-13-45",
    "2026-03-10T10:00:00",
    "otherwise ",
    "is present",
    "\n",
    "\nrule X\n",
    "{x}",
    "::",
    "é",
    "\u{0}",
    "9999999999999999999999999999999",
    ".",
    ",",
    "|",
    "=>",
    "*",
    "except when ",
    "exempt",
    "for every x in ",
    "let ",
    "business hours on ",
];

/// A valid file with a few of its bytes deleted, duplicated or replaced by tokens.
fn mutated() -> impl Strategy<Value = String> {
    let edits = prop::collection::vec(
        (
            0usize..VALID.len(),
            0usize..40,
            0usize..TOKENS.len(),
            0u8..3,
        ),
        1..6,
    );
    edits.prop_map(|edits| {
        let mut text = VALID.to_string();
        for (at, length, token, kind) in edits {
            let mut at = at.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + length).min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            match kind {
                0 => text.replace_range(at..end, ""),
                1 => {
                    let copy = text[at..end].to_string();
                    text.insert_str(at, &copy);
                }
                _ => text.replace_range(at..end, TOKENS[token]),
            }
        }
        text
    })
}

fn check_everything(text: &str) {
    let mut project = Project::default();
    project.add_file("rules/fuzz.clr", text);
    let _ = project.diagnostics(|_| true);
    let _ = project.program();
    // Running examples of a program with errors must not panic either: poisoned parts become
    // evaluation errors.
    let rule_set = RuleSet::from_program(project.program());
    let _ = clearance_runtime::testing::run_examples(&rule_set, |_| true);
}

/// An expression of `depth` nested operators from a list of shapes, each wrapping what is
/// inside it: deep (nesting) and wide (long chains) at once.
fn deep_expression() -> impl Strategy<Value = String> {
    let shapes = prop::collection::vec((0u8..6, 1usize..400), 1..6);
    shapes.prop_map(|shapes| {
        let mut expression = "1".to_string();
        for (shape, size) in shapes {
            expression = match shape {
                0 => format!("{}{expression}{}", "(".repeat(size), ")".repeat(size)),
                1 => format!("{}{expression}", "-".repeat(size)),
                2 => vec![expression.as_str(); size].join(" + "),
                3 => format!("{}({expression} > 0)", "not ".repeat(size)),
                4 => format!("if {expression} > 0 then {expression} else 0"),
                _ => format!("sum {expression} for x in declaration.items"),
            };
            if expression.len() > 100_000 {
                break;
            }
        }
        expression
    })
}

/// Constants that name each other: some chains, some cycles, of any length.
fn constant_graph() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(0usize..8, 0..3), 1..8).prop_map(|edges| {
        let mut text = String::from("module fuzz.constants\n\n");
        for (index, targets) in edges.iter().enumerate() {
            let mut expression = "1".to_string();
            for target in targets {
                expression.push_str(&format!(" + c{}", target % edges.len()));
            }
            text.push_str(&format!("const c{index} = {expression}\n"));
        }
        text
    })
}

proptest! {
    // Each case checks a rule of up to 100,000 characters: fewer cases than the others.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn deep_and_wide_expressions_never_crash_the_checker(expression in deep_expression()) {
        let text = format!(
            "ruleset fuzz.deep\n  title en \"F\" fr \"F\"\n  version \"1\"\n  input declaration: Declaration\n\nuse stdlib.customs.*\n\nrule R-1\n  title en \"r\" fr \"r\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require {expression} > 0\n  message en \"m\" fr \"m\"\n"
        );
        check_everything(&text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn constants_that_name_each_other_are_checked_or_reported(text in constant_graph()) {
        let mut project = Project::default();
        project.add_file("rules/constants.clr", &text);
        let diagnostics = project.diagnostics(|_| true);
        let _ = project.program();
        // A constant that reaches itself is a `recursive-definition`; nothing else goes wrong.
        for diagnostic in &diagnostics {
            prop_assert_eq!(
                diagnostic.diagnostic.id,
                clearance_compiler::diagnostics::DiagnosticId::RecursiveDefinition,
                "{}", diagnostic.diagnostic.message
            );
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_parser(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = parse_file(&text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_checker(text in "(rule|ruleset|module|record|table|fn|example|require|when|[a-z]{1,6}|[ \n(){}\\[\\]\"|=>*+.:,0-9-]){0,60}") {
        check_everything(&text);
    }

    #[test]
    fn mutated_rule_files_never_panic(text in mutated()) {
        check_everything(&text);
    }

    #[test]
    fn arbitrary_records_never_panic_the_runtime(record in "[ -~]{0,200}") {
        let rule_set = cas_rules();
        let result = rule_set.evaluate_text(&record, 1, jiff::civil::Date::constant(2026, 3, 10));
        prop_assert_eq!(result.record, 1);
    }
}

/// The CAS rules with what they import and the data files they read, compiled once.
fn cas_rules() -> &'static RuleSet {
    static RULE_SET: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
    RULE_SET.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        RuleSet::compile_reading(
            &[
                ("rules/cas/declaration.clr".to_string(), VALID.to_string()),
                (
                    "rules/uk-tariff/data.clr".to_string(),
                    include_str!("../../rules/uk-tariff/data.clr").to_string(),
                ),
            ],
            |name| std::fs::read(root.join(name)),
        )
        .unwrap_or_else(|errors| panic!("{errors}"))
    })
}
