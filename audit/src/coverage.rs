//! What the examples of a rule library exercise, as an auditor and a CI tool read it: for each
//! rule, whether an example decides it; for each `when` clause, whether it both held and did
//! not; for each exception, whether it applied, and for a rule with exceptions whether its base
//! requirement did; for each row of a table, whether it matched. Each point has the line of
//! the clause or row it stands for, found in the file's syntax (the IR has no spans).

use std::collections::BTreeMap;

use clearance_compiler::diagnostics::render::line_column;
use clearance_compiler::ir::{Program, Step};
use clearance_compiler::syntax::ast::{ItemData, ItemKind, RuleClauseKind};
use clearance_compiler::syntax::{format, parse_file};
use clearance_runtime::coverage::Hits;
use rust_decimal::Decimal;
use serde::Serialize;

/// What a point of coverage stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PointKind {
    /// The rule was decided at least once: an example reached its requirement.
    Rule,
    /// A `when` clause held.
    WhenHolds,
    /// A `when` clause did not hold.
    WhenDoesNotHold,
    /// An exception applied.
    Exception,
    /// A rule with exceptions was decided by its base requirement: no exception applied.
    BaseRequirement,
    /// A table row matched.
    TableRow,
}

impl PointKind {
    pub const ALL: [PointKind; 6] = [
        PointKind::Rule,
        PointKind::WhenHolds,
        PointKind::WhenDoesNotHold,
        PointKind::Exception,
        PointKind::BaseRequirement,
        PointKind::TableRow,
    ];

    pub fn describe(self) -> &'static str {
        match self {
            PointKind::Rule => "rules",
            PointKind::WhenHolds => "`when` holds",
            PointKind::WhenDoesNotHold => "`when` does not hold",
            PointKind::Exception => "exceptions",
            PointKind::BaseRequirement => "base requirements",
            PointKind::TableRow => "table rows",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    pub kind: PointKind,
    /// The rule or table it belongs to.
    pub owner: String,
    pub line: usize,
    /// The clause or row, on one line.
    pub text: String,
    /// How many times examples reached it.
    pub hits: u64,
}

impl Point {
    pub fn covered(&self) -> bool {
        self.hits > 0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileCoverage {
    pub path: String,
    pub points: Vec<Point>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub covered: usize,
    pub total: usize,
}

impl Tally {
    /// The share covered, in percent with one decimal; 100 when there is nothing to cover.
    pub fn percent(&self) -> Decimal {
        let mut percent = if self.total == 0 {
            Decimal::ONE_HUNDRED
        } else {
            (Decimal::from(self.covered) * Decimal::ONE_HUNDRED / Decimal::from(self.total))
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::ToZero)
        };
        percent.rescale(1);
        percent
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoverageReport {
    pub files: Vec<FileCoverage>,
    pub total: Tally,
    /// Percent covered, as text (`87.5`): exact, never a binary fraction.
    pub percent: String,
    pub by_kind: BTreeMap<PointKind, Tally>,
}

impl CoverageReport {
    pub fn uncovered(&self) -> impl Iterator<Item = (&str, &Point)> {
        self.files.iter().flat_map(|file| {
            file.points
                .iter()
                .filter(|point| !point.covered())
                .map(move |point| (file.path.as_str(), point))
        })
    }
}

/// The coverage of the rules and tables of `files` (paths as the program names them).
pub fn report(
    program: &Program,
    hits: &Hits,
    files: &[String],
    text_of: &dyn Fn(&str) -> Option<String>,
) -> CoverageReport {
    let mut report_files = Vec::new();
    for path in files {
        let Some(text) = text_of(path) else {
            continue;
        };
        let points = file_points(program, hits, path, &text);
        if !points.is_empty() {
            report_files.push(FileCoverage {
                path: path.clone(),
                points,
            });
        }
    }
    let mut total = Tally::default();
    let mut by_kind: BTreeMap<PointKind, Tally> = BTreeMap::new();
    for point in report_files.iter().flat_map(|file| &file.points) {
        let tally = by_kind.entry(point.kind).or_default();
        tally.total += 1;
        total.total += 1;
        if point.covered() {
            tally.covered += 1;
            total.covered += 1;
        }
    }
    CoverageReport {
        files: report_files,
        percent: total.percent().to_string(),
        total,
        by_kind,
    }
}

fn file_points(program: &Program, hits: &Hits, path: &str, text: &str) -> Vec<Point> {
    let syntax = parse_file(text);
    let line_at = |offset: usize| line_column(text, offset).0;
    let module = syntax.items.iter().find_map(|item| match &item.item.data {
        ItemData::Header(header) => Some(header.name.text.clone()),
        _ => None,
    });
    let mut points = Vec::new();
    for (ruleset_index, ruleset) in program.rulesets.iter().enumerate() {
        if ruleset.path != path {
            continue;
        }
        for (rule_index, rule) in ruleset.rules.iter().enumerate() {
            let Some((start, item)) = syntax.items.iter().find_map(|item| match &item.item.data {
                ItemData::Rule(rule_item)
                    if item.kind == ItemKind::Rule && rule_item.id.text == rule.id =>
                {
                    Some((item.start, rule_item))
                }
                _ => None,
            }) else {
                continue;
            };
            let rule_hits = hits.rules.get(&(ruleset_index, rule_index));
            let point = |kind, line, text: &str, hits| Point {
                kind,
                owner: rule.id.clone(),
                line,
                text: format::one_line(text),
                hits,
            };
            points.push(point(
                PointKind::Rule,
                line_at(start + item.id.span.start as usize),
                &format!("rule {}", rule.id),
                rule_hits.map_or(0, |hits| hits.decided),
            ));
            // The checker makes one step per `when` clause and one exception per `except`
            // clause, in the order written.
            let mut when_steps = rule
                .steps
                .iter()
                .enumerate()
                .filter(|(_, step)| matches!(step, Step::When(_)))
                .map(|(position, _)| position);
            let mut exception_position = 0;
            for clause in &item.clauses {
                let line = line_at(start + clause.span.start as usize);
                match &clause.kind {
                    RuleClauseKind::When(_) => {
                        let Some(step) = when_steps.next() else {
                            continue;
                        };
                        let (held, not_held) = rule_hits
                            .and_then(|hits| hits.when.get(&step).copied())
                            .unwrap_or_default();
                        points.push(point(PointKind::WhenHolds, line, &clause.text, held));
                        points.push(point(
                            PointKind::WhenDoesNotHold,
                            line,
                            &clause.text,
                            not_held,
                        ));
                    }
                    RuleClauseKind::Except { .. } => {
                        let applied = rule_hits
                            .and_then(|hits| hits.exceptions.get(&exception_position).copied())
                            .unwrap_or_default();
                        exception_position += 1;
                        points.push(point(PointKind::Exception, line, &clause.text, applied));
                    }
                    RuleClauseKind::Require(_) if !rule.exceptions.is_empty() => {
                        points.push(point(
                            PointKind::BaseRequirement,
                            line,
                            &clause.text,
                            rule_hits.map_or(0, |hits| hits.base),
                        ));
                    }
                    _ => {}
                }
            }
        }
    }
    let Some(module) = module else {
        return points;
    };
    for item in &syntax.items {
        let ItemData::Table(table_item) = &item.item.data else {
            continue;
        };
        // A rule set's definitions are named by a module that also holds its version and
        // file (`ca.cbsa.contingency@2017.11#rules/ca-cbsa/contingency.clr`).
        let versioned_suffix = format!("#{path}");
        let Some(table_index) = program.tables.iter().position(|table| {
            (*table.path.module == *module || table.path.module.ends_with(&versioned_suffix))
                && *table.path.name == *table_item.name.text
        }) else {
            continue;
        };
        let matched = hits
            .table_rows
            .get(&u32::try_from(table_index).unwrap_or(u32::MAX));
        for (row_index, row) in table_item.rows.iter().enumerate() {
            let row_start = item.start + row.span.start as usize;
            let row_end = item.start + row.span.end as usize;
            points.push(Point {
                kind: PointKind::TableRow,
                owner: table_item.name.text.clone(),
                line: line_at(row_start),
                text: format::one_line(text.get(row_start..row_end).unwrap_or_default()),
                hits: matched
                    .and_then(|rows| rows.get(&row_index).copied())
                    .unwrap_or_default(),
            });
        }
    }
    points.sort_by_key(|point| point.line);
    points
}

/// The report as text: the totals, by kind, then every point no example reaches.
pub fn human(report: &CoverageReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let kinds: Vec<String> = PointKind::ALL
        .iter()
        .filter_map(|kind| {
            let tally = report.by_kind.get(kind)?;
            Some(format!(
                "{} {}/{}",
                kind.describe(),
                tally.covered,
                tally.total
            ))
        })
        .collect();
    let _ = writeln!(
        out,
        "coverage: {}% ({} of {} points): {}",
        report.percent,
        report.total.covered,
        report.total.total,
        kinds.join(", ")
    );
    let mut uncovered = report.uncovered().peekable();
    if uncovered.peek().is_some() {
        let _ = writeln!(out, "not exercised by any example:");
    }
    for (path, point) in uncovered {
        let what = match point.kind {
            PointKind::Rule => "rule never decided".to_string(),
            PointKind::WhenHolds => format!("never holds (rule {})", point.owner),
            PointKind::WhenDoesNotHold => format!("always holds (rule {})", point.owner),
            PointKind::Exception => format!("never applies (rule {})", point.owner),
            PointKind::BaseRequirement => {
                format!("an exception always applies (rule {})", point.owner)
            }
            PointKind::TableRow => format!("row never matches (table {})", point.owner),
        };
        let _ = writeln!(out, "  {path}:{}: {what}: {}", point.line, point.text);
    }
    out
}

/// The report in LCOV's tracefile format, for CI tools: rules and tables as functions, each
/// point's line with its hits, `when` clauses as two-way branches and a rule's exceptions
/// with its base requirement as one branch group.
pub fn lcov(report: &CoverageReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for file in &report.files {
        let _ = writeln!(out, "TN:clearance");
        let _ = writeln!(out, "SF:{}", file.path);
        let mut functions: Vec<(&str, usize, u64)> = Vec::new();
        for point in &file.points {
            let first_of_owner = !functions.iter().any(|(owner, ..)| *owner == point.owner);
            match point.kind {
                PointKind::Rule => functions.push((&point.owner, point.line, point.hits)),
                PointKind::TableRow if first_of_owner => {
                    let hits = file
                        .points
                        .iter()
                        .filter(|other| other.owner == point.owner)
                        .map(|other| other.hits)
                        .sum();
                    functions.push((&point.owner, point.line, hits));
                }
                _ => {}
            }
        }
        for (name, line, _) in &functions {
            let _ = writeln!(out, "FN:{line},{name}");
        }
        for (name, _, hits) in &functions {
            let _ = writeln!(out, "FNDA:{hits},{name}");
        }
        let _ = writeln!(out, "FNF:{}", functions.len());
        let _ = writeln!(
            out,
            "FNH:{}",
            functions.iter().filter(|(.., hits)| *hits > 0).count()
        );
        let mut branches = 0;
        let mut branches_hit = 0;
        let mut block = 0;
        let mut previous: Option<(&str, PointKind, usize)> = None;
        let mut branch = 0;
        for point in &file.points {
            let group = match point.kind {
                PointKind::WhenHolds | PointKind::WhenDoesNotHold => {
                    Some((point.owner.as_str(), PointKind::WhenHolds, point.line))
                }
                PointKind::Exception | PointKind::BaseRequirement => {
                    Some((point.owner.as_str(), PointKind::Exception, 0))
                }
                _ => None,
            };
            let Some(group) = group else {
                continue;
            };
            if previous != Some(group) {
                block += 1;
                branch = 0;
                previous = Some(group);
            }
            let _ = writeln!(out, "BRDA:{},{block},{branch},{}", point.line, point.hits);
            branch += 1;
            branches += 1;
            if point.covered() {
                branches_hit += 1;
            }
        }
        let _ = writeln!(out, "BRF:{branches}");
        let _ = writeln!(out, "BRH:{branches_hit}");
        let mut lines: BTreeMap<usize, u64> = BTreeMap::new();
        for point in &file.points {
            let hits = lines.entry(point.line).or_default();
            *hits = (*hits).max(point.hits);
        }
        for (line, hits) in &lines {
            let _ = writeln!(out, "DA:{line},{hits}");
        }
        let _ = writeln!(out, "LF:{}", lines.len());
        let _ = writeln!(
            out,
            "LH:{}",
            lines.values().filter(|hits| **hits > 0).count()
        );
        let _ = writeln!(out, "end_of_record");
    }
    out
}
