//! The builtins applied to argument values: the interpreter's and compiled code's one
//! implementation of each (text, sets, quantities, money, time and calendars).

use super::*;

impl<O: Observer> Evaluator<'_, O> {
    /// A builtin applied to argument values (compiled code calls it too); `first_type` is
    /// the static type of the first argument.
    pub fn apply_builtin(
        &mut self,
        builtin: Builtin,
        args: Vec<Value>,
        link: Option<u32>,
        first_type: &Type,
    ) -> Eval<Value> {
        let arg = |position: usize| {
            args.get(position)
                .ok_or_else(|| internal("a builtin lacks an argument"))
        };
        let date = |position: usize| match arg(position)? {
            Value::Date(date) => Ok(*date),
            Value::Absent => Err(EvalError::new(
                EvalErrorKind::AbsentValue,
                "a date function read an absent date",
            )),
            _ => Err(internal("expected a date")),
        };
        Ok(match builtin {
            Builtin::AsOf => match self.as_of {
                Some(date) => Value::Date(date),
                None => {
                    return Err(EvalError::new(
                        EvalErrorKind::MissingData,
                        "`as_of()` has no date outside a run",
                    ));
                }
            },
            Builtin::DateOf => match arg(0)? {
                Value::DateTime(zoned) => Value::Date(zoned.date()),
                _ => return Err(internal("expected a date-time")),
            },
            Builtin::EndOfMonth => Value::Date(date(0)?.last_of_month()),
            Builtin::EndOfDecade => {
                let day = date(0)?;
                let end = match day.day() {
                    1..=10 => day.with().day(10).build(),
                    11..=20 => day.with().day(20).build(),
                    _ => Ok(day.last_of_month()),
                }
                .map_err(|_| internal("invalid date"))?;
                Value::Date(end)
            }
            Builtin::DaysBetween => {
                let seconds = date(1)?.duration_since(date(0)?).as_secs();
                Value::Int(seconds / 86_400)
            }
            Builtin::Length => Value::Int(
                i64::try_from(as_text(arg(0)?)?.chars().count()).map_err(|_| overflow())?,
            ),
            Builtin::Size => {
                Value::Int(i64::try_from(as_list(arg(0)?)?.len()).map_err(|_| overflow())?)
            }
            Builtin::Substring => {
                let text = as_text(arg(0)?)?;
                let start = as_int(arg(1)?)?;
                let length = as_int(arg(2)?)?;
                let (Ok(start), Ok(length)) = (usize::try_from(start), usize::try_from(length))
                else {
                    return Err(EvalError::new(
                        EvalErrorKind::InvalidArgument,
                        "`substring` takes a start and a length that are not negative",
                    ));
                };
                Value::Text(Arc::from(
                    text.chars().skip(start).take(length).collect::<String>(),
                ))
            }
            Builtin::Chars => {
                let text = as_text(arg(0)?)?;
                Value::List(
                    text.chars()
                        .map(|ch| Value::Text(Arc::from(ch.to_string())))
                        .collect(),
                )
            }
            Builtin::Upper => Value::Text(Arc::from(as_text(arg(0)?)?.to_uppercase())),
            Builtin::Lower => Value::Text(Arc::from(as_text(arg(0)?)?.to_lowercase())),
            Builtin::StartsWith => {
                Value::Bool(as_text(arg(0)?)?.starts_with(as_text(arg(1)?)?.as_ref()))
            }
            Builtin::Flatten => {
                let mut elements = Vec::new();
                for list in as_list(arg(0)?)?.iter() {
                    elements.extend(as_list(list)?.iter().cloned());
                }
                Value::List(Arc::from(elements))
            }
            Builtin::ToCode => {
                let text = as_text(arg(0)?)?;
                let list = as_text(arg(1)?)?;
                let Some(lookup) = self.machine.code_lookups.get(list.as_ref() as &str) else {
                    return Err(internal("`to_code` names an unknown code list"));
                };
                match lookup.codes.get(text.as_ref() as &str) {
                    Some(index) => Value::Code(*index),
                    None if lookup.open.as_ref().is_some_and(|open| open.is_match(text)) => {
                        Value::UnlistedCode(Arc::from(text.as_ref() as &str))
                    }
                    None => Value::Absent,
                }
            }
            Builtin::ToInt => match as_text(arg(0)?)?.trim().parse::<i64>() {
                Ok(value) => Value::Int(value),
                Err(_) => Value::Absent,
            },
            Builtin::AbsInt => Value::Int(as_int(arg(0)?)?.checked_abs().ok_or_else(overflow)?),
            Builtin::AbsDecimal => Value::Decimal(as_decimal(arg(0)?)?.abs()),
            Builtin::Round => {
                let places = as_int(arg(1)?)?;
                let Ok(places) = u32::try_from(places).map(|p| p.min(28)) else {
                    return Err(EvalError::new(
                        EvalErrorKind::InvalidArgument,
                        "`round` takes a number of places that is not negative",
                    ));
                };
                Value::Decimal(
                    as_decimal(arg(0)?)?
                        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero),
                )
            }
            Builtin::Convert => {
                let Value::Money(amount, currency) = arg(0)? else {
                    return Err(EvalError::new(
                        EvalErrorKind::AbsentValue,
                        "`convert` read absent money",
                    ));
                };
                let Value::Code(target) = arg(1)? else {
                    return Err(internal("`convert` has no target currency"));
                };
                if currency == target {
                    return Ok(Value::Money(*amount, *target));
                }
                let minor_unit = u32::try_from(as_int(arg(2)?)?)
                    .map_err(|_| internal("a negative minor unit"))?;
                let (froms, tos, rates) = (as_list(arg(3)?)?, as_list(arg(4)?)?, as_list(arg(5)?)?);
                let rate_between = |from: u32, to: u32| {
                    froms
                        .iter()
                        .zip(tos.iter())
                        .zip(rates.iter())
                        .find(|((f, t), _)| **f == Value::Code(from) && **t == Value::Code(to))
                        .map(|(_, rate)| rate)
                };
                let program = &self.machine.program;
                // A rate from the amount's currency multiplies; a rate given the other way round
                // divides, at full precision. Either way the result is rounded once, to the
                // target currency's minor unit, half away from zero.
                let converted = match (
                    rate_between(*currency, *target),
                    rate_between(*target, *currency),
                ) {
                    (Some(rate), _) => {
                        Some(amount.checked_mul(as_decimal(rate)?).ok_or_else(overflow)?)
                    }
                    (None, Some(rate)) => {
                        let rate = as_decimal(rate)?;
                        if rate.is_zero() {
                            return Err(EvalError::new(
                                EvalErrorKind::DivisionByZero,
                                format!(
                                    "the exchange rate from {} to {} is zero, which converts nothing back",
                                    program.currency_code(*target),
                                    program.currency_code(*currency)
                                ),
                            ));
                        }
                        Some(amount.checked_div(rate).ok_or_else(overflow)?)
                    }
                    (None, None) => None,
                };
                match converted {
                    Some(converted) => Value::Money(
                        converted.round_dp_with_strategy(
                            minor_unit,
                            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
                        ),
                        *target,
                    ),
                    None => {
                        return Err(EvalError::new(
                            EvalErrorKind::MissingData,
                            format!(
                                "the data gives no exchange rate between {} and {}",
                                program.currency_code(*currency),
                                program.currency_code(*target)
                            ),
                        ));
                    }
                }
            }
            Builtin::Amount => match arg(0)? {
                Value::Money(amount, _) => Value::Decimal(*amount),
                _ => {
                    return Err(EvalError::new(
                        EvalErrorKind::AbsentValue,
                        "the amount of absent money was read",
                    ));
                }
            },
            Builtin::CurrencyOf => match arg(0)? {
                Value::Money(_, currency) => Value::Code(*currency),
                _ => {
                    return Err(EvalError::new(
                        EvalErrorKind::AbsentValue,
                        "the currency of absent money was read",
                    ));
                }
            },
            Builtin::HoursOf => match arg(0)? {
                Value::Duration(duration) => {
                    let nanos = Decimal::from_i128_with_scale(duration.as_nanos(), 0);
                    Value::Decimal(
                        nanos
                            .checked_div(Decimal::from(3_600_000_000_000_i64))
                            .ok_or_else(overflow)?
                            .normalize(),
                    )
                }
                _ => {
                    return Err(EvalError::new(
                        EvalErrorKind::AbsentValue,
                        "`hours` read an absent duration",
                    ));
                }
            },
            Builtin::TextOf => Value::Text(Arc::from(display(
                arg(0)?,
                first_type,
                &self.machine.program,
            ))),
            Builtin::Contains => {
                Value::Bool(as_text(arg(0)?)?.contains(as_text(arg(1)?)?.as_ref()))
            }
            Builtin::DayStart | Builtin::DayEnd => {
                let day = date(0)?;
                let zone =
                    clearance_compiler::time::time_zone(as_text(arg(1)?)?).map_err(|message| {
                        EvalError::new(EvalErrorKind::InvalidArgument, message.to_string())
                    })?;
                let day = if builtin == Builtin::DayEnd {
                    day.tomorrow().map_err(|_| overflow())?
                } else {
                    day
                };
                let start = zone
                    .to_ambiguous_zoned_datetime(day.to_datetime(jiff::civil::Time::midnight()))
                    .compatible()
                    .map_err(|_| overflow())?;
                Value::DateTime(Arc::new(start))
            }
            Builtin::IsOpen => {
                let calendar = self
                    .machine
                    .calendar(link.ok_or_else(|| internal("no calendar"))?)?;
                match arg(0)? {
                    Value::DateTime(at) => Value::Bool(calendar.is_open(at.timestamp())),
                    _ => {
                        return Err(EvalError::new(
                            EvalErrorKind::AbsentValue,
                            "`is_open` read an absent date-time",
                        ));
                    }
                }
            }
            Builtin::BusinessTimeBetween => {
                let calendar = self
                    .machine
                    .calendar(link.ok_or_else(|| internal("no calendar"))?)?;
                match (arg(0)?, arg(1)?) {
                    (Value::DateTime(from), Value::DateTime(to)) => {
                        Value::Duration(
                            calendar.between(from.timestamp(), to.timestamp()).map_err(
                                |message| EvalError::new(EvalErrorKind::InvalidArgument, message),
                            )?,
                        )
                    }
                    _ => {
                        return Err(EvalError::new(
                            EvalErrorKind::AbsentValue,
                            "`business_time_between` read an absent date-time",
                        ));
                    }
                }
            }
        })
    }
}
