//! `clearance`: check, run, test and trace customs rule sets.

mod load;
mod run;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use clearance_compiler::diagnostics::FileDiagnostic;
use clearance_compiler::diagnostics::render::{render_human, render_json};
use clearance_runtime::RuleSet;
use jiff::civil::Date;

#[derive(Parser)]
#[command(
    name = "clearance",
    version,
    about = "A rule language for customs compliance",
    after_help = "Exit status, for every command: 0 success; 1 the rules or the records have \
errors (see each command); 2 usage error (bad arguments, unreadable files)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Ndjson,
}

#[derive(Subcommand)]
enum Command {
    /// Check rule files and report every problem found.
    #[command(
        after_help = "Exit status: 0 when no error was found (warnings allowed); 1 when \
errors were found; 2 on a usage error, such as a path that does not exist."
    )]
    Check {
        /// Files or directories of `.clr` files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Evaluate records (JSON or NDJSON) against rule sets and report findings.
    #[command(
        after_help = "Input: a JSON array of records, or NDJSON (one record per line). \
Each record is an object whose keys are the rule sets' inputs, plus an optional \"id\" and \
\"as_of\". Every record gives exactly one result, in input order.\n\nExit status: 0 when every \
record passed (warnings allowed); 1 when a record failed or was invalid, or when the rules do \
not check; 2 on a usage error."
    )]
    Run {
        /// Rule files or directories.
        #[arg(long = "rules", required = true)]
        rules: Vec<PathBuf>,
        /// The records: a file, a directory of `.json` and `.ndjson` files, or `-` for
        /// standard input. Repeat to read several in turn.
        #[arg(long = "input", required = true)]
        inputs: Vec<PathBuf>,
        /// Evaluate with the rules in force on this date (YYYY-MM-DD). Default: today (UTC).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
    },
    /// Print the traceability matrix: requirement -> rules -> examples -> source sentence.
    #[command(
        after_help = "Lists every requirement of the catalogue with the rules that \
implement it, the examples that exercise each rule, and the source sentences; then the gaps: \
requirements without a rule, and rules without a passing or a failing example.\n\nExit status: 0 \
when every starred requirement is implemented and exemplified and every other one is \
implemented, built in or marked not machine-checkable; 1 otherwise, or when the rules do not \
check; 2 on a usage error."
    )]
    Trace {
        /// Files or directories of `.clr` files (default: `rules`).
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Run the examples written in rule files.
    #[command(
        after_help = "Prints one line per failed example and ends with `N passed, M \
failed`.\n\nExit status: 0 when every example passed; 1 when one failed or the rules do not \
check; 2 on a usage error."
    )]
    Test {
        /// Files or directories of `.clr` files (default: `rules`).
        paths: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { paths, format } => check(&paths, format),
        Command::Run {
            rules,
            inputs,
            as_of,
            format,
        } => run_command(&rules, &inputs, as_of.as_deref(), format),
        Command::Test { paths } => test(&paths),
        Command::Trace { paths, format } => trace(&paths, format),
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn print_diagnostics(diagnostics: &[FileDiagnostic], loaded: &load::Loaded) {
    let color = std::io::stderr().is_terminal();
    eprint!(
        "{}",
        render_human(diagnostics, &loaded.project.sources(), color)
    );
}

fn check(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let loaded = match load::load(paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let diagnostics = loaded.project.diagnostics(|path| loaded.is_selected(path));
    let errors = diagnostics
        .iter()
        .filter(|d| d.diagnostic.is_error())
        .count();
    let warnings = diagnostics.len() - errors;
    match format {
        CheckFormat::Human => {
            print_diagnostics(&diagnostics, &loaded);
            eprintln!(
                "checked {} file{}: {errors} error{}, {warnings} warning{}",
                loaded.selected.len(),
                if loaded.selected.len() == 1 { "" } else { "s" },
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" },
            );
        }
        CheckFormat::Json => {
            let json = render_json(&diagnostics, &loaded.project.sources());
            println!(
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            );
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Loads rule files and refuses them when they do not check.
fn load_checked(paths: &[PathBuf]) -> Result<(load::Loaded, RuleSet), ExitCode> {
    let loaded = load::load(paths).map_err(|message| usage_error(&message))?;
    let errors: Vec<FileDiagnostic> = loaded
        .project
        .diagnostics(|_| true)
        .into_iter()
        .filter(|diagnostic| diagnostic.diagnostic.is_error())
        .collect();
    if !errors.is_empty() {
        print_diagnostics(&errors, &loaded);
        eprintln!(
            "error: the rules have {} error{}; fix them first (`clearance check`)",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
        return Err(ExitCode::from(1));
    }
    let rule_set = RuleSet::from_program(loaded.project.program());
    for problem in rule_set.machine().load_errors() {
        eprintln!("warning: {problem}");
    }
    Ok((loaded, rule_set))
}

fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
}

fn run_command(
    rules: &[PathBuf],
    inputs: &[PathBuf],
    as_of: Option<&str>,
    format: OutputFormat,
) -> ExitCode {
    let as_of = match as_of {
        Some(text) => match clearance_compiler::time::parse_date(text) {
            Ok(date) => date,
            Err(message) => return usage_error(&format!("--as-of: {message}")),
        },
        None => today(),
    };
    let inputs = match run::input_files(inputs) {
        Ok(files) => files,
        Err(message) => return usage_error(&message),
    };
    let (_loaded, rule_set) = match load_checked(rules) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let options = run::RunOptions {
        inputs,
        as_of,
        format,
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match run::run(&rule_set, &options, &mut out) {
        Ok(summary) => {
            eprintln!("{}", run::summary_line(&summary));
            if summary.fail + summary.invalid > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => usage_error(&format!("cannot read the input: {error}")),
    }
}

fn test(paths: &[PathBuf]) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths.to_vec()
    };
    let (loaded, rule_set) = match load_checked(&paths) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let results =
        clearance_runtime::testing::run_examples(&rule_set, |path| loaded.is_selected(path));
    let mut failed = 0;
    for result in &results {
        if result.passed() {
            continue;
        }
        failed += 1;
        println!(
            "FAILED {}:{} example \"{}\"",
            result.path, result.line, result.description
        );
        for failure in &result.failures {
            println!("  {failure}");
        }
    }
    let passed = results.len() - failed;
    println!("{passed} passed, {failed} failed");
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn trace(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths.to_vec()
    };
    let (_loaded, rule_set) = match load_checked(&paths) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let trace = clearance_compiler::trace::trace(rule_set.program());
    match format {
        CheckFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&trace).unwrap_or_default()
            );
        }
        CheckFormat::Human => print!("{}", trace_table(&trace)),
    }
    if trace.complete() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn trace_table(trace: &clearance_compiler::trace::Trace) -> String {
    use clearance_compiler::trace::Coverage;
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<18} {:<2} {:<14} RULES (examples: passing/failing)",
        "REQUIREMENT", "", "COVERAGE"
    );
    for requirement in &trace.requirements {
        let coverage = match requirement.coverage {
            Coverage::Exemplified => "exemplified",
            Coverage::Implemented => "no example",
            Coverage::BuiltIn => "built in",
            Coverage::NotCheckable => "not checkable",
            Coverage::Missing => "MISSING",
        };
        let rules = requirement
            .rules
            .iter()
            .map(|rule| {
                let passing = rule
                    .examples
                    .iter()
                    .filter(|e| e.expects != "fails" && e.expects != "cannot be evaluated")
                    .count();
                let failing = rule
                    .examples
                    .iter()
                    .filter(|e| e.expects == "fails")
                    .count();
                format!("{} ({passing}/{failing})", rule.rule)
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "{:<18} {:<2} {:<14} {}",
            requirement.id,
            if requirement.starred { "★" } else { "" },
            coverage,
            if rules.is_empty() {
                requirement.reason.clone().unwrap_or_default()
            } else {
                rules
            }
        );
        for citation in &requirement.citations {
            let _ = writeln!(
                out,
                "{:<36}   {}: «{}»",
                "", citation.source, citation.quote
            );
        }
    }
    let gaps = trace.gaps();
    let _ = writeln!(out);
    if gaps.is_empty() && trace.unknown_requirements.is_empty() {
        let _ = writeln!(
            out,
            "no gaps: every requirement is exemplified, built in or explained"
        );
    } else {
        let _ = writeln!(out, "gaps:");
        for requirement in gaps {
            if requirement.rules.is_empty() {
                let _ = writeln!(out, "  {}: no rule implements it", requirement.id);
            }
            for rule in &requirement.rules {
                if !rule.has_passing_example {
                    let _ = writeln!(
                        out,
                        "  {}: rule {} has no passing example",
                        requirement.id, rule.rule
                    );
                }
                if !rule.has_failing_example {
                    let _ = writeln!(
                        out,
                        "  {}: rule {} has no failing example",
                        requirement.id, rule.rule
                    );
                }
            }
        }
        for (rule, id) in &trace.unknown_requirements {
            let _ = writeln!(out, "  rule {rule} cites {id}, which the catalogue lacks");
        }
    }
    out
}
