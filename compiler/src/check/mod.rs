//! Type checking: from syntax trees to typed IR, with diagnostics.
//!
//! The [`Checker`] checks one body (a rule, a function, a table, a constant, an example) and
//! emits IR nodes as it goes, with a source map of spans beside them. The item-level queries
//! that drive it live in the submodules; each is keyed by one item.

mod arithmetic;
mod builtins;
mod collections;
mod conditions;
mod expr;
pub mod items;
mod literals;
mod loops;
pub mod rule;
pub mod table;

use std::sync::Arc;

use crate::db::{Db, SourceFile};
use crate::diagnostics::{Diagnostic, DiagnosticId};
use crate::ir::{Body, Constant, LocalId, Node, NodeId, UnaryOp};
use crate::resolve::Scope;
use crate::syntax::ast::Span;
use crate::types::{DefPath, Type};

pub use items::*;
pub use rule::*;
pub use table::*;

/// One step of an access path from a local: what narrowing and `other than` compare.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PlaceStep {
    Local(LocalId),
    Field(u32),
    /// A field of every record of a list (`declaration.houses.items`).
    Project(u32),
}

pub type Place = Vec<PlaceStep>;

/// What a name written in a body stands for, as the checker resolved it. The editor answers
/// hover, definition, references, rename and completion for fields and codes from these, since
/// only the checker knows the type a field is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameUse {
    /// The name as written (empty where the parser found `.` and no name after it).
    pub span: Span,
    pub target: NameTarget,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameTarget {
    /// A field of a record; `index` is `None` for a name the record does not have.
    Field { record: DefPath, index: Option<u32> },
    /// A code of a code list; `index` is `None` for a name the list does not hold.
    Code {
        codelist: DefPath,
        index: Option<u32>,
    },
    /// A field of money (`amount`, `currency`) or a name written after the `.` of money.
    MoneyField,
    /// A name that is no binding and no definition: the bindings in scope there, for completion.
    Unknown { bindings: Vec<(String, Type)> },
    /// A use of a binding of the item (a `let`, a loop variable, a parameter): `declared` is
    /// where its name is declared, in the item.
    Local { declared: Span },
    /// The declaration of a binding, with the type it has there (before any narrowing).
    Binding { ty: Type },
}

#[derive(Clone, Debug)]
struct Binding {
    name: String,
    local: LocalId,
    ty: Type,
    span: Span,
    used: bool,
    /// For loop variables: the place of the collection they range over, and the slot of their
    /// position in it, for `other than`.
    collection: Option<(Place, LocalId)>,
    /// Whether an unused binding deserves a warning (lets do; inputs and loop variables not).
    warn_unused: bool,
}

pub struct Checker<'db> {
    db: &'db dyn Db,
    file: SourceFile,
    scope: &'db Scope,
    pub body: Body,
    /// The span of every node, by node id: the source map of the body.
    pub spans: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
    bindings: Vec<Binding>,
    narrowed: Vec<Place>,
    /// Definitions this body calls (functions and tables), for the totality check.
    pub calls: Vec<crate::types::DefPath>,
    /// Fields of the rule set's inputs, when checking an example or a fixture.
    inputs_record: Option<(crate::types::DefPath, Vec<(String, Type)>)>,
    /// Current expression nesting, bounded by [`expr::MAX_NESTING`].
    depth: u32,
    /// Fields and codes named in the body, and names that resolved to nothing.
    pub names: Vec<NameUse>,
}

impl<'db> Checker<'db> {
    pub fn new(db: &'db dyn Db, file: SourceFile) -> Checker<'db> {
        Checker {
            db,
            file,
            scope: crate::resolve::file_scope(db, file),
            body: Body::default(),
            spans: Vec::new(),
            diagnostics: Vec::new(),
            bindings: Vec::new(),
            narrowed: Vec::new(),
            calls: Vec::new(),
            inputs_record: None,
            depth: 0,
            names: Vec::new(),
        }
    }

    pub fn push(&mut self, node: Node, ty: Type, span: Span) -> NodeId {
        self.spans.push(span);
        self.body.push(node, ty)
    }

    pub fn ty(&self, node: NodeId) -> Type {
        self.body.ty(node).clone()
    }

    pub fn name_use(&mut self, span: Span, target: NameTarget) {
        self.names.push(NameUse { span, target });
    }

    /// Records a field of `record` written at `span`.
    pub fn field_use(&mut self, span: Span, record: &DefPath, index: Option<usize>) {
        let target = NameTarget::Field {
            record: record.clone(),
            index: index.and_then(|index| u32::try_from(index).ok()),
        };
        self.name_use(span, target);
    }

    /// Records a code of `codelist` written at `span`.
    pub fn code_use(&mut self, span: Span, codelist: &DefPath, index: Option<u32>) {
        let target = NameTarget::Code {
            codelist: codelist.clone(),
            index,
        };
        self.name_use(span, target);
    }

    /// The bindings in scope, innermost last, for a name that resolved to nothing.
    pub fn unknown_name_use(&mut self, span: Span) {
        let bindings = self
            .bindings
            .iter()
            .map(|binding| (binding.name.clone(), binding.ty.clone()))
            .collect();
        self.name_use(span, NameTarget::Unknown { bindings });
    }

    pub fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// A node standing for an expression that already failed to check.
    pub fn poisoned(&mut self, span: Span) -> NodeId {
        self.push(Node::Const(Constant::Absent), Type::Error, span)
    }

    /// Declares a local slot and brings it into scope.
    pub fn bind(&mut self, name: &str, ty: Type, span: Span, warn_unused: bool) -> LocalId {
        let local = self.body.new_local(name);
        // The inputs are declared in the rule set's header, not in the item.
        if span != Span::default() {
            self.name_use(span, NameTarget::Binding { ty: ty.clone() });
        }
        self.bindings.push(Binding {
            name: name.to_string(),
            local,
            ty,
            span,
            used: false,
            collection: None,
            warn_unused,
        });
        local
    }

    /// A slot that no name refers to (a loop position nobody named).
    pub fn hidden_local(&mut self, name: &str) -> LocalId {
        self.body.new_local(name)
    }

    /// Ends the scope of the bindings made since `mark`, warning about unused lets.
    pub fn unbind_to(&mut self, mark: usize) {
        while self.bindings.len() > mark {
            if let Some(binding) = self.bindings.pop()
                && binding.warn_unused
                && !binding.used
                && !binding.name.starts_with('_')
            {
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticId::UnusedLet,
                        binding.span,
                        text!("unused-let--never-used", binding = binding.name),
                    )
                    .with_help(text!("help--remove-start-name")),
                );
            }
        }
    }

    pub fn binding_mark(&self) -> usize {
        self.bindings.len()
    }

    pub fn narrowing_mark(&self) -> usize {
        self.narrowed.len()
    }

    pub fn narrow(&mut self, places: Vec<Place>) {
        self.narrowed.extend(places);
    }

    pub fn unnarrow_to(&mut self, mark: usize) {
        self.narrowed.truncate(mark);
    }

    /// The access path a node reads, if it reads one (a local and fields of it).
    pub fn place_of(&self, node: NodeId) -> Option<Place> {
        match self.body.node(node)? {
            Node::Local(local) => Some(vec![PlaceStep::Local(*local)]),
            Node::Field { base, index, .. } => {
                let mut place = self.place_of(*base)?;
                place.push(PlaceStep::Field(*index));
                Some(place)
            }
            Node::Project { base, index, .. } => {
                let mut place = self.place_of(*base)?;
                place.push(PlaceStep::Project(*index));
                Some(place)
            }
            _ => None,
        }
    }

    /// The places a condition proves present when it is true (`positive`) or false.
    pub fn narrowings(&self, node: NodeId, positive: bool) -> Vec<Place> {
        match self.body.node(node) {
            Some(Node::IsPresent(operand)) if positive => {
                self.place_of(*operand).into_iter().collect()
            }
            Some(Node::Unary {
                op: UnaryOp::Not,
                operand,
            }) => self.narrowings(*operand, !positive),
            Some(Node::And(left, right)) if positive => {
                let mut places = self.narrowings(*left, true);
                places.extend(self.narrowings(*right, true));
                places
            }
            Some(Node::Or(left, right)) if !positive => {
                let mut places = self.narrowings(*left, false);
                places.extend(self.narrowings(*right, false));
                places
            }
            _ => Vec::new(),
        }
    }

    fn is_narrowed(&self, place: &Place) -> bool {
        self.narrowed.iter().any(|narrowed| narrowed == place)
    }

    /// Declares the inputs of the rule set `file` as locals, in order; returns their slots.
    pub fn bind_inputs(&mut self, inputs: &[(String, Type)]) -> Vec<LocalId> {
        inputs
            .iter()
            .map(|(name, ty)| self.bind(name, ty.clone(), Span::default(), false))
            .collect()
    }

    pub fn set_inputs_record(&mut self, path: crate::types::DefPath, fields: Vec<(String, Type)>) {
        self.inputs_record = Some((path, fields));
    }

    /// Converts `node` to the `expected` type where the language allows it silently (an Int
    /// where a Decimal is expected, a value where an optional is expected), or reports why not.
    pub fn coerce(&mut self, node: NodeId, expected: &Type, span: Span) -> NodeId {
        let actual = self.ty(node);
        if let Some(converted) = self.try_coerce(node, &actual, expected, span) {
            return converted;
        }
        self.report_mismatch(&actual, expected, span);
        node
    }

    pub fn try_coerce(
        &mut self,
        node: NodeId,
        actual: &Type,
        expected: &Type,
        span: Span,
    ) -> Option<NodeId> {
        if actual.is_error() || expected.is_error() || compatible(actual, expected) {
            return Some(node);
        }
        match (actual.base(), expected.base()) {
            (Type::Int, Type::Decimal) => Some(self.push(
                Node::Unary {
                    op: UnaryOp::IntToDecimal,
                    operand: node,
                },
                Type::Decimal,
                span,
            )),
            (Type::Absent, Type::Optional(_)) => Some(node),
            (_, Type::Optional(inner)) => {
                let inner = (**inner).clone();
                self.try_coerce(node, actual, &inner, span)
            }
            _ => None,
        }
    }

    pub fn report_mismatch(&mut self, actual: &Type, expected: &Type, span: Span) {
        if let Type::Optional(inner) = actual
            && compatible(inner, expected)
        {
            self.error(maybe_absent(span, actual));
            return;
        }
        let diagnostic = match (actual.base(), expected.base()) {
            (Type::Money(Some(have)), Type::Money(Some(want))) => Diagnostic::new(
                DiagnosticId::CurrencyMismatch,
                span,
                text!(
                    "currency-mismatch--expected-money-found-money",
                    want = want,
                    have = have
                ),
            )
            .with_primary_label(text!("label--this-is-in", have = have))
            .with_help(text!("help--convert-explicitly-convert-value", want = want)),
            (Type::Quantity(_) | Type::Money(_), Type::Quantity(_) | Type::Money(_)) => {
                Diagnostic::new(
                    DiagnosticId::UnitMismatch,
                    span,
                    text!(
                        "unit-mismatch--expected-found",
                        expected = expected,
                        actual = actual
                    ),
                )
                .with_primary_label(text!("label--of-type", ty = actual))
                .with_help(text!("help--quantities-different-kinds-never"))
            }
            _ => Diagnostic::new(
                DiagnosticId::TypeMismatch,
                span,
                text!(
                    "unit-mismatch--expected-found",
                    expected = expected,
                    actual = actual
                ),
            )
            .with_primary_label(text!("label--of-type", ty = actual)),
        };
        self.error(diagnostic);
    }

    /// Checks `expr` and requires a Bool.
    pub fn condition(&mut self, expr: &crate::syntax::ast::Expr) -> NodeId {
        let node = self.expr(expr, Some(&Type::Bool));
        self.coerce(node, &Type::Bool, expr.span)
    }
}

/// Whether a value of type `actual` can stand where `expected` is required, unchanged.
pub fn compatible(actual: &Type, expected: &Type) -> bool {
    match (actual, expected) {
        (Type::Error, _) | (_, Type::Error) => true,
        (Type::Refined(refined), other) => {
            refined.base == *other || compatible(&refined.base, other)
        }
        (other, Type::Refined(refined)) => compatible(other, &refined.base),
        (Type::List(a), Type::List(b)) | (Type::Set(a), Type::Set(b)) => compatible(a, b),
        (Type::Optional(a), Type::Optional(b)) => compatible(a, b),
        (Type::Absent, Type::Optional(_)) => true,
        (a, Type::Optional(b)) => compatible(a, b),
        // Money in a known currency goes where money in any currency is expected.
        (Type::Money(Some(_)), Type::Money(None)) => true,
        (a, b) => a == b,
    }
}

pub fn maybe_absent(span: Span, ty: &Type) -> Diagnostic {
    Diagnostic::new(
        DiagnosticId::MaybeAbsent,
        span,
        text!("maybe-absent--value-may-absent-type", ty = ty),
    )
    .with_primary_label(text!("label--may-absent"))
    .with_help(text!("help--test-present-first-when"))
}

/// The checked form of something whose IR and source map go together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checked<T> {
    pub ir: Arc<T>,
    pub spans: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
    pub calls: Vec<crate::types::DefPath>,
    /// Fields and codes the body names, with what they resolved to.
    pub names: Vec<NameUse>,
}

pub type SharedChecked<T> = Arc<Checked<T>>;

/// The checked form of any item with a body, for the editor: its body, source map and the
/// names it resolved, whatever the kind of item.
#[derive(Clone, Debug)]
pub enum CheckedItem {
    Rule(SharedChecked<crate::ir::RuleIr>),
    Function(SharedChecked<crate::ir::FunctionIr>),
    Const(SharedChecked<crate::ir::ConstIr>),
    Table(SharedChecked<crate::ir::TableIr>),
    Example(SharedChecked<crate::ir::ExampleIr>),
}

impl CheckedItem {
    /// The checked item, or `None` for an item without a body (a record, a code list, ...).
    pub fn of(db: &dyn Db, item: crate::db::ItemId<'_>) -> Option<CheckedItem> {
        use crate::syntax::ast::ItemKind;
        Some(match item.key(db).kind {
            ItemKind::Rule => CheckedItem::Rule(rule::check_rule(db, item)),
            ItemKind::Function => CheckedItem::Function(items::check_function(db, item)),
            ItemKind::Const => CheckedItem::Const(items::check_const(db, item)),
            ItemKind::Fixture => CheckedItem::Const(items::check_fixture(db, item)),
            ItemKind::Table => CheckedItem::Table(table::check_table(db, item)),
            ItemKind::Example => CheckedItem::Example(items::check_example(db, item)),
            _ => return None,
        })
    }

    pub fn body(&self) -> &Body {
        match self {
            CheckedItem::Rule(checked) => &checked.ir.body,
            CheckedItem::Function(checked) => &checked.ir.body,
            CheckedItem::Const(checked) => &checked.ir.body,
            CheckedItem::Table(checked) => &checked.ir.body,
            CheckedItem::Example(checked) => &checked.ir.body,
        }
    }

    /// The span of each node of [`body`](CheckedItem::body), relative to the item.
    pub fn spans(&self) -> &[Span] {
        match self {
            CheckedItem::Rule(checked) => &checked.spans,
            CheckedItem::Function(checked) => &checked.spans,
            CheckedItem::Const(checked) => &checked.spans,
            CheckedItem::Table(checked) => &checked.spans,
            CheckedItem::Example(checked) => &checked.spans,
        }
    }

    pub fn names(&self) -> &[NameUse] {
        match self {
            CheckedItem::Rule(checked) => &checked.names,
            CheckedItem::Function(checked) => &checked.names,
            CheckedItem::Const(checked) => &checked.names,
            CheckedItem::Table(checked) => &checked.names,
            CheckedItem::Example(checked) => &checked.names,
        }
    }
}
