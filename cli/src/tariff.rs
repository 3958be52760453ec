//! `clearance import-tariff`: UK Trade Tariff API commodity responses (`/commodities/<code>`)
//! to the data file of `stdlib.tariff.TariffMeasure` records that rules read with
//! `const measures: list of TariffMeasure = data "measures.json"`.
//!
//! Only measures with a document condition are kept: they are what a declaration must answer
//! with a DE 2/3 document. Whatever is left out is counted in the report, never dropped
//! silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clearance_runtime::data::{Node, parse_json};
use serde_json::{Map, Value, json};

/// What an import read, kept and left out.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub files: usize,
    pub measures_read: usize,
    pub measures_kept: usize,
    /// Measures whose conditions name no document (duty by price, declared subheading, ...).
    pub without_documents: usize,
    /// Conditions whose waiver is a threshold other than a net mass (a price, a volume): the
    /// rules cannot decide them, so they are left out, and counted.
    pub conditions_not_checkable: usize,
    pub duplicates_merged: usize,
    pub notes: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "read {} file{}: {} measures, {} kept with their document conditions",
            self.files,
            if self.files == 1 { "" } else { "s" },
            self.measures_read,
            self.measures_kept
        )?;
        writeln!(
            f,
            "left out: {} measures without a document condition, {} conditions waived by a threshold that is not a net mass, {} repeated measures",
            self.without_documents, self.conditions_not_checkable, self.duplicates_merged
        )?;
        for note in &self.notes {
            writeln!(f, "note: {note}")?;
        }
        Ok(())
    }
}

/// Every `.json` file under the paths, sorted.
fn json_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path)
                .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
            for entry in entries {
                let entry =
                    entry.map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
                pending.push(entry.path());
            }
        } else if path.is_file() {
            if path
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                files.push(path);
            }
        } else {
            return Err(format!("`{}` does not exist", path.display()));
        }
    }
    files.sort();
    Ok(files)
}

/// The tariff a response belongs to: a folder named `uk` or `xi` on its path, else `default`.
fn tariff_of(path: &Path, default: Option<&str>) -> Option<String> {
    path.components()
        .rev()
        .filter_map(|part| part.as_os_str().to_str())
        .find(|part| *part == "uk" || *part == "xi")
        .map(str::to_string)
        .or_else(|| default.map(str::to_string))
}

fn text(node: Option<&Node>) -> String {
    match node {
        Some(Node::Text(text)) => text.to_string(),
        Some(Node::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

fn list(node: Option<&Node>) -> &[Node] {
    match node {
        Some(Node::List(items)) => items,
        _ => &[],
    }
}

/// `2021-03-31T00:00:00.000Z` to `2021-03-31`.
fn day(node: Option<&Node>) -> Option<String> {
    let text = text(node);
    let date = text.get(..10)?;
    (!date.is_empty()).then(|| date.to_string())
}

fn mass_unit(code: &str) -> Option<&'static str> {
    match code {
        "KGM" => Some("kg"),
        "GRM" => Some("g"),
        "TNE" => Some("t"),
        _ => None,
    }
}

/// A condition group: the rows of one condition code.
fn condition_group(
    code: &str,
    rows: &[&Node],
    report: &mut ImportReport,
    measure: &str,
) -> Option<Value> {
    let mut documents = Vec::new();
    let mut action = String::new();
    let mut fallback = String::new();
    let mut exempt_up_to = Value::Null;
    let mut unreadable_threshold = None;
    for row in rows {
        let document = text(row.get("document_code"));
        let row_action = text(row.get("action"));
        let amount = text(row.get("condition_duty_amount"));
        if !document.is_empty() {
            if !documents.contains(&document) {
                documents.push(document);
            }
            if action.is_empty() {
                action = row_action;
            }
        } else if !amount.is_empty() && !row_action.to_lowercase().contains("not allowed") {
            let unit = text(row.get("condition_measurement_unit_code"));
            match mass_unit(&unit) {
                Some(unit) => exempt_up_to = json!(format!("{amount} {unit}")),
                None => unreadable_threshold = Some(format!("{amount} {unit}")),
            }
        } else if fallback.is_empty() {
            fallback = row_action;
        }
    }
    if documents.is_empty() {
        return None;
    }
    if let Some(threshold) = unreadable_threshold {
        report.conditions_not_checkable += 1;
        report.notes.push(format!(
            "measure {measure}, condition {code}: waived up to {threshold}, which is not a net mass; condition left out"
        ));
        return None;
    }
    Some(json!({
        "code": code,
        "documents": documents,
        "action": action,
        "fallback": fallback,
        "exempt_up_to": exempt_up_to,
    }))
}

fn measure_record(
    tariff: &str,
    commodity: &str,
    direction: &str,
    measure: &Node,
    report: &mut ImportReport,
) -> Option<Value> {
    let sid = text(measure.get("id"));
    let mut groups: BTreeMap<String, Vec<&Node>> = BTreeMap::new();
    for condition in list(measure.get("measure_conditions")) {
        groups
            .entry(text(condition.get("condition_code")))
            .or_default()
            .push(condition);
    }
    let conditions: Vec<Value> = groups
        .iter()
        .filter_map(|(code, rows)| condition_group(code, rows, report, &sid))
        .collect();
    if conditions.is_empty() {
        report.without_documents += 1;
        return None;
    }
    // A row without a document that refuses the goods makes the measure a control, whatever
    // its condition code: the tariff writes "B: not allowed" beside "Z: N002 allowed" too.
    let refusal = list(measure.get("measure_conditions"))
        .iter()
        .filter(|row| text(row.get("document_code")).is_empty())
        .map(|row| text(row.get("action")))
        .find(|action| action.to_lowercase().contains("not allowed"));
    let refuses = refusal.is_some();
    let mut conditions = conditions;
    for condition in &mut conditions {
        if condition["fallback"].as_str().is_none_or(str::is_empty)
            && let Some(refusal) = &refusal
        {
            condition["fallback"] = json!(refusal);
        }
    }
    let measure_type = measure.get("measure_type");
    let area = measure.get("geographical_area");
    let area_id = text(area.and_then(|area| area.get("id")));
    let mut members: Vec<String> =
        list(area.and_then(|area| area.get("children_geographical_areas")))
            .iter()
            .map(|child| text(child.get("id")))
            .filter(|id| !id.is_empty())
            .collect();
    if members.is_empty() {
        members.push(area_id.clone());
    }
    members.sort();
    members.dedup();
    let mut excluded: Vec<String> = list(measure.get("excluded_countries"))
        .iter()
        .map(|country| text(country.get("geographical_area_id")))
        .filter(|id| !id.is_empty())
        .collect();
    excluded.sort();
    let legal_acts: Vec<String> = list(measure.get("legal_acts"))
        .iter()
        .map(|act| text(act.get("regulation_code")))
        .filter(|code| !code.is_empty())
        .collect();
    let mut record = Map::new();
    record.insert("tariff".into(), json!(tariff));
    record.insert("commodity".into(), json!(commodity));
    record.insert("sid".into(), json!(sid));
    record.insert(
        "measure_type".into(),
        json!(text(measure_type.and_then(|t| t.get("id")))),
    );
    record.insert(
        "measure_type_description".into(),
        json!(text(measure_type.and_then(|t| t.get("description")))),
    );
    record.insert("direction".into(), json!(direction));
    record.insert(
        "kind".into(),
        json!(if refuses { "control" } else { "duty" }),
    );
    record.insert("area".into(), json!(area_id));
    record.insert(
        "area_description".into(),
        json!(text(area.and_then(|area| area.get("description")))),
    );
    record.insert("area_members".into(), json!(members));
    record.insert("excluded".into(), json!(excluded));
    record.insert("legal_acts".into(), json!(legal_acts));
    record.insert(
        "from".into(),
        json!(day(measure.get("effective_start_date"))),
    );
    record.insert(
        "until".into(),
        json!(day(measure.get("effective_end_date"))),
    );
    record.insert("conditions".into(), Value::Array(conditions));
    Some(Value::Object(record))
}

/// Reads the responses under `paths` and gives the data file's text and what was done.
pub fn import(
    paths: &[PathBuf],
    default_tariff: Option<&str>,
) -> Result<(String, ImportReport), String> {
    let mut report = ImportReport::default();
    let mut records: BTreeMap<(String, String, String, String), Vec<Value>> = BTreeMap::new();
    for path in json_files(paths)? {
        let bytes = std::fs::read(&path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        let response = parse_json(&bytes).map_err(|error| {
            format!(
                "{}:{}:{}: not JSON: {}",
                path.display(),
                error.line,
                error.column,
                error.message
            )
        })?;
        let tariff = tariff_of(&path, default_tariff).ok_or_else(|| {
            format!(
                "`{}`: which tariff is it? Put it under a folder named `uk` or `xi`, or pass `--tariff`",
                path.display()
            )
        })?;
        let commodity = text(response.get("goods_nomenclature_item_id"));
        if commodity.len() != 10 || !commodity.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(format!(
                "`{}` is not a commodity response: its `goods_nomenclature_item_id` is `{commodity}`, not ten digits",
                path.display()
            ));
        }
        let stem = path
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        if stem.len() == 10 && stem.bytes().all(|byte| byte.is_ascii_digit()) && stem != commodity {
            report.notes.push(format!(
                "`{}` holds commodity {commodity}, not {stem}; read as {commodity}",
                path.display()
            ));
        }
        report.files += 1;
        for (key, direction) in [("import_measures", "import"), ("export_measures", "export")] {
            for measure in list(response.get(key)) {
                report.measures_read += 1;
                if let Some(record) =
                    measure_record(&tariff, &commodity, direction, measure, &mut report)
                {
                    let sid = text(measure.get("id"));
                    let same = records
                        .entry((
                            tariff.clone(),
                            commodity.clone(),
                            direction.to_string(),
                            sid.clone(),
                        ))
                        .or_default();
                    if same.contains(&record) {
                        report.duplicates_merged += 1;
                    } else {
                        if !same.is_empty() {
                            report.notes.push(format!(
                                "measure {sid} of {tariff} {commodity} ({direction}) is given twice with different conditions (`{}`); both kept",
                                path.display()
                            ));
                        }
                        same.push(record);
                    }
                }
            }
        }
    }
    let mut lines = Vec::new();
    for record in records.values().flatten() {
        report.measures_kept += 1;
        lines.push(serde_json::to_string(record).map_err(|error| error.to_string())?);
    }
    let text = if lines.is_empty() {
        "[]\n".to_string()
    } else {
        format!("[\n{}\n]\n", lines.join(",\n"))
    };
    Ok((text, report))
}
