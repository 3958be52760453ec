//! Calls: builtins, user functions and tables.

use std::sync::Arc;

use super::Checker;
use super::expr::not_a_collection;
use crate::builtins::{Arity, BuiltinEntry, Signature, builtin_named, builtin_names};
use crate::defs::{function_signature, table_signature};
use crate::diagnostics::{Arg, Diagnostic, DiagnosticId, Text, did_you_mean};
use crate::ir::{Builtin, Link, Node, NodeId};
use crate::resolve::{CURRENCY_CODELIST, CURRENCY_MODULE, currency_index, def_path};
use crate::syntax::ast::{Expr, ExprKind, ItemKind, Name, Span};
use crate::types::{DefPath, Type};

impl Checker<'_> {
    pub(crate) fn call(
        &mut self,
        function: &Name,
        args: &[Expr],
        span: Span,
        _expected: Option<&Type>,
    ) -> NodeId {
        if let Some(entry) = builtin_named(&function.text) {
            return self.builtin(entry, function, args, span);
        }
        let def = self.scope.get(&function.text).cloned();
        match def {
            Some(def) if def.kind() == ItemKind::Function => {
                let signature = function_signature(self.db, def.item(self.db));
                let params: Vec<Type> = signature.params.iter().map(|(_, ty)| ty.clone()).collect();
                let Some(arg_nodes) = self.arguments(function, args, &params, span) else {
                    return self.poisoned(span);
                };
                let path = def_path(self.db, &def);
                self.calls.push(path.clone());
                self.push(
                    Node::Call {
                        function: Link::unresolved(path),
                        args: arg_nodes,
                    },
                    signature.result.clone(),
                    span,
                )
            }
            Some(def) if def.kind() == ItemKind::Table => {
                let signature = table_signature(self.db, def.item(self.db));
                let params: Vec<Type> = signature
                    .signature
                    .params
                    .iter()
                    .map(|(_, ty)| ty.clone())
                    .collect();
                let Some(arg_nodes) = self.arguments(function, args, &params, span) else {
                    return self.poisoned(span);
                };
                let path = def_path(self.db, &def);
                self.calls.push(path.clone());
                let result = crate::check::table::table_result_type(self.db, def.item(self.db));
                self.push(
                    Node::TableCall {
                        table: Link::unresolved(path),
                        args: arg_nodes,
                    },
                    result,
                    span,
                )
            }
            _ => {
                let mut candidates: Vec<&str> = builtin_names().collect();
                candidates.extend(self.scope.names_of(&[ItemKind::Function, ItemKind::Table]));
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownFunction,
                        function.span,
                        text!(
                            "unknown-function--there-function-table",
                            function = function.text
                        ),
                    )
                    .with_primary_label(text!("label--unknown-function"))
                    .with_optional_help(did_you_mean(&function.text, candidates)),
                );
                for arg in args {
                    self.expr(arg, None);
                }
                self.poisoned(span)
            }
        }
    }

    fn arguments(
        &mut self,
        function: &Name,
        args: &[Expr],
        params: &[Type],
        span: Span,
    ) -> Option<Vec<NodeId>> {
        if args.len() != params.len() {
            self.error(wrong_arity(function, params.len(), args.len(), span));
            for arg in args {
                self.expr(arg, None);
            }
            return None;
        }
        Some(
            args.iter()
                .zip(params)
                .map(|(arg, param)| {
                    let node = self.expr(arg, Some(param));
                    self.coerce(node, param, arg.span)
                })
                .collect(),
        )
    }

    fn builtin(
        &mut self,
        entry: &'static BuiltinEntry,
        function: &Name,
        args: &[Expr],
        span: Span,
    ) -> NodeId {
        let name = entry.name;
        match entry.arity {
            Arity::AtLeast(_) => return self.missing_fields(function, args, span),
            Arity::Exactly(arity) if args.len() != arity => {
                self.error(wrong_arity(function, arity, args.len(), span));
                return self.poisoned(span);
            }
            Arity::Exactly(_) => {}
        }
        if let (Signature::Plain { params, result }, [builtin]) = (entry.signature, entry.lowers_to)
        {
            let nodes: Vec<NodeId> = args
                .iter()
                .zip(params)
                .map(|(arg, param)| {
                    let param = param.to_type();
                    let node = self.expr(arg, Some(&param));
                    self.coerce(node, &param, arg.span)
                })
                .collect();
            return self.push(
                Node::Builtin {
                    builtin: *builtin,
                    args: nodes,
                    link: None,
                },
                result.to_type(),
                span,
            );
        }
        match name {
            "to_code" => self.text_to_code(args, span),
            "flatten" => {
                let node = self.expr(&args[0], None);
                let ty = self.ty(node).clone();
                let element = match ty.base() {
                    Type::List(inner) | Type::Set(inner) => match inner.base() {
                        Type::List(element) | Type::Set(element) => Some((**element).clone()),
                        _ => None,
                    },
                    Type::Error => return self.poisoned(span),
                    _ => None,
                };
                let Some(element) = element else {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::TypeMismatch,
                            args[0].span,
                            text!("type-mismatch--flatten-joins-list-lists", ty = ty),
                        )
                        .with_help(text!("help--give-list-whose-elements")),
                    );
                    return self.poisoned(span);
                };
                self.push(
                    Node::Builtin {
                        builtin: Builtin::Flatten,
                        args: vec![node],
                        link: None,
                    },
                    Type::List(Box::new(element)),
                    span,
                )
            }
            "size" => {
                let node = self.expr(&args[0], None);
                let ty = self.ty(node);
                if !matches!(ty.base(), Type::List(_) | Type::Set(_) | Type::Error) {
                    self.error(not_a_collection(args[0].span, &ty));
                }
                self.push(
                    Node::Builtin {
                        builtin: Builtin::Size,
                        args: vec![node],
                        link: None,
                    },
                    Type::Int,
                    span,
                )
            }
            "abs" => {
                let node = self.expr(&args[0], None);
                let ty = self.ty(node);
                let builtin = match ty.base() {
                    Type::Int => Builtin::AbsInt,
                    Type::Decimal => Builtin::AbsDecimal,
                    Type::Error => return self.poisoned(span),
                    _ => {
                        self.report_mismatch(&ty, &Type::Decimal, args[0].span);
                        return self.poisoned(span);
                    }
                };
                self.push(
                    Node::Builtin {
                        builtin,
                        args: vec![node],
                        link: None,
                    },
                    ty.base().clone(),
                    span,
                )
            }
            "text" => {
                let node = self.expr(&args[0], None);
                self.push(
                    Node::Builtin {
                        builtin: Builtin::TextOf,
                        args: vec![node],
                        link: None,
                    },
                    Type::Text,
                    span,
                )
            }
            "matches" => {
                let text = self.expr(&args[0], Some(&Type::Text));
                let text = self.coerce(text, &Type::Text, args[0].span);
                let ExprKind::Text(pattern) = &args[1].kind else {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::NotConstant,
                            args[1].span,
                            text!("not-constant--pattern-matches-must-written"),
                        )
                        .with_help(text!("help--write-regular-expression-quotes")),
                    );
                    return self.poisoned(span);
                };
                if let Err(error) = regex::Regex::new(pattern) {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::InvalidRegex,
                            args[1].span,
                            text!("invalid-regex--pattern-valid-regular-expression"),
                        )
                        .with_primary_label(text!(
                            "label--regex-error",
                            error = crate::resolve::first_line(&error.to_string())
                        ))
                        .with_help(text!("help--patterns-use-syntax-rust")),
                    );
                    return self.poisoned(span);
                }
                self.push(
                    Node::Matches {
                        text,
                        pattern: Arc::from(pattern.as_str()),
                    },
                    Type::Bool,
                    span,
                )
            }
            "convert" => self.convert(args, span),
            "day_start" | "day_end" => {
                let date = self.expr(&args[0], Some(&Type::Date));
                let date = self.coerce(date, &Type::Date, args[0].span);
                let ExprKind::Text(zone) = &args[1].kind else {
                    self.error(
                        Diagnostic::new(
                            DiagnosticId::NotConstant,
                            args[1].span,
                            text!("not-constant--time-zone-must-written"),
                        )
                        .with_help(text!("help--name-iana-time-zone")),
                    );
                    return self.poisoned(span);
                };
                if let Err(message) = crate::time::time_zone(zone) {
                    self.error(
                        Diagnostic::new(DiagnosticId::UnknownTimeZone, args[1].span, message)
                            .with_primary_label(text!("label--unknown-time-zone"))
                            .with_help(text!("help--name-iana-time-zone-2")),
                    );
                    return self.poisoned(span);
                }
                let zone = self.push(
                    Node::Const(crate::ir::Constant::Text(Arc::from(zone.as_str()))),
                    Type::Text,
                    args[1].span,
                );
                let builtin = if name == "day_start" {
                    Builtin::DayStart
                } else {
                    Builtin::DayEnd
                };
                self.push(
                    Node::Builtin {
                        builtin,
                        args: vec![date, zone],
                        link: None,
                    },
                    Type::DateTime,
                    span,
                )
            }
            "is_open" => {
                let at = self.expr(&args[0], Some(&Type::DateTime));
                let at = self.coerce(at, &Type::DateTime, args[0].span);
                let Some(link) = self.calendar_argument(&args[1]) else {
                    return self.poisoned(span);
                };
                self.push(
                    Node::Builtin {
                        builtin: Builtin::IsOpen,
                        args: vec![at],
                        link: Some(link),
                    },
                    Type::Bool,
                    span,
                )
            }
            "business_time_between" => {
                let from = self.expr(&args[0], Some(&Type::DateTime));
                let from = self.coerce(from, &Type::DateTime, args[0].span);
                let to = self.expr(&args[1], Some(&Type::DateTime));
                let to = self.coerce(to, &Type::DateTime, args[1].span);
                let Some(link) = self.calendar_argument(&args[2]) else {
                    return self.poisoned(span);
                };
                self.push(
                    Node::Builtin {
                        builtin: Builtin::BusinessTimeBetween,
                        args: vec![from, to],
                        link: Some(link),
                    },
                    Type::Duration,
                    span,
                )
            }
            _ => self.poisoned(span),
        }
    }

    /// `missing(record, field, field, ...)`: which of the named fields are absent or empty.
    fn missing_fields(&mut self, function: &Name, args: &[Expr], span: Span) -> NodeId {
        let Some((record_arg, field_args)) =
            args.split_first().filter(|(_, fields)| !fields.is_empty())
        else {
            self.error(
                Diagnostic::new(
                    DiagnosticId::WrongArgumentCount,
                    span,
                    text!(
                        "wrong-argument-count--takes-record-names-fields",
                        function = function.text
                    ),
                )
                .with_help(text!("help--write-missing-line-reference")),
            );
            return self.poisoned(span);
        };
        let record = self.expr(record_arg, None);
        let record_type = self.ty(record);
        let Type::Record(path) = record_type.base().clone() else {
            if !record_type.is_error() {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotARecord,
                        record_arg.span,
                        text!(
                            "not-a-record--looks-into-record",
                            function = function.text,
                            record_type = record_type
                        ),
                    )
                    .with_primary_label(text!("label--of-type", ty = record_type)),
                );
            }
            return self.poisoned(span);
        };
        let Some(fields) = self.record_fields(&path) else {
            return self.poisoned(span);
        };
        let mut named = Vec::new();
        for arg in field_args {
            let ExprKind::Name(field) = &arg.kind else {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotConstant,
                        arg.span,
                        text!("not-constant--expected-name-field"),
                    )
                    .with_help(text!("help--write-field-names-bare")),
                );
                continue;
            };
            let index = fields.iter().position(|(name, _)| name == field);
            self.field_use(arg.span, &path, index);
            let Some(index) = index else {
                self.error(super::expr::unknown_field(
                    &Name {
                        text: field.clone(),
                        span: arg.span,
                    },
                    &record_type,
                    fields.iter().map(|(name, _)| name.as_str()),
                ));
                continue;
            };
            let field_type = &fields[index].1;
            if !field_type.is_optional()
                && !matches!(field_type.base(), Type::List(_) | Type::Set(_) | Type::Text)
            {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::NotOptional,
                        arg.span,
                        text!(
                            "not-optional--field-never-absent-type",
                            field = field,
                            field_type = field_type
                        ),
                    )
                    .with_help(text!("help--declare-optional-type-if")),
                );
            }
            named.push((
                u32::try_from(index).unwrap_or(u32::MAX),
                Arc::from(field.as_str()),
            ));
        }
        self.push(
            Node::MissingFields {
                record,
                fields: named,
                provided: function.text == "provided",
            },
            Type::List(Box::new(Type::Text)),
            span,
        )
    }

    fn calendar_argument(&mut self, arg: &Expr) -> Option<Link> {
        match &arg.kind {
            ExprKind::Name(name) => self.calendar_link(&Name {
                text: name.clone(),
                span: arg.span,
            }),
            _ => {
                self.error(
                    Diagnostic::new(
                        DiagnosticId::UnknownCalendar,
                        arg.span,
                        text!("unknown-calendar--expected-name-calendar"),
                    )
                    .with_help(text!("help--name-calendar-such-as")),
                );
                None
            }
        }
    }

    /// `to_code(text, Country)`: the code of a list that a text writes, as data writes it (an
    /// alias included), or absent; for an open list, a text of the list's shape that it does not
    /// hold is that unlisted code.
    fn text_to_code(&mut self, args: &[Expr], span: Span) -> NodeId {
        let text = self.expr(&args[0], Some(&Type::Text));
        let text = self.coerce(text, &Type::Text, args[0].span);
        let list = match &args[1].kind {
            ExprKind::Name(name) => self
                .scope
                .get(name)
                .filter(|def| def.kind() == ItemKind::Codelist)
                .cloned(),
            _ => None,
        };
        let Some(list) = list else {
            let candidates: Vec<&str> = self.scope.names_of(&[ItemKind::Codelist]).collect();
            let written = match &args[1].kind {
                ExprKind::Name(name) => name.clone(),
                _ => String::new(),
            };
            self.error(
                Diagnostic::new(
                    DiagnosticId::UnknownType,
                    args[1].span,
                    text!("unknown-type--second-argument-code-names"),
                )
                .with_primary_label(text!("label--code-list"))
                .with_help(
                    did_you_mean(&written, candidates)
                        .unwrap_or_else(|| text!("help--name-a-code-list")),
                ),
            );
            return self.poisoned(span);
        };
        let path = def_path(self.db, &list);
        let list_node = self.push(
            Node::Const(crate::ir::Constant::Text(Arc::from(
                path.to_string().as_str(),
            ))),
            Type::Text,
            args[1].span,
        );
        self.push(
            Node::Builtin {
                builtin: Builtin::ToCode,
                args: vec![text, list_node],
                link: None,
            },
            Type::Code(path).optional(),
            span,
        )
    }

    /// `convert(amount, EUR, rates)`: money in any currency to money in `EUR`, with rates given
    /// in the data as records with fields `from`, `to` (currency codes) and `rate` (Decimal).
    fn convert(&mut self, args: &[Expr], span: Span) -> NodeId {
        let money = self.expr(&args[0], None);
        let money_type = self.ty(money);
        if !matches!(money_type.base(), Type::Money(_) | Type::Error) {
            self.report_mismatch(&money_type, &Type::Money(None), args[0].span);
            return self.poisoned(span);
        }
        let ExprKind::Name(target) = &args[1].kind else {
            self.error(
                Diagnostic::new(
                    DiagnosticId::NotConstant,
                    args[1].span,
                    text!("not-constant--target-currency-must-written"),
                )
                .with_help(text!("help--result-s-currency-must")),
            );
            return self.poisoned(span);
        };
        let currency = currency_index(self.db, target);
        self.code_use(
            args[1].span,
            &DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST),
            currency,
        );
        let Some(currency) = currency else {
            self.error(
                Diagnostic::new(
                    DiagnosticId::UnknownCode,
                    args[1].span,
                    text!("unknown-code--iso-4217-currency-code", target = target),
                )
                .with_primary_label(text!("label--unknown-currency"))
                .with_optional_help(did_you_mean(
                    target,
                    crate::resolve::currency_names(self.db)
                        .iter()
                        .map(String::as_str),
                )),
            );
            return self.poisoned(span);
        };
        let rates = self.expr(&args[2], None);
        let rates_type = self.ty(rates);
        if !self.is_rate_list(&rates_type) {
            self.error(
                Diagnostic::new(
                    DiagnosticId::TypeMismatch,
                    args[2].span,
                    text!(
                        "type-mismatch--expected-list-exchange-rates",
                        rates_type = rates_type
                    ),
                )
                .with_help(text!("help--rates-records-fields-from")),
            );
            return self.poisoned(span);
        }
        let currency_type = Type::Code(DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST));
        let target_index = self.push(
            Node::Const(crate::ir::Constant::Code(currency)),
            currency_type.clone(),
            args[1].span,
        );
        let Some(columns) = self.rate_columns(rates, &rates_type, args[2].span) else {
            return self.poisoned(span);
        };
        // The result is rounded once to the target currency's minor unit, which the standard
        // library's `minor_unit` table gives: the interpreter reads it, it keeps no copy.
        let minor_unit_path = DefPath::new(CURRENCY_MODULE, "minor_unit");
        self.calls.push(minor_unit_path.clone());
        let minor_unit = self.push(
            Node::TableCall {
                table: Link::unresolved(minor_unit_path),
                args: vec![target_index],
            },
            Type::Int,
            args[1].span,
        );
        let mut convert_args = vec![money, target_index, minor_unit];
        convert_args.extend(columns);
        self.push(
            Node::Builtin {
                builtin: Builtin::Convert,
                args: convert_args,
                link: None,
            },
            Type::Money(Some(Arc::from(target.as_str()))),
            span,
        )
    }

    /// The `from`, `to` and `rate` columns of a list of rates, as three lists.
    fn rate_columns(&mut self, rates: NodeId, ty: &Type, span: Span) -> Option<Vec<NodeId>> {
        let Some(Type::Record(path)) = ty.element().map(|element| element.base().clone()) else {
            return None;
        };
        let fields = self.record_fields(&path)?;
        let mut columns = Vec::new();
        for name in ["from", "to", "rate"] {
            let (index, (_, field_type)) = fields
                .iter()
                .enumerate()
                .find(|(_, (field, _))| field == name)?;
            let index = u32::try_from(index).ok()?;
            columns.push(self.push(
                Node::Project {
                    base: rates,
                    index,
                    name: Arc::from(name),
                },
                Type::List(Box::new(field_type.clone())),
                span,
            ));
        }
        Some(columns)
    }

    fn is_rate_list(&self, ty: &Type) -> bool {
        let Some(Type::Record(path)) = ty.element().map(|element| element.base().clone()) else {
            return ty.is_error();
        };
        let Some(fields) = self.record_fields(&path) else {
            return false;
        };
        let currency = Type::Code(DefPath::new(CURRENCY_MODULE, CURRENCY_CODELIST));
        let has = |name: &str, expected: &Type| {
            fields
                .iter()
                .any(|(field, ty)| field == name && ty.base() == expected)
        };
        has("from", &currency) && has("to", &currency) && has("rate", &Type::Decimal)
    }
}

fn wrong_arity(function: &Name, expected: usize, found: usize, span: Span) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::WrongArgumentCount,
        span,
        Text::new(
            "wrong-argument-count--takes",
            vec![
                ("function", Arg::plain(&function.text)),
                ("expected", Arg::count(expected)),
                ("found", Arg::count(found)),
            ],
        ),
    )
    .with_primary_label(Text::new(
        "label--arguments",
        vec![("count", Arg::count(found))],
    ))
}
