//! Decision and lookup tables: checking rows, and finding rows that overlap, that an earlier
//! row shadows, or that no input can reach.

use std::cmp::Ordering;
use std::sync::Arc;

use super::{Checked, Checker};
use crate::db::{Db, ItemId};
use crate::defs::{Policy, table_signature};
use crate::diagnostics::{Arg, Diagnostic, DiagnosticId, Text};
use crate::ir::{Constant, HitPolicy, Node, NodeId, PatternTest, TableIr, TableRowIr, UnaryOp};
use crate::items::item_syntax;
use crate::syntax::ast::{CmpOp, ExprKind, ItemData, PatternKind, Span, TableItem};
use crate::types::Type;

/// The type a call to the table gives.
pub fn table_result_type(db: &dyn Db, item: ItemId<'_>) -> Type {
    table_signature(db, item).signature.result.clone()
}

fn is_catch_all(row: &crate::syntax::ast::TableRow) -> bool {
    row.patterns
        .iter()
        .all(|pattern| matches!(pattern.kind, PatternKind::Wildcard))
}

/// Whether the rows of a one-parameter table over a closed code list name every code of it,
/// so that the table needs no `*` row. (An open list may hold codes no row can name.)
fn covers_every_code(
    db: &dyn Db,
    params: &[Type],
    abstractions: &[(crate::syntax::ast::Span, Vec<Matches>)],
) -> bool {
    let [param] = params else {
        return false;
    };
    let Type::Code(path) = param.base() else {
        return false;
    };
    let Some(codelist) = crate::defs::codelist_by_path(db, path) else {
        return false;
    };
    if codelist.open.is_some() || codelist.codes.is_empty() {
        return false;
    }
    let mut named = vec![false; codelist.codes.len()];
    fn mark(matches: &Matches, named: &mut [bool]) {
        match matches {
            Matches::Exact(Constant::Code(index)) => {
                if let Some(slot) = named.get_mut(*index as usize) {
                    *slot = true;
                }
            }
            Matches::OneOf(alternatives) => {
                for alternative in alternatives {
                    mark(alternative, named);
                }
            }
            _ => {}
        }
    }
    for (_, row) in abstractions {
        if let [matches] = row.as_slice() {
            mark(matches, &mut named);
        }
    }
    named.iter().all(|named| *named)
}

#[salsa::tracked(returns(clone))]
pub fn check_table<'db>(db: &'db dyn Db, item: ItemId<'db>) -> Arc<Checked<TableIr>> {
    let signature = table_signature(db, item);
    let mut checker = Checker::new(db, item.file(db));
    let syntax = item_syntax(db, item);
    let empty = TableItem {
        name: crate::syntax::ast::Name {
            text: String::new(),
            span: Span::default(),
        },
        params: Vec::new(),
        result: crate::syntax::ast::TypeExpr {
            kind: crate::syntax::ast::TypeExprKind::List(Box::new(crate::syntax::ast::TypeExpr {
                kind: crate::syntax::ast::TypeExprKind::Named {
                    name: crate::syntax::ast::Name {
                        text: String::new(),
                        span: Span::default(),
                    },
                    argument: None,
                    optional: false,
                },
                span: Span::default(),
            })),
            span: Span::default(),
        },
        title: None,
        source: None,
        policy: None,
        rows: Vec::new(),
    };
    let table = match syntax.as_deref().map(|syntax| &syntax.data) {
        Some(ItemData::Table(table)) => table,
        _ => &empty,
    };
    checker
        .diagnostics
        .extend(signature.signature.diagnostics.iter().cloned());
    let params: Vec<Type> = signature
        .signature
        .params
        .iter()
        .map(|(_, ty)| ty.clone())
        .collect();
    for ((name, ty), param) in signature.signature.params.iter().zip(&table.params) {
        checker.bind(name, ty.clone(), param.name.span, false);
    }
    let mut rows = Vec::new();
    let mut abstractions = Vec::new();
    for row in &table.rows {
        if row.patterns.len() != params.len() {
            checker.error(
                Diagnostic::new(
                    DiagnosticId::TableArity,
                    row.span,
                    Text::new(
                        "table-arity--row-has-patterns",
                        vec![
                            ("patterns", Arg::count(row.patterns.len())),
                            ("parameters", Arg::count(params.len())),
                        ],
                    ),
                )
                .with_help(text!("help--write-one-pattern-per")),
            );
            continue;
        }
        let mut tests = Vec::new();
        let mut row_abstraction = Vec::new();
        for (pattern, param) in row.patterns.iter().zip(&params) {
            let (test, abstraction) = checker.pattern(pattern, param);
            tests.push(test);
            row_abstraction.push(abstraction);
        }
        let value = checker.expr(&row.value, Some(&signature.row_type));
        let value = checker.coerce(value, &signature.row_type, row.value.span);
        rows.push(TableRowIr { tests, value });
        abstractions.push((row.span, row_abstraction));
    }
    analyse_rows(&mut checker, signature.policy, &abstractions);
    let has_default =
        table.rows.iter().any(is_catch_all) || covers_every_code(db, &params, &abstractions);
    if !has_default
        && signature.policy != Policy::Collect
        && !signature.row_type.is_optional()
        && !signature.row_type.is_error()
        && !table.rows.is_empty()
    {
        checker.error(
            Diagnostic::new(
                DiagnosticId::TableNotExhaustive,
                table.result.span,
                text!(
                    "table-not-exhaustive--table-returns-but-input",
                    name = table.name.text,
                    row_type = signature.row_type
                ),
            )
            .with_primary_label(text!("label--result-every-input"))
            .with_help(text!(
                "help--add-a-last-row",
                wildcards = vec!["*"; params.len()].join(", "),
                row_type = signature.row_type
            )),
        );
    }
    let policy = match signature.policy {
        Policy::First => HitPolicy::First,
        Policy::Unique => HitPolicy::Unique,
        Policy::Collect => HitPolicy::Collect,
    };
    let calls = std::mem::take(&mut checker.calls);
    Arc::new(Checked {
        ir: Arc::new(TableIr {
            path: signature.signature.path.clone(),
            params,
            row_type: signature.row_type.clone(),
            policy,
            absent_when_no_match: !has_default,
            body: checker.body,
            rows,
        }),
        spans: checker.spans,
        diagnostics: checker.diagnostics,
        calls,
        names: checker.names,
    })
}

/// What a pattern matches, for the overlap analysis.
#[derive(Clone, Debug, PartialEq)]
enum Matches {
    Any,
    Exact(Constant),
    Prefix(String),
    Range {
        low: Option<(Constant, bool)>,
        high: Option<(Constant, bool)>,
    },
    OneOf(Vec<Matches>),
    /// A pattern the analysis cannot reason about; it never shadows and is never shadowed.
    Opaque,
}

impl Checker<'_> {
    fn constant_of(&self, node: NodeId) -> Option<Constant> {
        match self.body.node(node)? {
            Node::Const(constant) => Some(constant.clone()),
            Node::Unary {
                op: UnaryOp::IntToDecimal,
                operand,
            } => match self.constant_of(*operand)? {
                Constant::Int(value) => Some(Constant::Decimal(value.into())),
                _ => None,
            },
            Node::Unary {
                op: UnaryOp::NegateInt | UnaryOp::NegateDecimal,
                operand,
            } => match self.constant_of(*operand)? {
                Constant::Int(value) => Some(Constant::Int(-value)),
                Constant::Decimal(value) => Some(Constant::Decimal(-value)),
                _ => None,
            },
            _ => None,
        }
    }

    fn pattern_operand(
        &mut self,
        expr: &crate::syntax::ast::Expr,
        param: &Type,
    ) -> Option<(NodeId, Constant)> {
        let node = self.expr(expr, Some(param));
        let node = self.coerce(node, param, expr.span);
        if self.ty(node).is_error() {
            return None;
        }
        match self.constant_of(node) {
            Some(constant) => Some((node, constant)),
            None => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotConstant,
                        expr.span,
                        text!("not-constant--table-pattern-must-literal"),
                    )
                    .with_primary_label(text!("label--literal"))
                    .with_help(text!("help--write-number-text-code")),
                );
                None
            }
        }
    }

    fn pattern(
        &mut self,
        pattern: &crate::syntax::ast::Pattern,
        param: &Type,
    ) -> (PatternTest, Matches) {
        match &pattern.kind {
            PatternKind::Wildcard => (PatternTest::Any, Matches::Any),
            PatternKind::Value(expr) => {
                if let ExprKind::Text(text) = &expr.kind
                    && let Some(prefix) = text.strip_suffix('*')
                {
                    if !matches!(param.unwrap_optional().base(), Type::Text) {
                        self.error(
                            Diagnostic::new(
                                DiagnosticId::InvalidPattern,
                                pattern.span,
                                text!(
                                    "invalid-pattern--prefix-pattern-matches-texts",
                                    param = param
                                ),
                            )
                            .with_help(text!("help--remove-match-exact-value")),
                        );
                        return (PatternTest::Any, Matches::Opaque);
                    }
                    return (
                        PatternTest::Prefix(Arc::from(prefix)),
                        Matches::Prefix(prefix.to_string()),
                    );
                }
                if let ExprKind::Set(elements) = &expr.kind {
                    let mut nodes = Vec::new();
                    let mut alternatives = Vec::new();
                    for element in elements {
                        if let Some((node, constant)) = self.pattern_operand(element, param) {
                            nodes.push(node);
                            alternatives.push(Matches::Exact(constant));
                        }
                    }
                    return (PatternTest::OneOf(nodes), Matches::OneOf(alternatives));
                }
                match self.pattern_operand(expr, param) {
                    Some((node, constant)) => (PatternTest::Equals(node), Matches::Exact(constant)),
                    None => (PatternTest::Any, Matches::Opaque),
                }
            }
            PatternKind::Compare(op, expr) => {
                if !orderable(param) {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::InvalidPattern,
                            pattern.span,
                            text!(
                                "invalid-pattern--values-type-have-order",
                                param = param,
                                op = op.symbol()
                            ),
                        )
                        .with_help(text!("help--match-exact-values-sets")),
                    );
                    return (PatternTest::Any, Matches::Opaque);
                }
                let Some((node, constant)) = self.pattern_operand(expr, param) else {
                    return (PatternTest::Any, Matches::Opaque);
                };
                let matches = match op {
                    CmpOp::Lt => Matches::Range {
                        low: None,
                        high: Some((constant, false)),
                    },
                    CmpOp::LtEq => Matches::Range {
                        low: None,
                        high: Some((constant, true)),
                    },
                    CmpOp::Gt => Matches::Range {
                        low: Some((constant, false)),
                        high: None,
                    },
                    CmpOp::GtEq => Matches::Range {
                        low: Some((constant, true)),
                        high: None,
                    },
                    CmpOp::Eq => Matches::Exact(constant),
                    CmpOp::NotEq => Matches::Opaque,
                };
                (PatternTest::Compare(*op, node), matches)
            }
            PatternKind::Between(low, high) => {
                if !orderable(param) {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::InvalidPattern,
                            pattern.span,
                            text!("invalid-pattern--values-type-have-order-2", param = param),
                        )
                        .with_help(text!("help--match-exact-values-sets")),
                    );
                    return (PatternTest::Any, Matches::Opaque);
                }
                let low = self.pattern_operand(low, param);
                let high = self.pattern_operand(high, param);
                match (low, high) {
                    (Some((low_node, low)), Some((high_node, high))) => (
                        PatternTest::Between(low_node, high_node),
                        Matches::Range {
                            low: Some((low, true)),
                            high: Some((high, true)),
                        },
                    ),
                    _ => (PatternTest::Any, Matches::Opaque),
                }
            }
        }
    }
}

fn orderable(ty: &Type) -> bool {
    matches!(
        ty.unwrap_optional().base(),
        Type::Int | Type::Decimal | Type::Money(Some(_)) | Type::Quantity(_) | Type::Duration
    )
}

fn compare_constants(a: &Constant, b: &Constant) -> Option<Ordering> {
    match (a, b) {
        (Constant::Int(x), Constant::Int(y)) => Some(x.cmp(y)),
        (Constant::Decimal(x), Constant::Decimal(y)) => Some(x.cmp(y)),
        (Constant::Int(x), Constant::Decimal(y)) => Some(rust_decimal::Decimal::from(*x).cmp(y)),
        (Constant::Decimal(x), Constant::Int(y)) => Some(x.cmp(&rust_decimal::Decimal::from(*y))),
        (Constant::Money(x, c), Constant::Money(y, d)) if c == d => Some(x.cmp(y)),
        (Constant::Quantity(x), Constant::Quantity(y)) => Some(x.cmp(y)),
        (Constant::Duration(x), Constant::Duration(y)) => Some(x.cmp(y)),
        (Constant::Date(x), Constant::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn above_low(value: &Constant, low: &Option<(Constant, bool)>) -> Option<bool> {
    match low {
        None => Some(true),
        Some((bound, inclusive)) => {
            let ordering = compare_constants(value, bound)?;
            Some(ordering == Ordering::Greater || (*inclusive && ordering == Ordering::Equal))
        }
    }
}

fn below_high(value: &Constant, high: &Option<(Constant, bool)>) -> Option<bool> {
    match high {
        None => Some(true),
        Some((bound, inclusive)) => {
            let ordering = compare_constants(value, bound)?;
            Some(ordering == Ordering::Less || (*inclusive && ordering == Ordering::Equal))
        }
    }
}

/// Whether the low bound `a` admits everything the low bound `b` admits.
fn low_covers(a: &Option<(Constant, bool)>, b: &Option<(Constant, bool)>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((x, x_inclusive)), Some((y, y_inclusive))) => match compare_constants(x, y) {
            Some(Ordering::Less) => true,
            Some(Ordering::Equal) => *x_inclusive || !*y_inclusive,
            _ => false,
        },
    }
}

fn high_covers(a: &Option<(Constant, bool)>, b: &Option<(Constant, bool)>) -> bool {
    match (a, b) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some((x, x_inclusive)), Some((y, y_inclusive))) => match compare_constants(x, y) {
            Some(Ordering::Greater) => true,
            Some(Ordering::Equal) => *x_inclusive || !*y_inclusive,
            _ => false,
        },
    }
}

/// Whether every value `inner` matches, `outer` matches too.
fn covers(outer: &Matches, inner: &Matches) -> bool {
    match (outer, inner) {
        (Matches::Opaque, _) | (_, Matches::Opaque) => false,
        (Matches::Any, _) => true,
        (_, Matches::Any) => false,
        (_, Matches::OneOf(alternatives)) => {
            !alternatives.is_empty()
                && alternatives
                    .iter()
                    .all(|alternative| covers(outer, alternative))
        }
        (Matches::OneOf(alternatives), inner) => alternatives
            .iter()
            .any(|alternative| covers(alternative, inner)),
        (Matches::Exact(a), Matches::Exact(b)) => a == b,
        (Matches::Prefix(prefix), Matches::Prefix(other)) => other.starts_with(prefix.as_str()),
        (Matches::Prefix(prefix), Matches::Exact(Constant::Text(text))) => {
            text.starts_with(prefix.as_str())
        }
        (Matches::Range { low, high }, Matches::Exact(value)) => {
            above_low(value, low) == Some(true) && below_high(value, high) == Some(true)
        }
        (
            Matches::Range { low, high },
            Matches::Range {
                low: inner_low,
                high: inner_high,
            },
        ) => low_covers(low, inner_low) && high_covers(high, inner_high),
        _ => false,
    }
}

/// Whether some value matches both.
fn intersects(a: &Matches, b: &Matches) -> bool {
    match (a, b) {
        (Matches::Opaque, _) | (_, Matches::Opaque) => false,
        (Matches::Any, _) | (_, Matches::Any) => true,
        (Matches::OneOf(alternatives), other) | (other, Matches::OneOf(alternatives)) => {
            alternatives
                .iter()
                .any(|alternative| intersects(alternative, other))
        }
        (Matches::Exact(x), Matches::Exact(y)) => x == y,
        (Matches::Prefix(p), Matches::Prefix(q)) => {
            p.starts_with(q.as_str()) || q.starts_with(p.as_str())
        }
        (Matches::Prefix(p), Matches::Exact(Constant::Text(text)))
        | (Matches::Exact(Constant::Text(text)), Matches::Prefix(p)) => {
            text.starts_with(p.as_str())
        }
        (Matches::Range { low, high }, Matches::Exact(value))
        | (Matches::Exact(value), Matches::Range { low, high }) => {
            above_low(value, low) != Some(false) && below_high(value, high) != Some(false)
        }
        (
            Matches::Range {
                low: a_low,
                high: a_high,
            },
            Matches::Range {
                low: b_low,
                high: b_high,
            },
        ) => {
            // Two intervals meet unless one ends before the other starts.
            let ends_before =
                |high: &Option<(Constant, bool)>, low: &Option<(Constant, bool)>| match (high, low)
                {
                    (Some((h, h_inclusive)), Some((l, l_inclusive))) => {
                        match compare_constants(h, l) {
                            Some(Ordering::Less) => true,
                            Some(Ordering::Equal) => !(*h_inclusive && *l_inclusive),
                            _ => false,
                        }
                    }
                    _ => false,
                };
            !ends_before(a_high, b_low) && !ends_before(b_high, a_low)
        }
        _ => false,
    }
}

fn row_covers(outer: &[Matches], inner: &[Matches]) -> bool {
    outer.iter().zip(inner).all(|(a, b)| covers(a, b))
}

fn rows_intersect(a: &[Matches], b: &[Matches]) -> bool {
    a.iter().zip(b).all(|(x, y)| intersects(x, y))
}

fn analyse_rows(checker: &mut Checker<'_>, policy: Policy, rows: &[(Span, Vec<Matches>)]) {
    for (position, (span, row)) in rows.iter().enumerate() {
        let earlier = &rows[..position];
        match policy {
            Policy::First => {
                if let Some((catch_all_span, _)) = earlier
                    .iter()
                    .find(|(_, earlier_row)| earlier_row.iter().all(|m| *m == Matches::Any))
                {
                    checker.error(
                        Diagnostic::new(
                            DiagnosticId::TableRowUnreachable,
                            *span,
                            text!("table-row-unreachable--input-reaches-row-row"),
                        )
                        .with_primary_label(text!("label--unreachable-row"))
                        .with_label(*catch_all_span, text!("label--row-matches-everything"))
                        .with_help(text!("help--move-catch-all-row")),
                    );
                    continue;
                }
                if let Some((shadow_span, _)) = earlier
                    .iter()
                    .find(|(_, earlier_row)| row_covers(earlier_row, row))
                {
                    checker.error(
                        Diagnostic::new(
                            DiagnosticId::TableRowShadowed,
                            *span,
                            text!("table-row-shadowed--row-never-applies-earlier"),
                        )
                        .with_primary_label(text!("label--shadowed-row"))
                        .with_label(*shadow_span, text!("label--row-comes-first"))
                        .with_help(text!("help--policy-first-write-more")),
                    );
                }
            }
            Policy::Unique => {
                if let Some((other_span, _)) = earlier
                    .iter()
                    .find(|(_, earlier_row)| rows_intersect(earlier_row, row))
                {
                    checker.error(
                        Diagnostic::new(
                            DiagnosticId::TableRowsOverlap,
                            *span,
                            text!("table-rows-overlap--row-earlier-one-can"),
                        )
                        .with_primary_label(text!("label--overlapping-row"))
                        .with_label(*other_span, text!("label--earlier-row"))
                        .with_help(text!("help--policy-unique-most-one")),
                    );
                }
            }
            Policy::Collect => {
                if let Some((other_span, _)) = earlier.iter().find(|(_, earlier_row)| {
                    row_covers(earlier_row, row) && row_covers(row, earlier_row)
                }) {
                    checker.error(
                        Diagnostic::new(
                            DiagnosticId::TableRowsOverlap,
                            *span,
                            text!("table-rows-overlap--row-has-same-patterns"),
                        )
                        .with_primary_label(text!("label--duplicate-patterns"))
                        .with_label(*other_span, text!("label--earlier-row"))
                        .with_help(text!("help--merge-two-rows-into")),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: &str) -> Matches {
        Matches::Exact(Constant::Text(Arc::from(value)))
    }

    fn int(value: i64) -> Constant {
        Constant::Int(value)
    }

    #[test]
    fn a_shorter_prefix_covers_a_longer_one() {
        assert!(covers(
            &Matches::Prefix("02".into()),
            &Matches::Prefix("0201".into())
        ));
        assert!(!covers(
            &Matches::Prefix("0201".into()),
            &Matches::Prefix("02".into())
        ));
        assert!(intersects(
            &Matches::Prefix("0201".into()),
            &Matches::Prefix("02".into())
        ));
        assert!(covers(&Matches::Prefix("02".into()), &text("0201100000")));
    }

    #[test]
    fn ranges_cover_and_meet_by_their_bounds() {
        let at_most_22 = Matches::Range {
            low: None,
            high: Some((int(22), true)),
        };
        let below_22 = Matches::Range {
            low: None,
            high: Some((int(22), false)),
        };
        let above_22 = Matches::Range {
            low: Some((int(22), false)),
            high: None,
        };
        assert!(covers(&at_most_22, &below_22));
        assert!(!covers(&below_22, &at_most_22));
        assert!(!intersects(&at_most_22, &above_22));
        assert!(intersects(&at_most_22, &Matches::Exact(int(22))));
        assert!(!intersects(&below_22, &Matches::Exact(int(22))));
    }

    #[test]
    fn sets_cover_their_members() {
        let set = Matches::OneOf(vec![text("A"), text("B")]);
        assert!(covers(&set, &text("A")));
        assert!(!covers(&text("A"), &set));
        assert!(intersects(&set, &text("B")));
    }
}
