//! `clearance replay`: evaluate the records of a decision log again and report every way the
//! new decisions differ from the logged ones.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clearance_runtime::RuleSet;
use clearance_runtime::decision_log::{
    Decision, Difference, LogOptions, decode_record, record_hash,
};
use clearance_runtime::input::{InputFormat, RawContent, RawRecord, open_records};
use jiff::civil::Date;
use serde::Serialize;

use crate::CheckFormat;

/// Decisions are evaluated again in batches of this many, in parallel within a batch.
const BATCH: usize = 2048;

pub struct ReplayArgs<'a> {
    pub log: &'a Path,
    pub inputs: &'a [PathBuf],
    pub input_format: InputFormat,
    pub rules: &'a [PathBuf],
    pub format: CheckFormat,
}

/// A decision of the log, with the line it was read from.
struct Logged {
    line: usize,
    decision: Decision,
    as_of: Date,
}

/// A decision that differs, as the report gives it.
#[derive(Serialize)]
struct Differing {
    record: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    /// The line of the decision log.
    log_line: usize,
    differences: Vec<Difference>,
}

#[derive(Serialize)]
struct Report {
    decisions: usize,
    identical: usize,
    differing: Vec<Differing>,
    /// How many decisions differ by each kind of difference.
    per_kind: BTreeMap<String, usize>,
    /// How many findings were added, removed or changed, by rule.
    per_rule: BTreeMap<String, usize>,
}

pub fn replay(args: &ReplayArgs<'_>) -> ExitCode {
    let logged = match read_log(args.log) {
        Ok(logged) => logged,
        Err(message) => return crate::usage_error(&message),
    };
    let needs_inputs = logged.iter().any(|entry| entry.decision.embedded.is_none());
    if needs_inputs && args.inputs.is_empty() {
        return crate::usage_error(&format!(
            "`{}` does not embed its records (it was written without `--decision-log-records`); give the records it was written from with `--input`",
            args.log.display()
        ));
    }
    let records = match read_inputs(args.inputs, args.input_format) {
        Ok(records) => records,
        Err(message) => return crate::usage_error(&message),
    };
    let (_loaded, rule_set) = match crate::load_checked(args.rules) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let report = match compare(rule_set, &logged, &records, args.log) {
        Ok(report) => report,
        Err(message) => return crate::usage_error(&message),
    };
    match args.format {
        CheckFormat::Human => crate::print_out(&human(&report)),
        CheckFormat::Json => crate::print_out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )),
    };
    if report.differing.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn read_log(path: &Path) -> Result<Vec<Logged>, String> {
    let file = std::fs::File::open(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    let mut logged = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line_number = index + 1;
        let line = line.map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let decision: Decision = serde_json::from_str(&line).map_err(|error| {
            format!(
                "`{}`:{line_number}: not a decision of `clearance run --decision-log`: {error}",
                path.display()
            )
        })?;
        let as_of = clearance_compiler::time::parse_date(&decision.as_of)
            .map_err(|message| format!("`{}`:{line_number}: `as_of`: {message}", path.display()))?;
        logged.push(Logged {
            line: line_number,
            decision,
            as_of,
        });
    }
    if logged.is_empty() {
        return Err(format!("`{}` holds no decision", path.display()));
    }
    Ok(logged)
}

/// Every record of the inputs by its hash.
fn read_inputs(
    inputs: &[PathBuf],
    format: InputFormat,
) -> Result<HashMap<String, RawContent>, String> {
    let mut records = HashMap::new();
    if inputs.is_empty() {
        return Ok(records);
    }
    let (files, _skipped) = crate::run::input_files(inputs, format)?;
    for path in files {
        let cannot = |error: std::io::Error| format!("cannot read `{}`: {error}", path.display());
        let reader = crate::run::open_input(&path).map_err(cannot)?;
        let named = Some(path.as_path()).filter(|path| *path != Path::new("-"));
        let mut source = open_records(reader, format, named).map_err(cannot)?;
        while let Some(record) = source.next_record().map_err(cannot)? {
            records
                .entry(record_hash(&record.content))
                .or_insert(record.content);
        }
    }
    Ok(records)
}

/// Evaluates each decision's record again and compares.
fn compare(
    mut rule_set: RuleSet,
    logged: &[Logged],
    records: &HashMap<String, RawContent>,
    log: &Path,
) -> Result<Report, String> {
    let mut report = Report {
        decisions: logged.len(),
        identical: 0,
        differing: Vec::new(),
        per_kind: BTreeMap::new(),
        per_rule: BTreeMap::new(),
    };
    let mut allowed = false;
    let mut index = 0;
    while index < logged.len() {
        let first = &logged[index];
        // A batch shares its as-of date and whether records choose their own.
        let batch: Vec<&Logged> = logged[index..]
            .iter()
            .take(BATCH)
            .take_while(|entry| {
                entry.as_of == first.as_of
                    && entry.decision.record_as_of_allowed == first.decision.record_as_of_allowed
            })
            .collect();
        index += batch.len();
        if allowed != first.decision.record_as_of_allowed {
            allowed = first.decision.record_as_of_allowed;
            rule_set = rule_set.allow_record_as_of(allowed);
        }
        let mut found: Vec<(&Logged, RawRecord)> = Vec::new();
        for entry in batch {
            let content = match &entry.decision.embedded {
                Some(embedded) => Some(decode_record(&embedded.record).map_err(|message| {
                    format!(
                        "`{}`:{}: `embedded.record`: {message}",
                        log.display(),
                        entry.line
                    )
                })?),
                None => records.get(&entry.decision.record_hash).cloned(),
            };
            match content {
                Some(content) => found.push((
                    entry,
                    RawRecord {
                        line: entry.decision.line,
                        content,
                    },
                )),
                None => add(&mut report, entry, vec![Difference::RecordMissing]),
            }
        }
        let (entries, raw): (Vec<&Logged>, Vec<RawRecord>) = found.into_iter().unzip();
        let results = rule_set.evaluate_raw(&raw, 1, first.as_of);
        for ((entry, record), mut result) in entries.into_iter().zip(&raw).zip(results) {
            result.record = entry.decision.record;
            result.source = entry.decision.source.clone();
            let now = Decision::of(
                record,
                &result,
                LogOptions {
                    record_as_of_allowed: allowed,
                    embed_records: false,
                },
            );
            add(&mut report, entry, entry.decision.differences(&now));
        }
    }
    report.differing.sort_by_key(|differing| differing.log_line);
    Ok(report)
}

fn add(report: &mut Report, entry: &Logged, differences: Vec<Difference>) {
    if differences.is_empty() {
        report.identical += 1;
        return;
    }
    let mut kinds: Vec<&str> = differences.iter().map(Difference::kind).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        *report.per_kind.entry(kind.to_string()).or_default() += 1;
    }
    for difference in &differences {
        if let Some(rule) = difference.rule() {
            *report.per_rule.entry(rule.to_string()).or_default() += 1;
        }
    }
    let decision = &entry.decision;
    report.differing.push(Differing {
        record: decision.record,
        source: decision.source.clone(),
        line: decision.line,
        id: decision.id.clone(),
        log_line: entry.line,
        differences,
    });
}

fn human(report: &Report) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for differing in &report.differing {
        let label = crate::run::record_label(
            differing.record,
            differing.id.as_deref(),
            differing.source.as_deref(),
            differing.line,
        );
        let _ = writeln!(out, "{label}, log line {}:", differing.log_line);
        for difference in &differing.differences {
            let _ = writeln!(out, "  {difference}");
        }
    }
    let _ = write!(
        out,
        "replayed {} decision{}: {} identical, {} differ",
        report.decisions,
        if report.decisions == 1 { "" } else { "s" },
        report.identical,
        report.differing.len()
    );
    if !report.per_kind.is_empty() {
        let kinds = crate::run::count_list(&report.per_kind);
        let _ = write!(out, " (by kind: {kinds})");
    }
    if !report.per_rule.is_empty() {
        let rules = crate::run::count_list(&report.per_rule);
        let _ = write!(out, "; findings that differ, by rule: {rules}");
    }
    let _ = writeln!(out);
    out
}
