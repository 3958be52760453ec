//! One snapshot per diagnostic id: the source and the whole rendered report.
//!
//! Each case is a small project that must report its id. The snapshot shows the files and
//! what an analyst reads, so a change of wording or of span is reviewed like code.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;

use clearance_compiler::diagnostics::DiagnosticId;
use clearance_compiler::diagnostics::Language;
use clearance_compiler::diagnostics::render::render_human;
use clearance_compiler::project::Project;

const HEADER: &str = "ruleset test.rules
  title en \"Test rules\" fr \"Règles de test\"
  version \"1\"
  source CAS \"CAS support page\"
  input declaration: Declaration

use stdlib.customs.*
use stdlib.codes.*
";

const RULE: &str = "rule R-1
  title en \"A rule\" fr \"Une règle\"
  severity error
  category validation_violation
  implements CAS-MASS-01
  message en \"m\" fr \"m\"
";

/// A rule set whose one rule ends with `clauses`.
fn rule(clauses: &str) -> Vec<(&'static str, String)> {
    vec![("test.clr", format!("{HEADER}\n{RULE}{clauses}\n"))]
}

/// A rule set with `items` after the header.
fn ruleset(items: &str) -> Vec<(&'static str, String)> {
    vec![("test.clr", format!("{HEADER}\n{items}\n"))]
}

fn file(text: &str) -> Vec<(&'static str, String)> {
    vec![("test.clr", text.to_string())]
}

fn cases() -> Vec<(DiagnosticId, Vec<(&'static str, String)>)> {
    use DiagnosticId as D;
    vec![
        (D::SyntaxError, rule("  require (declaration.items is empty\n")),
        (D::StrayText, file("oops\nmodule m\n")),
        (D::MissingHeader, file("record R\n  a: Int\n")),
        (D::MisplacedHeader, file("module a\n\nmodule b\n")),
        (
            D::DuplicateModule,
            vec![("a.clr", "module shared\n".to_string()), ("b.clr", "module shared\n".to_string())],
        ),
        (D::DuplicateDefinition, file("module m\n\nrecord R\n  a: Int\n\nrecord R\n  b: Int\n")),
        (D::UnknownModule, file("module m\n\nuse stdlib.custom.*\n")),
        (D::UnknownImport, file("module m\n\nuse stdlib.customs.{Declarations}\n")),
        (D::UnknownName, rule("  require declaraton.items is empty\n")),
        (D::UnknownType, file("module m\n\nrecord R\n  a: Txt\n")),
        (D::UnknownField, rule("  require declaration.itemz is empty\n")),
        (D::UnknownCode, rule("  require declaration.incoterm == FOBB\n")),
        (D::UnknownUnit, rule("  require (declaration.gross_mass otherwise 0 kgs) > 1 kg\n")),
        (D::UnknownFunction, rule("  require sise(declaration.items) > 0\n")),
        (
            D::UnknownRule,
            ruleset(&format!("{RULE}  require true\n\nexample \"e\"\n  given {{ declaration: {{ reference: \"x\" }} }}\n  expect R-2 fails\n")),
        ),
        (
            D::UnknownRequirement,
            vec![
                ("requirements.clr", "module requirements\n  source CAS \"CAS\"\n\nrequirement CAS-MASS-01\n  title en \"Masses\" fr \"Masses\"\n  cites CAS \"masse\"\n".to_string()),
                ("test.clr", format!("{HEADER}\nrule R-1\n  title en \"A\" fr \"A\"\n  severity error\n  category validation_violation\n  implements CAS-MAS-01\n  require true\n  message en \"m\" fr \"m\"\n")),
            ],
        ),
        (D::UnknownSource, rule("  cites CSA \"La masse brute\"\n  require true\n")),
        (
            D::UnknownCalendar,
            rule("  require declaration.released_at is absent or declaration.released_at + 24 business hours on cbsa after declaration.released_at\n"),
        ),
        (
            D::UnknownHolidays,
            file("module m\n\ncalendar office\n  zone \"Europe/Paris\"\n  open monday to friday from 08:00 to 17:00\n  closed on fr_holidays\n"),
        ),
        (
            D::UnknownFixture,
            ruleset(&format!("{RULE}  require true\n\nexample \"e\"\n  given valid_declaraton\n  expect R-1 passes\n")),
        ),
        (D::UnknownSeverity, ruleset("rule R-1\n  title en \"A\" fr \"A\"\n  severity fatal\n  category validation_violation\n  implements CAS-MASS-01\n  require true\n  message en \"m\" fr \"m\"\n")),
        (D::UnknownCategory, ruleset("rule R-1\n  title en \"A\" fr \"A\"\n  severity error\n  category validation\n  implements CAS-MASS-01\n  require true\n  message en \"m\" fr \"m\"\n")),
        (D::UnknownPolicy, file("module m\n\ntable t(x: Int) -> Int\n  policy last\n  | * => 1\n")),
        (
            D::UnknownTimeZone,
            file("module m\n\ncalendar office\n  zone \"Europe/Pariss\"\n  open monday to friday from 08:00 to 17:00\n"),
        ),
        (D::TypeMismatch, rule("  require declaration.reference\n")),
        (D::IncomparableTypes, rule("  require declaration.reference == 3\n")),
        (D::UnorderedComparison, rule("  require declaration.reference < \"b\"\n")),
        (D::AbsentCompared, rule("  require declaration.gross_mass == absent\n")),
        (D::DateWithDateTime, rule("  require 2026-01-01 before 2026-01-01T00:00:00+01:00\n")),
        (D::NotADate, rule("  require 1 before 2\n")),
        (D::BusinessTimeStart, rule("  require 2026-01-01 + 24 business hours on office after 2026-01-01\n")),
        (D::HoursOnDate, rule("  require 2026-01-01 + 2 hours after 2026-01-01\n")),
        (D::NotNegatable, rule("  require -declaration.reference == \"x\"\n")),
        (D::NotSummable, rule("  require (sum (item.seq > 1) for item in declaration.items) == 1\n")),
        (D::BranchTypeMismatch, rule("  require (if declaration.items is empty then 1 else \"one\") == 1\n")),
        (D::InvalidArithmetic, rule("  require declaration.reference + 1 == 2\n")),
        (D::UntypedRecordLiteral, rule("  require { a: 1 } == { a: 1 }\n")),
        (D::UnexpectedTypeArgument, file("module m\n\nrecord R\n  a: Text[EUR]\n")),
        (D::ConstraintTypeMismatch, file("module m\n\ntype Code = Int matching \"^[0-9]+$\"\n")),
        (D::InvertedRange, file("module m\n\ntype Small = Int between 10 and 1\n")),
        (
            D::NotAValue,
            ruleset(&format!("table limit(x: Int) -> Int\n  | * => 1\n\n{RULE}  require limit == 1\n")),
        ),
        (D::UnitMismatch, rule("  require (declaration.gross_mass otherwise 0 kg) > 22 EUR\n")),
        (D::CurrencyMismatch, rule("  require 10 EUR + 10 USD > 0 EUR\n")),
        (
            D::CurrencyNotKnown,
            rule("  when declaration.invoice_value is present\n  require declaration.invoice_value > 22 EUR\n"),
        ),
        (
            D::AmbiguousDeadline,
            rule("  when declaration.released_at is present\n  require declaration.released_at < 2026-01-01T00:00:00+01:00\n"),
        ),
        (D::MaybeAbsent, rule("  require declaration.gross_mass > 1 kg\n")),
        (D::NotOptional, rule("  require declaration.reference is present\n")),
        (D::NotACollection, rule("  require every x in declaration.reference satisfies true\n")),
        (D::NotARecord, rule("  require declaration.reference.length > 1\n")),
        (D::WrongArgumentCount, rule("  require length(declaration.reference, 2) > 0\n")),
        (
            D::RecursiveDefinition,
            file("module m\n\nfn f(x: Int) -> Int\n  = g(x)\n\nfn g(x: Int) -> Int\n  = f(x)\n"),
        ),
        (D::InvalidLiteral, rule("  require 2026-02-30 before 2026-03-01\n")),
        (D::InvalidRegex, file("module m\n\ntype Code = Text matching \"[a-\"\n")),
        (D::InvalidPattern, file("module m\n\ntable t(x: Int) -> Int\n  | \"1*\" => 1\n  | * => 0\n")),
        (D::NotConstant, file("module m\n\ntable t(x: Int) -> Int\n  | 1 + 1 => 1\n  | * => 0\n")),
        (
            D::MissingField,
            ruleset(&format!("{RULE}  require true\n\nexample \"e\"\n  given {{ declaration: {{ reference: \"x\", items: [{{ description: \"x\" }}] }} }}\n  expect R-1 passes\n")),
        ),
        (D::DuplicateField, file("module m\n\nrecord R\n  a: Int\n  a: Text\n")),
        (D::MissingClause, ruleset("rule R-1\n  title en \"A\" fr \"A\"\n  category validation_violation\n  implements CAS-MASS-01\n  require true\n  message en \"m\" fr \"m\"\n")),
        (D::DuplicateClause, rule("  severity warning\n  require true\n")),
        (
            D::MisplacedInterpolation,
            ruleset("rule R-1\n  title en \"Item {item.seq}\" fr \"Article\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require true\n  message en \"m\" fr \"m\"\n"),
        ),
        (
            D::MissingTranslation,
            ruleset("rule R-1\n  title en \"A rule\"\n  severity error\n  category validation_violation\n  implements CAS-MASS-01\n  require true\n  message en \"m\" fr \"m\"\n"),
        ),
        (D::UnusedLet, rule("  let unused = 1\n  require true\n")),
        (
            D::OtherThanMismatch,
            rule("  for every item in declaration.items\n  require count o in declaration.houses other than item == 0\n"),
        ),
        (
            D::ConflictingInputs,
            vec![
                ("a.clr", format!("{HEADER}\n{RULE}  require true\n")),
                ("b.clr", "ruleset test.other\n  title en \"Other\" fr \"Autre\"\n  version \"1\"\n  input declaration: Int\n".to_string()),
            ],
        ),
        (D::EmptyCalendar, file("module m\n\ncalendar never\n  zone \"Europe/Paris\"\n")),
        (D::InvalidPeriod, rule("  effective from 2026-01-01 until 2025-01-01\n  require true\n")),
        (
            D::TableRowShadowed,
            file("module m\n\ntable t(code: Text) -> Int\n  | \"02*\" => 1\n  | \"0201*\" => 2\n  | * => 0\n"),
        ),
        (
            D::TableRowUnreachable,
            file("module m\n\ntable t(code: Text) -> Int\n  | * => 0\n  | \"0201*\" => 2\n"),
        ),
        (
            D::TableRowsOverlap,
            file("module m\n\ntable t(amount: Int) -> Int\n  policy unique\n  | < 10 => 1\n  | < 20 => 2\n  | >= 20 => 3\n"),
        ),
        (
            D::TableNotExhaustive,
            file("module m\n\ntable t(amount: Int) -> Int\n  | < 10 => 1\n  | between 10 and 19 => 2\n"),
        ),
        (D::TableArity, file("module m\n\ntable t(amount: Int) -> Int\n  | 1, 2 => 3\n  | * => 0\n")),
        (
            D::ExceptionsIdentical,
            rule("  require true\n  except when declaration.items is empty exempt\n  except when declaration.items is empty exempt\n"),
        ),
        (D::ExampleWithoutExpectation, ruleset(&format!("{RULE}  require true\n\nexample \"nothing expected\"\n  given {{ declaration: {{ reference: \"x\" }} }}\n"))),
        (D::ExampleOutsideRuleset, file("module m\n\nexample \"e\"\n  expect R-1 passes\n")),
        (
            D::InvalidDataPath,
            ruleset(&format!("{RULE}  require true\n\nexample \"e\"\n  given {{ declaration: {{ reference: \"x\" }} }}\n  with declaration.reference.first = \"y\"\n  expect R-1 passes\n")),
        ),
        (
            D::TooDeep,
            rule(&format!("  require {}true\n", "not ".repeat(100))),
        ),
        (
            D::DataFileType,
            file("module m\n\nconst limits: list of Int = data \"limits.csv\"\n"),
        ),
        (
            D::DataFileFormat,
            file("module m\n\nrecord Row\n  code: Text\n\nconst rows: list of Row = data \"rows.xlsx\"\n"),
        ),
    ]
}

fn report(files: &[(&str, String)]) -> (Project, String) {
    let mut project = Project::default();
    for (path, text) in files {
        project.add_file(path, text);
    }
    let diagnostics = project.diagnostics(|path| !path.starts_with("stdlib/"));
    let rendered = render_human(&diagnostics, &project.sources(), false, Language::English);
    (project, rendered)
}

#[test]
fn every_diagnostic_id_has_a_case() {
    let covered: BTreeSet<&str> = cases().iter().map(|(id, _)| id.as_str()).collect();
    let missing: Vec<&str> = DiagnosticId::ALL
        .iter()
        .map(|id| id.as_str())
        .filter(|id| !covered.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "diagnostic ids without a snapshot case: {missing:?}"
    );
}

#[test]
fn each_case_reports_its_diagnostic() {
    let mut wrong = Vec::new();
    for (id, files) in cases() {
        let (project, rendered) = report(&files);
        let diagnostics = project.diagnostics(|path| !path.starts_with("stdlib/"));
        if !diagnostics
            .iter()
            .any(|diagnostic| diagnostic.diagnostic.id == id)
        {
            wrong.push(format!(
                "case `{}` reported instead:\n{rendered}",
                id.as_str()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn each_case_matches_its_snapshot() {
    for (id, files) in cases() {
        let (_, rendered) = report(&files);
        let mut snapshot = String::new();
        for (path, text) in &files {
            snapshot.push_str(&format!("--- {path}\n{text}"));
            if !text.ends_with('\n') {
                snapshot.push('\n');
            }
        }
        snapshot.push_str("--- report\n");
        snapshot.push_str(&rendered);
        insta::assert_snapshot!(id.as_str(), snapshot);
    }
}

/// Every case in French: each text of each diagnostic renders from the French catalogue
/// with every argument it names, and the reports, one after another, are one snapshot.
#[test]
fn each_case_in_french() {
    let mut problems = Vec::new();
    let mut all = String::new();
    for (id, files) in cases() {
        let mut project = Project::default();
        for (path, text) in &files {
            project.add_file(path, text);
        }
        let diagnostics = project.diagnostics(|path| !path.starts_with("stdlib/"));
        for file_diagnostic in &diagnostics {
            let diagnostic = &file_diagnostic.diagnostic;
            let texts = std::iter::once(&diagnostic.message)
                .chain(
                    diagnostic
                        .labels
                        .iter()
                        .filter_map(|label| label.message.as_ref()),
                )
                .chain(diagnostic.help.as_ref());
            for text in texts {
                for language in Language::ALL {
                    if let Err((_, errors)) = text.render_checked(language) {
                        problems.push(format!("{}: {errors:?}", id.as_str()));
                    }
                }
            }
        }
        all.push_str(&format!("=== {}\n", id.as_str()));
        all.push_str(&render_human(
            &diagnostics,
            &project.sources(),
            false,
            Language::French,
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    insta::assert_snapshot!("all-cases-in-french", all);
}

/// `docs/diagnostics.md` is the reference of every diagnostic id, generated from the ids'
/// own documentation; `CLEARANCE_UPDATE_DOCS=1` writes it.
#[test]
fn the_diagnostics_reference_is_up_to_date() {
    let page = clearance_compiler::diagnostics::reference_page();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
    if std::env::var("CLEARANCE_UPDATE_DOCS").is_ok_and(|value| value == "1") {
        std::fs::write(&path, &page).unwrap();
        return;
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        written, page,
        "docs/diagnostics.md is out of date: run the test with CLEARANCE_UPDATE_DOCS=1"
    );
}
