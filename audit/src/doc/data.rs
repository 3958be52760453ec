//! The definitions a file holds besides its rules, rendered for reading: decision tables as
//! tables, code lists with their labels in both languages, calendars with their opening hours
//! and holidays, and the records of the data files beside the rules (the operator's
//! configuration tables, the tariff's measures).

use clearance_compiler::ir::DataFormat;
use clearance_compiler::syntax::SyntaxItem;
use clearance_compiler::syntax::ast::{
    CalendarItem, CodelistItem, ConstItem, ConstValue, HolidaysItem, Lang, TableItem,
};
use maud::{Markup, html};

use super::files::{Context, code_block, docs, item_code, slice, texts_in};
use super::search::SearchEntry;
use super::{DocumentedFile, tr};

fn search_entry(
    lang: Lang,
    kind: (&'static str, &'static str),
    file: &DocumentedFile<'_>,
    anchor: &str,
    name: &str,
    title: String,
    words: String,
) -> SearchEntry {
    SearchEntry {
        kind: tr(lang, kind.0, kind.1),
        name: name.to_string(),
        title,
        url: format!("{}#{anchor}", file.page),
        words,
    }
}

pub(crate) fn table_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    table: &TableItem,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let title = table
        .title
        .as_ref()
        .map(|texts| texts_in(lang, texts))
        .unwrap_or_default();
    let anchor = format!("table-{}", table.name.text);
    entries.push(search_entry(
        lang,
        ("table", "table"),
        file,
        &anchor,
        &table.name.text,
        title.clone(),
        format!("{} {title}", table.name.text),
    ));
    html! {
        section.definition id=(anchor) {
            h3 { (tr(lang, "Table", "Table")) " " code { (table.name.text) } @if !title.is_empty() { " · " (title) } }
            (docs(&item.item.docs))
            @if let Some(source) = &table.source { p.source { (tr(lang, "Source", "Source")) ": " (source.value) } }
            @if let Some(policy) = &table.policy {
                p.meta { (tr(lang, "Hit policy", "Politique de correspondance")) ": " code { (policy.text) } }
            }
            table.decision {
                thead { tr {
                    @for param in &table.params { th { code { (param.name.text) } } }
                    th.result { "→ " code { (slice(file, item, table.result.span)) } }
                } }
                tbody {
                    @for row in &table.rows {
                        tr {
                            @for pattern in &row.patterns { td { code { (slice(file, item, pattern.span)) } } }
                            td.result { code { (slice(file, item, row.value.span)) } }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) fn codelist_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    codelist: &CodelistItem,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let title = codelist
        .title
        .as_ref()
        .map(|texts| texts_in(lang, texts))
        .unwrap_or_default();
    let anchor = format!("codes-{}", codelist.name.text);
    let mut words = vec![codelist.name.text.clone(), title.clone()];
    for entry in &codelist.entries {
        words.push(entry.name.text.clone());
        words.extend(entry.external.iter().map(|external| external.value.clone()));
        words.extend(
            entry
                .labels
                .iter()
                .flat_map(|labels| labels.entries.iter().map(|label| label.plain())),
        );
    }
    entries.push(search_entry(
        lang,
        ("code list", "liste de codes"),
        file,
        &anchor,
        &codelist.name.text,
        title.clone(),
        words.join(" "),
    ));
    let label = |texts: &Option<clearance_compiler::syntax::ast::Texts>, wanted: Lang| {
        texts
            .as_ref()
            .and_then(|texts| texts.get(wanted))
            .map(|text| text.plain())
            .unwrap_or_default()
    };
    html! {
        section.definition id=(anchor) {
            h3 { (tr(lang, "Code list", "Liste de codes")) " " code { (codelist.name.text) } @if !title.is_empty() { " · " (title) } }
            (docs(&item.item.docs))
            @if let Some(source) = &codelist.source { p.source { (tr(lang, "Source", "Source")) ": " (source.value) } }
            @if let Some(open) = &codelist.open {
                p.meta { (tr(lang, "Open list: data may also hold any code matching", "Liste ouverte : les données peuvent aussi porter tout code de la forme")) " " code { (open.value) } }
            }
            table.codes {
                thead { tr {
                    th { (tr(lang, "Code", "Code")) }
                    th { (tr(lang, "In data", "Dans les données")) }
                    th lang="en" { "English" }
                    th lang="fr" { "Français" }
                } }
                tbody {
                    @for entry in &codelist.entries {
                        tr {
                            td { code { (entry.name.text) } }
                            td {
                                code { (entry.external.as_ref().map_or(entry.name.text.as_str(), |external| external.value.as_str())) }
                                @for alias in &entry.aliases { ", " code { (alias.value) } }
                            }
                            td lang="en" { (label(&entry.labels, Lang::En)) }
                            td lang="fr" { (label(&entry.labels, Lang::Fr)) }
                        }
                    }
                }
            }
        }
    }
}

pub(crate) fn calendar_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    calendar: &CalendarItem,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let title = calendar
        .title
        .as_ref()
        .map(|texts| texts_in(lang, texts))
        .unwrap_or_default();
    let anchor = format!("calendar-{}", calendar.name.text);
    entries.push(search_entry(
        lang,
        ("calendar", "calendrier"),
        file,
        &anchor,
        &calendar.name.text,
        title.clone(),
        format!("{} {title}", calendar.name.text),
    ));
    html! {
        section.definition id=(anchor) {
            h3 { (tr(lang, "Calendar", "Calendrier")) " " code { (calendar.name.text) } @if !title.is_empty() { " · " (title) } }
            (docs(&item.item.docs))
            @if let Some(source) = &calendar.source { p.source { (tr(lang, "Source", "Source")) ": " (source.value) } }
            @if let Some(zone) = &calendar.zone { p.meta { (tr(lang, "Time zone", "Fuseau horaire")) ": " (zone.value) } }
            ul {
                @for opening in &calendar.open { li { (tr(lang, "Open", "Ouvert")) ": " code { (slice(file, item, opening.span)) } } }
                @for holidays in &calendar.closed_on {
                    li {
                        (tr(lang, "Closed on", "Fermé les jours de")) " "
                        (holidays_link(context, &holidays.text))
                    }
                }
            }
        }
    }
}

/// A link to a holidays list, wherever in the library it is defined.
fn holidays_link(context: &Context<'_>, name: &str) -> Markup {
    let defined_in = context.files.iter().find(|file| {
        file.syntax.items.iter().any(|item| {
            matches!(&item.item.data, clearance_compiler::syntax::ast::ItemData::Holidays(holidays) if holidays.name.text == name)
        })
    });
    html! {
        @match defined_in {
            Some(file) => { a href={ "../" (file.page) "#holidays-" (name) } { code { (name) } } }
            None => { code { (name) } }
        }
    }
}

pub(crate) fn holidays_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    holidays: &HolidaysItem,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let title = holidays
        .title
        .as_ref()
        .map(|texts| texts_in(lang, texts))
        .unwrap_or_default();
    let anchor = format!("holidays-{}", holidays.name.text);
    entries.push(search_entry(
        lang,
        ("holidays", "jours fériés"),
        file,
        &anchor,
        &holidays.name.text,
        title.clone(),
        format!("{} {title}", holidays.name.text),
    ));
    html! {
        section.definition id=(anchor) {
            h3 { (tr(lang, "Holidays", "Jours fériés")) " " code { (holidays.name.text) } @if !title.is_empty() { " · " (title) } }
            (docs(&item.item.docs))
            @if let Some(source) = &holidays.source { p.source { (tr(lang, "Source", "Source")) ": " (source.value) } }
            table.holidays {
                thead { tr { th { (tr(lang, "Date", "Date")) } th { (tr(lang, "Holiday", "Jour férié")) } } }
                tbody {
                    @for entry in &holidays.entries {
                        tr { td { (entry.date.text) } td { (texts_in(lang, &entry.labels)) } }
                    }
                }
            }
        }
    }
}

pub(crate) fn const_section(
    context: &Context<'_>,
    file: &DocumentedFile<'_>,
    item: &SyntaxItem,
    constant: &ConstItem,
    entries: &mut Vec<SearchEntry>,
) -> Markup {
    let lang = context.lang;
    let name = &constant.name.text;
    let data = match &constant.value {
        ConstValue::Data(_) => context.library.program.consts.iter().find_map(|candidate| {
            (file.defines(&candidate.path.module) && &*candidate.path.name == name.as_str())
                .then_some(candidate.data.as_ref())
                .flatten()
        }),
        ConstValue::Expr(_) => None,
    };
    let Some(data) = data else {
        return html! {
            section.definition id={ "const-" (name) } {
                h3 { (tr(lang, "Constant", "Constante")) " " code { (name) } }
                (docs(&item.item.docs))
                (code_block(item_code(file, item)))
            }
        };
    };
    let anchor = format!("data-{name}");
    let text = context.data.get(data.file.as_str());
    let rows = text.map(|text| records(&text.text, data.format));
    entries.push(search_entry(
        lang,
        ("data", "données"),
        file,
        &anchor,
        name,
        text.map(|text| text.shown_as.clone()).unwrap_or_default(),
        format!(
            "{name} {}",
            text.map(|text| text.text.as_str()).unwrap_or_default()
        ),
    ));
    html! {
        section.definition.data id=(anchor) {
            h3 { (tr(lang, "Data", "Données")) " " code { (name) } }
            (docs(&item.item.docs))
            (code_block(item_code(file, item)))
            @match (text, rows) {
                (Some(text), Some(Ok((columns, rows)))) => {
                    p.meta { code { (text.shown_as) } " · " (rows.len()) " " (tr(lang, "records", "enregistrements")) }
                    div.wide {
                        table.records {
                            thead { tr { @for column in &columns { th { code { (column) } } } } }
                            tbody {
                                @for row in &rows { tr { @for cell in row { td { (cell) } } } }
                            }
                        }
                    }
                }
                (Some(text), Some(Err(message))) => {
                    p.status.missing { code { (text.shown_as) } ": " (message) }
                }
                _ => {
                    p.status.missing { (tr(lang, "The data file was not given to the site.", "Le fichier de données n'a pas été fourni au site.")) " " code { (data.file) } }
                }
            }
        }
    }
}

type Records = (Vec<String>, Vec<Vec<String>>);

/// The records of a data file as columns and rows of text, in the file's order.
fn records(text: &str, format: DataFormat) -> Result<Records, String> {
    match format {
        DataFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(text.as_bytes());
            let columns: Vec<String> = reader
                .headers()
                .map_err(|error| error.to_string())?
                .iter()
                .map(str::to_string)
                .collect();
            let mut rows = Vec::new();
            for record in reader.records() {
                let record = record.map_err(|error| error.to_string())?;
                rows.push(record.iter().map(str::to_string).collect());
            }
            Ok((columns, rows))
        }
        DataFormat::Json | DataFormat::Ndjson => {
            let values: Vec<serde_json::Value> = if format == DataFormat::Json {
                match serde_json::from_str(text).map_err(|error| error.to_string())? {
                    serde_json::Value::Array(values) => values,
                    single => vec![single],
                }
            } else {
                text.lines()
                    .filter(|line| !line.trim().is_empty())
                    .map(|line| serde_json::from_str(line).map_err(|error| error.to_string()))
                    .collect::<Result<_, _>>()?
            };
            let mut columns: Vec<String> = Vec::new();
            for value in &values {
                if let serde_json::Value::Object(fields) = value {
                    for key in fields.keys() {
                        if !columns.contains(key) {
                            columns.push(key.clone());
                        }
                    }
                }
            }
            let rows = values
                .iter()
                .map(|value| {
                    columns
                        .iter()
                        .map(|column| value.get(column).map(cell).unwrap_or_default())
                        .collect()
                })
                .collect();
            Ok((columns, rows))
        }
    }
}

fn cell(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        serde_json::Value::Array(values) => values.iter().map(cell).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}
