//! `clearance test`: run the examples written in rule files; with `--coverage`, report what
//! they exercise (`clearance-audit`), as text, JSON or LCOV, against a floor.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clearance_audit::coverage::{CoverageReport, human, lcov, report};
use clearance_runtime::coverage::Coverage;
use clearance_runtime::testing::{ExampleResult, run_examples_covering};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::CheckFormat;

pub struct TestArgs<'a> {
    pub paths: &'a [PathBuf],
    pub coverage: bool,
    pub lcov: Option<&'a Path>,
    pub junit: Option<&'a Path>,
    pub min: Option<&'a str>,
    pub format: CheckFormat,
}

#[derive(Serialize)]
struct ExampleOutcome<'a> {
    ruleset: &'a str,
    path: &'a str,
    line: u32,
    description: &'a str,
    passed: bool,
    failures: &'a [String],
}

#[derive(Serialize)]
struct Report<'a> {
    passed: usize,
    failed: usize,
    examples: Vec<ExampleOutcome<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<&'a CoverageReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min: Option<String>,
}

pub fn test(args: &TestArgs<'_>) -> ExitCode {
    let floor = match args.min.map(parse_floor).transpose() {
        Ok(floor) => floor,
        Err(message) => return crate::usage_error(&message),
    };
    let paths = crate::default_rules(args.paths.to_vec());
    let (loaded, rule_set) = match crate::load_checked(&paths) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let wants_coverage = args.coverage || args.lcov.is_some() || floor.is_some();
    let coverage = wants_coverage.then(Coverage::new);
    let results = run_examples_covering(
        &rule_set,
        |path| loaded.is_selected(path),
        coverage.as_ref(),
    );
    let coverage_report = coverage.map(|coverage| {
        let sources = loaded.project.sources();
        report(
            rule_set.program(),
            &coverage.hits(),
            &loaded.selected,
            &|path| sources.get(path).map(str::to_string),
        )
    });
    if let (Some(path), Some(coverage)) = (args.lcov, &coverage_report)
        && let Err(error) = std::fs::write(path, lcov(coverage))
    {
        return crate::usage_error(&format!("cannot write `{}`: {error}", path.display()));
    }
    if let Some(path) = args.junit {
        let written =
            clearance_audit::junit::junit(&results).and_then(|xml| std::fs::write(path, xml));
        if let Err(error) = written {
            return crate::usage_error(&format!("cannot write `{}`: {error}", path.display()));
        }
    }
    let failed = results.iter().filter(|result| !result.passed()).count();
    let under_floor = match (&coverage_report, floor) {
        (Some(coverage), Some(floor)) => coverage.total.percent() < floor,
        _ => false,
    };
    match args.format {
        CheckFormat::Human => {
            let mut out = human_results(&results);
            if let Some(coverage) = &coverage_report {
                out.push_str(&human(coverage));
            }
            crate::print_out(&out);
        }
        CheckFormat::Json => {
            let report = Report {
                passed: results.len() - failed,
                failed,
                examples: results
                    .iter()
                    .map(|result| ExampleOutcome {
                        ruleset: &result.ruleset,
                        path: &result.path,
                        line: result.line,
                        description: &result.description,
                        passed: result.passed(),
                        failures: &result.failures,
                    })
                    .collect(),
                coverage: coverage_report.as_ref(),
                min: floor.map(|floor| floor.to_string()),
            };
            crate::print_out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            ));
        }
    }
    if let (true, Some(coverage), Some(floor)) = (under_floor, &coverage_report, floor) {
        eprintln!(
            "error: the examples cover {}% of the coverage points, under the floor of {floor}% (`--min`)",
            coverage.percent
        );
    }
    if failed > 0 || under_floor {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// A percentage from 0 to 100, written as a decimal number (`80`, `92.5`).
fn parse_floor(text: &str) -> Result<Decimal, String> {
    let floor: Decimal = text.trim_end_matches('%').parse().map_err(|_| {
        format!("--min: `{text}` is not a percentage; write a number from 0 to 100, such as `80`")
    })?;
    if floor < Decimal::ZERO || floor > Decimal::ONE_HUNDRED {
        return Err(format!(
            "--min: `{text}` is not between 0 and 100; write a percentage, such as `80`"
        ));
    }
    Ok(floor)
}

fn human_results(results: &[ExampleResult]) -> String {
    let mut failed = 0;
    let mut report = String::new();
    for result in results {
        if result.passed() {
            continue;
        }
        failed += 1;
        report.push_str(&format!(
            "FAILED {}:{} example \"{}\"\n",
            result.path, result.line, result.description
        ));
        for failure in &result.failures {
            report.push_str(&format!("  {failure}\n"));
        }
    }
    let passed = results.len() - failed;
    report.push_str(&format!("{passed} passed, {failed} failed\n"));
    report
}
