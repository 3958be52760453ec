//! Checking collection and record literals.

use super::Checker;
use super::expr::{unify, unknown_field};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::{Constant, Node, NodeId};
use crate::syntax::ast::{Expr, Name, Span};
use crate::types::Type;

impl Checker<'_> {
    pub(super) fn list(
        &mut self,
        elements: &[Expr],
        span: Span,
        expected: Option<&Type>,
        is_set: bool,
    ) -> NodeId {
        let expected_element = expected.and_then(|ty| ty.unwrap_optional().element().cloned());
        if elements.is_empty() {
            let element = expected_element.unwrap_or(Type::Error);
            let ty = if is_set {
                Type::Set(Box::new(element))
            } else {
                Type::List(Box::new(element))
            };
            return self.push(Node::Const(Constant::EmptyList), ty, span);
        }
        let mut nodes = Vec::with_capacity(elements.len());
        let mut element_type = expected_element.clone();
        for element in elements {
            let node = self.expr(element, element_type.as_ref());
            let ty = self.ty(node);
            element_type = match element_type {
                None => Some(ty),
                Some(current) => Some(unify(&current, &ty).unwrap_or_else(|| {
                    self.report_mismatch(&ty, &current, element.span);
                    current
                })),
            };
            nodes.push((node, element.span));
        }
        let element_type = element_type.unwrap_or(Type::Error);
        let nodes = nodes
            .into_iter()
            .map(|(node, span)| self.coerce(node, &element_type, span))
            .collect();
        if is_set {
            self.push(
                Node::MakeSet(nodes),
                Type::Set(Box::new(element_type)),
                span,
            )
        } else {
            self.push(
                Node::MakeList(nodes),
                Type::List(Box::new(element_type)),
                span,
            )
        }
    }

    pub(crate) fn record_literal(
        &mut self,
        fields: &[(Name, Expr)],
        span: Span,
        expected: Option<&Type>,
    ) -> NodeId {
        let Some(Type::Record(path)) = expected.map(|ty| ty.unwrap_optional().base().clone())
        else {
            if expected.is_some_and(Type::is_error) {
                return self.poisoned(span);
            }
            self.error(
                Diagnostic::new(
                    DiagnosticId::UntypedRecordLiteral,
                    span,
                    text!("untyped-record-literal--record-literal-needs-known"),
                )
                .with_help(text!("help--record-literals-written-where")),
            );
            return self.poisoned(span);
        };
        let Some(declared) = self.record_fields(&path) else {
            return self.poisoned(span);
        };
        let mut values: Vec<Option<NodeId>> = vec![None; declared.len()];
        for (name, value) in fields {
            let position = declared.iter().position(|(field, _)| field == &name.text);
            self.field_use(name.span, &path, position);
            let Some(position) = position else {
                self.error(unknown_field(
                    name,
                    &Type::Record(path.clone()),
                    declared.iter().map(|(field, _)| field.as_str()),
                ));
                continue;
            };
            if values[position].is_some() {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::DuplicateField,
                        name.span,
                        text!("duplicate-field--field-given-twice", name = name.text),
                    )
                    .with_help(text!("help--remove-one-two")),
                );
                continue;
            }
            let field_type = declared[position].1.clone();
            let node = self.expr(value, Some(&field_type));
            values[position] = Some(self.coerce(node, &field_type, value.span));
        }
        let mut missing = Vec::new();
        let mut nodes = Vec::with_capacity(declared.len());
        for ((name, ty), value) in declared.iter().zip(values) {
            let node = match value {
                Some(node) => node,
                None => match ty.base() {
                    Type::Optional(_) => self.push(Node::Const(Constant::Absent), ty.clone(), span),
                    Type::List(_) | Type::Set(_) => {
                        self.push(Node::Const(Constant::EmptyList), ty.clone(), span)
                    }
                    _ => {
                        missing.push(name.clone());
                        self.poisoned(span)
                    }
                },
            };
            nodes.push(node);
        }
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ");
            self.error(
                Diagnostic::new(
                    DiagnosticId::MissingField,
                    span,
                    text!(
                        "missing-field--lacks-required-fields",
                        path = path.name,
                        list = list
                    ),
                )
                .with_help(text!("help--give-them-value-declare")),
            );
        }
        self.push(Node::MakeRecord(nodes), Type::Record(path), span)
    }
}
