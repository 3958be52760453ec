//! `clearance`: check, run, test and trace customs rule sets.

mod diff;
mod doc;
mod examples;
mod fmt;
mod load;
mod replay;
mod run;
mod tariff;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use clearance_compiler::diagnostics::render::{render_human, render_json};
use clearance_compiler::diagnostics::{FileDiagnostic, Language};
use clearance_runtime::RuleSet;
use clearance_runtime::input::InputFormat;

// Binding a record makes many small values that live only while it is checked; mimalloc's
// per-thread free lists make a run about a tenth faster than the system allocator, for
// twice the peak memory (BENCHMARKS.md, "Data in").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// The language of diagnostics: `en` or `fr`.
    #[arg(long, global = true, value_enum, default_value = "en")]
    lang: LanguageArg,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LanguageArg {
    En,
    Fr,
}

/// The language diagnostics are printed in, set once from `--lang`.
static DIAGNOSTIC_LANGUAGE: std::sync::OnceLock<Language> = std::sync::OnceLock::new();

fn diagnostic_language() -> Language {
    DIAGNOSTIC_LANGUAGE.get().copied().unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// By extension (`.json`, `.ndjson` or `.jsonl`, `.xml`, in any case); standard input is
    /// JSON when it starts with `[`, NDJSON otherwise.
    Auto,
    Json,
    Ndjson,
    WcoXml,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    Jit,
    Interp,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormatArg {
    Text,
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
    /// Evaluate records (JSON, NDJSON or WCO DEC-DMS XML) against rule sets and report
    /// findings.
    #[command(
        after_help = "Input: NDJSON (one record per line), JSON (a record, or an array of \
records, streamed), or WCO DEC-DMS XML (HMRC CDS declarations: each `Declaration` element is \
a record; notifications and reports give a `not_a_declaration` result). A JSON record is an \
object whose keys are the rule sets' inputs, plus an optional \"id\" (and \"as_of\", where \
--allow-record-as-of allows it). Every record gives exactly one result, in input order: \
a line that is not JSON or a file that is not well-formed XML is a result too.\n\nResults go \
to standard output; the summary goes to standard error.\n\nExit status: 0 when every record \
passed (warnings allowed) or was not a declaration; 1 when a record failed, was invalid or \
was not evaluated (no rule in force on its date), or when the rules do not check; 2 on a \
usage error or an input that cannot be read."
    )]
    Run {
        /// Rule files or directories.
        #[arg(long = "rules", required = true)]
        rules: Vec<PathBuf>,
        /// The records: a file, a directory (walked recursively for `.json`, `.ndjson`,
        /// `.jsonl` and `.xml` files), or `-` for standard input. Repeat to read several in
        /// turn.
        #[arg(long = "input", required = true)]
        inputs: Vec<PathBuf>,
        #[arg(long = "input-format", value_enum, default_value = "auto")]
        input_format: InputFormatArg,
        /// Let each record choose, with its own "as_of" key, the date whose rules check it
        /// (for replaying past decisions). Without it, a record that sets "as_of" is invalid.
        #[arg(long = "allow-record-as-of")]
        allow_record_as_of: bool,
        /// Evaluate with the rules in force on this date (YYYY-MM-DD). Default: today (UTC).
        #[arg(long = "as-of")]
        as_of: Option<String>,
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
        /// What decides the rules: `jit`, rules compiled to native code (the interpreter
        /// still explains every failure), or `interp`, the interpreter alone. Both give the
        /// same results, byte for byte.
        #[arg(long, value_enum, default_value = "jit")]
        engine: Engine,
        /// After the run, print on standard error which engine ran each rule and how many
        /// records compiled code decided and left to the interpreter.
        #[arg(long)]
        stats: bool,
        /// Write a decision log (NDJSON, one line per record) to this file, for `clearance
        /// replay`: each record's hash, the rules' and rule sets' hashes and versions, the
        /// engine's version, the as-of date and the result, without the record's values.
        #[arg(long = "decision-log")]
        decision_log: Option<PathBuf>,
        /// Embed each record and its full result in the decision log, so that the log alone
        /// can be replayed. Records hold personal data (names, addresses, EORIs): the log
        /// then does too.
        #[arg(long = "decision-log-records", requires = "decision_log")]
        decision_log_records: bool,
    },
    /// Evaluate the records of a decision log again and report every difference.
    #[command(
        after_help = "Reads a decision log written by `clearance run --decision-log`, finds each decision's record among the inputs by its hash (or takes the record the log embeds), evaluates it again with the rules given, as of the logged date, with the interpreter, and compares: the record's hash, the engine's version, the rules' hash, each rule set's version and hash, the verdict, the rule counts and every finding (rule, paths and a digest of its content). A decision whose record cannot be found is a difference.\n\nExit status: 0 when nothing differs; 1 when a decision differs or the rules do not check; 2 on a usage error, an unreadable file or a malformed log."
    )]
    Replay {
        /// The decision log.
        log: PathBuf,
        /// The records the log was written from: files or directories, as for `run`. Not
        /// needed for a log with embedded records.
        #[arg(long = "input")]
        inputs: Vec<PathBuf>,
        #[arg(long = "input-format", value_enum, default_value = "auto")]
        input_format: InputFormatArg,
        /// Rule files or directories.
        #[arg(long = "rules", required = true)]
        rules: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Compare two rule libraries, or one library on two dates: the rules, requirements and
    /// data files that changed and, over records, the decisions that change.
    #[command(
        after_help = "Structurally: the rule sets added, removed and changed (with their versions), the rules added, removed and changed with the clauses that changed, the requirements whose implementing rules change, and the lines of the data files (the operator's configuration tables, the tariff's measures) that change. With --input: every record whose verdict or findings change, with counts per verdict change and per rule.\n\n`clearance diff OLD NEW` compares two libraries (every version of each rule set, or those in force with --as-of D, or OLD as of D1 with NEW as of D2 with --as-of D1 --as-of D2); `clearance diff RULES --as-of D1 --as-of D2` compares one library on two dates (\"what changed on 1 January, and whom does it affect?\").\n\nExit status: 0 when nothing differs; 1 when something differs or the rules do not check; 2 on a usage error or an unreadable file."
    )]
    Diff {
        /// The old rules: a library, a directory of it or a file.
        old: PathBuf,
        /// The new rules. Without them, OLD is compared with itself on two dates.
        new: Option<PathBuf>,
        /// A date (YYYY-MM-DD) whose rules count: once for both sides, twice for the old side
        /// then the new.
        #[arg(long = "as-of")]
        as_of: Vec<String>,
        /// Records to evaluate on both sides: files or directories, as for `run`.
        #[arg(long = "input")]
        inputs: Vec<PathBuf>,
        #[arg(long = "input-format", value_enum, default_value = "auto")]
        input_format: InputFormatArg,
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
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
    /// Write the rule book as a static HTML site, in English and in French.
    #[command(
        after_help = "Writes, under the output directory, one page per rule set version and \
per module in `en/` and in `fr/`: each rule beside the source sentences it cites, its \
requirements linked to the catalogue, its exceptions, periods and examples; the tables, code \
lists, calendars, holidays and data files; the requirements catalogue and the traceability \
matrix with its gaps. The pages work from `file://` with no server; `chromium --headless \
--print-to-pdf` prints them. A directory that holds an earlier site is cleared first.\n\nExit \
status: 0 when the site is written; 1 when the rules do not check; 2 on a usage error."
    )]
    Doc {
        /// Files or directories of `.clr` files (default: `rules`).
        paths: Vec<PathBuf>,
        /// The directory to write the site into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Serve the rules over HTTP: `POST /v1/validate` answers as `clearance run` does.
    #[command(
        after_help = "Loads and checks the rule directory (refused, exit 1, when it does not \
check), then answers `POST /v1/validate` with one JSON record, a JSON array, NDJSON (streamed in \
and out) or WCO XML, by the code path of `clearance run`; `GET /v1/rulesets`, `/healthz` and \
`/readyz` report on it. Every answer names the rules' hash, versions and generation. Stops on \
SIGTERM or Ctrl-C once the requests in flight are answered. Logs a line per request to \
standard error (never a record's content). See docs/server.md.\n\nExit \
status: 0 after a clean stop; 1 when the rules do not check; 2 on a usage error."
    )]
    Serve {
        /// The rule directory: the only place rules are read from.
        #[arg(long, default_value = "rules")]
        rules: PathBuf,
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Let a request choose the date its records are evaluated as of (`?as_of=YYYY-MM-DD`);
        /// otherwise such a request gets 400.
        #[arg(long)]
        allow_request_as_of: bool,
        /// Let a record carry its own `as_of`, as `clearance run --allow-record-as-of`.
        #[arg(long)]
        allow_record_as_of: bool,
        /// The largest request body, in bytes (413 past it).
        #[arg(long, default_value_t = 64 * 1024 * 1024)]
        max_body_bytes: usize,
        /// The most records in one request (413 past it).
        #[arg(long, default_value_t = 100_000)]
        max_records: usize,
        /// The longest a request may take, in seconds (408 past it).
        #[arg(long, default_value_t = 30)]
        request_timeout: u64,
        /// Requests evaluated at once (503 with `Retry-After` past it).
        #[arg(long, default_value_t = 64)]
        max_concurrent_requests: usize,
        /// A file whose first line is the bearer token of `/v1/reload` and `/v1/status`;
        /// without it they are off.
        #[arg(long)]
        admin_token_file: Option<PathBuf>,
        /// A file whose first line is the bearer token `/v1/validate` asks for.
        #[arg(long)]
        client_token_file: Option<PathBuf>,
        /// Do not reload the rules when a file under the rule directory changes.
        #[arg(long)]
        no_watch: bool,
        /// Append a decision per record answered to this file, as `clearance run
        /// --decision-log` writes them (for `clearance replay`).
        #[arg(long)]
        decision_log: Option<PathBuf>,
        /// Embed each record in the decision log (personal data included).
        #[arg(long, requires = "decision_log")]
        decision_log_records: bool,
        /// How the log is written to standard error: `text` (a line per event) or `json`
        /// (an object per line). `CLEARANCE_LOG` chooses the events (`info`, `warn`, ...).
        #[arg(long, value_enum, default_value = "text")]
        log_format: LogFormatArg,
    },
    /// Import tariff measures (UK Trade Tariff API commodity responses) into a data file that
    /// rules read with `data "..."` (records of `stdlib.tariff.TariffMeasure`).
    #[command(
        name = "import-tariff",
        after_help = "Reads every `.json` file under the paths: each a response of the UK \
Trade Tariff API `/commodities/<code>`. A response under a folder named `uk` or `xi` belongs to \
that tariff; others need `--tariff`. Keeps the measures with a document condition and reports \
what it left out.\n\nExit status: 0 when the data file was written; 2 when an input cannot be \
read or is not a commodity response."
    )]
    ImportTariff {
        /// Commodity responses: files or directories.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The data file to write (JSON, one measure per line).
        #[arg(long = "out", required = true)]
        out: PathBuf,
        /// The tariff of responses that are not under a `uk` or `xi` folder.
        #[arg(long = "tariff", value_parser = ["uk", "xi"])]
        tariff: Option<String>,
    },
    /// Serve the language server protocol on standard input and output, for editors.
    #[command(
        after_help = "Diagnostics as you type (in French when the client's locale is French) \
and the items of a document as symbols, over the rule library of the workspace folders. Logs go \
to standard error; standard output is the protocol.\n\nExit status: 0 when the client ends the \
session; 2 when the server cannot start."
    )]
    Lsp,
    /// Rewrite rule files in the canonical layout.
    #[command(
        after_help = "Keeps the line breaks as written and sets everything else: spaces \
between tokens, the indentation of clauses and continuation lines, one blank line at most, \
comments where they are. The formatted file is parsed again and must mean what the original \
means, or it is not written. A file that does not parse is left as it is. `-` reads standard \
input and writes the formatted text to standard output.\n\nExit status: 0 when every file is \
formatted (with `--check`: already in the canonical layout); 1 when a file does not parse or, \
with `--check`, is not in the canonical layout; 2 on a usage error."
    )]
    Fmt {
        /// Files or directories of `.clr` files, or `-`.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write nothing; list the files not in the canonical layout.
        #[arg(long)]
        check: bool,
    },
    /// Run the examples written in rule files.
    #[command(
        after_help = "Prints one line per failed example and ends with `N passed, M \
failed`. With --coverage, then the share of coverage points the examples reach (rules decided, \
`when` clauses that held and that did not, exceptions that applied, base requirements that \
decided, table rows that matched), by kind, and every point no example reaches with its file \
and line. Coverage runs the interpreter.\n\nExit status: 0 when every example passed (and, \
with --min, the coverage is at least the floor); 1 when one failed, the coverage is under the \
floor or the rules do not check; 2 on a usage error."
    )]
    Test {
        /// Files or directories of `.clr` files (default: `rules`).
        paths: Vec<PathBuf>,
        /// Report what the examples exercise: each rule, each `when` clause both holding and
        /// not, each exception and base requirement, each table row.
        #[arg(long)]
        coverage: bool,
        /// Write the coverage as an LCOV tracefile to this file (implies `--coverage`).
        #[arg(long)]
        lcov: Option<PathBuf>,
        /// Write the examples' results as JUnit XML to this file.
        #[arg(long)]
        junit: Option<PathBuf>,
        /// Fail (exit 1) when the coverage is under this percentage (implies `--coverage`).
        #[arg(long)]
        min: Option<String>,
        /// `json` prints the examples' results and the coverage as data.
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let _ = DIAGNOSTIC_LANGUAGE.set(match cli.lang {
        LanguageArg::En => Language::English,
        LanguageArg::Fr => Language::French,
    });
    match cli.command {
        Command::Check { paths, format } => check(&paths, format),
        Command::Run {
            rules,
            inputs,
            input_format,
            allow_record_as_of,
            as_of,
            format,
            engine,
            stats,
            decision_log,
            decision_log_records,
        } => run_command(RunArgs {
            rules: &rules,
            inputs: &inputs,
            input_format,
            allow_record_as_of,
            as_of: as_of.as_deref(),
            format,
            engine,
            stats,
            decision_log: decision_log.as_deref(),
            decision_log_records,
        }),
        Command::Replay {
            log,
            inputs,
            input_format,
            rules,
            format,
        } => replay::replay(&replay::ReplayArgs {
            log: &log,
            inputs: &inputs,
            input_format: input_format.into(),
            rules: &rules,
            format,
        }),
        Command::Diff {
            old,
            new,
            as_of,
            inputs,
            input_format,
            format,
        } => diff::diff(&diff::DiffArgs {
            old: &old,
            new: new.as_deref(),
            as_of: &as_of,
            inputs: &inputs,
            input_format: input_format.into(),
            format,
        }),
        Command::Test {
            paths,
            coverage,
            lcov,
            junit,
            min,
            format,
        } => examples::test(&examples::TestArgs {
            paths: &paths,
            coverage,
            lcov: lcov.as_deref(),
            junit: junit.as_deref(),
            min: min.as_deref(),
            format,
        }),
        Command::Fmt { paths, check } => fmt::fmt(&paths, check, diagnostic_language()),
        Command::Trace { paths, format } => trace(&paths, format),
        Command::Doc { paths, out } => doc::doc(&default_rules(paths), &out),
        Command::Serve {
            rules,
            addr,
            allow_request_as_of,
            allow_record_as_of,
            max_body_bytes,
            max_records,
            request_timeout,
            max_concurrent_requests,
            admin_token_file,
            client_token_file,
            no_watch,
            decision_log,
            decision_log_records,
            log_format,
        } => {
            let log_format = match log_format {
                LogFormatArg::Text => clearance_server::LogFormat::Text,
                LogFormatArg::Json => clearance_server::LogFormat::Json,
            };
            if let Err(message) = clearance_server::init_logging(log_format) {
                return usage_error(&message);
            }
            let read_token = |path: Option<PathBuf>| {
                path.map(|path| clearance_server::Token::read(&path))
                    .transpose()
            };
            let (admin_token, client_token) =
                match (read_token(admin_token_file), read_token(client_token_file)) {
                    (Ok(admin), Ok(client)) => (admin, client),
                    (Err(message), _) | (_, Err(message)) => return usage_error(&message),
                };
            let config = clearance_server::Config {
                rules,
                limits: clearance_server::Limits {
                    max_body_bytes,
                    max_records,
                    request_timeout: std::time::Duration::from_secs(request_timeout),
                    max_concurrent_requests,
                },
                allow_request_as_of,
                allow_record_as_of,
                admin_token,
                client_token,
                watch: !no_watch,
                decision_log_records,
            };
            match clearance_server::serve(config, addr, decision_log.as_deref()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(clearance_server::ServeError::Rules(problems)) => {
                    for problem in problems {
                        eprint!("{problem}");
                        if !problem.ends_with('\n') {
                            eprintln!();
                        }
                    }
                    eprintln!("error: the rules do not load; fix them first (`clearance check`)");
                    ExitCode::from(1)
                }
                Err(clearance_server::ServeError::Other(message)) => usage_error(&message),
            }
        }
        Command::Lsp => match clearance_lsp::serve_stdio() {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => usage_error(&format!("the language server cannot start: {error}")),
        },
        Command::ImportTariff { paths, out, tariff } => {
            import_tariff(&paths, &out, tariff.as_deref())
        }
    }
}

fn import_tariff(paths: &[PathBuf], out: &std::path::Path, tariff: Option<&str>) -> ExitCode {
    let (text, report) = match tariff::import(paths, tariff) {
        Ok(imported) => imported,
        Err(message) => return usage_error(&message),
    };
    if let Err(error) = std::fs::write(out, text) {
        return usage_error(&format!("cannot write `{}`: {error}", out.display()));
    }
    eprint!("{report}");
    eprintln!("wrote `{}`", out.display());
    ExitCode::SUCCESS
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn print_diagnostics(diagnostics: &[FileDiagnostic], loaded: &load::Loaded) {
    let color = std::io::stderr().is_terminal();
    eprint!(
        "{}",
        render_human(
            diagnostics,
            &loaded.project.sources(),
            color,
            diagnostic_language()
        )
    );
}

fn check(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let loaded = match load::load(paths) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(&message),
    };
    let diagnostics = loaded.project.diagnostics(|path| loaded.is_selected(path));
    let mut errors = diagnostics
        .iter()
        .filter(|d| d.diagnostic.is_error())
        .count();
    let mut warnings = diagnostics.len() - errors;
    // Data files are checked once the rules are: their records bind to the rules' types.
    let all_rules_check = loaded
        .project
        .diagnostics(|_| true)
        .iter()
        .all(|d| !d.diagnostic.is_error());
    if all_rules_check {
        let problems = match load::rule_set_with_data(loaded.project.program()) {
            Ok((_, warnings)) => warnings,
            Err(problems) => problems,
        };
        for problem in &problems {
            eprintln!("{problem}");
            if problem.warning {
                warnings += 1;
            } else {
                errors += 1;
            }
        }
    }
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
            let json = render_json(
                &diagnostics,
                &loaded.project.sources(),
                diagnostic_language(),
            );
            print_out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            ));
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
    match clearance_library::checked(paths) {
        Ok(checked) => {
            for warning in &checked.warnings {
                eprintln!("{warning}");
            }
            Ok((checked.loaded, checked.rule_set))
        }
        Err(clearance_library::Refused::Unreadable(message)) => Err(usage_error(&message)),
        Err(clearance_library::Refused::Diagnostics { loaded, errors }) => {
            print_diagnostics(&errors, &loaded);
            eprintln!(
                "error: the rules have {} error{}; fix them first (`clearance check`)",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
            Err(ExitCode::from(1))
        }
        Err(clearance_library::Refused::Data(problems)) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            eprintln!(
                "error: the rules' data files have {} problem{}; fix them first (`clearance check`)",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            Err(ExitCode::from(1))
        }
    }
}

struct RunArgs<'a> {
    rules: &'a [PathBuf],
    inputs: &'a [PathBuf],
    input_format: InputFormatArg,
    allow_record_as_of: bool,
    as_of: Option<&'a str>,
    format: OutputFormat,
    engine: Engine,
    stats: bool,
    decision_log: Option<&'a std::path::Path>,
    decision_log_records: bool,
}

impl From<InputFormatArg> for InputFormat {
    fn from(format: InputFormatArg) -> InputFormat {
        match format {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Json => InputFormat::Json,
            InputFormatArg::Ndjson => InputFormat::Ndjson,
            InputFormatArg::WcoXml => InputFormat::WcoXml,
        }
    }
}

fn run_command(args: RunArgs<'_>) -> ExitCode {
    let as_of = match args.as_of {
        Some(text) => match clearance_compiler::time::parse_date(text) {
            Ok(date) => date,
            Err(message) => return usage_error(&format!("--as-of: {message}")),
        },
        None => clearance_compiler::time::today_utc(),
    };
    let input_format = InputFormat::from(args.input_format);
    let (inputs, skipped_files) = match run::input_files(args.inputs, input_format) {
        Ok(found) => found,
        Err(message) => return usage_error(&message),
    };
    let (_loaded, rule_set) = match load_checked(args.rules) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let rule_set = rule_set.allow_record_as_of(args.allow_record_as_of);
    let (rule_set, jit) = match args.engine {
        Engine::Interp => (rule_set, None),
        Engine::Jit => {
            let (rule_set, jit, error) = clearance_jit::attach(rule_set, args.stats);
            if let Some(error) = error {
                eprintln!("warning: {error}; the interpreter runs every rule");
            }
            (rule_set, jit)
        }
    };
    let options = run::RunOptions {
        inputs,
        input_format,
        as_of,
        format: args.format,
        skipped_files,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut log_file = match args.decision_log {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Some(std::io::BufWriter::with_capacity(64 * 1024, file)),
            Err(error) => {
                return usage_error(&format!("cannot write `{}`: {error}", path.display()));
            }
        },
        None => None,
    };
    let decision_log = log_file.as_mut().map(|file| run::DecisionLog {
        out: file,
        options: clearance_runtime::decision_log::LogOptions {
            record_as_of_allowed: args.allow_record_as_of,
            embed_records: args.decision_log_records,
        },
    });
    let mut summary = clearance_runtime::Summary::default();
    let outcome = run::run(&rule_set, &options, &mut out, decision_log, &mut summary);
    if args.stats {
        eprint!("{}", run::engine_stats(&rule_set, jit.as_deref()));
    }
    let exit = if summary.needs_attention() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    match outcome {
        Ok(()) => {
            eprintln!("{}", run::summary_line(&summary));
            exit
        }
        // The reader of the results went away (`clearance run ... | head`): stop quietly, as
        // Unix tools do.
        Err(run::RunError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => exit,
        Err(run::RunError::Output(error)) => {
            usage_error(&format!("cannot write the results: {error}"))
        }
        Err(run::RunError::DecisionLog(error)) => {
            eprintln!("{}", run::summary_line(&summary));
            usage_error(&format!("cannot write the decision log: {error}"))
        }
        Err(run::RunError::Input(path, error)) => {
            eprintln!("{}", run::summary_line(&summary));
            usage_error(&format!("cannot read `{}`: {error}", path.display()))
        }
    }
}

/// Writes a command's output to standard output; a closed pipe ends the command quietly.
fn print_out(text: &str) -> bool {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(error) => {
            eprintln!("error: cannot write the output: {error}");
            false
        }
    }
}

/// The paths given, or the rule library in the current directory (`rules`).
fn default_rules(paths: Vec<PathBuf>) -> Vec<PathBuf> {
    if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths
    }
}

fn trace(paths: &[PathBuf], format: CheckFormat) -> ExitCode {
    let paths = default_rules(paths.to_vec());
    let (_loaded, rule_set) = match load_checked(&paths) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let trace = clearance_compiler::trace::trace(rule_set.program());
    match format {
        CheckFormat::Json => {
            print_out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&trace).unwrap_or_default()
            ));
        }
        CheckFormat::Human => {
            print_out(&trace_table(&trace));
        }
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
