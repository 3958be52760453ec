//! `clearance diff`: what changed between two rule libraries, or between two dates of one,
//! structurally (through `clearance-audit`) and, over records, in the decisions.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clearance_audit::diff::{Side, StructuralDiff, compare, human};
use clearance_runtime::RuleSet;
use clearance_runtime::Verdict;
use clearance_runtime::decision_log::{Decision, Difference, LogOptions};
use clearance_runtime::input::InputFormat;
use jiff::civil::Date;
use serde::Serialize;

use crate::CheckFormat;

pub struct DiffArgs<'a> {
    pub old: &'a Path,
    pub new: Option<&'a Path>,
    pub as_of: &'a [String],
    pub inputs: &'a [PathBuf],
    pub input_format: InputFormat,
    pub format: CheckFormat,
}

/// A record whose decision changes.
#[derive(Serialize)]
struct ChangedRecord {
    record: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    old_verdict: Verdict,
    new_verdict: Verdict,
    /// The verdict and the findings that differ, `logged` being the old side.
    differences: Vec<Difference>,
}

#[derive(Serialize)]
struct RecordsReport {
    /// The dates the records were evaluated on, old side then new.
    old_as_of: String,
    new_as_of: String,
    records: usize,
    unchanged: usize,
    /// Records that no rule in force checks on either side: unchanged, though the message
    /// that says so names each side's date.
    not_checked_on_either_side: usize,
    changed: Vec<ChangedRecord>,
    /// How many records go from one verdict to another, as `old → new`.
    per_verdict: BTreeMap<String, usize>,
    /// How many records have a finding added, removed or changed, by rule.
    per_rule: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct Report {
    old: SideLabel,
    new: SideLabel,
    #[serde(flatten)]
    structural: StructuralDiff,
    #[serde(skip_serializing_if = "Option::is_none")]
    records: Option<RecordsReport>,
}

#[derive(Serialize)]
struct SideLabel {
    rules: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    as_of: Option<String>,
}

/// A library loaded and checked, with what a side of the comparison needs from it.
struct Library {
    loaded: crate::load::Loaded,
    rule_set: RuleSet,
    data_files: BTreeMap<String, String>,
}

fn open(path: &Path) -> Result<Library, ExitCode> {
    let (loaded, rule_set) = crate::load_checked(&[path.to_path_buf()])?;
    let mut data_files = BTreeMap::new();
    for name in rule_set.program().data_files() {
        let file = Path::new(name);
        let text = std::fs::read(file)
            .map_err(|error| crate::usage_error(&format!("cannot read `{name}`: {error}")))?;
        data_files.insert(
            crate::load::hash_name(file),
            String::from_utf8_lossy(&text).into_owned(),
        );
    }
    Ok(Library {
        loaded,
        rule_set,
        data_files,
    })
}

pub fn diff(args: &DiffArgs<'_>) -> ExitCode {
    let dates = match args
        .as_of
        .iter()
        .map(|text| {
            clearance_compiler::time::parse_date(text).map_err(|message| message.to_string())
        })
        .collect::<Result<Vec<Date>, String>>()
    {
        Ok(dates) => dates,
        Err(message) => return crate::usage_error(&format!("--as-of: {message}")),
    };
    let (old_date, new_date) = match (args.new, dates.as_slice()) {
        (_, [old, new]) => (Some(*old), Some(*new)),
        (Some(_), [date]) => (Some(*date), Some(*date)),
        (Some(_), []) => (None, None),
        (None, _) => {
            return crate::usage_error(
                "give the new rules (`clearance diff OLD NEW`), or two dates to compare one library on (`--as-of D1 --as-of D2`)",
            );
        }
        (Some(_), _) => {
            return crate::usage_error(
                "give `--as-of` once (both libraries on that date) or twice (the old date, then the new)",
            );
        }
    };
    let old = match open(args.old) {
        Ok(library) => library,
        Err(code) => return code,
    };
    let new_library = match args.new.map(open).transpose() {
        Ok(library) => library,
        Err(code) => return code,
    };
    let new = new_library.as_ref().unwrap_or(&old);
    let (old_sources, new_sources) = (old.loaded.project.sources(), new.loaded.project.sources());
    let old_text = |path: &str| old_sources.get(path).map(str::to_string);
    let new_text = |path: &str| new_sources.get(path).map(str::to_string);
    let structural = compare(
        &Side {
            program: old.rule_set.program(),
            text_of: &old_text,
            as_of: old_date,
            data_files: &old.data_files,
        },
        &Side {
            program: new.rule_set.program(),
            text_of: &new_text,
            as_of: new_date,
            data_files: &new.data_files,
        },
    );
    let records = if args.inputs.is_empty() {
        None
    } else {
        let today = clearance_compiler::time::today_utc();
        let dates = (old_date.unwrap_or(today), new_date.unwrap_or(today));
        match compare_records(&old.rule_set, &new.rule_set, dates, args) {
            Ok(records) => Some(records),
            Err(message) => return crate::usage_error(&message),
        }
    };
    let label = |path: &Path, date: Option<Date>| SideLabel {
        rules: path.display().to_string(),
        as_of: date.map(|date| date.to_string()),
    };
    let report = Report {
        old: label(args.old, old_date),
        new: label(args.new.unwrap_or(args.old), new_date),
        structural,
        records,
    };
    let same = report.structural.is_empty()
        && report
            .records
            .as_ref()
            .is_none_or(|records| records.changed.is_empty());
    match args.format {
        CheckFormat::Human => crate::print_out(&human_report(&report)),
        CheckFormat::Json => crate::print_out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        )),
    };
    if same {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Evaluates every record on both sides and keeps those whose verdict or findings differ.
fn compare_records(
    old: &RuleSet,
    new: &RuleSet,
    (old_date, new_date): (Date, Date),
    args: &DiffArgs<'_>,
) -> Result<RecordsReport, String> {
    let (files, _skipped) = crate::run::input_files(args.inputs, args.input_format)?;
    let mut report = RecordsReport {
        old_as_of: old_date.to_string(),
        new_as_of: new_date.to_string(),
        records: 0,
        unchanged: 0,
        not_checked_on_either_side: 0,
        changed: Vec::new(),
        per_verdict: BTreeMap::new(),
        per_rule: BTreeMap::new(),
    };
    let options = LogOptions {
        record_as_of_allowed: false,
        embed_records: false,
    };
    crate::run::for_each_batch(
        &files,
        args.input_format,
        |path, batch, position| {
            let source_name = path.display().to_string();
            let before = old.evaluate_raw(batch, position, old_date);
            let after = new.evaluate_raw(batch, position, new_date);
            for ((record, mut before), mut after) in batch.iter().zip(before).zip(after) {
                before.source = Some(source_name.clone());
                after.source = Some(source_name.clone());
                let differences: Vec<Difference> = Decision::of(record, &before, options)
                    .differences(&Decision::of(record, &after, options))
                    .into_iter()
                    .filter(Difference::is_in_outcome)
                    .collect();
                report.records += 1;
                if before.verdict == Verdict::NotEvaluated && after.verdict == Verdict::NotEvaluated
                {
                    report.unchanged += 1;
                    report.not_checked_on_either_side += 1;
                    continue;
                }
                if differences.is_empty() {
                    report.unchanged += 1;
                    continue;
                }
                if before.verdict != after.verdict {
                    let change =
                        format!("{} → {}", before.verdict.as_str(), after.verdict.as_str());
                    *report.per_verdict.entry(change).or_default() += 1;
                }
                let mut rules: Vec<&str> =
                    differences.iter().filter_map(Difference::rule).collect();
                rules.sort_unstable();
                rules.dedup();
                for rule in rules {
                    *report.per_rule.entry(rule.to_string()).or_default() += 1;
                }
                report.changed.push(ChangedRecord {
                    record: after.record,
                    source: after.source,
                    line: after.line,
                    id: after.id,
                    old_verdict: before.verdict,
                    new_verdict: after.verdict,
                    differences,
                });
            }
            Ok(())
        },
        |path, error| format!("cannot read `{}`: {error}", path.display()),
    )?;
    Ok(report)
}

fn human_report(report: &Report) -> String {
    use std::fmt::Write as _;
    let side = |side: &SideLabel| match &side.as_of {
        Some(date) => format!("`{}` as of {date}", side.rules),
        None => format!("`{}`", side.rules),
    };
    let mut out = format!(
        "comparing {} with {}\n",
        side(&report.old),
        side(&report.new)
    );
    if report.structural.is_empty() {
        out.push_str("the rules, their requirements and their data files are the same\n");
    } else {
        out.push_str(&human(&report.structural));
    }
    let Some(records) = &report.records else {
        return out;
    };
    for changed in &records.changed {
        let label = crate::run::record_label(
            changed.record,
            changed.id.as_deref(),
            changed.source.as_deref(),
            changed.line,
        );
        let _ = writeln!(
            out,
            "{label}: {} → {}",
            changed.old_verdict.as_str(),
            changed.new_verdict.as_str()
        );
        for difference in &changed.differences {
            match difference {
                Difference::Verdict { .. } => {}
                other => {
                    let _ = writeln!(out, "  {other}");
                }
            }
        }
    }
    let _ = write!(
        out,
        "compared {} record{} (as of {}, then {}): {} unchanged, {} changed",
        records.records,
        if records.records == 1 { "" } else { "s" },
        records.old_as_of,
        records.new_as_of,
        records.unchanged,
        records.changed.len()
    );
    if records.not_checked_on_either_side > 0 {
        let _ = write!(
            out,
            " ({} not checked on either date: no rule of theirs in force)",
            records.not_checked_on_either_side
        );
    }
    if !records.per_verdict.is_empty() {
        let verdicts = crate::run::count_list(&records.per_verdict);
        let _ = write!(out, " (verdicts: {verdicts})");
    }
    if !records.per_rule.is_empty() {
        let rules = crate::run::count_list(&records.per_rule);
        let _ = write!(out, "; records whose findings change, by rule: {rules}");
    }
    let _ = writeln!(out);
    out
}
