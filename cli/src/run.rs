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
    pub input: PathBuf,
    pub as_of: Date,
    pub format: OutputFormat,
}

fn open_input(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    if path == Path::new("-") {
        Ok(Box::new(BufReader::new(std::io::stdin())))
    } else {
        Ok(Box::new(BufReader::new(std::fs::File::open(path)?)))
    }
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(total) => ProgressBar::new(total),
        None => ProgressBar::new_spinner(),
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} records [{elapsed}] {per_sec}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Evaluates every record of the input and writes one result per record.
pub fn run(
    rule_set: &RuleSet,
    options: &RunOptions,
    out: &mut dyn Write,
) -> std::io::Result<Summary> {
    let mut reader = open_input(&options.input)?;
    let mut summary = Summary {
        rules_hash: rule_set.program().content_hash.clone(),
        as_of: options.as_of.to_string(),
        ..Summary::default()
    };
    let mut writer = ResultWriter::new(options.format, out);
    writer.start()?;
    let first = first_byte(&mut reader)?;
    if first == Some(b'[') {
        let mut text = String::new();
        reader.read_to_string(&mut text)?;
        let results = match serde_json::from_str::<Vec<Json>>(&text) {
            Ok(records) => {
                summary.records_in = records.len();
                let bar = progress_bar(Some(records.len() as u64));
                let mut results = Vec::with_capacity(records.len());
                for (chunk_index, chunk) in records.chunks(BATCH).enumerate() {
                    results.extend(rule_set.evaluate_values(
                        chunk,
                        chunk_index * BATCH + 1,
                        options.as_of,
                    ));
                    bar.inc(chunk.len() as u64);
                }
                bar.finish_and_clear();
                results
            }
            Err(error) => {
                summary.records_in = 1;
                vec![rule_set.unreadable(
                    1,
                    options.as_of,
                    format!("the input is a JSON array that cannot be read ({error}); records in NDJSON, one per line, are read one by one"),
                )]
            }
        };
        for result in &results {
            summary.add(result);
            writer.write(result)?;
        }
    } else {
        let bar = progress_bar(None);
        let mut batch: Vec<String> = Vec::with_capacity(BATCH);
        let mut position = 1;
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader.read_line(&mut line)?;
            if read > 0 && !line.trim().is_empty() {
                batch.push(line.trim_end().to_string());
            }
            if batch.len() == BATCH || (read == 0 && !batch.is_empty()) {
                summary.records_in += batch.len();
                for result in rule_set.evaluate_batch(&batch, position, options.as_of) {
                    summary.add(&result);
                    writer.write(&result)?;
                }
                position += batch.len();
                bar.inc(batch.len() as u64);
                batch.clear();
            }
            if read == 0 {
                break;
            }
        }
        bar.finish_and_clear();
    }
    writer.finish(&summary)?;
    Ok(summary)
}

fn first_byte(reader: &mut Box<dyn BufRead>) -> std::io::Result<Option<u8>> {
    loop {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Ok(None);
        }
        let skip = buffer
            .iter()
            .take_while(|byte| byte.is_ascii_whitespace())
            .count();
        if skip < buffer.len() {
            let first = buffer[skip];
            reader.consume(skip);
            return Ok(Some(first));
        }
        let length = buffer.len();
        reader.consume(length);
    }
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
        .map(|id| format!(" ({id})"))
        .unwrap_or_default();
    writeln!(
        out,
        "record {}{id}: {verdict} — {} rules evaluated, {} passed, {} failed, {} not applicable",
        result.record,
        result.rules.evaluated,
        result.rules.passed,
        result.rules.failed,
        result.rules.not_applicable
    )?;
    for finding in &result.findings {
        writeln!(
            out,
            "  {} [{}] {} ({}; {})",
            finding.severity.as_str(),
            finding.rule,
            finding.message.en,
            finding.category,
            finding.requirements.join(", ")
        )?;
        if finding.message.fr != finding.message.en {
            writeln!(out, "      fr: {}", finding.message.fr)?;
        }
        for value in &finding.values {
            match &value.path {
                Some(path) => writeln!(
                    out,
                    "      {} = {}   at {path}",
                    value.expression, value.value
                )?,
                None => writeln!(out, "      {} = {}", value.expression, value.value)?,
            }
        }
        if let Some(fix) = &finding.fix {
            writeln!(out, "      fix: {}", fix.en)?;
        }
        for citation in &finding.citations {
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
        "{} records in, {} results out: {} pass, {} warn, {} fail, {} invalid ({} findings; rules {}…, as of {})",
        summary.records_in,
        summary.results_out,
        summary.pass,
        summary.warn,
        summary.fail,
        summary.invalid,
        summary.findings,
        &summary.rules_hash.get(..12).unwrap_or(""),
        summary.as_of
    )
}
