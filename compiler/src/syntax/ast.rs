//! The syntax tree of one item.
//!
//! Every span is relative to the start of its item, so that inserting text above an item leaves
//! the item's tree equal to what it was: salsa then reuses every query that read it, and moving
//! text never invalidates checked rules. Absolute positions are recovered at render time from
//! the item's offset in its file.

use serde::Serialize;

pub use clearance_ir::vocabulary::{BusinessUnit, CmpOp, ExpectedOutcome, Lang, TemporalOp};

/// A byte range relative to the start of the item that contains it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }

    pub fn shifted(self, by: u32) -> Span {
        Span {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A name as written, with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal, unescaped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A literal kept as written (dates, times, numbers); the checker validates and converts it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RawLit {
    pub text: String,
    pub span: Span,
}

/// One part of a text: literal characters, or an interpolated expression `{...}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TemplatePart {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LangText {
    pub lang: Lang,
    pub parts: Vec<TemplatePart>,
    pub span: Span,
}

impl LangText {
    /// The text with interpolations shown as written between braces.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TemplatePart::Text(text) => out.push_str(text),
                TemplatePart::Expr(_) => out.push_str("{…}"),
            }
        }
        out
    }
}

/// Texts in several languages, such as `en "Gross mass" fr "Masse brute"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Texts {
    pub entries: Vec<LangText>,
    pub span: Span,
}

impl Texts {
    pub fn get(&self, lang: Lang) -> Option<&LangText> {
        self.entries.iter().find(|entry| entry.lang == lang)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Effective {
    pub from: Option<RawLit>,
    pub until: Option<RawLit>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Cite {
    pub source: Name,
    pub quote: StrLit,
    pub span: Span,
}

/// The kinds of item; the token layer knows them from the item's first word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ItemKind {
    Ruleset,
    Module,
    Use,
    Requirement,
    Record,
    Codelist,
    TypeAlias,
    Const,
    Table,
    Function,
    Rule,
    Example,
    Fixture,
    Holidays,
    Calendar,
}

impl ItemKind {
    pub fn from_keyword(word: &str) -> Option<ItemKind> {
        Some(match word {
            "ruleset" => ItemKind::Ruleset,
            "module" => ItemKind::Module,
            "use" => ItemKind::Use,
            "requirement" => ItemKind::Requirement,
            "record" => ItemKind::Record,
            "codelist" => ItemKind::Codelist,
            "type" => ItemKind::TypeAlias,
            "const" => ItemKind::Const,
            "table" => ItemKind::Table,
            "fn" => ItemKind::Function,
            "rule" => ItemKind::Rule,
            "example" => ItemKind::Example,
            "fixture" => ItemKind::Fixture,
            "holidays" => ItemKind::Holidays,
            "calendar" => ItemKind::Calendar,
            _ => return None,
        })
    }

    pub fn keyword(self) -> &'static str {
        match self {
            ItemKind::Ruleset => "ruleset",
            ItemKind::Module => "module",
            ItemKind::Use => "use",
            ItemKind::Requirement => "requirement",
            ItemKind::Record => "record",
            ItemKind::Codelist => "codelist",
            ItemKind::TypeAlias => "type",
            ItemKind::Const => "const",
            ItemKind::Table => "table",
            ItemKind::Function => "fn",
            ItemKind::Rule => "rule",
            ItemKind::Example => "example",
            ItemKind::Fixture => "fixture",
            ItemKind::Holidays => "holidays",
            ItemKind::Calendar => "calendar",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Item {
    pub docs: Vec<String>,
    pub data: ItemData,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ItemData {
    Header(HeaderItem),
    Use(UseItem),
    Requirement(RequirementItem),
    Record(RecordItem),
    Codelist(CodelistItem),
    TypeAlias(TypeAliasItem),
    Const(ConstItem),
    Table(TableItem),
    Function(FunctionItem),
    Rule(RuleItem),
    Example(ExampleItem),
    Fixture(FixtureItem),
    Holidays(HolidaysItem),
    Calendar(CalendarItem),
    /// An item whose text did not parse; its kind and name come from the token layer, so that
    /// references to it do not cascade into further errors.
    Broken(ItemKind),
}

/// `ruleset` or `module`: the header that names the file's module.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HeaderItem {
    pub is_ruleset: bool,
    pub name: Name,
    pub title: Option<Texts>,
    pub version: Option<StrLit>,
    pub effective: Option<Effective>,
    /// `zone "America/Toronto"`: the time zone findings print instants in.
    pub zone: Option<StrLit>,
    /// `default severity ...`: the severity of a rule that does not state one.
    pub default_severity: Option<Name>,
    /// `default category ...`: the category of a rule that does not state one.
    pub default_category: Option<Name>,
    /// `languages en, fr`: the languages every text needs; both when absent.
    pub languages: Option<Vec<Lang>>,
    pub sources: Vec<SourceDecl>,
    pub inputs: Vec<InputDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SourceDecl {
    pub id: Name,
    pub title: StrLit,
    pub url: Option<StrLit>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InputDecl {
    pub name: Name,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UseItem {
    pub module: Name,
    /// `None` for `use module.*`.
    pub names: Option<Vec<Name>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RequirementItem {
    pub id: Name,
    pub title: Option<Texts>,
    pub cites: Vec<Cite>,
    pub not_checkable: Option<StrLit>,
    /// Met by the language itself (for example: every rule declares a category).
    pub built_in: Option<StrLit>,
    pub starred: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RecordItem {
    pub name: Name,
    pub title: Option<Texts>,
    pub fields: Vec<FieldDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FieldDecl {
    pub docs: Vec<String>,
    pub name: Name,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodelistItem {
    pub name: Name,
    pub title: Option<Texts>,
    pub source: Option<StrLit>,
    /// `open matching "..."`: data may hold any code of this shape, listed or not.
    pub open: Option<StrLit>,
    pub entries: Vec<CodeEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CodeEntry {
    pub docs: Vec<String>,
    pub name: Name,
    /// The code as it appears in data, when it differs from the name used in rules.
    pub external: Option<StrLit>,
    /// Other spellings of the code in data (`also "émis"`).
    pub aliases: Vec<StrLit>,
    pub labels: Option<Texts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeAliasItem {
    pub name: Name,
    pub ty: TypeExpr,
    pub refinement: Option<Refinement>,
    pub title: Option<Texts>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Refinement {
    Matching(StrLit),
    Between(RawLit, RawLit),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ConstItem {
    pub name: Name,
    pub ty: Option<TypeExpr>,
    pub value: ConstValue,
}

/// What a constant is: an expression, or the records of a data file beside the rules.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ConstValue {
    Expr(Expr),
    /// `data "path"`: a JSON, NDJSON or CSV file, relative to the file that names it.
    Data(StrLit),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    pub name: Name,
    pub ty: TypeExpr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableItem {
    pub name: Name,
    pub params: Vec<Param>,
    pub result: TypeExpr,
    pub title: Option<Texts>,
    pub source: Option<StrLit>,
    pub policy: Option<Name>,
    pub rows: Vec<TableRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TableRow {
    pub patterns: Vec<Pattern>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PatternKind {
    Wildcard,
    Compare(CmpOp, Expr),
    Between(Expr, Expr),
    /// A value, a set of values, or a text ending in `*` (a prefix).
    Value(Expr),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionItem {
    pub name: Name,
    pub params: Vec<Param>,
    pub result: TypeExpr,
    pub title: Option<Texts>,
    pub lets: Vec<Let>,
    pub body: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Let {
    pub name: Name,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleItem {
    pub id: Name,
    pub clauses: Vec<RuleClause>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct RuleClause {
    pub kind: RuleClauseKind,
    pub span: Span,
    /// The clause as written, for explanations in findings.
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RuleClauseKind {
    Title(Texts),
    Severity(Name),
    Category(Name),
    Implements(Vec<Name>),
    Cites(Cite),
    Effective(Effective),
    ForEvery {
        var: Name,
        collection: Expr,
    },
    Let(Let),
    When(Expr),
    Require(Expr),
    Except {
        condition: Expr,
        consequence: Option<Expr>,
    },
    Message(Texts),
    Fix(Texts),
}

impl RuleClauseKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            RuleClauseKind::Title(_) => "title",
            RuleClauseKind::Severity(_) => "severity",
            RuleClauseKind::Category(_) => "category",
            RuleClauseKind::Implements(_) => "implements",
            RuleClauseKind::Cites(_) => "cites",
            RuleClauseKind::Effective(_) => "effective",
            RuleClauseKind::ForEvery { .. } => "for every",
            RuleClauseKind::Let(_) => "let",
            RuleClauseKind::When(_) => "when",
            RuleClauseKind::Require(_) => "require",
            RuleClauseKind::Except { .. } => "except when",
            RuleClauseKind::Message(_) => "message",
            RuleClauseKind::Fix(_) => "fix",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExampleItem {
    pub description: StrLit,
    pub as_of: Option<RawLit>,
    pub given: Option<GivenValue>,
    pub overrides: Vec<Override>,
    pub expects: Vec<Expectation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FixtureItem {
    pub name: Name,
    pub given: GivenValue,
    pub overrides: Vec<Override>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum GivenValue {
    Literal(Expr),
    Fixture(Name),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Override {
    pub path: DataPath,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DataPath {
    pub segments: Vec<PathSegment>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSegment {
    Field(Name),
    Index(u32, Span),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expectation {
    /// `None` for `expect no findings`.
    pub rule: Option<Name>,
    pub outcome: ExpectedOutcome,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HolidaysItem {
    pub name: Name,
    pub title: Option<Texts>,
    pub source: Option<StrLit>,
    pub entries: Vec<HolidayEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HolidayEntry {
    pub date: RawLit,
    pub labels: Texts,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CalendarItem {
    pub name: Name,
    pub title: Option<Texts>,
    pub source: Option<StrLit>,
    pub zone: Option<StrLit>,
    pub open: Vec<OpeningHours>,
    pub closed_on: Vec<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OpeningHours {
    pub first_day: Name,
    pub last_day: Name,
    pub from: RawLit,
    pub to: RawLit,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeExprKind {
    List(Box<TypeExpr>),
    Set(Box<TypeExpr>),
    Named {
        name: Name,
        argument: Option<Name>,
        optional: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

impl Expr {
    /// The expressions this one is made of, in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Name(_)
            | ExprKind::Number(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Text(_)
            | ExprKind::Bool(_)
            | ExprKind::Date(_)
            | ExprKind::DateTime(_)
            | ExprKind::Absent
            | ExprKind::BusinessOffset { .. } => Vec::new(),
            ExprKind::Field(base, _)
            | ExprKind::OptionalField(base, _)
            | ExprKind::Negate(base)
            | ExprKind::Not(base) => vec![base],
            ExprKind::Is { operand, .. } => vec![operand],
            ExprKind::And(left, right)
            | ExprKind::Or(left, right)
            | ExprKind::Arith(_, left, right)
            | ExprKind::Compare(_, left, right)
            | ExprKind::Temporal(_, left, right)
            | ExprKind::Otherwise(left, right) => vec![left, right],
            ExprKind::In {
                element,
                collection,
                ..
            } => vec![element, collection],
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::Quantified { binder, body, .. } => vec![&binder.collection, body],
            ExprKind::Count { binder, filter } => {
                let mut children = vec![&*binder.collection];
                children.extend(filter.as_deref());
                children
            }
            ExprKind::Aggregate {
                value,
                binder,
                filter,
                ..
            }
            | ExprKind::Comprehension {
                value,
                binder,
                filter,
            } => {
                let mut children = vec![&**value, &*binder.collection];
                children.extend(filter.as_deref());
                children
            }
            ExprKind::If {
                condition,
                then,
                otherwise,
            } => vec![condition, then, otherwise],
            ExprKind::List(items) | ExprKind::Set(items) => items.iter().collect(),
            ExprKind::Record(fields) => fields.iter().map(|(_, value)| value).collect(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

impl ArithOp {
    pub fn symbol(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
            ArithOp::Mod => "mod",
            ArithOp::Pow => "^",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum PresenceTest {
    Present,
    Absent,
    Empty,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Quantifier {
    Every,
    Some,
    No,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum AggregateKind {
    Sum,
    Min,
    Max,
}

/// The binder of a quantifier, count, aggregate or comprehension: `x [at i] in xs [other than y]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Binder {
    pub var: Name,
    pub index_var: Option<Name>,
    pub collection: Box<Expr>,
    pub other_than: Option<Name>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ExprKind {
    Name(String),
    Field(Box<Expr>, Name),
    /// `a?.b`: the field of an optional record, absent when the record is.
    OptionalField(Box<Expr>, Name),
    Number(String),
    Quantity {
        amount: String,
        unit: Name,
    },
    Text(String),
    Bool(bool),
    Date(String),
    DateTime(String),
    Absent,
    Negate(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    Temporal(TemporalOp, Box<Expr>, Box<Expr>),
    Otherwise(Box<Expr>, Box<Expr>),
    Is {
        negated: bool,
        test: PresenceTest,
        operand: Box<Expr>,
    },
    In {
        negated: bool,
        element: Box<Expr>,
        collection: Box<Expr>,
    },
    Call {
        function: Name,
        args: Vec<Expr>,
    },
    Quantified {
        quantifier: Quantifier,
        binder: Binder,
        body: Box<Expr>,
    },
    Count {
        binder: Binder,
        filter: Option<Box<Expr>>,
    },
    Aggregate {
        kind: AggregateKind,
        value: Box<Expr>,
        binder: Binder,
        filter: Option<Box<Expr>>,
    },
    Comprehension {
        value: Box<Expr>,
        binder: Binder,
        filter: Option<Box<Expr>>,
    },
    If {
        condition: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    List(Vec<Expr>),
    Set(Vec<Expr>),
    Record(Vec<(Name, Expr)>),
    BusinessOffset {
        amount: String,
        unit: BusinessUnit,
        calendar: Name,
    },
}
