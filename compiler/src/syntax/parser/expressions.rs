//! Building expressions: operators folded left, binders, comparisons.

use super::*;

impl Builder<'_> {
    /// Deeply nested expressions recurse deeply; the stack grows on the heap rather than
    /// overflow, whatever thread parses.
    pub(super) fn expr(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || self.expr_inner(pair))
    }

    pub(super) fn expr_inner(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::expr | Rule::paren | Rule::literal => {
                let child = self.first_child(pair)?;
                let mut expr = self.expr(child)?;
                expr.span = span;
                Ok(expr)
            }
            Rule::or_expr => self.fold_logical(pair, false),
            Rule::and_expr => self.fold_logical(pair, true),
            Rule::not_expr => {
                let child = self.first_child(pair)?;
                if child.as_rule() == Rule::not_expr {
                    let operand = self.expr(child)?;
                    Ok(Expr {
                        kind: ExprKind::Not(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(child)
                }
            }
            Rule::cmp_expr => self.comparison(pair),
            Rule::coalesce => {
                let mut inner = children(pair).into_iter();
                let mut left = self.expr(next_child!(self, inner, span))?;
                for right in inner {
                    let right = self.expr(right)?;
                    let span = left.span.to(right.span);
                    left = Expr {
                        kind: ExprKind::Otherwise(Box::new(left), Box::new(right)),
                        span,
                    };
                }
                Ok(left)
            }
            Rule::additive | Rule::multiplicative | Rule::power => self.fold_arith(pair),
            Rule::unary => {
                let mut inner = children(pair).into_iter();
                let first = next_child!(self, inner, span);
                if first.as_rule() == Rule::neg_op {
                    let operand = self.expr(next_child!(self, inner, span))?;
                    Ok(Expr {
                        kind: ExprKind::Negate(Box::new(operand)),
                        span,
                    })
                } else {
                    self.expr(first)
                }
            }
            Rule::postfix => {
                let mut inner = children(pair).into_iter();
                let mut expr = self.expr(next_child!(self, inner, span))?;
                for access in inner {
                    let access_span = self.span(&access);
                    let optional = access.as_rule() == Rule::optional_access;
                    let mut field = access.into_inner();
                    let name = match field.next() {
                        Some(name) => self.name(&name),
                        None => self.missing_field_name(access_span),
                    };
                    let span = expr.span.to(access_span);
                    let kind = if optional {
                        ExprKind::OptionalField(Box::new(expr), name)
                    } else {
                        ExprKind::Field(Box::new(expr), name)
                    };
                    expr = Expr { kind, span };
                }
                Ok(expr)
            }
            Rule::name => Ok(Expr {
                kind: ExprKind::Name(pair.as_str().to_string()),
                span,
            }),
            Rule::number_lit => Ok(Expr {
                kind: ExprKind::Number(pair.as_str().to_string()),
                span,
            }),
            Rule::string_lit | Rule::string => {
                let raw = if pair.as_rule() == Rule::string {
                    pair.as_str().to_string()
                } else {
                    pair.into_inner()
                        .next()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default()
                };
                Ok(Expr {
                    kind: ExprKind::Text(unescape(&raw)),
                    span,
                })
            }
            Rule::bool_lit => Ok(Expr {
                kind: ExprKind::Bool(pair.as_str() == "true"),
                span,
            }),
            Rule::absent_lit => Ok(Expr {
                kind: ExprKind::Absent,
                span,
            }),
            Rule::date => Ok(Expr {
                kind: ExprKind::Date(pair.as_str().to_string()),
                span,
            }),
            Rule::datetime => Ok(Expr {
                kind: ExprKind::DateTime(pair.as_str().to_string()),
                span,
            }),
            Rule::quantity => {
                let mut inner = pair.into_inner();
                let amount = next_child!(self, inner, span).as_str().to_string();
                let unit = self.name(&next_child!(self, inner, span));
                Ok(Expr {
                    kind: ExprKind::Quantity { amount, unit },
                    span,
                })
            }
            Rule::business_offset => {
                let mut inner = children(pair).into_iter();
                let amount = next_child!(self, inner, span).as_str().to_string();
                let unit = match next_child!(self, inner, span).as_str() {
                    "hours" | "hour" => BusinessUnit::Hours,
                    _ => BusinessUnit::Days,
                };
                let calendar = self.name(&next_child!(self, inner, span));
                Ok(Expr {
                    kind: ExprKind::BusinessOffset {
                        amount,
                        unit,
                        calendar,
                    },
                    span,
                })
            }
            Rule::call => {
                let mut inner = children(pair).into_iter();
                let function = self.name(&next_child!(self, inner, span));
                let mut args = Vec::new();
                for arg in inner {
                    args.push(self.expr(arg)?);
                }
                Ok(Expr {
                    kind: ExprKind::Call { function, args },
                    span,
                })
            }
            Rule::quantifier => {
                let mut inner = children(pair).into_iter();
                let kind_pair = next_child!(self, inner, span);
                let quantifier = match kind_pair.as_str() {
                    "every" => Quantifier::Every,
                    "some" => Quantifier::Some,
                    _ => Quantifier::No,
                };
                // The binder's tail is the body here: `satisfies` takes the place of `where`.
                let (binder, body) = self.binder_with_index(inner, span)?;
                let Some(body) = body else {
                    return Err(self.internal(span));
                };
                Ok(Expr {
                    kind: ExprKind::Quantified {
                        quantifier,
                        binder,
                        body,
                    },
                    span,
                })
            }
            Rule::count_expr => {
                let inner = children(pair).into_iter();
                let (binder, filter) = self.binder_with_index(inner, span)?;
                Ok(Expr {
                    kind: ExprKind::Count { binder, filter },
                    span,
                })
            }
            Rule::aggregate => {
                let mut inner = children(pair).into_iter();
                let kind = match next_child!(self, inner, span).as_str() {
                    "sum" => AggregateKind::Sum,
                    "min" => AggregateKind::Min,
                    _ => AggregateKind::Max,
                };
                let value = self.expr(next_child!(self, inner, span))?;
                let (binder, filter) = self.binder_with_index(inner, span)?;
                Ok(Expr {
                    kind: ExprKind::Aggregate {
                        kind,
                        value: Box::new(value),
                        binder,
                        filter,
                    },
                    span,
                })
            }
            Rule::comprehension => {
                let mut inner = children(pair).into_iter();
                let value = self.expr(next_child!(self, inner, span))?;
                let mut binders = Vec::new();
                let mut filter = None;
                for part in inner {
                    if part.as_rule() == Rule::generator {
                        let (binder, _) =
                            self.binder_with_index(children(part).into_iter(), span)?;
                        binders.push(binder);
                    } else {
                        filter = Some(Box::new(self.expr(part)?));
                    }
                }
                // `[m for h in hs for m in h.xs where c]` is
                // `flatten([[m for m in h.xs where c] for h in hs])`: the innermost loop is
                // built first, and each outer one flattens the lists the inner one gives.
                let mut binders = binders.into_iter().rev();
                let Some(innermost) = binders.next() else {
                    return Err(self.internal(span));
                };
                let mut expr = Expr {
                    kind: ExprKind::Comprehension {
                        value: Box::new(value),
                        binder: innermost,
                        filter,
                    },
                    span,
                };
                for binder in binders {
                    let lists = Expr {
                        kind: ExprKind::Comprehension {
                            value: Box::new(expr),
                            binder,
                            filter: None,
                        },
                        span,
                    };
                    expr = Expr {
                        kind: ExprKind::Call {
                            function: Name {
                                text: "flatten".to_string(),
                                span,
                            },
                            args: vec![lists],
                        },
                        span,
                    };
                }
                Ok(expr)
            }
            Rule::if_expr => {
                let mut inner = children(pair).into_iter();
                let condition = self.expr(next_child!(self, inner, span))?;
                let then = self.expr(next_child!(self, inner, span))?;
                let otherwise = self.expr(next_child!(self, inner, span))?;
                Ok(Expr {
                    kind: ExprKind::If {
                        condition: Box::new(condition),
                        then: Box::new(then),
                        otherwise: Box::new(otherwise),
                    },
                    span,
                })
            }
            Rule::list_literal | Rule::set_literal => {
                let is_list = pair.as_rule() == Rule::list_literal;
                let mut elements = Vec::new();
                for element in children(pair) {
                    elements.push(self.expr(element)?);
                }
                Ok(Expr {
                    kind: if is_list {
                        ExprKind::List(elements)
                    } else {
                        ExprKind::Set(elements)
                    },
                    span,
                })
            }
            Rule::record_literal => {
                let mut fields = Vec::new();
                for field in children(pair) {
                    let field_span = self.span(&field);
                    let mut inner = children(field).into_iter();
                    let name = self.name(&next_child!(self, inner, field_span));
                    let value = self.expr(next_child!(self, inner, field_span))?;
                    fields.push((name, value));
                }
                Ok(Expr {
                    kind: ExprKind::Record(fields),
                    span,
                })
            }
            _ => Err(self.internal(span)),
        }
    }

    pub(super) fn other_than(&mut self, pair: Pair<'_, Rule>) -> Built<Name> {
        Ok(self.name(&self.first_child(pair)?))
    }

    #[allow(clippy::type_complexity)]
    pub(super) fn binder_tail<'p>(
        &mut self,
        rest: impl Iterator<Item = Pair<'p, Rule>>,
    ) -> Built<(Option<Name>, Option<Box<Expr>>)> {
        let mut other_than = None;
        let mut filter = None;
        for part in rest {
            match part.as_rule() {
                Rule::other_than => other_than = Some(self.other_than(part)?),
                _ => filter = Some(Box::new(self.expr(part)?)),
            }
        }
        Ok((other_than, filter))
    }

    pub(super) fn binder_with_index<'p>(
        &mut self,
        mut rest: impl Iterator<Item = Pair<'p, Rule>>,
        span: Span,
    ) -> Built<(Binder, Option<Box<Expr>>)> {
        let var = self.name(&next_child!(self, rest, span));
        let next = next_child!(self, rest, span);
        let (index_var, collection_pair) = if next.as_rule() == Rule::ident {
            (Some(self.name(&next)), next_child!(self, rest, span))
        } else {
            (None, next)
        };
        let collection = self.expr(collection_pair)?;
        let (other_than, filter) = self.binder_tail(rest)?;
        Ok((
            Binder {
                var,
                index_var,
                collection: Box::new(collection),
                other_than,
            },
            filter,
        ))
    }

    pub(super) fn fold_logical(&mut self, pair: Pair<'_, Rule>, is_and: bool) -> Built<Expr> {
        let span = self.span(&pair);
        let children = children(pair);
        if children.len() > MAX_NESTING as usize {
            return Err(self.chain_too_long(
                span,
                children.len(),
                if is_and { "and" } else { "or" },
            ));
        }
        let mut inner = children.into_iter();
        let mut left = self.expr(next_child!(self, inner, span))?;
        for right in inner {
            let right = self.expr(right)?;
            let span = left.span.to(right.span);
            let kind = if is_and {
                ExprKind::And(Box::new(left), Box::new(right))
            } else {
                ExprKind::Or(Box::new(left), Box::new(right))
            };
            left = Expr { kind, span };
        }
        Ok(left)
    }

    pub(super) fn fold_arith(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        let is_power = pair.as_rule() == Rule::power;
        let operands = pair.clone().into_inner().count() / if is_power { 1 } else { 2 } + 1;
        if operands > MAX_NESTING as usize {
            let operator = if is_power { "^" } else { "+" };
            return Err(self.chain_too_long(span, operands, operator));
        }
        let mut inner = pair.into_inner();
        let mut left = self.expr(next_child!(self, inner, span))?;
        while let Some(op_pair) = inner.next() {
            let (op, right_pair) = if is_power {
                (ArithOp::Pow, op_pair)
            } else {
                let op = match op_pair.as_str() {
                    "+" => ArithOp::Add,
                    "-" => ArithOp::Sub,
                    "*" => ArithOp::Mul,
                    "/" => ArithOp::Div,
                    _ => ArithOp::Mod,
                };
                (op, next_child!(self, inner, span))
            };
            let right = self.expr(right_pair)?;
            let span = left.span.to(right.span);
            left = Expr {
                kind: ExprKind::Arith(op, Box::new(left), Box::new(right)),
                span,
            };
        }
        Ok(left)
    }

    pub(super) fn comparison(&mut self, pair: Pair<'_, Rule>) -> Built<Expr> {
        let span = self.span(&pair);
        let mut inner = children(pair).into_iter();
        let left = self.expr(next_child!(self, inner, span))?;
        let Some(tail) = inner.next() else {
            return Ok(left);
        };
        let kind = match tail.as_rule() {
            Rule::cmp_op => {
                let op = cmp_op(tail.as_str());
                let operator = self.span(&tail);
                let right = match inner.next() {
                    Some(right) => self.expr(right)?,
                    None => self.missing_operand(operator),
                };
                ExprKind::Compare(op, Box::new(left), Box::new(right))
            }
            Rule::is_test => {
                let mut negated = false;
                let mut test = PresenceTest::Present;
                for part in children(tail) {
                    match part.as_rule() {
                        Rule::negation => negated = true,
                        Rule::absent_kw => test = PresenceTest::Absent,
                        Rule::empty_kw => test = PresenceTest::Empty,
                        _ => test = PresenceTest::Present,
                    }
                }
                ExprKind::Is {
                    negated,
                    test,
                    operand: Box::new(left),
                }
            }
            Rule::in_test => {
                let mut negated = false;
                let mut collection = None;
                let test_span = self.span(&tail);
                for part in children(tail) {
                    match part.as_rule() {
                        Rule::negation => negated = true,
                        _ => collection = Some(self.expr(part)?),
                    }
                }
                let collection = match collection {
                    Some(collection) => collection,
                    None => self.missing_operand(test_span),
                };
                ExprKind::In {
                    negated,
                    element: Box::new(left),
                    collection: Box::new(collection),
                }
            }
            Rule::temporal_test => {
                let mut parts = children(tail).into_iter();
                let op_pair = next_child!(self, parts, span);
                let op = match self.first_child(op_pair)?.as_rule() {
                    Rule::on_or_before => TemporalOp::OnOrBefore,
                    Rule::on_or_after => TemporalOp::OnOrAfter,
                    Rule::before_op => TemporalOp::Before,
                    _ => TemporalOp::After,
                };
                let right = self.expr(next_child!(self, parts, span))?;
                ExprKind::Temporal(op, Box::new(left), Box::new(right))
            }
            _ => return Err(self.internal(span)),
        };
        Ok(Expr { kind, span })
    }
}

pub(super) fn cmp_op(text: &str) -> CmpOp {
    match text {
        "==" => CmpOp::Eq,
        "!=" => CmpOp::NotEq,
        "<" => CmpOp::Lt,
        "<=" => CmpOp::LtEq,
        ">" => CmpOp::Gt,
        _ => CmpOp::GtEq,
    }
}
