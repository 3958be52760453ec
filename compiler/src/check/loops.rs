//! Checking loops: binders, quantifiers, `count`, aggregates and comprehensions.

use super::expr::{currency_not_known, not_a_collection};
use super::{Checker, maybe_absent};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::{Domain, LocalId, LoopKind, Node, NodeId};
use crate::syntax::ast::{AggregateKind, Binder, Expr, Name, Span};
use crate::types::Type;

impl Checker<'_> {
    /// Checks a binder and brings its variables into scope. The caller checks the body and
    /// then calls `unbind_to(mark)`.
    pub(super) fn binder(&mut self, binder: &Binder) -> Option<BinderInfo> {
        let collection = self.expr(&binder.collection, None);
        let collection_type = self.ty(collection);
        let element = match collection_type.base() {
            Type::Error => Type::Error,
            Type::List(element) | Type::Set(element) => (**element).clone(),
            Type::Optional(inner) if matches!(inner.base(), Type::List(_) | Type::Set(_)) => {
                self.error(maybe_absent(binder.collection.span, &collection_type));
                return None;
            }
            _ => {
                self.error(not_a_collection(binder.collection.span, &collection_type));
                return None;
            }
        };
        let collection_place = self.place_of(collection);
        let skip = match &binder.other_than {
            None => None,
            Some(other) => {
                let outer = self
                    .bindings
                    .iter()
                    .rev()
                    .find(|binding| binding.name == other.text)
                    .map(|binding| (binding.collection.clone(), binding.local));
                match outer {
                    Some((Some((place, index)), _))
                        if Some(&place) == collection_place.as_ref() =>
                    {
                        if let Some(binding) = self
                            .bindings
                            .iter_mut()
                            .rev()
                            .find(|binding| binding.name == other.text)
                        {
                            binding.used = true;
                            let declared = binding.span;
                            self.name_use(other.span, super::NameTarget::Local { declared });
                        }
                        Some(index)
                    }
                    _ => {
                        self.error(
                            Diagnostic::new(
                                DiagnosticId::OtherThanMismatch,
                                other.span,
                                text!(
                                    "other-than-mismatch--other-than-needs-range",
                                    other = other.text
                                ),
                            )
                            .with_label(binder.collection.span, text!("label--collection"))
                            .with_help(text!("help--other-than-skips-element", other = other.text)),
                        );
                        None
                    }
                }
            }
        };
        let mark = self.binding_mark();
        let var = self.bind(&binder.var.text, element.clone(), binder.var.span, false);
        let index = match &binder.index_var {
            Some(index_var) => self.bind(&index_var.text, Type::Int, index_var.span, false),
            None => self.hidden_local(&format!("{}#position", binder.var.text)),
        };
        if let (Some(place), Some(binding)) = (
            collection_place,
            self.bindings.iter_mut().rev().find(|b| b.local == var),
        ) {
            binding.collection = Some((place, index));
        }
        Some(BinderInfo {
            mark,
            var,
            index,
            collection,
            skip,
        })
    }

    /// A `for every` binder at the top of a rule: the variable stays in scope.
    pub(crate) fn rule_binder(
        &mut self,
        var: &Name,
        collection: &Expr,
    ) -> Option<(LocalId, LocalId, NodeId)> {
        let binder = Binder {
            var: var.clone(),
            index_var: None,
            collection: Box::new(collection.clone()),
            other_than: None,
        };
        self.binder(&binder)
            .map(|info| (info.var, info.index, info.collection))
    }

    /// A binder, its filter and the value computed for each element, with the binder's
    /// variables (and the filter's narrowing) in scope for the value only.
    pub(super) fn binder_value(
        &mut self,
        binder: &Binder,
        filter: Option<&Expr>,
        value: &Expr,
    ) -> Option<(BinderInfo, Option<NodeId>, NodeId)> {
        let info = self.binder(binder)?;
        let (filter, narrow_mark) = self.filter(filter);
        let value_node = self.expr(value, None);
        self.unnarrow_to(narrow_mark);
        self.unbind_to(info.mark);
        Some((info, filter, value_node))
    }

    pub(super) fn loop_node(
        &mut self,
        kind: LoopKind,
        info: &BinderInfo,
        filter: Option<NodeId>,
        body: Option<NodeId>,
        ty: Type,
        span: Span,
    ) -> NodeId {
        self.push(
            Node::Loop {
                kind,
                var: info.var,
                index: info.index,
                collection: info.collection,
                skip: info.skip,
                filter,
                body,
            },
            ty,
            span,
        )
    }

    pub(super) fn filter(&mut self, filter: Option<&Expr>) -> (Option<NodeId>, usize) {
        let mark = self.narrowing_mark();
        let node = filter.map(|filter| {
            let node = self.condition(filter);
            let places = self.narrowings(node, true);
            self.narrow(places);
            node
        });
        (node, mark)
    }

    pub(super) fn quantified(
        &mut self,
        kind: LoopKind,
        binder: &Binder,
        body: &Expr,
        span: Span,
    ) -> NodeId {
        let Some(info) = self.binder(binder) else {
            return self.poisoned(span);
        };
        let body_node = self.condition(body);
        self.unbind_to(info.mark);
        self.loop_node(kind, &info, None, Some(body_node), Type::Bool, span)
    }

    pub(super) fn count(&mut self, binder: &Binder, filter: Option<&Expr>, span: Span) -> NodeId {
        let Some(info) = self.binder(binder) else {
            return self.poisoned(span);
        };
        let (filter, narrow_mark) = self.filter(filter);
        self.unnarrow_to(narrow_mark);
        self.unbind_to(info.mark);
        self.loop_node(LoopKind::Count, &info, filter, None, Type::Int, span)
    }

    pub(super) fn aggregate(
        &mut self,
        kind: AggregateKind,
        value: &Expr,
        binder: &Binder,
        filter: Option<&Expr>,
        span: Span,
    ) -> NodeId {
        let Some((info, filter, value_node)) = self.binder_value(binder, filter, value) else {
            return self.poisoned(span);
        };
        let Some(value_type) = self.require_present(value_node, value.span) else {
            return self.poisoned(span);
        };
        let value_type = value_type.base().clone();
        let domain = match (&value_type, kind) {
            (Type::Int, _) => Domain::Int,
            (Type::Decimal, _) => Domain::Decimal,
            (Type::Money(Some(_)), _) => Domain::Money,
            (Type::Money(None), _) => {
                self.error(currency_not_known(value.span));
                return self.poisoned(span);
            }
            (Type::Quantity(_), _) => Domain::Quantity,
            (Type::Duration, _) => Domain::Duration,
            (Type::Date, AggregateKind::Min | AggregateKind::Max) => Domain::Date,
            (Type::DateTime, AggregateKind::Min | AggregateKind::Max) => Domain::DateTime,
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotSummable,
                        value.span,
                        text!(
                            "not-summable--cannot-add-up",
                            aggregate = match kind {
                                AggregateKind::Sum => "sum",
                                AggregateKind::Min => "min",
                                AggregateKind::Max => "max",
                            },
                            value_type = value_type
                        ),
                    )
                    .with_help(text!("help--sums-take-numbers-money")),
                );
                return self.poisoned(span);
            }
        };
        let (loop_kind, result) = match kind {
            AggregateKind::Sum => (LoopKind::Sum(domain), value_type.clone()),
            AggregateKind::Min => (LoopKind::Min(domain), value_type.clone().optional()),
            AggregateKind::Max => (LoopKind::Max(domain), value_type.clone().optional()),
        };
        self.loop_node(loop_kind, &info, filter, Some(value_node), result, span)
    }

    pub(super) fn comprehension(
        &mut self,
        value: &Expr,
        binder: &Binder,
        filter: Option<&Expr>,
        span: Span,
    ) -> NodeId {
        let Some((info, filter, value_node)) = self.binder_value(binder, filter, value) else {
            return self.poisoned(span);
        };
        let value_type = self.ty(value_node);
        self.loop_node(
            LoopKind::Collect,
            &info,
            filter,
            Some(value_node),
            Type::List(Box::new(value_type)),
            span,
        )
    }
}

/// A loop variable being bound: where the scope's bindings stood before it, its slots, and
/// the collection it ranges over.
pub(super) struct BinderInfo {
    pub(super) mark: usize,
    pub(super) var: LocalId,
    pub(super) index: LocalId,
    pub(super) collection: NodeId,
    pub(super) skip: Option<LocalId>,
}
