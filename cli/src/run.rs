//! `clearance run`: evaluate records, stream results, summarise.

use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clearance_runtime::findings::{RecordResult, Summary};
use clearance_runtime::{RuleSet, Verdict};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use serde_json::Value as Json;

use crate::OutputFormat;

/// Records are evaluated in batches of this many, in parallel within a batch.
const BATCH: usize = 2048;

pub struct RunOptions {
    /// Files, directories (their `.json` and `.ndjson` files, in name order) or `-`.
    pub inputs: Vec<PathBuf>,
    pub as_of: Date,
    pub format: OutputFormat,
}

/// The input files of a run, directories expanded.
pub fn input_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for input in inputs {
        if input == Path::new("-") || input.is_file() {
            files.push(input.clone());
        } else if input.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(input)
                .map_err(|error| format!("cannot read `{}`: {error}", input.display()))?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| {
                    path.extension()
                        .is_some_and(|extension| extension == "json" || extension == "ndjson")
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "`{}` holds no `.json` or `.ndjson` file",
                    input.display()
                ));
            }
            files.extend(found);
        } else {
            return Err(format!(
                "`{}` is not a readable file or directory",
                input.display()
            ));
        }
    }
    Ok(files)
}

fn open_input(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        Ok(Box::new(BufReader::new(std::fs::File::open(path)?)))
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
pub fn run(
    rule_set: &RuleSet,
    options: &RunOptions,
    out: &mut dyn Write,
) -> std::io::Result<Summary> {
    let mut summary = Summary {
        rules_hash: rule_set.program().content_hash.clone(),
        as_of: options.as_of.to_string(),
        ..Summary::default()
    };
    let mut writer = ResultWriter::new(options.format, out);
    writer.start()?;
    let bar = progress_bar();
    let mut position = 1;
    for path in &options.inputs {
        let source = path.display().to_string();
        let mut reader = open_input(path)?;
        let emit = |mut result: RecordResult,
                    line: Option<usize>,
                    summary: &mut Summary,
                    writer: &mut ResultWriter<'_>| {
            result.source = Some(source.clone());
            result.line = line;
            summary.add(&result);
            writer.write(&result)
        };
        if first_byte(&mut reader)? == Some(b'[') {
            let mut text = String::new();
            reader.read_to_string(&mut text)?;
            match serde_json::from_str::<Vec<Json>>(&text) {
                Ok(records) => {
                    summary.records_in += records.len();
                    for chunk in records.chunks(BATCH) {
                        for result in rule_set.evaluate_values(chunk, position, options.as_of) {
                            emit(result, None, &mut summary, &mut writer)?;
                        }
                        position += chunk.len();
                        bar.inc(chunk.len() as u64);
                    }
                }
                Err(error) => {
                    summary.records_in += 1;
                    let result = rule_set.unreadable(
                        position,
                        options.as_of,
                        format!("the input is a JSON array that cannot be read ({error}); records in NDJSON, one per line, are read one by one"),
                    );
                    emit(result, Some(error.line()), &mut summary, &mut writer)?;
                    position += 1;
                }
            }
            continue;
        }
        let mut batch: Vec<String> = Vec::with_capacity(BATCH);
        let mut lines: Vec<usize> = Vec::with_capacity(BATCH);
        let mut line = String::new();
        let mut line_number = 0;
        loop {
            line.clear();
            let read = reader.read_line(&mut line)?;
            line_number += 1;
            if read > 0 && !line.trim().is_empty() {
                batch.push(line.trim_end().to_string());
                lines.push(line_number);
            }
            if batch.len() == BATCH || (read == 0 && !batch.is_empty()) {
                summary.records_in += batch.len();
                let results = rule_set.evaluate_batch(&batch, position, options.as_of);
                for (result, line) in results.into_iter().zip(&lines) {
                    emit(result, Some(*line), &mut summary, &mut writer)?;
                }
                position += batch.len();
                bar.inc(batch.len() as u64);
                batch.clear();
                lines.clear();
            }
            if read == 0 {
                break;
            }
        }
    }
    bar.finish_and_clear();
    writer.finish(&summary)?;
    Ok(summary)
}

fn first_byte(reader: &mut Box<dyn BufRead>) -> std::io::Result<Option<u8>> {
    let buffer = reader.fill_buf()?;
    Ok(buffer
        .iter()
        .copied()
        .find(|byte| !byte.is_ascii_whitespace()))
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

fn write_human(out: &mut dyn Write, result: &RecordResult) -> std::io::Result<()> {
    let verdict = match result.verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "FAIL",
        Verdict::Invalid => "INVALID",
    };
    let id = result
        .id
        .as_ref()
        .map(|id| format!(" {id}"))
        .unwrap_or_default();
    let place = match (&result.source, result.line) {
        (Some(source), Some(line)) => format!(" ({source}:{line})"),
        (Some(source), None) => format!(" ({source})"),
        _ => String::new(),
    };
    writeln!(
        out,
        "record {}{id}{place}: {verdict}, {} rules evaluated: {} passed, {} failed, {} not applicable",
        result.record,
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
        "{} records in, {} results out: {} pass, {} warn, {} fail, {} invalid ({} findings; rules {}, as of {})",
        summary.records_in,
        summary.results_out,
        summary.pass,
        summary.warn,
        summary.fail,
        summary.invalid,
        summary.findings,
        summary.rules_hash.get(..12).unwrap_or(""),
        summary.as_of
    )
}
