//! `clearance run`: evaluate records, stream results, summarise.

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clearance_runtime::decision_log::{Decision, LogOptions};
use clearance_runtime::findings::{RecordResult, Summary};
use clearance_runtime::input::{InputFormat, RawRecord, open_records, read_batches};
use clearance_runtime::{RuleSet, Verdict};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;

use crate::OutputFormat;

/// Records are evaluated in batches of this many, in parallel within a batch.
const BATCH: usize = 2048;

pub struct RunOptions {
    /// Files (or `-`), in the order given, directories expanded.
    pub inputs: Vec<PathBuf>,
    pub input_format: InputFormat,
    pub as_of: Date,
    pub format: OutputFormat,
    /// Files that a directory walk passed over (neither JSON, NDJSON nor XML).
    pub skipped_files: usize,
}

/// Where a run writes its decision log (`--decision-log`), and what goes into it.
pub struct DecisionLog<'w> {
    pub out: &'w mut dyn Write,
    pub options: LogOptions,
}

/// Why a run stopped before its end.
#[derive(Debug)]
pub enum RunError {
    /// An input could not be opened or read (not its content: a disk or pipe error).
    Input(PathBuf, std::io::Error),
    /// Results could not be written.
    Output(std::io::Error),
    /// The decision log could not be written.
    DecisionLog(std::io::Error),
}

/// The input files of a run: files as given (FIFOs and `/dev/stdin`-like paths included),
/// directories walked recursively, their files in path order, chosen by extension. Returns
/// the files and how many a walk passed over.
pub fn input_files(
    inputs: &[PathBuf],
    format: InputFormat,
) -> Result<(Vec<PathBuf>, usize), String> {
    let mut files = Vec::new();
    let mut skipped = 0;
    for input in inputs {
        if input == Path::new("-") {
            files.push(input.clone());
            continue;
        }
        let metadata = std::fs::metadata(input)
            .map_err(|error| format!("cannot read `{}`: {error}", input.display()))?;
        if !metadata.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        let mut pending = vec![input.clone()];
        while let Some(directory) = pending.pop() {
            let entries = std::fs::read_dir(&directory)
                .map_err(|error| format!("cannot read `{}`: {error}", directory.display()))?;
            for entry in entries {
                let entry = entry
                    .map_err(|error| format!("cannot read `{}`: {error}", directory.display()))?;
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if wanted(&path, format) {
                    found.push(path);
                } else {
                    skipped += 1;
                }
            }
        }
        if found.is_empty() {
            return Err(format!(
                "`{}` holds no `.json`, `.ndjson` or `.xml` file",
                input.display()
            ));
        }
        found.sort();
        files.extend(found);
    }
    Ok((files, skipped))
}

/// Whether a directory walk reads `path`, by its extension: every record file when the format
/// is chosen by extension; the XML files for `wco-xml`; the JSON and NDJSON files for `json`
/// and `ndjson`.
fn wanted(path: &Path, format: InputFormat) -> bool {
    InputFormat::of_path(path).is_some_and(|found| match format {
        InputFormat::Auto => true,
        InputFormat::WcoXml => found == InputFormat::WcoXml,
        InputFormat::Json | InputFormat::Ndjson => found != InputFormat::WcoXml,
    })
}

pub fn open_input(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    if path == Path::new("-") {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        Ok(Box::new(BufReader::with_capacity(
            256 * 1024,
            std::fs::File::open(path)?,
        )))
    }
}

fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} records [{elapsed}] {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar
}

/// Evaluates every record of every input and writes one result per record, in input order.
/// `summary` is kept up to date as results are written, so that a caller still has it when
/// the run stops early.
pub fn run(
    rule_set: &RuleSet,
    options: &RunOptions,
    out: &mut dyn Write,
    mut decision_log: Option<DecisionLog<'_>>,
    summary: &mut Summary,
) -> Result<(), RunError> {
    *summary = rule_set.empty_summary(options.as_of);
    summary.skipped_files = options.skipped_files;
    let mut writer = ResultWriter::new(options.format, out);
    writer.start().map_err(RunError::Output)?;
    let bar = progress_bar();
    for_each_batch(
        &options.inputs,
        options.input_format,
        |path, batch, position| {
            let source = path.display().to_string();
            summary.records_in += batch.len();
            let results = rule_set.evaluate_raw(batch, position, options.as_of);
            for (record, mut result) in batch.iter().zip(results) {
                result.source = Some(source.clone());
                summary.add(&result);
                writer.write(&result).map_err(RunError::Output)?;
                if let Some(log) = decision_log.as_mut() {
                    let decision = Decision::of(record, &result, log.options);
                    serde_json::to_writer(&mut *log.out, &decision)
                        .map_err(std::io::Error::from)
                        .and_then(|()| writeln!(log.out))
                        .map_err(RunError::DecisionLog)?;
                }
            }
            bar.inc(batch.len() as u64);
            Ok(())
        },
        |path, error| RunError::Input(path.to_path_buf(), error),
    )?;
    bar.finish_and_clear();
    if let Some(log) = decision_log.as_mut() {
        log.out.flush().map_err(RunError::DecisionLog)?;
    }
    writer.finish(summary).map_err(RunError::Output)?;
    Ok(())
}

/// Reads the records of `files` in turn, in batches of [`BATCH`], and calls `each` with the
/// file, the batch and the position of the batch's first record (from 1, across files).
pub fn for_each_batch<E>(
    files: &[PathBuf],
    format: InputFormat,
    mut each: impl FnMut(&Path, &[RawRecord], usize) -> Result<(), E>,
    input_error: impl Fn(&Path, std::io::Error) -> E,
) -> Result<(), E> {
    let mut position = 1;
    for path in files {
        let reader = open_input(path).map_err(|error| input_error(path, error))?;
        let named = Some(path.as_path()).filter(|path| *path != Path::new("-"));
        let mut records =
            open_records(reader, format, named).map_err(|error| input_error(path, error))?;
        position = read_batches(
            records.as_mut(),
            BATCH,
            position,
            &|| true,
            |batch, first| each(path, batch, first),
            |error| input_error(path, error),
        )?;
    }
    Ok(())
}

struct ResultWriter<'w> {
    format: OutputFormat,
    out: &'w mut dyn Write,
    written: usize,
}

impl<'w> ResultWriter<'w> {
    fn new(format: OutputFormat, out: &'w mut dyn Write) -> ResultWriter<'w> {
        ResultWriter {
            format,
            out,
            written: 0,
        }
    }

    fn start(&mut self) -> std::io::Result<()> {
        if self.format == OutputFormat::Json {
            write!(self.out, "{{\n  \"results\": [")?;
        }
        Ok(())
    }

    fn write(&mut self, result: &RecordResult) -> std::io::Result<()> {
        match self.format {
            OutputFormat::Ndjson => {
                serde_json::to_writer(&mut *self.out, result)?;
                writeln!(self.out)?;
            }
            OutputFormat::Json => {
                if self.written > 0 {
                    write!(self.out, ",")?;
                }
                write!(self.out, "\n    ")?;
                serde_json::to_writer(&mut *self.out, result)?;
            }
            OutputFormat::Human => write_human(self.out, result)?,
        }
        self.written += 1;
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> std::io::Result<()> {
        if self.format == OutputFormat::Json {
            write!(self.out, "\n  ],\n  \"summary\": ")?;
            serde_json::to_writer(&mut *self.out, summary)?;
            writeln!(self.out, "\n}}")?;
        }
        self.out.flush()
    }
}

/// Counts by name, as reports list them: `TG-MAD-AFTER-SPLIT 1, CAS-MASS-ITEM 2`.
pub fn count_list(counts: &std::collections::BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How results and reports name a record: `record 3 DECL-MASS (examples/declarations.ndjson:2)`.
pub fn record_label(
    record: usize,
    id: Option<&str>,
    source: Option<&str>,
    line: Option<usize>,
) -> String {
    let id = id.map(|id| format!(" {id}")).unwrap_or_default();
    let place = match (source, line) {
        (Some(source), Some(line)) => format!(" ({source}:{line})"),
        (Some(source), None) => format!(" ({source})"),
        _ => String::new(),
    };
    format!("record {record}{id}{place}")
}

fn write_human(out: &mut dyn Write, result: &RecordResult) -> std::io::Result<()> {
    let verdict = match result.verdict {
        Verdict::Fail | Verdict::Invalid | Verdict::NotEvaluated => {
            result.verdict.as_str().to_uppercase()
        }
        other => other.as_str().to_string(),
    };
    writeln!(
        out,
        "{}: {verdict}, {} rules evaluated: {} passed, {} failed, {} not applicable",
        record_label(
            result.record,
            result.id.as_deref(),
            result.source.as_deref(),
            result.line
        ),
        result.rules.evaluated,
        result.rules.passed,
        result.rules.failed,
        result.rules.not_applicable
    )?;
    for finding in &result.findings {
        writeln!(
            out,
            "  {} [{}] {}",
            finding.severity.as_str(),
            finding.rule,
            finding.message.en,
        )?;
        if finding.message.fr != finding.message.en {
            writeln!(out, "      fr: {}", finding.message.fr)?;
        }
        writeln!(
            out,
            "      requirements: {}; category: {}",
            finding.requirements.join(", "),
            finding.category
        )?;
        for value in &finding.values {
            match &value.path {
                Some(path) => writeln!(
                    out,
                    "      {} = {}   (at {path})",
                    value.expression, value.value
                )?,
                None => writeln!(out, "      {} = {}", value.expression, value.value)?,
            }
        }
        if let Some(fix) = &finding.fix {
            writeln!(out, "      fix: {}", fix.en)?;
        }
        for citation in finding.citations.iter() {
            writeln!(
                out,
                "      source: {} — «{}»",
                citation.source_title, citation.quote
            )?;
        }
    }
    Ok(())
}

pub fn summary_line(summary: &Summary) -> String {
    format!(
        "{} records in, {} results out: {} pass, {} warn, {} fail, {} action due, {} invalid, {} not evaluated, {} not a declaration ({} findings; {} files skipped; rules {}, as of {})",
        summary.records_in,
        summary.results_out,
        summary.pass,
        summary.warn,
        summary.fail,
        summary.action_due,
        summary.invalid,
        summary.not_evaluated,
        summary.not_a_declaration,
        summary.findings,
        summary.skipped_files,
        summary.rules_hash.get(..12).unwrap_or(""),
        summary.as_of
    )
}

/// Which engine ran each rule, and what compiled code decided (`clearance run --stats`).
pub fn engine_stats(rule_set: &RuleSet, jit: Option<&clearance_jit::Jit>) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let Some(jit) = jit else {
        let rules: usize = rule_set
            .program()
            .rulesets
            .iter()
            .map(|ruleset| ruleset.rules.len())
            .sum();
        let _ = writeln!(out, "engine: interpreter for all {rules} rules");
        return out;
    };
    let stats = jit.stats();
    let compiled = stats
        .iter()
        .filter(|rule| rule.not_compiled.is_none())
        .count();
    let _ = writeln!(
        out,
        "engine: jit, {compiled} of {} rules compiled in {:.1} ms",
        stats.len(),
        jit.compile_time().as_secs_f64() * 1000.0
    );
    if rule_set.unreproduced_failures() > 0 {
        let _ = writeln!(
            out,
            "warning: {} failures found by compiled code were not found by the interpreter at the same bindings; the interpreter's results were used (please report this)",
            rule_set.unreproduced_failures()
        );
    }
    let _ = writeln!(
        out,
        "{:<28} {:<24} {:>12} {:>12}  backend",
        "rule set", "rule", "jit decided", "interpreted"
    );
    for rule in &stats {
        let backend = match &rule.not_compiled {
            None => "jit".to_string(),
            Some(reason) => format!("interpreter ({reason})"),
        };
        let _ = writeln!(
            out,
            "{:<28} {:<24} {:>12} {:>12}  {backend}",
            rule.ruleset, rule.rule, rule.decided, rule.interpreted
        );
    }
    out
}
