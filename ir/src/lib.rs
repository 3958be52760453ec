//! The typed IR: what the checker produces and what the interpreter and the JIT run.
//!
//! It is first-order and flat: each body is an arena of nodes that refer to each other by
//! index, every node has a type, every operator names the domain it works on, field accesses
//! are resolved to positions and codes to their index in their code list. There is no dynamic
//! dispatch and no closure: a loop is a node with its variable's slot. References to other
//! definitions (functions, tables, constants, calendars) are [`Link`]s, resolved to indices when
//! the program is assembled.
//!
//! The IR carries no source spans: whitespace edits leave it equal. The checker keeps spans
//! beside it, in a source map, for diagnostics and the editor.

use std::sync::Arc;

use jiff::civil::{Date, Time};
use rust_decimal::Decimal;
use serde::Serialize;

pub mod builtins;
pub mod types;
pub mod vocabulary;

use crate::types::{DefPath, Dimension, Type};
pub use crate::vocabulary::{BusinessUnit, CmpOp, ExpectedOutcome, Lang, Severity, TemporalOp};

/// The position of a node in its body's arena.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct NodeId(u32);

/// A slot of a body's frame: a loop variable, its position, or a `let`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct LocalId(u32);

impl NodeId {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl LocalId {
    pub fn index(self) -> usize {
        self.0 as usize
    }

    /// The slot at `index`: a rule's inputs are its first slots, in input order, and a
    /// function's parameters the first of its own.
    pub fn from_index(index: usize) -> LocalId {
        LocalId(position(index))
    }
}

/// A position that fits in 32 bits: bodies and frames are bounded by the nesting limit and
/// the size of one item, far below it.
fn position(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// A reference to another definition, by path; `index` is its position in the program's
/// table of that kind, set when the program is linked. A link that linking could not resolve
/// keeps `None` and is listed in [`Program::unlinked`], which refuses the program.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Link {
    pub path: DefPath,
    pub index: Option<u32>,
}

impl Link {
    pub fn unresolved(path: DefPath) -> Link {
        Link { path, index: None }
    }
}

/// A constant value, produced by literals.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Constant {
    Absent,
    Bool(bool),
    Int(i64),
    Decimal(Decimal),
    Text(Arc<str>),
    /// A code: its index in its code list (the list is in the node's type).
    Code(u32),
    /// An amount and the index of its currency in the currency code list.
    Money(Decimal, u32),
    /// A quantity in its dimension's base unit.
    Quantity(Decimal),
    Date(Date),
    DateTime(jiff::ZonedDateTime, Arc<str>),
    Duration(jiff::SignedDuration),
    Period {
        months: i32,
        days: i32,
    },
    EmptyList,
}

/// What an ordering or equality compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Domain {
    Bool,
    Int,
    Decimal,
    Money,
    Quantity,
    Duration,
    Text,
    Code,
    Date,
    DateTime,
    /// Lists, records and periods: structural equality only.
    Structural,
    /// Sets: equal when each holds every element of the other, in whatever order.
    Set,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum UnaryOp {
    Not,
    NegateInt,
    NegateDecimal,
    NegateMoney,
    NegateQuantity,
    NegateDuration,
    IntToDecimal,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum BinaryOp {
    AddInt,
    SubInt,
    MulInt,
    /// Int / Int gives an exact Decimal.
    DivInt,
    ModInt,
    PowInt,
    AddDecimal,
    SubDecimal,
    MulDecimal,
    DivDecimal,
    ModDecimal,
    /// Decimal ^ Int.
    PowDecimal,
    AddMoney,
    SubMoney,
    /// Money * Decimal.
    ScaleMoney,
    /// Money / Decimal.
    DivideMoney,
    /// Money / Money (same currency) gives a Decimal.
    RatioMoney,
    AddQuantity,
    SubQuantity,
    ScaleQuantity,
    DivideQuantity,
    RatioQuantity,
    AddDuration,
    SubDuration,
    /// Duration * Decimal.
    ScaleDuration,
    /// DateTime + Duration: elapsed time.
    AddElapsed,
    SubElapsed,
    /// DateTime - DateTime: the elapsed time between them.
    Elapsed,
    /// DateTime + Period: calendar arithmetic in the date-time's own time zone.
    AddPeriodToDateTime,
    SubPeriodFromDateTime,
    AddPeriodToDate,
    SubPeriodFromDate,
    AddPeriods,
    ConcatText,
    /// List + List (same element type).
    ConcatLists,
    Compare(CmpOp, Domain),
    Temporal(TemporalOp, Domain),
}

/// The quantifier or fold a loop computes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum LoopKind {
    Every,
    Some,
    No,
    Count,
    Sum(Domain),
    Min(Domain),
    Max(Domain),
    Collect,
}

/// Declares [`Builtin`] and the list of all its operations, so that a test can check each
/// belongs to an entry of the registry ([`crate::builtins::BUILTINS`]).
macro_rules! builtin_operations {
    ($($(#[$meta:meta])* $variant:ident,)*) => {
        /// The IR operations builtins lower to; the registry says which builtin gives which.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
        pub enum Builtin {
            $($(#[$meta])* $variant,)*
        }

        impl Builtin {
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)*];
        }
    };
}

builtin_operations! {
    /// The date the record is checked as of: the run's `--as-of`, or the record's own.
    AsOf,
    /// The code of a list that a text writes, or absent.
    ToCode,
    /// The elements of a list of lists, in order.
    Flatten,
    /// The calendar date of a date-time, in its own time zone.
    DateOf,
    EndOfMonth,
    /// The last day of the ten-day period (décade): the 10th, the 20th or the month's last day.
    EndOfDecade,
    DaysBetween,
    Length,
    Size,
    Substring,
    Chars,
    Upper,
    Lower,
    StartsWith,
    /// Text to Int; absent when the text is not a whole number.
    ToInt,
    AbsInt,
    AbsDecimal,
    /// Round a Decimal to a number of places, halves away from zero.
    Round,
    /// Convert money to a currency with a list of rates (`from`, `to`, `rate` fields).
    Convert,
    /// The amount of money as a Decimal.
    Amount,
    /// The currency of money, as a code.
    CurrencyOf,
    /// Hours in a duration, as a Decimal.
    HoursOf,
    /// Any value shown as text.
    TextOf,
    /// Whether a date-time falls within the opening hours of a calendar.
    IsOpen,
    /// Elapsed opening time of a calendar between two date-times.
    BusinessTimeBetween,
    /// Whether a text contains another.
    Contains,
    /// The first instant of a date in a time zone (the zone is a text constant).
    DayStart,
    /// The first instant of the next day: the exclusive end of a date in a time zone.
    DayEnd,
}

/// One step of a data path that an example overrides: `declaration.items[0].gross_mass`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathStep {
    Field(u32),
    Index(u32),
    /// Wrap the value as present (for optional fields).
    Present,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Const(Constant),
    Local(LocalId),
    ConstRef(Link),
    Field {
        base: NodeId,
        index: u32,
        name: Arc<str>,
    },
    /// A field of every record in a list: `item.documents.code`.
    Project {
        base: NodeId,
        index: u32,
        name: Arc<str>,
    },
    Unary {
        op: UnaryOp,
        operand: NodeId,
    },
    Binary {
        op: BinaryOp,
        lhs: NodeId,
        rhs: NodeId,
    },
    And(NodeId, NodeId),
    Or(NodeId, NodeId),
    If {
        condition: NodeId,
        then: NodeId,
        otherwise: NodeId,
    },
    Otherwise {
        value: NodeId,
        default: NodeId,
    },
    IsPresent(NodeId),
    IsEmpty(NodeId),
    Contains {
        collection: NodeId,
        element: NodeId,
    },
    /// A bounded loop over a list or set. `skip` holds the slot of an outer loop's position:
    /// the element at that position is skipped (`other than`).
    Loop {
        kind: LoopKind,
        var: LocalId,
        index: LocalId,
        collection: NodeId,
        skip: Option<LocalId>,
        filter: Option<NodeId>,
        body: Option<NodeId>,
    },
    MakeList(Vec<NodeId>),
    MakeSet(Vec<NodeId>),
    MakeRecord(Vec<NodeId>),
    Call {
        function: Link,
        args: Vec<NodeId>,
    },
    TableCall {
        table: Link,
        args: Vec<NodeId>,
    },
    Builtin {
        builtin: Builtin,
        args: Vec<NodeId>,
        /// A code list, calendar or currency the builtin needs, resolved by the checker.
        link: Option<Link>,
    },
    Matches {
        text: NodeId,
        pattern: Arc<str>,
    },
    /// The names of the listed fields that are absent (or empty) in a record: "must be
    /// present" for many fields at once; with `provided`, those that are given instead: "not
    /// allowed" for many fields at once.
    MissingFields {
        record: NodeId,
        fields: Vec<(u32, Arc<str>)>,
        provided: bool,
    },
    BusinessAdd {
        start: NodeId,
        amount: i64,
        unit: BusinessUnit,
        calendar: Link,
    },
    Let {
        local: LocalId,
        value: NodeId,
        body: NodeId,
    },
    Update {
        base: NodeId,
        path: Vec<PathStep>,
        value: NodeId,
    },
}

/// An arena of typed nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Body {
    pub nodes: Vec<Node>,
    pub types: Vec<Type>,
    /// The name of every local slot, for explanations.
    pub locals: Vec<Arc<str>>,
}

impl Body {
    pub fn push(&mut self, node: Node, ty: Type) -> NodeId {
        self.nodes.push(node);
        self.types.push(ty);
        NodeId(position(self.nodes.len() - 1))
    }

    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id.index())
    }

    pub fn ty(&self, id: NodeId) -> &Type {
        self.types.get(id.index()).unwrap_or(&Type::Error)
    }

    pub fn new_local(&mut self, name: &str) -> LocalId {
        self.locals.push(Arc::from(name));
        LocalId(position(self.locals.len() - 1))
    }
}

/// Texts in English and French.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct LangTexts {
    pub en: Option<String>,
    pub fr: Option<String>,
}

impl LangTexts {
    pub fn get(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::En => self.en.as_deref(),
            Lang::Fr => self.fr.as_deref(),
        }
    }

    /// The text in `lang`, or in the other language when it is missing.
    pub fn best(&self, lang: Lang) -> &str {
        self.get(lang)
            .or(self.en.as_deref())
            .or(self.fr.as_deref())
            .unwrap_or("")
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TemplatePiece {
    Text(String),
    Value(NodeId),
}

/// A message in one language, with interpolated values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Template {
    pub lang: Lang,
    pub pieces: Vec<TemplatePiece>,
}

/// The alert categories of the CAS platform (requirement CAS-CAT-01).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    TechnicalValidation,
    ValidationViolation,
    SendingError,
    CustomsError,
    PortError,
    Finalisation,
}

impl Category {
    pub const ALL: &'static [(&'static str, Category)] = &[
        ("technical_validation", Category::TechnicalValidation),
        ("validation_violation", Category::ValidationViolation),
        ("sending_error", Category::SendingError),
        ("customs_error", Category::CustomsError),
        ("port_error", Category::PortError),
        ("finalisation", Category::Finalisation),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::TechnicalValidation => "technical-validation",
            Category::ValidationViolation => "validation-violation",
            Category::SendingError => "sending-error",
            Category::CustomsError => "customs-error",
            Category::PortError => "port-error",
            Category::Finalisation => "finalisation",
        }
    }
}

/// The period in which a rule or rule set is in force; both ends are included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Validity {
    pub from: Option<Date>,
    pub until: Option<Date>,
}

impl Validity {
    pub fn contains(&self, date: Date) -> bool {
        self.from.is_none_or(|from| from <= date) && self.until.is_none_or(|until| date <= until)
    }

    /// The period in French, as [`Display`](std::fmt::Display) gives it in English:
    /// "en vigueur depuis le 2024-01-01", "en vigueur du 2021-06-01 au 2026-12-31".
    pub fn in_french(&self) -> String {
        match (self.from, self.until) {
            (Some(from), Some(until)) => format!("en vigueur du {from} au {until}"),
            (Some(from), None) => format!("en vigueur depuis le {from}"),
            (None, Some(until)) => format!("en vigueur jusqu'au {until}"),
            (None, None) => "toujours en vigueur".to_string(),
        }
    }
}

/// "in force from 2024-01-01", "in force from 2021-06-01 until 2026-12-31", "always in force".
impl std::fmt::Display for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.from, self.until) {
            (Some(from), Some(until)) => write!(f, "in force from {from} until {until}"),
            (Some(from), None) => write!(f, "in force from {from}"),
            (None, Some(until)) => write!(f, "in force until {until}"),
            (None, None) => write!(f, "always in force"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Citation {
    pub source: String,
    pub source_title: String,
    pub quote: String,
}

/// A step before a rule's assertion, in the order written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    ForEvery {
        var: LocalId,
        index: LocalId,
        collection: NodeId,
    },
    Let {
        local: LocalId,
        value: NodeId,
    },
    When(NodeId),
}

/// An exception to a rule's base assertion, in Catala's sense: when its condition holds it
/// replaces the base assertion, by its own (`require`) or by none (`exempt`). Two exceptions
/// that hold at once are a conflict, reported rather than resolved by order.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Exception {
    pub condition: NodeId,
    pub requirement: Option<NodeId>,
    pub description: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleIr {
    pub id: String,
    pub title: LangTexts,
    pub severity: Severity,
    pub category: Category,
    pub requirements: Vec<String>,
    pub citations: Vec<Citation>,
    pub validity: Validity,
    pub body: Body,
    pub steps: Vec<Step>,
    pub require: Option<NodeId>,
    pub exceptions: Vec<Exception>,
    pub message: Vec<Template>,
    pub fix: Vec<Template>,
    /// Source text of the assertion, shown in explanations.
    pub assertion_text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionIr {
    pub path: DefPath,
    pub params: Vec<Type>,
    pub result: Type,
    pub body: Body,
    pub root: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConstIr {
    pub path: DefPath,
    pub body: Body,
    pub root: NodeId,
    /// A constant read from a data file: its records are bound when the rules are loaded.
    pub data: Option<DataSourceIr>,
}

/// A data file a constant names (`const measures: list of Measure = data "measures.json"`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DataSourceIr {
    /// The file's path as the project names it: the declaring file's folder joined with the
    /// written path.
    pub file: String,
    pub format: DataFormat,
    /// The element type of the list: each record of the file binds to it.
    pub element: Type,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataFormat {
    /// A JSON array of records (or a sequence of JSON records).
    Json,
    /// One JSON record per line.
    Ndjson,
    /// Comma-separated values with a header row naming the fields.
    Csv,
}

impl DataFormat {
    /// The format a file name's extension says, if any.
    pub fn of_file_name(name: &str) -> Option<DataFormat> {
        let extension = name.rsplit_once('.')?.1.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(DataFormat::Json),
            "ndjson" | "jsonl" => Some(DataFormat::Ndjson),
            "csv" => Some(DataFormat::Csv),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum HitPolicy {
    First,
    Unique,
    Collect,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PatternTest {
    Any,
    Equals(NodeId),
    Prefix(Arc<str>),
    Compare(CmpOp, NodeId),
    Between(NodeId, NodeId),
    OneOf(Vec<NodeId>),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableRowIr {
    pub tests: Vec<PatternTest>,
    pub value: NodeId,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableIr {
    pub path: DefPath,
    pub params: Vec<Type>,
    /// The declared type of a row's value.
    pub row_type: Type,
    pub policy: HitPolicy,
    /// Whether no row matching gives `absent` (the result type is optional).
    pub absent_when_no_match: bool,
    pub body: Body,
    pub rows: Vec<TableRowIr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpeningIr {
    /// ISO weekday numbers, Monday = 1.
    pub first_weekday: i8,
    pub last_weekday: i8,
    pub from: Time,
    /// `None` for `24:00`, the end of the day.
    pub to: Option<Time>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CalendarIr {
    pub path: DefPath,
    pub title: LangTexts,
    pub zone: String,
    pub opening: Vec<OpeningIr>,
    pub holidays: Vec<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct CodeIr {
    pub name: String,
    pub external: String,
    /// Other spellings data may use for the code; results show `external`.
    pub aliases: Vec<String>,
    pub label: LangTexts,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodelistIr {
    pub path: DefPath,
    pub codes: Vec<CodeIr>,
    /// For an open list, the shape (a regular expression) of the codes data may hold besides
    /// the listed ones. Such a code binds as [`unlisted`](CodelistIr::open), equal to itself
    /// only, and gives a warning that names it.
    pub open: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldIr {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordIr {
    pub path: DefPath,
    pub fields: Vec<FieldIr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExpectationIr {
    pub rule: Option<String>,
    pub outcome: ExpectedOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExampleIr {
    pub description: String,
    pub as_of: Option<Date>,
    /// Builds the record of the rule set's inputs, in input order.
    pub body: Body,
    pub given: NodeId,
    pub expectations: Vec<ExpectationIr>,
    /// 1-based line of the example in its file, for reports.
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct SourceIr {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InputIr {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RulesetIr {
    pub name: String,
    pub version: String,
    /// SHA-256 of the engine's version, the rule set's file and the files it imports
    /// (`hashes::ruleset_hash`).
    pub hash: String,
    pub title: LangTexts,
    pub path: String,
    pub validity: Validity,
    /// The time zone its findings print instants in, when it names one.
    pub zone: Option<String>,
    pub sources: Vec<SourceIr>,
    /// Positions of this rule set's inputs in [`Program::inputs`], in declaration order.
    pub inputs: Vec<u32>,
    pub rules: Vec<RuleIr>,
    pub examples: Vec<ExampleIr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct RequirementIr {
    pub id: String,
    pub title: LangTexts,
    pub starred: bool,
    pub not_checkable: Option<String>,
    pub built_in: Option<String>,
    pub citations: Vec<Citation>,
    pub path: String,
}

/// A whole checked program: every rule set and every definition they use, linked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Program {
    pub rulesets: Vec<RulesetIr>,
    pub inputs: Vec<InputIr>,
    pub functions: Vec<FunctionIr>,
    pub tables: Vec<TableIr>,
    pub consts: Vec<ConstIr>,
    pub calendars: Vec<CalendarIr>,
    pub codelists: Vec<CodelistIr>,
    pub records: Vec<RecordIr>,
    pub requirements: Vec<RequirementIr>,
    /// The position of the currency code list in `codelists`.
    pub currency_codelist: Option<u32>,
    /// A SHA-256 of the sources, in path order: what an auditor quotes to name the rules used.
    pub content_hash: String,
    /// The definitions that links name but the program lacks; a program with any is not run.
    pub unlinked: Vec<DefPath>,
}

impl Program {
    /// The data files the constants name, each once, in program order.
    pub fn data_files(&self) -> Vec<&str> {
        let mut files: Vec<&str> = Vec::new();
        for constant in &self.consts {
            if let Some(data) = &constant.data
                && !files.contains(&data.file.as_str())
            {
                files.push(&data.file);
            }
        }
        files
    }
}

impl Program {
    pub fn codelist(&self, path: &DefPath) -> Option<&CodelistIr> {
        self.codelists
            .iter()
            .find(|codelist| &codelist.path == path)
    }

    pub fn record(&self, path: &DefPath) -> Option<&RecordIr> {
        self.records.iter().find(|record| &record.path == path)
    }

    pub fn currency_code(&self, index: u32) -> &str {
        self.currency_codelist
            .and_then(|list| self.codelists.get(list as usize))
            .and_then(|list| list.codes.get(index as usize))
            .map_or("???", |code| code.name.as_str())
    }
}

/// The dimension of a quantity type, for display.
pub fn dimension_of(ty: &Type) -> Option<Dimension> {
    match ty.base().unwrap_optional().base() {
        Type::Quantity(dimension) => Some(*dimension),
        _ => None,
    }
}
